"""Characters of other scripts, and accented Latin letters, that read as an ASCII letter."""

from __future__ import annotations

from functools import cache

import idna

from clonewatch.names import default_confusables

# Latin letters and their Cyrillic twins, for labels written wholly in Cyrillic (``раураl``).
LATIN_TO_CYRILLIC = {
    "a": "а", "c": "с", "d": "ԁ", "e": "е", "h": "һ", "i": "і", "j": "ј", "k": "к", "l": "ӏ",
    "o": "о", "p": "р", "q": "ԛ", "s": "ѕ", "w": "ԝ", "x": "х", "y": "у",
}  # fmt: skip

_SCAN = (range(0x00C0, 0x0250), range(0x0370, 0x0530), range(0x1E00, 0x1F00))


def _idna_ok(char: str) -> bool:
    try:
        idna.encode(f"x{char}x")
    except (idna.IDNAError, UnicodeError):
        return False
    return True


@cache
def unicode_glyphs() -> dict[str, tuple[str, ...]]:
    """For each ASCII letter, the lower-case characters valid in a domain name that a reader takes
    for it: TR39 confusables of other scripts (from the bundled confusables.txt) and accented forms."""
    confusables = default_confusables()
    found: dict[str, list[str]] = {}
    for block in _SCAN:
        for code in block:
            char = chr(code)
            if not char.isalpha() or char != char.lower() or not _idna_ok(char):
                continue
            seen = confusables.latinize(char)
            if len(seen) == 1 and seen.isascii() and seen.isalpha():
                found.setdefault(seen, []).append(char)
    return {letter: tuple(chars) for letter, chars in found.items()}
