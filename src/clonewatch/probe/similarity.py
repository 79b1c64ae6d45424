"""Compare a suspect page's fingerprint with the genuine outlet's: text, template, title, assets, IDs, looks.

Scores run from 0 (unrelated) to 1 (the same). Mappings:
- text: the larger of the TLSH score, max(0, 1 - distance / TLSH_SCALE), and the simhash score,
  max(0, 1 - hamming / 32); 32 of 64 bits is what two unrelated texts differ by, so both reach 0
  for unrelated text. None when neither page has a digest.
- structure: Jaccard similarity of the template shingles (a bottom-k estimate when a sketch is full).
- title: rapidfuzz's token ratio on normalised titles / 100; None when either title is missing.
- visual: max(0, 1 - hamming / (bits / 2)) of two equal-length hex perceptual hashes; None otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit

from clonewatch.probe.page import MAX_SHINGLES, PageFingerprint

TLSH_SCALE = 300
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
    suspect_phash: str | None = None,
    genuine_phash: str | None = None,
) -> Similarity:
    """Score a suspect page against the genuine page it may imitate."""
    tlsh_distance = tlsh_diff(suspect.text_hash, genuine.text_hash)
    simhash_distance = hex_hamming(suspect.text_simhash, genuine.text_simhash)
    text_scores = [max(0.0, 1 - tlsh_distance / TLSH_SCALE)] if tlsh_distance is not None else []
    if simhash_distance is not None:
        text_scores.append(max(0.0, 1 - simhash_distance / 32))
    examples = shared_assets(suspect.asset_urls, genuine.asset_urls)
    visual_distance = hex_hamming(suspect_phash, genuine_phash)
    bits = 4 * len(suspect_phash or "")
    return Similarity(
        text=max(text_scores) if text_scores else None,
        text_tlsh_distance=tlsh_distance,
        text_simhash_distance=simhash_distance,
        structure=jaccard(suspect.structure, genuine.structure),
        title=title_similarity(suspect.title, genuine.title),
        shared_assets=len(examples),
        shared_asset_examples=tuple(examples[:MAX_EXAMPLES]),
        shared_analytics=tuple(sorted(set(suspect.analytics_ids) & set(genuine.analytics_ids))),
        visual=None if visual_distance is None else max(0.0, 1 - visual_distance / (bits / 2)),
        visual_distance=visual_distance,
    )


def shared_assets(suspect: tuple[str, ...], genuine: tuple[str, ...]) -> list[str]:
    """Suspect assets loaded from the genuine page's own asset hosts or copying one of its files by path."""
    # A clone hotlinks the outlet's files (same host) or copies them (same path and file name on its
    # own host). Hosts that serve everyone (CDNs, trackers) and generic CMS paths prove nothing.
    hosts: set[str] = set()
    paths: set[str] = set()
    for url in genuine:
        host, path = _host_path(url)
        if host and host not in SHARED_HOSTS:
            hosts.add(host)
            if _specific(path):
                paths.add(path)
    out = []
    for url in suspect:
        host, path = _host_path(url)
        if host and host not in SHARED_HOSTS and (host in hosts or path in paths):
            out.append(url)
    return out


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


def _specific(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return "." in name and not path.lower().startswith(GENERIC_PATHS)
