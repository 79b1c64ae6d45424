"""The pivot values of one probe evidence record (``clonewatch probe --format jsonl``).

Addresses and their /24 or /48 networks (and the ASN with a table), name servers, MX, registrar
and creation batch, the TLS certificate (SHA-256, issuer with serial, the names on it), redirect
hops (hosts other than the domain itself and the genuine site, and the shapes of their URLs),
analytics IDs other than the genuine outlet's, favicon hash, DOM template hash, the text's TLSH
and the body hash. Chains and pages are read from every visit: the direct visitors', each
vantage's (``http["NAME:visitor"]``) and every browser's navigations, the direct one and each
vantage's (``vantages.NAME.browser``), since a cloaking filter shows the hops that join an
operation only to the visitors it targets. The registrar alone and the issuer alone are never
pivots: only in a batch or with a serial. Every field is read defensively: evidence comes from
hostile sites.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from clonewatch.cluster.records import DomainFacts, Pivot
from clonewatch.cluster.shapes import url_shape
from clonewatch.names import DomainName, default_psl, parse_host

VISITORS = ("social", "plain")
MAX_VALUES = 50  # per kind and record: a page listing thousands of IDs cannot flood the graph
MAX_VISITS = 64  # HTTP visits and browser chains read per record


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [
        item.strip().lower().rstrip(".")
        for item in value[:MAX_VALUES]
        if isinstance(item, str) and item.strip()
    ]


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value.strip()[:500] if isinstance(value, str) and value.strip() else None


@lru_cache(maxsize=1 << 16)
def registrable(host: str) -> str | None:
    """The registrable domain of a host name, or None when it is not one (an address, junk).
    Cached: redirect hosts repeat across thousands of records."""
    name = parse_host(host, default_psl())
    return name.registrable if isinstance(name, DomainName) else None


def network_of(address: str) -> Pivot | None:
    """The /24 (IPv4) or /48 (IPv6) network of an address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    prefix = 24 if ip.version == 4 else 48
    return Pivot(f"net{prefix}", str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False)))


def batch_keys(registrar: str, created: str, window: timedelta) -> list[Pivot]:
    """Two buckets of ``window`` (one shifted by half), so registrations less than half a window
    apart always share one: the registrar and the creation batch together, never the registrar alone."""
    try:
        moment = datetime.fromisoformat(created)
    except ValueError:
        return []
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = moment.timestamp()
    size = window.total_seconds()
    name = registrar.strip().lower()
    return [
        Pivot("registrar-batch", f"{name}|{int(seconds // size)}"),
        Pivot("registrar-batch", f"{name}|{int((seconds + size / 2) // size)}+"),
    ]


def facts_of(
    record: Mapping[str, Any],
    *,
    window: timedelta,
    asn: Callable[[str], int | None] | None = None,
    genuine_hosts: Collection[str] = frozenset(),
) -> DomainFacts | None:
    """The pivots of one evidence record; None when it names no domain. Hops through
    ``genuine_hosts`` (the watched outlets' domains) and the record's own genuine site are no pivots."""
    domain = _text(record.get("domain"))
    if domain is None:
        return None
    domain = domain.lower()
    genuine = _text(record.get("genuine"))
    pivots: set[Pivot] = {Pivot("host", registrable(domain) or domain)}
    dns, rdap, tls = _dict(record.get("dns")), _dict(record.get("rdap")), _dict(record.get("tls"))
    for address in _strings(dns.get("a")) + _strings(dns.get("aaaa")):
        pivots.add(Pivot("address", address))
        network = network_of(address)
        if network is not None:
            pivots.add(network)
        number = asn(address) if asn is not None else None
        if number is not None:
            pivots.add(Pivot("asn", str(number)))
    pivots.update(Pivot("ns", name) for name in _strings(dns.get("ns")) + _strings(rdap.get("nameservers")))
    pivots.update(Pivot("mx", _mx_host(value)) for value in _strings(dns.get("mx")))
    registrar, created = _text(rdap.get("registrar")), _text(rdap.get("created"))
    if registrar and created:
        pivots.update(batch_keys(registrar, created, window))
    pivots.update(_certificate(tls, domain))
    hop_hosts: list[str] = []
    verdict = _text(record.get("verdict"))
    for visit in visits(record):
        hop_hosts.extend(_hops(visit, domain, genuine, pivots, genuine_hosts))
        if verdict != "parked":  # a parked page is the parking provider's, not the owner's
            _page(visit, pivots)
    for browser in browsers(record):
        hop_hosts.extend(_hops({"chain": browser.get("navigations")}, domain, genuine, pivots, genuine_hosts))
    return DomainFacts(
        domain,
        verdict,
        brand=_text(record.get("brand")),
        genuine=genuine,
        registered=created,
        probed=_text(record.get("probed_at")),
        pivots=tuple(sorted(pivots)),  # a set's order changes from run to run; results must not
        hop_hosts=tuple(dict.fromkeys(hop_hosts)),
    )


