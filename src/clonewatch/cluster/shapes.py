"""The shape of a redirect hop's URL: its path and query layout with the random parts abstracted.

A traffic-distribution system gives every link its own random path and click parameters, but the
layout stays: ``/a8Fk2?cid=123&sub=x7q`` and ``/Zq91b?cid=77&sub=k2m`` are both
``/{r5}?cid={n}&sub={r3}``. Words stay words (``/go``, ``/news/{n}``), so ordinary sites keep
ordinary, common shapes, which rarity weighting then discounts.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[a-z]+(?:[-_][a-z]+)*")
_HEX = re.compile(r"[0-9a-f]{8,}")
MAX_SEGMENTS = 8


def part_shape(text: str) -> str:
    """``{n}`` for a number, ``{h}`` for a long hex string, ``{rN}`` for a random token of N
    characters, the text itself for a word (lower case, hyphens and underscores allowed)."""
    if not text:
        return ""
    if _DIGITS.fullmatch(text):
        return "{n}"
    if _HEX.fullmatch(text.lower()) and any(c.isdigit() for c in text):
        return "{h}"
    if _WORD.fullmatch(text) and len(text) <= 24:
        return text
    return f"{{r{len(text)}}}"


def url_shape(url: str) -> str | None:
    """The layout of ``url``'s path and query, or None when it has none worth comparing (``/``)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    segments = [part_shape(segment) for segment in parts.path.split("/")[1:]][:MAX_SEGMENTS]
    path = "/" + "/".join(segments)
    pairs = sorted(parse_qsl(parts.query, keep_blank_values=True))
    query = "&".join(f"{part_shape(key)}={part_shape(value)}" for key, value in pairs)
    if path == "/" and not query:
        return None
    return path + (f"?{query}" if query else "")
