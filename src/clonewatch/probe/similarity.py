"""Compare a suspect page's fingerprint with the genuine outlet's: text, template, title, assets, IDs, looks.

Scores run from 0 (unrelated) to 1 (the same). Mappings:
- text: the mean of the TLSH score, max(0, 1 - distance / TLSH_SCALE), and the simhash score,
  max(0, 1 - hamming / SIMHASH_SCALE); one alone when the other digest is missing, None when both
  are. The scales are calibrated on real pages (bench/judge: 12,000 pairs of pages of different
  news outlets, ../shared/data/realpages_dev): 99 % of those pairs are farther apart than 100
  (TLSH) and 23 bits (simhash), so they score 0, and the highest scores 0.17. Pages of one
  language and one kind are much closer than random text, so neither digest alone, nor the larger
  of the two, says "copied".
- structure: Jaccard similarity of the template shingles (a bottom-k estimate when a sketch is full).
- title: rapidfuzz's token ratio on normalised titles / 100; None when either title is missing.
- visual: max(0, 1 - hamming / (bits / 2)) of two equal-length hex perceptual hashes; None otherwise.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit

from clonewatch.probe.page import MAX_SHINGLES, PageFingerprint

TLSH_SCALE = 100
SIMHASH_SCALE = 23
MAX_EXAMPLES = 20
# Hosts that serve the same files to everyone: loading from them proves nothing about copying.
SHARED_HOSTS = frozenset(
    {
        "ajax.googleapis.com",
        "fonts.googleapis.com",
        "fonts.gstatic.com",
        "www.gstatic.com",
        "www.googletagmanager.com",
        "www.google-analytics.com",
        "google-analytics.com",
        "www.google.com",
        "pagead2.googlesyndication.com",
        "connect.facebook.net",
        "www.facebook.com",
        "platform.twitter.com",
        "mc.yandex.ru",
        "yastatic.net",
        "cdnjs.cloudflare.com",
        "cdn.jsdelivr.net",
        "unpkg.com",
        "code.jquery.com",
        "stackpath.bootstrapcdn.com",
        "maxcdn.bootstrapcdn.com",
        "use.fontawesome.com",
        "kit.fontawesome.com",
        "cdn.ampproject.org",
        "s.w.org",
        "static.hotjar.com",
        "www.clarity.ms",
        "counter.yadro.ru",
        "top-fwz1.mail.ru",
    }
)
# Paths every site of a kind serves: the same path there is not a copied file.
GENERIC_PATHS = (
    "/favicon.",
    "/apple-touch-icon",
    "/index.",
    "/robots.txt",
    "/wp-includes/",
    "/wp-content/plugins/",
    "/wp-admin/",
    "/cdn-cgi/",
)


@dataclass(frozen=True, slots=True)
class Similarity:
    """How much a suspect page resembles the genuine one, with the evidence behind each score."""

    text: float | None
    text_tlsh_distance: int | None
    text_simhash_distance: int | None
    structure: float
    title: float | None
    shared_assets: int
    shared_asset_examples: tuple[str, ...]
    shared_analytics: tuple[str, ...]
    visual: float | None
    visual_distance: int | None
    genuine_links: int = 0
    genuine_url_claim: str | None = None
    other_site_claim: str | None = None
    same_site_name: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (tuples become lists, scores rounded to 3 places)."""
        out: dict[str, Any] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, tuple):
                value = list(value)
            out[field.name] = round(value, 3) if isinstance(value, float) else value
        return out


def compare(
    suspect: PageFingerprint,
    genuine: PageFingerprint,
    *,
    genuine_domains: Collection[str] = (),
    suspect_phash: str | None = None,
    genuine_phash: str | None = None,
) -> Similarity:
    """Score a suspect page against the genuine page it may imitate; ``genuine_domains`` are the
    outlet's own domains (default: the genuine page's registrable domain)."""
    own = _own_domains(genuine, genuine_domains)
    tlsh_distance = tlsh_diff(suspect.text_hash, genuine.text_hash)
    simhash_distance = hex_hamming(suspect.text_simhash, genuine.text_simhash)
    examples = shared_assets(suspect.asset_urls, genuine.asset_urls, own)
    visual_distance = hex_hamming(suspect_phash, genuine_phash)
    bits = 4 * len(suspect_phash or "")
    return Similarity(
        text=text_similarity(tlsh_distance, simhash_distance),
        text_tlsh_distance=tlsh_distance,
        text_simhash_distance=simhash_distance,
        structure=jaccard(suspect.structure, genuine.structure),
        title=title_similarity(suspect.title, genuine.title),
        shared_assets=len(examples),
        shared_asset_examples=tuple(examples[:MAX_EXAMPLES]),
        shared_analytics=tuple(sorted(set(suspect.analytics_ids) & set(genuine.analytics_ids))),
        visual=None if visual_distance is None else max(0.0, 1 - visual_distance / (bits / 2)),
        visual_distance=visual_distance,
        genuine_links=genuine_links(suspect, own),
        genuine_url_claim=genuine_url_claim(suspect, own),
        other_site_claim=other_site_claim(suspect, own),
        same_site_name=same_site_name(suspect.og_site_name, genuine.og_site_name),
    )


