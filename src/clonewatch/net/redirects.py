"""The one redirect follower: hop by hop, every hop's address checked anew by the client.

A hop is an HTTP 3xx, or whatever ``onward`` finds in a page (the probe reads meta-refresh and
JavaScript hops). Only http and https hops are followed: a Location that is malformed (bad port,
bad bracket) or names another scheme (``chrome:``, ``data:``, ``file:``) is a refused hop,
recorded, never an exception. Loops and chains longer than the cap stop with an error.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from clonewatch.errors import FetchFailed, FetchRefused
from clonewatch.net.client import HttpClient, Response, parse_web_url

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

Onward = Callable[[Response], tuple[str, str] | None]
"""Given a page that is not an HTTP redirect, where it sends the visitor and how, or None."""


@dataclass(frozen=True, slots=True)
class Hop:
    """One step: the URL asked for, its status and server address, and how it sent us on
    (``http`` 3xx, or the mechanism ``onward`` named), or ``final`` for the last page,
    ``refused`` or ``failed`` when it could not be asked."""

    url: str
    status: int | None
    address: str | None
    mechanism: str

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "status": self.status, "address": self.address, "mechanism": self.mechanism}


@dataclass(frozen=True, slots=True)
class Chain:
    """Where a URL leads: every hop in order, the final URL, the final response when one came,
    and why it stopped early if it did."""

    start: str
    hops: tuple[Hop, ...]
    final_url: str
    final: Response | None = None
    error: str | None = None


def join_location(base: str, location: str) -> str | None:
    """The absolute http(s) URL a Location header (or refresh target) points at, or None when it
    is malformed or names another scheme."""
    try:
        target = urljoin(base, location.strip())
        parse_web_url(target)
    except (ValueError, FetchRefused):
        return None
    return target


def _refusal(location: str) -> str:
    """Why a Location was refused: ``non-web`` for another scheme, else ``malformed``."""
    try:
        scheme = urlsplit(location.strip()).scheme.lower()
    except ValueError:
        return "malformed"
    return "malformed" if scheme in ("", "http", "https") else "non-web"


def follow(
    client: HttpClient,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    deadline: float | None = None,
    max_redirects: int | None = None,
    onward: Onward | None = None,
) -> Chain:
    """Follow ``url`` until a page that sends us nowhere else, a loop, a refusal, a failure, or
    ``max_redirects`` hops (the client's setting by default)."""
    limit = client.settings.max_redirects if max_redirects is None else max_redirects
    if deadline is None:
        deadline = time.monotonic() + client.settings.budget
    hops: list[Hop] = []
    seen: set[str] = set()
    current = url
    for _ in range(limit + 1):
        if current in seen:
            return Chain(url, tuple(hops), current, error=f"redirect loop at {current[:200]}")
        seen.add(current)
        try:
            response = client.get(current, headers=headers, deadline=deadline)
        except FetchRefused as exc:
            hops.append(Hop(current, None, None, "refused"))
            return Chain(url, tuple(hops), current, error=f"refused: {exc}")
        except (FetchFailed, TimeoutError) as exc:
            hops.append(Hop(current, None, None, "failed"))
            return Chain(url, tuple(hops), current, error=str(exc))
        location = response.header("location")
        if response.status in REDIRECT_STATUSES and location:
            hops.append(Hop(current, response.status, response.address or None, "http"))
            target = join_location(current, location)
            if target is None:
                hops.append(Hop(location.strip()[:500], None, None, "refused"))
                error = f"refused: {_refusal(location)} Location {location[:200]!r}"
                return Chain(url, tuple(hops), current, error=error)
            current = target
            continue
        found = onward(response) if onward is not None else None
        if found is not None:
            target = join_location(current, found[0])
            if target is not None and target != current:
                hops.append(Hop(current, response.status, response.address or None, found[1]))
                current = target
                continue
        hops.append(Hop(current, response.status, response.address or None, "final"))
        return Chain(url, tuple(hops), current, final=response)
    return Chain(url, tuple(hops), current, error=f"more than {limit} redirects")
