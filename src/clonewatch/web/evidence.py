"""What the domain page shows of a stored evidence document, picked out defensively.

Evidence is JSON written by the probe stage, but every string in it came from the adversary
(titles, URLs, registrar fields) and older documents may lack fields: each accessor takes what has
the expected type and drops the rest. Escaping is the templates' job (autoescape is on)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

_SHA256 = re.compile(r"[0-9a-f]{64}")
DNS_TYPES = ("a", "aaaa", "cname", "ns", "mx", "txt", "soa", "caa")
RDAP_FIELDS = (
    ("registrar", "Registrar"),
    ("registrar_iana_id", "IANA id"),
    ("abuse_email", "Abuse e-mail"),
    ("abuse_phone", "Abuse phone"),
    ("created", "Created"),
    ("updated", "Updated"),
    ("expires", "Expires"),
    ("rdap_url", "RDAP record"),
    ("error", "Error"),
)
TLS_FIELDS = (
    ("valid", "Valid"),
    ("reason", "Why not"),
    ("subject_cn", "Subject CN"),
    ("issuer", "Issuer"),
    ("not_before", "Not before"),
    ("not_after", "Not after"),
    ("tls_version", "Version"),
    ("sha256", "SHA-256"),
    ("address", "Address"),
    ("error", "Error"),
)
COMPARISON_FIELDS = (
    ("text", "Text similarity"),
    ("structure", "Structure similarity"),
    ("title", "Title similarity"),
    ("visual", "Screenshot similarity"),
    ("shared_assets", "Assets loaded from the genuine site"),
    ("shared_analytics", "Analytics IDs shared with the genuine site"),
    ("genuine_links", "Links to the genuine site"),
    ("genuine_url_claim", "Claims to be (canonical / og:url)"),
    ("same_site_name", "Same site name"),
)
CHAIN_LABELS = {"plain": "HTTP client", "social": "HTTP client arriving from X", "browser": "Chromium"}


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class HopView:
    """One hop of a redirect chain as shown: the address asked, how it sent the visitor on."""

    url: str
    host: str
    status: str
    address: str
    mechanism: str


@dataclass(frozen=True, slots=True)
class ChainView:
    label: str
    hops: list[HopView]
    final_url: str
    error: str | None


def sha256_or_none(value: Any) -> str | None:
    """A blob name (SHA-256 hex), or None for anything else (a file path, missing)."""
    return value if isinstance(value, str) and _SHA256.fullmatch(value) else None


def _hop(raw: Any) -> HopView | None:
    hop = _map(raw)
    url = _text(hop.get("url"))
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    status = hop.get("status")
    return HopView(
        url=url,
        host=host,
        status=str(status) if isinstance(status, int) else "—",
        address=_text(hop.get("address")) or "",
        mechanism=_text(hop.get("mechanism")) or "?",
    )


def _label(visitor: str) -> str:
    """What a visitor is called; a vantage point's (``NAME:visitor``) also says which vantage."""
    vantage, sep, who = visitor.rpartition(":")
    if sep and who in CHAIN_LABELS:
        return f"{CHAIN_LABELS[who]}, through {vantage}"
    return CHAIN_LABELS.get(visitor, visitor)


def _browser_chain(raw: Any, label: str) -> ChainView | None:
    """A browser visit's navigations; None when it recorded neither a navigation nor an error."""
    browser = _map(raw)
    hops = [h for h in map(_hop, browser.get("navigations") or []) if h is not None]
    error = _text(browser.get("error"))
    if not hops and not error:
        return None
    return ChainView(label, hops, _text(browser.get("final_url")) or "", error)


def chains(evidence: Mapping[str, Any]) -> list[ChainView]:
    """Each visitor's redirect chain (HTTP client, social visitor, browser; directly, then through
    each vantage point), hop by hop."""
    found: list[ChainView] = []
    for visitor, raw in _map(evidence.get("http")).items():
        http = _map(raw)
        hops = [h for h in map(_hop, http.get("chain") or []) if h is not None]
        label = _label(str(visitor))
        found.append(ChainView(label, hops, _text(http.get("final_url")) or "", _text(http.get("error"))))
    browsers = [(CHAIN_LABELS["browser"], evidence.get("browser"))]
    for name, seen in _map(evidence.get("vantages")).items():
        browsers.append((_label(f"{name}:browser"), _map(seen).get("browser")))
    for label, raw in browsers:
        chain = _browser_chain(raw, label)
        if chain is not None:
            found.append(chain)
    return found


