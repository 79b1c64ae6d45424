"""A ``Site`` as the evidence record ``clonewatch probe --format jsonl`` writes (``Probed.to_dict``): the
fields clustering reads are filled, the rest are null or empty."""

from __future__ import annotations

from typing import Any

from clusterbench.brands import BY_DOMAIN, genuine_summary
from clusterbench.model import Cert, Page, Site, View

UPPER_CASE_RDAP = ("com", "net")  # Verisign's RDAP writes name servers in upper case


def evidence_record(site: Site, probed_at: str) -> dict[str, Any]:
    registered = site.registrar is not None
    return {
        "domain": site.domain,
        "unicode": site.domain,
        "brand": site.brand,
        "genuine": site.genuine,
        "score": None,
        "reasons": [],
        "verdict": site.verdict,
        "confidence": None,
        "facts": [],
        "probed_at": probed_at,
        "elapsed": None,
        "dns": _dns(site, registered),
        "rdap": _rdap(site) if registered else _no_rdap(site),
        "tls": _tls(site) if site.cert is not None and site.hosting is not None else None,
        "http": _http(site),
        "browser": None,
        "screenshot": None,
        "genuine_site": genuine_summary(BY_DOMAIN[site.genuine]) if registered and site.genuine else None,
        "comparison": _comparison(site, registered),
        "error": None,
    }


def _dns(site: Site, registered: bool) -> dict[str, Any]:
    hosting = site.hosting
    return {
        "exists": registered,
        "error": None,
        "a": list(hosting.a) if hosting else [],
        "aaaa": list(hosting.aaaa) if hosting else [],
        "cname": [],
        "ns": list(site.ns),
        "mx": list(site.mx),
        "txt": [],
    }


def _rdap(site: Site) -> dict[str, Any]:
    servers = list(site.ns)
    if site.domain.rsplit(".", 1)[-1] in UPPER_CASE_RDAP:
        servers = [name.upper() for name in servers]
    return {
        "domain": site.domain,
        "rdap_url": None,
        "registrar": site.registrar,
        "registrar_iana_id": None,
        "abuse_email": None,
        "abuse_phone": None,
        "created": site.created,
        "updated": None,
        "expires": None,
        "status": [],
        "nameservers": servers,
        "error": None,
    }


def _no_rdap(site: Site) -> dict[str, Any]:
    return {
        "domain": site.domain,
        "rdap_url": None,
        "registrar": None,
        "created": None,
        "nameservers": [],
        "error": "not found",
    }


def _tls(site: Site) -> dict[str, Any]:
    cert: Cert = site.cert  # type: ignore[assignment]
    issuer_cn = cert.issuer.rsplit("CN=", 1)[-1]
    return {
        "host": site.domain,
        "address": site.hosting.a[0] if site.hosting and site.hosting.a else None,
        "port": 443,
        "valid": cert.valid,
        "reason": None if cert.valid else "hostname mismatch",
        "tls_version": "TLSv1.3",
        "subject_cn": cert.sans[0] if cert.sans else None,
        "sans": list(cert.sans),
        "issuer": cert.issuer,
        "issuer_cn": issuer_cn,
        "issuer_org": None,
        "not_before": None,
        "not_after": None,
        "serial": cert.serial,
        "sha256": cert.sha256,
        "self_signed": False,
        "other_names": [],
        "error": None,
    }


def _http(site: Site) -> dict[str, Any] | None:
    if site.social is None and site.plain is None:
        return None
    return {
        visitor: _view(visitor, view)
        for visitor, view in (("social", site.social), ("plain", site.plain))
        if view is not None
    }


def _view(visitor: str, view: View) -> dict[str, Any]:
    last = view.chain[-1]
    ok = last.mechanism == "final"
    return {
        "visitor": visitor,
        "chain": [
            {"url": hop.url, "status": hop.status, "address": hop.address, "mechanism": hop.mechanism}
            for hop in view.chain
        ],
        "final_url": last.url,
        "status": last.status,
        "server": None,
        "content_type": "text/html; charset=utf-8" if ok else None,
        "page": _page(last.url, view.page) if view.page is not None else None,
        "favicon_hash": view.page.favicon_hash if view.page is not None else None,
        "body_sha256": view.body_sha256,
        "truncated": False,
        "error": None if ok else "connection refused",
    }


def _page(url: str, page: Page) -> dict[str, Any]:
    return {
        "url": url,
        "title": page.title,
        "analytics_ids": list(page.analytics),
        "text_hash": page.text_hash,
        "structure": [],
        "structure_hash": page.structure_hash,
        "parked_signals": list(page.parked_signals),
    }


def _comparison(site: Site, registered: bool) -> dict[str, Any] | None:
    """Compared with the genuine site whenever the record names a brand and the name exists."""
    if not registered or site.genuine is None:
        return None
    return {"shared_analytics": list(site.shared_analytics or ())}