def text_similarity(tlsh_distance: int | None, simhash_distance: int | None) -> float | None:
    """The text score: the mean of the TLSH and simhash scores, each 0 at the distance unrelated
    pages in one language reach (see the module docstring); one alone when the other is missing."""
    scores = []
    if tlsh_distance is not None:
        scores.append(max(0.0, 1 - tlsh_distance / TLSH_SCALE))
    if simhash_distance is not None:
        scores.append(max(0.0, 1 - simhash_distance / SIMHASH_SCALE))
    return sum(scores) / len(scores) if scores else None


def shared_assets(suspect: tuple[str, ...], genuine: tuple[str, ...], own: Collection[str] = ()) -> list[str]:
    """The genuine outlet's files the suspect loads from the outlet's own hosts, one URL per file.

    Own hosts are those under ``own`` (the outlet's domains; when empty, the hosts the genuine page
    loads its files from). A file is its path: the same path with another query or on another of
    the outlet's hosts is the same file. A file on any other host (a comment, font or ad service;
    the suspect's own host, where any site of the same publishing system has the same paths) proves
    nothing, nor do paths every site of a kind serves."""
    domains = tuple(d.strip(".").lower() for d in own if d.strip("."))
    if domains:
        mine = [u for u in genuine if _under(_host_path(u)[0], domains)]
    else:
        mine = [u for u in genuine if _host_path(u)[0] not in SHARED_HOSTS]
    hosts = {_host_path(u)[0] for u in mine}
    out: dict[str, str] = {}
    for url in suspect:
        host, path = _host_path(url)
        if host is None or host in SHARED_HOSTS or not _specific(path):
            continue
        if (_under(host, domains) if domains else host in hosts) and path not in out:
            out[path] = url
    return list(out.values())


def genuine_links(suspect: PageFingerprint, own: Collection[str]) -> int:
    """How many distinct URLs of the genuine outlet's hosts the suspect page points at."""
    domains = tuple(own)
    return sum(count for host, count in suspect.linked_hosts if _under(host, domains))


def genuine_url_claim(suspect: PageFingerprint, own: Collection[str]) -> str | None:
    """The suspect's canonical or og:url when it names the genuine outlet: it says it is the genuine page."""
    domains = tuple(own)
    if _under(_host_path(suspect.url)[0], domains):
        return None
    for url in (suspect.canonical_url, suspect.og_url):
        if url and _under(_host_path(url)[0], domains):
            return url
    return None


def other_site_claim(suspect: PageFingerprint, own: Collection[str]) -> str | None:
    """The suspect's canonical or og:url when it names a third site (neither the genuine outlet nor
    the suspect's own domain) and neither names the genuine outlet: the page is a copy of that site."""
    domains = tuple(own)
    claims = [url for url in (suspect.canonical_url, suspect.og_url) if url]
    if any(_under(_host_path(url)[0], domains) for url in claims):
        return None
    mine = _own_domains(suspect, ())
    return next((url for url in claims if not _under(_host_path(url)[0], mine)), None)


def same_site_name(suspect: str | None, genuine: str | None) -> bool | None:
    """Whether both pages give one site name (og:site_name, case and spaces ignored); None if one has none."""
    if not suspect or not genuine:
        return None
    return " ".join(suspect.casefold().split()) == " ".join(genuine.casefold().split())


def jaccard(a: tuple[int, ...], b: tuple[int, ...], *, cap: int = MAX_SHINGLES) -> float:
    """Jaccard similarity of two sorted shingle sketches; bottom-k estimate when either is full."""
    left, right = set(a), set(b)
    if not left and not right:
        return 0.0
    if len(left) < cap and len(right) < cap:
        return len(left & right) / len(left | right)
    k = min(len(left), len(right))
    union = sorted(left | right)[:k]
    return sum(1 for h in union if h in left and h in right) / k if k else 0.0


def title_similarity(a: str | None, b: str | None) -> float | None:
    """rapidfuzz token ratio of two titles (case and punctuation ignored), 0..1."""
    from rapidfuzz import fuzz, utils

    if not a or not b:
        return None
    return float(fuzz.token_ratio(a, b, processor=utils.default_process)) / 100


def tlsh_diff(a: str | None, b: str | None) -> int | None:
    """TLSH distance between two digests (0 = same; unrelated text is usually well over 200)."""
    import tlsh

    if not a or not b:
        return None
    try:
        return int(tlsh.diff(a, b))
    except ValueError:
        return None


def hex_hamming(a: str | None, b: str | None) -> int | None:
    """Bits that differ between two hex strings of the same length; None if missing or malformed."""
    if not a or not b or len(a) != len(b):
        return None
    try:
        return (int(a, 16) ^ int(b, 16)).bit_count()
    except ValueError:
        return None


def _host_path(url: str) -> tuple[str | None, str]:
    try:
        parts = urlsplit(url)
        return parts.hostname, parts.path
    except ValueError:
        return None, ""


def _own_domains(genuine: PageFingerprint, domains: Collection[str]) -> tuple[str, ...]:
    from clonewatch.names import DomainName, default_psl, parse_host

    own = [d.strip(".").lower() for d in domains if d.strip(".")]
    if not own:
        host, _ = _host_path(genuine.url)
        name = parse_host(host, default_psl()) if host else None
        if isinstance(name, DomainName):
            own.append(name.registrable)
    return tuple(own)


def _under(host: str | None, domains: tuple[str, ...]) -> bool:
    return host is not None and any(host == d or host.endswith("." + d) for d in domains)


def _specific(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return "." in name and not path.lower().startswith(GENERIC_PATHS)