def dns_records(evidence: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """(record type, values) for every type with values."""
    dns = _map(evidence.get("dns"))
    rows = []
    for kind in DNS_TYPES:
        values = dns.get(kind)
        if isinstance(values, list) and values:
            rows.append((kind.upper(), [str(v) for v in values]))
    return rows


def _fields(record: Mapping[str, Any], names: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    rows = []
    for key, label in names:
        value = record.get(key)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value) or None
        if value is not None and value != "":
            rows.append((label, str(value)))
    return rows


def rdap(evidence: Mapping[str, Any]) -> list[tuple[str, str]]:
    lists = (("nameservers", "Name servers"), ("status", "Status"))
    return _record_rows(_map(evidence.get("rdap")), RDAP_FIELDS, lists)


def tls(evidence: Mapping[str, Any]) -> list[tuple[str, str]]:
    lists = (("sans", "Names"), ("other_names", "Other names on the certificate"))
    return _record_rows(_map(evidence.get("tls")), TLS_FIELDS, lists)


def _record_rows(
    record: Mapping[str, Any], fields: tuple[tuple[str, str], ...], lists: tuple[tuple[str, str], ...]
) -> list[tuple[str, str]]:
    """The record's single fields, then each non-empty list field joined by commas."""
    rows = _fields(record, fields)
    for key, label in lists:
        values = record.get(key)
        if isinstance(values, list) and values:
            rows.append((label, ", ".join(str(v) for v in values)))
    return rows


def page_title(evidence: Mapping[str, Any]) -> str | None:
    """The title the suspect page shows (the browser's, else a plain visit's)."""
    title = _text(_map(evidence.get("browser")).get("title"))
    if title:
        return title
    for raw in _map(evidence.get("http")).values():
        title = _text(_map(_map(raw).get("page")).get("title"))
        if title:
            return title
    return None


def fingerprints(evidence: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What the comparison with the genuine site found (scores and the values they share)."""
    comparison = _map(evidence.get("comparison"))
    rows = _fields(comparison, COMPARISON_FIELDS)
    examples = comparison.get("shared_asset_examples")
    if isinstance(examples, list) and examples:
        rows.append(("Examples of shared assets", ", ".join(str(v) for v in examples[:5])))
    return rows


def screenshots(evidence: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The blob names of the suspect's screenshot and the genuine site's."""
    suspect = sha256_or_none(evidence.get("screenshot")) or sha256_or_none(
        _map(evidence.get("browser")).get("png_sha256")
    )
    genuine = sha256_or_none(_map(evidence.get("genuine_site")).get("screenshot"))
    return suspect, genuine


def vantage_screenshots(evidence: Mapping[str, Any]) -> list[tuple[str, str, str | None]]:
    """(vantage, blob name, page title) of each vantage point whose browser kept a screenshot."""
    found = []
    for name, raw in _map(evidence.get("vantages")).items():
        seen = _map(raw)
        browser = _map(seen.get("browser"))
        shot = sha256_or_none(seen.get("screenshot")) or sha256_or_none(browser.get("png_sha256"))
        if shot is not None:
            found.append((str(name), shot, _text(browser.get("title"))))
    return found


def summary(evidence: Mapping[str, Any]) -> dict[str, Any]:
    """Everything above, for the domain page and the API."""
    suspect, genuine = screenshots(evidence)
    return {
        "title": page_title(evidence),
        "screenshot": suspect,
        "genuine_screenshot": genuine,
        "vantage_screenshots": vantage_screenshots(evidence),
        "genuine_url": _text(_map(evidence.get("genuine_site")).get("final_url")),
        "chains": chains(evidence),
        "dns": dns_records(evidence),
        "rdap": rdap(evidence),
        "tls": tls(evidence),
        "fingerprints": fingerprints(evidence),
        "error": _text(evidence.get("error")),
    }
