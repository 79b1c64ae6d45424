"""Explain how a look-alike label differs from a brand label, one named edit at a time."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

VOWELS = frozenset("aeiouy")

_KEYBOARDS = (
    ("1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm"),
    ("1234567890-", "qwertzuiop", "asdfghjkl", "yxcvbnm"),
    ("1234567890-", "azertyuiop", "qsdfghjklm", "wxcvbn"),
)

# Single characters a reader takes for one another in a domain name (ASCII only; other scripts
# go through the Unicode confusables). Multi-character look-alikes are in MULTI_LOOKALIKES.
_LOOKALIKE_PAIRS = ("o0", "l1", "i1", "il", "gq", "uv", "s5", "z2", "b6", "g9", "q9", "e3", "a4", "t7", "b8")
LOOKALIKES = frozenset(frozenset(pair) for pair in _LOOKALIKE_PAIRS)
MULTI_LOOKALIKES = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("nn", "m"))
LOOKALIKE_WEIGHT = 0.92


@dataclass(frozen=True, slots=True)
class Edit:
    """One edit turning the brand label into the candidate: ``reason`` names it, ``weight`` (0..1]
    says how little it changes what a reader sees."""

    reason: str
    weight: float
    subtle: bool = False
    slip: bool = False  # a neighbouring key struck instead (``t-onlinr``)


@cache
def keyboard_neighbours() -> dict[str, frozenset[str]]:
    """Keys next to each key on QWERTY, QWERTZ or AZERTY keyboards."""
    near: dict[str, set[str]] = {}
    for rows in _KEYBOARDS:
        for r, row in enumerate(rows):
            for i, key in enumerate(row):
                found = near.setdefault(key, set())
                for rr in (r - 1, r, r + 1):
                    if 0 <= rr < len(rows):
                        for j in (i - 1, i, i + 1):
                            if 0 <= j < len(rows[rr]) and rows[rr][j] != key:
                                found.add(rows[rr][j])
    return {key: frozenset(keys) for key, keys in near.items()}


def _substitution(brand_char: str, cand_char: str) -> Edit:
    if frozenset((brand_char, cand_char)) in LOOKALIKES:
        return Edit("homoglyph", LOOKALIKE_WEIGHT, subtle=True)
    if "-" in (brand_char, cand_char):
        return Edit("replacement", 0.7)
    neighbour = cand_char in keyboard_neighbours().get(brand_char, ())
    if brand_char in VOWELS and cand_char in VOWELS:
        return Edit("vowel-swap", 0.85, slip=neighbour)
    if neighbour:
        return Edit("replacement", 0.85, slip=True)
    flipped = ord(brand_char) ^ ord(cand_char)
    if flipped & (flipped - 1) == 0:
        return Edit("bitsquatting", 0.78)
    return Edit("replacement", 0.74)


def _insertion(candidate: str, pos: int) -> Edit:
    char = candidate[pos]
    if char == "-":
        return Edit("hyphenation", 0.9, subtle=True)
    if (pos > 0 and candidate[pos - 1] == char) or (pos + 1 < len(candidate) and candidate[pos + 1] == char):
        return Edit("repetition", 0.9, subtle=True)
    if pos == len(candidate) - 1:
        return Edit("addition", 0.8)
    return Edit("insertion", 0.8)


def _omission(brand: str, pos: int) -> Edit:
    char = brand[pos]
    doubled = (pos > 0 and brand[pos - 1] == char) or (pos + 1 < len(brand) and brand[pos + 1] == char)
    if char == "-" or doubled:
        return Edit("omission", 0.9, subtle=True)
    return Edit("omission", 0.8)


def _first_letter(edit: Edit) -> Edit:
    """Readers check the first letter: an edit there (other than a look-alike) is easy to see."""
    if edit.reason == "homoglyph":
        return edit
    return Edit(edit.reason, edit.weight * 0.9, subtle=False, slip=edit.slip)


@lru_cache(maxsize=1 << 16)
def explain(brand: str, candidate: str) -> tuple[Edit, ...]:
    """The named edits of an optimal restricted Damerau-Levenshtein alignment, in brand order
    (cached: generation and feeds ask about the same pairs again and again)."""
    n, m = len(brand), len(candidate)
    dist = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        dist[i][0] = i
    for j in range(m + 1):
        dist[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost = 0 if brand[i - 1] == candidate[j - 1] else 1
            best = min(dist[i - 1][j] + 1, dist[i][j - 1] + 1, dist[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and brand[i - 1] == candidate[j - 2] and brand[i - 2] == candidate[j - 1]:
                best = min(best, dist[i - 2][j - 2] + 1)
            dist[i][j] = best
    edits: list[Edit] = []
    i, j = n, m
    while i > 0 or j > 0:
        here = dist[i][j]
        if i > 0 and j > 0 and brand[i - 1] == candidate[j - 1] and here == dist[i - 1][j - 1]:
            i, j = i - 1, j - 1
        elif (
            i > 1
            and j > 1
            and brand[i - 1] == candidate[j - 2]
            and brand[i - 2] == candidate[j - 1]
            and here == dist[i - 2][j - 2] + 1
        ):
            edits.append(Edit("transposition", 0.88, subtle=i > 2))
            i, j = i - 2, j - 2
        elif i > 0 and j > 0 and here == dist[i - 1][j - 1] + 1:
            edit = _substitution(brand[i - 1], candidate[j - 1])
            edits.append(_first_letter(edit) if i == 1 else edit)
            i, j = i - 1, j - 1
        elif j > 0 and here == dist[i][j - 1] + 1:
            edit = _insertion(candidate, j - 1)
            edits.append(_first_letter(edit) if j == 1 and not edit.subtle else edit)
            j -= 1
        else:
            edit = _omission(brand, i - 1)
            edits.append(_first_letter(edit) if i == 1 and not edit.subtle else edit)
            i -= 1
    edits.reverse()
    return tuple(edits)
