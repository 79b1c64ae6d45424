"""Where a visitor ends up: the redirect chain a plain HTTP client sees, HTTP 3xx hops and the
meta-refresh and plain JavaScript ``location`` hops written in the page, with the final page's
fingerprints."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from clonewatch.errors import FetchFailed, FetchRefused
from clonewatch.net import Hop, HttpClient, Response, join_location
from clonewatch.net import follow as follow_redirects
from clonewatch.probe.page import PageFingerprint, favicon_hash, fingerprint

BROWSER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0 Safari/537.36"
)
PLAIN_AGENT = "clonewatch/0.1 (+https://github.com/clonewatch)"
MAX_REFRESH_DELAY = 30  # a meta refresh slower than this is a page that reloads, not a redirect
FAVICON_BYTES = 256 * 1024
# Fingerprinting is CPU work the network deadline does not bound, so how much of a page is read
# follows the time left: real pages fingerprint at 1 MB a second or faster (the slowest of 155 saved
# news pages), never past the 2 MB the browser keeps of a page, always the first 64 KB (head, title).
FINGERPRINT_BYTES = 2_000_000
FINGERPRINT_RATE = 1_000_000
FINGERPRINT_FLOOR = 64 * 1024


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
    client: HttpClient,
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
    prints: dict[str, PageFingerprint] = {}

    def onward(page: Response) -> tuple[str, str] | None:
        if time.monotonic() >= deadline:
            return None
        prints[page.url] = found = _fingerprint(page, genuine_domains, deadline)
        if found.meta_refresh is not None and found.meta_refresh[0] <= MAX_REFRESH_DELAY:
            return found.meta_refresh[1], "meta-refresh"
        if found.script_redirect is not None:
            return found.script_redirect, "javascript"
        return None

    headers = visitor.headers()
    chain = follow_redirects(client, url, headers=headers, deadline=deadline, onward=onward)
    page = chain.final
    if page is None:
        return HttpEvidence(str(visitor), chain.hops, chain.final_url, error=chain.error)
    final_prints = prints.get(page.url) or _fingerprint(page, genuine_domains, deadline)
    icon = _favicon(client, page, final_prints, headers, deadline) if favicon else None
    return HttpEvidence(
        str(visitor),
        chain.hops,
        chain.final_url,
        status=page.status,
        server=page.header("server"),
        content_type=page.header("content-type"),
        page=final_prints,
        favicon_hash=icon,
        truncated=page.truncated,
        body_sha256=_body_hash(page.body, keep),
    )


def _fingerprint(page: Response, genuine_domains: Collection[str], deadline: float) -> PageFingerprint:
    body = page.body[: fingerprint_bytes(deadline - time.monotonic())]
    return fingerprint(
        body, url=page.url, content_type=page.header("content-type"), genuine_domains=genuine_domains
    )


def fingerprint_bytes(remaining: float) -> int:
    """How much of a page to fingerprint with ``remaining`` seconds of the visitor's budget left."""
    return max(FINGERPRINT_FLOOR, min(FINGERPRINT_BYTES, int(max(remaining, 0.0) * FINGERPRINT_RATE)))


def _favicon(
    client: HttpClient, page: Response, prints: PageFingerprint, headers: dict[str, str], deadline: float
) -> int | None:
    """The Shodan-style hash of the page's icon (declared, else /favicon.ico), if it has one."""
    candidates = [*prints.favicon_urls, join_location(page.url, "/favicon.ico") or page.url]
    for candidate in candidates[:2]:
        if time.monotonic() >= deadline:
            return None
        try:
            icon = client.get(candidate, headers=headers, deadline=min(deadline, time.monotonic() + 5))
        except (FetchRefused, FetchFailed, TimeoutError):
            continue
        if icon.status == 200 and icon.body and len(icon.body) <= FAVICON_BYTES and not icon.truncated:
            return favicon_hash(icon.body)
    return None


def _body_hash(body: bytes, keep: Callable[[bytes], str] | None) -> str | None:
    """The final page's SHA-256 (a campaign pivot), the body stored by ``keep`` when given."""
    if not body:
        return None
    return keep(body) if keep is not None else hashlib.sha256(body).hexdigest()
