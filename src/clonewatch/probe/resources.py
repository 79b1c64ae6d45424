"""The seam between headless Chromium and the network: the browser asks, a fetcher answers.

Chromium never connects anywhere itself. Every request it makes is handed to a `ResourceFetcher`
that the caller supplies (it resolves names with the user's resolver, refuses private addresses,
caps size and time, and does not follow redirects); its `Resource` is what the page receives.
A fetcher refuses a request by raising `clonewatch.errors.FetchRefused`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urldefrag, urljoin

if TYPE_CHECKING:
    from clonewatch.net import HttpClient

REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Dropped before the body goes to Chromium: the fetcher hands over a whole, decoded body.
_UNFORWARDED = frozenset(
    {"content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive"}
)
_SCAN_BYTES = 64 * 1024
_META = re.compile(rb"<meta\b[^>]*?http-equiv\s*=\s*[\"']?\s*refresh\b[^>]*>", re.IGNORECASE)
_CONTENT = re.compile(rb"\bcontent\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)
_REFRESH = re.compile(r"^\s*[\d.]*\s*(?:[;,]\s*(?:url\s*=\s*)?[\"']?([^\"']*)[\"']?)?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Resource:
    """One HTTP answer as the fetcher got it: status, headers in order, and the decoded body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of a header (case-insensitive), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def redirect_target(self, url: str) -> str | None:
        """The absolute URL a 3xx answer to `url` points at, or None when it is not a redirect."""
        location = self.header("location")
        if self.status not in REDIRECTS or not location:
            return None
        return urljoin(url, location.strip())

    def refresh_target(self, url: str) -> str | None:
        """Where a meta-refresh tag (or a Refresh header) in this answer to `url` sends the page."""
        value = self.header("refresh")
        if value is None:
            tag = _META.search(self.body[:_SCAN_BYTES])
            content = _CONTENT.search(tag.group(0)) if tag else None
            if content is None:
                return None
            value = next(group for group in content.groups() if group is not None).decode("latin-1")
        match = _REFRESH.match(value)
        if match is None:
            return None
        target = str(match.group(1) or "").strip()
        return urldefrag(urljoin(url, target))[0]

    def fulfil_headers(self) -> dict[str, str]:
        """Headers for Chromium: framing headers dropped, repeated ones joined (cookies by newline)."""
        merged: dict[str, str] = {}
        for key, value in self.headers:
            name = key.lower()
            if name in _UNFORWARDED:
                continue
            if name in merged:
                merged[name] += ("\n" if name == "set-cookie" else ", ") + value
            else:
                merged[name] = value
        return merged


class ResourceFetcher(Protocol):
    """Fetches one URL with the browser's request headers; blocking, no redirects followed.

    Raises `FetchRefused` for a URL it must not touch; any other exception counts as a failure.
    """

    def __call__(self, url: str, headers: Mapping[str, str]) -> Resource: ...


def network_fetcher(client: HttpClient) -> ResourceFetcher:
    """A ResourceFetcher over the network layer: every request Chromium makes goes through it,
    each with twice the client's timeout."""

    def fetch(url: str, headers: Mapping[str, str]) -> Resource:
        deadline = time.monotonic() + client.settings.timeout * 2
        page = client.get(url, headers=dict(headers), deadline=deadline)
        return Resource(page.status, page.headers, page.body)

    return fetch