def visits(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The record's HTTP visits: the direct visitors', then every vantage's (``NAME:visitor``)
    in name order."""
    http = _dict(record.get("http"))
    vantages = sorted(key for key in http if isinstance(key, str) and ":" in key)
    found = [_dict(http.get(key)) for key in (*VISITORS, *vantages)]
    return [visit for visit in found if visit][:MAX_VISITS]


def browsers(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The record's browser visits: the direct one, then every vantage's in name order."""
    vantages = _dict(record.get("vantages"))
    names = sorted(name for name in vantages if isinstance(name, str))
    found = [_dict(record.get("browser"))] + [_dict(_dict(vantages[name]).get("browser")) for name in names]
    return [browser for browser in found if browser][:MAX_VISITS]


def _mx_host(value: str) -> str:
    """``10 mail.example.`` -> ``mail.example``."""
    return value.split()[-1].rstrip(".")


def _certificate(tls: Mapping[str, Any], domain: str) -> Iterator[Pivot]:
    sha = _text(tls.get("sha256"))
    if sha:
        yield Pivot("cert", sha.lower())
    issuer, serial = _text(tls.get("issuer")), _text(tls.get("serial"))
    if issuer and serial:
        yield Pivot("issuer-serial", f"{issuer}|{serial.lower()}")
    for name in _strings(tls.get("sans")):
        base = registrable(name.removeprefix("*."))
        if base is not None and base != registrable(domain):
            yield Pivot("cert-name", base)


def _hops(
    visit: Mapping[str, Any],
    domain: str,
    genuine: str | None,
    pivots: set[Pivot],
    genuine_hosts: Collection[str],
) -> Iterator[str]:
    """Hosts the chain passes through or ends on (not the domain itself, not the genuine site)
    and the shapes of every hop after the first."""
    chain = visit.get("chain")
    own = registrable(domain)
    for position, hop in enumerate(chain[:20] if isinstance(chain, list) else []):
        url = _text(_dict(hop).get("url"))
        if url is None or position == 0:
            continue
        shape = url_shape(url)
        if shape is not None:
            pivots.add(Pivot("hop-shape", shape))
        host = _host(url)
        base = registrable(host) if host else None
        if base is not None and base not in (own, genuine) and base not in genuine_hosts:
            pivots.add(Pivot("host", base))
            yield base


def _host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def _page(visit: Mapping[str, Any], pivots: set[Pivot]) -> None:
    page = _dict(visit.get("page"))
    pivots.update(Pivot("analytics", analytics) for analytics in _strings(page.get("analytics_ids")))
    favicon = visit.get("favicon_hash")
    if isinstance(favicon, int) and not isinstance(favicon, bool):
        pivots.add(Pivot("favicon", str(favicon)))
    for kind, value in (
        ("template", page.get("structure_hash")),
        ("text", page.get("text_hash")),
        ("body", visit.get("body_sha256")),
    ):
        text = _text(value)
        if text:
            pivots.add(Pivot(kind, text.lower()))


def copied_values(record: Mapping[str, Any]) -> set[Pivot]:
    """Values of the genuine site a record names (its analytics IDs, favicon, template and text
    hashes, and the IDs the comparison found copied): evidence of copying the same outlet, not of
    a common operator, so they never join domains."""
    genuine = _dict(record.get("genuine_site"))
    ids = _strings(_dict(record.get("comparison")).get("shared_analytics")) + _strings(
        genuine.get("analytics_ids")
    )
    found = {Pivot("analytics", value) for value in ids}
    favicon = genuine.get("favicon_hash")
    if isinstance(favicon, int) and not isinstance(favicon, bool):
        found.add(Pivot("favicon", str(favicon)))
    for kind, key in (("template", "structure_hash"), ("text", "text_hash")):
        text = _text(genuine.get(key))
        if text:
            found.add(Pivot(kind, text.lower()))
    return found
