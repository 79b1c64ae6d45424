"""What an export says about one domain, read from its stored evidence document.

The evidence is the probe's JSON as the store keeps it (``clonewatch probe``'s record): every
field may be missing, null or of the wrong type (older documents, failed probes, hostile values),
so each reader here checks what it takes and never raises.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

VISITORS = ("social", "plain")  # the victim's view first: cloakers show others something else
MAX_VANTAGES = 16


def text(value: Any) -> str | None:
    """A non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def texts(value: Any) -> tuple[str, ...]:
    """The non-empty strings of a list, in order, without repeats."""
    if not isinstance(value, list | tuple):
        return ()
    return tuple(dict.fromkeys(item for item in value if isinstance(item, str) and item))


def section(document: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = document.get(key)
    return value if isinstance(value, Mapping) else {}


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of the redirect chain: URL, status, server address, and how it sent the visitor on."""

    url: str
    status: int | None
    address: str | None
    mechanism: str


@dataclass(frozen=True, slots=True)
class Certificate:
    """The certificate the domain presented."""

    sha256: str
    serial: str | None
    subject: str | None
    issuer: str | None
    not_before: str | None
    not_after: str | None
    names: tuple[str, ...]
    self_signed: bool | None
    valid: bool | None


@dataclass(frozen=True, slots=True)
class Artefact:
    """A captured file named by its SHA-256: a screenshot or a page body."""

    kind: str
    sha256: str


@dataclass(frozen=True, slots=True)
class VantageView:
    """What one vantage point saw: the chain of its visitor (``social``, else ``plain``), its
    browser's navigations, where they ended, the page's title and the browser's screenshot."""

    name: str
    visitor: str | None = None
    chain: tuple[Hop, ...] = ()
    browser_chain: tuple[Hop, ...] = ()
    final_url: str | None = None
    title: str | None = None
    screenshot: str | None = None

    @property
    def urls(self) -> tuple[str, ...]:
        """Every URL this vantage was sent through or ended on, in order, without repeats."""
        found = [hop.url for hop in (*self.chain, *self.browser_chain)]
        return tuple(dict.fromkeys([*found, *([self.final_url] if self.final_url else [])]))


@dataclass(frozen=True, slots=True)
class DomainFacts:
    """The facts of one probe that exports carry, each from the evidence or None/empty."""

    probed_at: str | None = None
    registrar: str | None = None
    registrar_iana_id: str | None = None
    abuse_email: str | None = None
    abuse_phone: str | None = None
    registered: str | None = None
    expires: str | None = None
    rdap_url: str | None = None
    name_servers: tuple[str, ...] = ()
    ipv4: tuple[str, ...] = ()
    ipv6: tuple[str, ...] = ()
    mx: tuple[str, ...] = ()
    cname: tuple[str, ...] = ()
    txt: tuple[str, ...] = ()
    chain: tuple[Hop, ...] = ()
    final_url: str | None = None
    server: str | None = None
    title: str | None = None
    favicon_mmh3: int | None = None
    certificate: Certificate | None = None
    artefacts: tuple[Artefact, ...] = ()
    screenshot: str | None = None
    genuine_url: str | None = None
    genuine_title: str | None = None
    genuine_screenshot: str | None = None
    verdict_facts: tuple[str, ...] = ()
    similarity: Mapping[str, Any] | None = None
    vantages: tuple[VantageView, ...] = ()

    @property
    def addresses(self) -> tuple[str, ...]:
        return self.ipv4 + self.ipv6

    @property
    def hop_hosts(self) -> tuple[str, ...]:
        """The host names the chain passed through, in order, without repeats."""
        from urllib.parse import urlsplit

        hosts: dict[str, None] = {}
        for hop in self.chain:
            try:
                host = urlsplit(hop.url).hostname
            except ValueError:
                continue
            if host:
                hosts[host.lower()] = None
        return tuple(hosts)


def read_facts(evidence: Mapping[str, Any] | None) -> DomainFacts:
    """The facts of one evidence document (an empty record for None)."""
    if not evidence:
        return DomainFacts()
    dns = section(evidence, "dns")
    rdap = section(evidence, "rdap")
    visit = _visit(evidence)
    page = section(visit, "page")
    genuine = section(evidence, "genuine_site")
    ipv4, ipv6 = _addresses(texts(dns.get("a")) + texts(dns.get("aaaa")))
    screenshot = _sha(evidence.get("screenshot"))
    vantages = _vantages(evidence)
    return DomainFacts(
        probed_at=text(evidence.get("probed_at")),
        registrar=text(rdap.get("registrar")),
        registrar_iana_id=text(rdap.get("registrar_iana_id")),
        abuse_email=text(rdap.get("abuse_email")),
        abuse_phone=text(rdap.get("abuse_phone")),
        registered=text(rdap.get("created")),
        expires=text(rdap.get("expires")),
        rdap_url=text(rdap.get("rdap_url")),
        name_servers=texts(dns.get("ns")) or texts(rdap.get("nameservers")),
        ipv4=ipv4,
        ipv6=ipv6,
        mx=texts(dns.get("mx")),
        cname=texts(dns.get("cname")),
        txt=texts(dns.get("txt")),
        chain=_chain(visit),
        final_url=text(visit.get("final_url")),
        server=text(visit.get("server")),
        title=text(page.get("title")) or text(section(evidence, "browser").get("title")),
        favicon_mmh3=_int(visit.get("favicon_hash")),
        certificate=_certificate(section(evidence, "tls")),
        artefacts=_artefacts(evidence, screenshot, vantages),
        screenshot=screenshot,
        genuine_url=text(genuine.get("final_url")),
        genuine_title=text(genuine.get("title")),
        genuine_screenshot=_sha(genuine.get("screenshot")),
        verdict_facts=texts(evidence.get("facts")),
        similarity=section(evidence, "comparison") or None,
        vantages=vantages,
    )


def _visit(evidence: Mapping[str, Any]) -> Mapping[str, Any]:
    return _first_visit(evidence)[1]


def _first_visit(evidence: Mapping[str, Any], prefix: str = "") -> tuple[str | None, Mapping[str, Any]]:
    """The first visit kept of VISITORS (under ``prefix``, a vantage's ``NAME:``) and its visitor."""
    http = section(evidence, "http")
    for visitor in VISITORS:
        seen = section(http, prefix + visitor)
        if seen:
            return visitor, seen
    return None, {}


def vantage_names(evidence: Mapping[str, Any]) -> tuple[str, ...]:
    """The vantage points of a record: those under ``vantages``, then any other whose visits are
    kept as ``NAME:visitor``, in the record's order (at most MAX_VANTAGES)."""
    names = [name for name in section(evidence, "vantages") if isinstance(name, str) and name]
    for key in section(evidence, "http"):
        name, sep, visitor = str(key).rpartition(":")
        if sep and name and visitor in VISITORS:
            names.append(name)
    return tuple(dict.fromkeys(names))[:MAX_VANTAGES]


def _vantages(evidence: Mapping[str, Any]) -> tuple[VantageView, ...]:
    found = []
    for name in vantage_names(evidence):
        visitor, visit = _first_visit(evidence, f"{name}:")
        seen = section(section(evidence, "vantages"), name)
        browser = section(seen, "browser")
        page = section(visit, "page")
        found.append(
            VantageView(
                name,
                visitor,
                chain=_chain(visit),
                browser_chain=_chain({"chain": browser.get("navigations")}),
                final_url=text(browser.get("final_url")) or text(visit.get("final_url")),
                title=text(browser.get("title")) or text(page.get("title")),
                screenshot=_sha(seen.get("screenshot")) or _sha(browser.get("png_sha256")),
            )
        )
    return tuple(found)


def _chain(visit: Mapping[str, Any]) -> tuple[Hop, ...]:
    hops = visit.get("chain")
    found = []
    for hop in hops if isinstance(hops, list) else ():
        if not isinstance(hop, Mapping) or text(hop.get("url")) is None:
            continue
        found.append(
            Hop(
                str(hop["url"]),
                _int(hop.get("status")),
                text(hop.get("address")),
                text(hop.get("mechanism")) or "unknown",
            )
        )
    return tuple(found)


def _addresses(values: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """IPv4 and IPv6 addresses, each normalised; anything that is not an address is dropped."""
    v4: dict[str, None] = {}
    v6: dict[str, None] = {}
    for value in values:
        try:
            address = ipaddress.ip_address(value.strip())
        except ValueError:
            continue
        (v4 if address.version == 4 else v6)[str(address)] = None
    return tuple(v4), tuple(v6)


def _certificate(tls: Mapping[str, Any]) -> Certificate | None:
    sha = _sha(tls.get("sha256"))
    if sha is None:
        return None
    self_signed = tls.get("self_signed")
    valid = tls.get("valid")
    return Certificate(
        sha256=sha,
        serial=text(tls.get("serial")),
        subject=text(tls.get("subject_cn")),
        issuer=text(tls.get("issuer")) or text(tls.get("issuer_cn")),
        not_before=text(tls.get("not_before")),
        not_after=text(tls.get("not_after")),
        names=texts(tls.get("sans")),
        self_signed=self_signed if isinstance(self_signed, bool) else None,
        valid=valid if isinstance(valid, bool) else None,
    )


def _artefacts(
    evidence: Mapping[str, Any], screenshot: str | None, vantages: tuple[VantageView, ...]
) -> tuple[Artefact, ...]:
    """Every captured file the evidence names by SHA-256: screenshot, page bodies, each vantage
    point's screenshot and page bodies, certificate."""
    found: dict[tuple[str, str], None] = {}
    if screenshot is not None:
        found[("screenshot", screenshot)] = None
    http = section(evidence, "http")
    for visitor in VISITORS:
        body = _sha(section(http, visitor).get("body_sha256"))
        if body is not None:
            found[(f"page body ({visitor} visitor)", body)] = None
    for vantage in vantages:
        if vantage.screenshot is not None:
            found[(f"screenshot through {vantage.name}", vantage.screenshot)] = None
        for visitor in VISITORS:
            body = _sha(section(http, f"{vantage.name}:{visitor}").get("body_sha256"))
            if body is not None:
                found[(f"page body ({visitor} visitor through {vantage.name})", body)] = None
    certificate = _sha(section(evidence, "tls").get("sha256"))
    if certificate is not None:
        found[("TLS certificate (DER)", certificate)] = None
    return tuple(Artefact(kind, sha) for kind, sha in found)


def _sha(value: Any) -> str | None:
    """A SHA-256 hex digest, lower-cased, or None (a path or anything else is not one)."""
    if not isinstance(value, str):
        return None
    candidate = value.strip().lower()
    if len(candidate) == 64 and all(c in "0123456789abcdef" for c in candidate):
        return candidate
    return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
