"""The evidence record of one probed domain: what it answers (DNS, RDAP, TLS, HTTP per visitor,
browser) and how it compares with the genuine site. What it imitates (the match) and what it is
(the verdict) stand beside it, in ``clonewatch.pipeline.Probed``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clonewatch.probe.capture import BrowserCapture
    from clonewatch.probe.chain import HttpEvidence
    from clonewatch.probe.rdap import RdapEvidence
    from clonewatch.probe.records import DnsEvidence
    from clonewatch.probe.similarity import Similarity
    from clonewatch.probe.tls import TlsEvidence


@dataclass(frozen=True, slots=True)
class SiteView:
    """What a site showed: per-visitor HTTP evidence and, when the browser ran, its capture."""

    http: dict[str, HttpEvidence] = field(default_factory=dict)
    browser: BrowserCapture | None = None
    screenshot: str | None = None
    dns: DnsEvidence | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "http": {name: evidence.to_dict() for name, evidence in self.http.items()},
            "browser": _browser(self.browser),
            "screenshot": self.screenshot,
        }


@dataclass(frozen=True, slots=True)
class VantageSeen:
    """One vantage point's part beyond its HTTP visits (those are in ``SiteView.http`` as
    ``NAME:visitor``): its proxy and who checked which address, the browser's visit through it
    (chain, final page) and its screenshot, and how the page it was shown compares with the
    genuine site."""

    described: dict[str, Any]
    comparison: Similarity | None = None
    browser: BrowserCapture | None = None
    screenshot: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.described,
            "browser": _browser(self.browser),
            "screenshot": self.screenshot,
            "comparison": self.comparison.to_dict() if self.comparison else None,
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """Everything collected about one domain."""

    domain: str
    unicode: str
    probed_at: str
    elapsed: float
    dns: DnsEvidence | None = None
    rdap: RdapEvidence | None = None
    tls: TlsEvidence | None = None
    site: SiteView = field(default_factory=SiteView)
    genuine_site: SiteView | None = None
    comparison: Similarity | None = None
    error: str | None = None
    vantages: dict[str, VantageSeen] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        vantages = {"vantages": {name: seen.to_dict() for name, seen in self.vantages.items()}}
        return {
            "domain": self.domain,
            "unicode": self.unicode,
            "probed_at": self.probed_at,
            "elapsed": round(self.elapsed, 3),
            "dns": self.dns.to_dict() if self.dns else None,
            "rdap": self.rdap.to_dict() if self.rdap else None,
            "tls": self.tls.to_dict() if self.tls else None,
            **self.site.to_dict(),
            "genuine_site": _genuine_summary(self.genuine_site),
            "comparison": self.comparison.to_dict() if self.comparison else None,
            "error": self.error,
            **(vantages if self.vantages else {}),
        }


def _genuine_summary(view: SiteView | None) -> dict[str, Any] | None:
    if view is None:
        return None
    plain = next(iter(view.http.values()), None)
    page = plain.page if plain else None
    return {
        "final_url": plain.final_url if plain else None,
        "title": page.title if page else None,
        # what a clone copies from the genuine site is evidence of copying, not of a common operator
        "favicon_hash": plain.favicon_hash if plain else None,
        "structure_hash": page.structure_hash if page else None,
        "text_hash": page.text_hash if page else None,
        "analytics_ids": list(page.analytics_ids) if page else [],
        "phash": view.browser.phash if view.browser else None,
        "name_servers": list(view.dns.records.get("NS", ())) if view.dns else [],
        "screenshot": view.screenshot,
    }


def _browser(capture: BrowserCapture | None) -> dict[str, Any] | None:
    """A browser visit in the record: the page's HTML and the PNG stay out (the PNG is stored)."""
    if capture is None:
        return None
    shown = capture.to_dict()
    shown.pop("html", None)
    shown.pop("png", None)
    return shown
