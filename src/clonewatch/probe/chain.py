"""Where a visitor ends up: the redirect chain a plain HTTP client sees, HTTP 3xx hops and the
meta-refresh and plain JavaScript ``location`` hops written in the page, with the final page's
fingerprints."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urljoin, urlsplit

from clonewatch.probe.fetch import FetchRefused
from clonewatch.probe.http import BROWSER_AGENT, PLAIN_AGENT, FetchFailed, Page, PageFetcher
from clonewatch.probe.page import PageFingerprint, favicon_hash, fingerprint

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REFRESH_DELAY = 30  # a meta refresh slower than this is a page that reloads, not a redirect
FAVICON_BYTES = 256 * 1024


class Visitor(StrEnum):
    """Who asks: a plain client, or a browser arriving from a link on X (what cloakers let in)."""

    PLAIN = "plain"
    SOCIAL = "social"

    def headers(self) -> dict[str, str]:
        if self is Visitor.PLAIN:
            return {"User-Agent": PLAIN_AGENT}
        return {
            "User-Agent": BROWSER_AGENT,
            "Referer": "https://t.co/",
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "en-US,en;q=0.9,de;q=0.8",
        }


@dataclass(frozen=True, slots=True)
class Hop:
    """One step: the URL asked for, its status and server address, and how it sent us on
    (``http`` 3xx, ``meta-refresh``, ``javascript``), or ``final`` for the last page."""

    url: str
    status: int | None
    address: str | None
    mechanism: str

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "status": self.status, "address": self.address, "mechanism": self.mechanism}


@dataclass(frozen=True, slots=True)
class HttpEvidence:
    """What one visitor saw: every hop, the final URL and page (status, headers that matter,
    fingerprints, favicon hash), and why it stopped early if it did."""

    visitor: str
    hops: tuple[Hop, ...]
    final_url: str
    status: int | None = None
    server: str | None = None
    content_type: str | None = None
    page: PageFingerprint | None = None
    favicon_hash: int | None = None
    truncated: bool = False
    error: str | None = None
    body_sha256: str | None = None

    @property
    def final_host(self) -> str:
        return (urlsplit(self.final_url).hostname or "").lower()

    def to_dict(self) -> dict[str, Any]:
        return {
            "visitor": self.visitor,
            "chain": [hop.to_dict() for hop in self.hops],
            "final_url": self.final_url,
            "status": self.status,
            "server": self.server,
            "content_type": self.content_type,
            "page": self.page.to_dict() if self.page is not None else None,
            "favicon_hash": self.favicon_hash,
            "body_sha256": self.body_sha256,
            "truncated": self.truncated,
            "error": self.error,
        }


def follow(
    fetcher: PageFetcher,
    url: str,
    visitor: Visitor,
    *,
    deadline: float,
    genuine_domains: Collection[str] = (),
    favicon: bool = True,
    keep: Callable[[bytes], str] | None = None,
) -> HttpEvidence:
    """Follow ``url`` as ``visitor`` until a page that sends us nowhere else, a loop, a refusal,
    a failure, or max_redirects hops; each hop's address is checked anew. ``keep`` stores the
    final page's body (content-addressed) and gives its name."""
    hops: list[Hop] = []
    seen: set[str] = set()
    current = url
    headers = visitor.headers()
    for _ in range(fetcher.settings.max_redirects + 1):
        if current in seen:
            return HttpEvidence(str(visitor), tuple(hops), current, error=f"redirect loop at {current[:200]}")
        seen.add(current)
        try:
            page = fetcher.get(current, headers=headers, deadline=deadline)
        except FetchRefused as exc:
            hops.append(Hop(current, None, None, "refused"))
            return HttpEvidence(str(visitor), tuple(hops), current, error=f"refused: {exc}")
        except (FetchFailed, TimeoutError) as exc:
            hops.append(Hop(current, None, None, "failed"))
            return HttpEvidence(str(visitor), tuple(hops), current, error=str(exc))
        location = page.header("location")
        if page.status in REDIRECT_STATUSES and location:
            hops.append(Hop(current, page.status, page.address, "http"))
            target = _join(current, location)
            if target is None:
                hops.append(Hop(location.strip()[:500], None, None, "refused"))
                error = f"refused: malformed Location {location[:200]!r}"
                return HttpEvidence(str(visitor), tuple(hops), current, error=error)
            current = target
            continue
        prints = _fingerprint(page, genuine_domains)
        onward, mechanism = _onward(prints)
        if onward is not None and onward != current and _web(onward):
            hops.append(Hop(current, page.status, page.address, mechanism))
            current = onward
            continue
        hops.append(Hop(current, page.status, page.address, "final"))
        icon = _favicon(fetcher, page, prints, headers, deadline) if favicon else None
        return HttpEvidence(
            str(visitor),
            tuple(hops),
            current,
            status=page.status,
            server=page.header("server"),
            content_type=page.header("content-type"),
            page=prints,
            favicon_hash=icon,
            truncated=page.truncated,
            body_sha256=keep(page.body) if keep is not None and page.body else None,
        )
    return HttpEvidence(
        str(visitor), tuple(hops), current, error=f"more than {fetcher.settings.max_redirects} redirects"
    )


def _join(base: str, location: str) -> str | None:
    """The absolute URL a Location header points at, or None when it is malformed."""
    try:
        target = urljoin(base, location.strip())
        urlsplit(target).port  # noqa: B018 - raises on a port out of range
    except ValueError:
        return None
    return target


def _web(url: str) -> bool:
    try:
        return urlsplit(url).scheme in ("http", "https")
    except ValueError:
        return False


def _fingerprint(page: Page, genuine_domains: Collection[str]) -> PageFingerprint:
    return fingerprint(
        page.body, url=page.url, content_type=page.header("content-type"), genuine_domains=genuine_domains
    )


def _onward(prints: PageFingerprint) -> tuple[str | None, str]:
    if prints.meta_refresh is not None and prints.meta_refresh[0] <= MAX_REFRESH_DELAY:
        return prints.meta_refresh[1], "meta-refresh"
    if prints.script_redirect is not None:
        return prints.script_redirect, "javascript"
    return None, ""


def _favicon(
    fetcher: PageFetcher, page: Page, prints: PageFingerprint, headers: dict[str, str], deadline: float
) -> int | None:
    """The Shodan-style hash of the page's icon (declared, else /favicon.ico), if it has one."""
    candidates = [*prints.favicon_urls, _join(page.url, "/favicon.ico") or page.url]
    for candidate in candidates[:2]:
        if time.monotonic() >= deadline:
            return None
        try:
            icon = fetcher.get(candidate, headers=headers, deadline=min(deadline, time.monotonic() + 5))
        except (FetchRefused, FetchFailed, TimeoutError):
            continue
        if icon.status == 200 and icon.body and len(icon.body) <= FAVICON_BYTES and not icon.truncated:
            return favicon_hash(icon.body)
    return None
