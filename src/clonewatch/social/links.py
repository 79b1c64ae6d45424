"""Links from posts: normalised (tracking parameters gone, host lower-cased, de-fanged) and matched."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from clonewatch.match import Match
from clonewatch.names import DomainName, defang, default_psl, parse_host

if TYPE_CHECKING:
    from clonewatch.social.resolve import LinkResolver

# A link already in normal form (lower-case scheme and host, no port, query, fragment or escapes):
# most links in a feed; they skip the general parser.
_PLAIN = re.compile(r"(https?)://([a-z0-9-]+(?:\.[a-z0-9-]+)+)(/[A-Za-z0-9._~/!$&'()*+,;=:@-]*)?\Z")
_OTHER_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)  # mailto:, tel:, but not host:port
# Query parameters that say who shared a link, not what it points at.
TRACKING_PREFIXES = ("utm_", "mc_", "pk_")
TRACKING_NAMES = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "si", "s", "t", "ref", "ref_src"}
)


MATCH_CACHE = 200_000


class Matches(Protocol):
    """Anything that gives a look-alike verdict on a host name: a Matcher, or HostMatches."""

    def match(self, name: DomainName, /) -> Match | None: ...


@dataclass(frozen=True, slots=True)
class Link:
    """A shared link: its normalised URL, its host's registrable domain, and the look-alike it
    lands on, if any."""

    url: str
    domain: str
    lookalike: Match | None = None
    chain: tuple[str, ...] = ()
    resolve_error: str | None = None


def normalise_url(raw: str) -> tuple[str, str] | None:
    """(normalised URL, registrable domain), or None when the text holds no web link."""
    normalised = _normalise(raw)
    return None if normalised is None else (normalised[0], normalised[1].registrable)


def _normalise(raw: str) -> tuple[str, DomainName] | None:
    plain = _PLAIN.match(raw)
    if plain is not None:
        name = host_name(plain[2])
        if name is not None and name.ascii == plain[2]:
            return f"{plain[1]}://{plain[2]}{plain[3] or '/'}", name
    text = defang(raw.strip())
    if "://" not in text:
        if _OTHER_SCHEME.match(text):
            return None
        text = f"http://{text}"
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    name = host_name(parts.hostname)
    if name is None:
        return None
    port = parts.port if parts.port not in (None, 80, 443) else None
    netloc = name.ascii if port is None else f"{name.ascii}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)], doseq=True
    )
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, query, "")), name


@lru_cache(maxsize=1 << 16)
def host_name(hostname: str) -> DomainName | None:
    """Parsed once per host: a feed of links repeats few hosts many times."""
    name = parse_host(hostname, default_psl())
    return name if isinstance(name, DomainName) else None


def _tracking(key: str) -> bool:
    lowered = key.lower()
    return lowered in TRACKING_NAMES or lowered.startswith(TRACKING_PREFIXES)


def link_of(raw: str, matcher: Matches | None, redirects: LinkResolver | None = None) -> Link | None:
    """The normalised link, matched against the brands when a matcher is given; with ``redirects``
    the link is first followed to where it lands, and the chain is kept."""
    normalised = _normalise(raw)
    if normalised is None:
        return None
    chain: tuple[str, ...] = ()
    error = None
    if redirects is not None:
        followed = redirects.resolve(normalised[0])
        chain = tuple(hop.url for hop in followed.hops)
        error = followed.error
        normalised = _normalise(followed.final_url) or normalised
    url, name = normalised
    hit = matcher.match(name) if matcher is not None else None
    return Link(url, name.registrable, hit, chain, error)


@dataclass(slots=True)
class HostMatches:
    """A matcher's verdict per host, worked out once (links repeat few hosts; bounded)."""

    matcher: Matches
    _seen: dict[str, Match | None] = field(default_factory=dict)

    def match(self, name: DomainName) -> Match | None:
        if name.ascii in self._seen:
            return self._seen[name.ascii]
        if len(self._seen) >= MATCH_CACHE:
            self._seen.clear()
        hit = self._seen[name.ascii] = self.matcher.match(name)
        return hit
