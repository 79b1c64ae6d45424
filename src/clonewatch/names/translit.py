"""Latin spellings of a brand's native name, by the standard transliterations of its script.

Russian: BGN/PCGN, ISO 9 (GOST 7.79 system B, the ASCII form) and the common Wikipedia spelling, from
the maintained ``iuliia`` library. Ukrainian: the national system (Cabinet of Ministers resolution 55 of
2010), written here from the resolution's table because no maintained Python library implements it,
plus the Russian-style spelling many readers use. Greek, Hebrew, Georgian and every other script:
``anyascii`` (for Greek close to ELOT 743, for Georgian the national 2002 system). Latin letters with
diacritics: the German convention (ü -> ue) and the bare letter (ü -> u).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import iuliia
from anyascii import anyascii

_NOT_LDH = re.compile(r"[^a-z0-9-]+")
_MARKS = re.compile(r"[^\w\s-]")  # apostrophes and soft-sign marks vanish inside a word
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})

# Ukrainian national transliteration (KMU resolution 55, 27 January 2010): letter -> (word start, elsewhere).
_UK_2010: dict[str, tuple[str, str]] = {
    "а": ("a", "a"), "б": ("b", "b"), "в": ("v", "v"), "г": ("h", "h"), "ґ": ("g", "g"),
    "д": ("d", "d"), "е": ("e", "e"), "є": ("ye", "ie"), "ж": ("zh", "zh"), "з": ("z", "z"),
    "и": ("y", "y"), "і": ("i", "i"), "ї": ("yi", "i"), "й": ("y", "i"), "к": ("k", "k"),
    "л": ("l", "l"), "м": ("m", "m"), "н": ("n", "n"), "о": ("o", "o"), "п": ("p", "p"),
    "р": ("r", "r"), "с": ("s", "s"), "т": ("t", "t"), "у": ("u", "u"), "ф": ("f", "f"),
    "х": ("kh", "kh"), "ц": ("ts", "ts"), "ч": ("ch", "ch"), "ш": ("sh", "sh"),
    "щ": ("shch", "shch"), "ь": ("", ""), "ю": ("yu", "iu"), "я": ("ya", "ia"), "'": ("", ""),
    "’": ("", ""), "ʼ": ("", ""),
}
_UK_LETTERS = frozenset("ґєії")
_RU_LETTERS = frozenset("ыэъё")


def ukrainian_national(text: str) -> str:
    """``Дзеркало тижня`` -> ``Dzerkalo tyzhnia``; ``зг`` is written ``zgh`` as the table says."""
    out: list[str] = []
    previous = ""
    for char in text:
        low = char.lower()
        if low not in _UK_2010:
            out.append(char)
            previous = ""
            continue
        start = not previous.isalpha()
        spelled = _UK_2010[low][0 if start else 1]
        if low == "г" and previous.lower() == "з":
            spelled = "gh"
        out.append(spelled.capitalize() if char.isupper() and spelled else spelled)
        previous = char
    return "".join(out)


def _label_forms(text: str) -> list[str]:
    """A transliterated name as domain labels: words glued together and joined by hyphens."""
    words = [w for w in _NOT_LDH.split(_MARKS.sub("", text.lower())) if w]
    if not words:
        return []
    glued = "".join(words)
    return [glued, "-".join(words)] if len(words) > 1 else [glued]


def _script(text: str) -> str:
    for char in text:
        if char.isalpha() and not char.isascii():
            name = unicodedata.name(char, "")
            return name.split(" ", 1)[0]
    return "LATIN"


@cache
def romanizations(text: str, language: str | None = None) -> tuple[str, ...]:
    """Every Latin label a reader may write for ``text`` (a native name or an IDN label), best first."""
    spellings: list[str] = []
    script = _script(text)
    lang = (language or "").lower()
    if script == "CYRILLIC":
        letters = set(text.lower())
        ukrainian = lang == "uk" or bool(letters & _UK_LETTERS)
        other_slavic = lang in ("bg", "sr", "mk", "be")
        russian = lang == "ru" or (not ukrainian and (bool(letters & _RU_LETTERS) or not other_slavic))
        if ukrainian:
            spellings.append(ukrainian_national(text))
        if russian or ukrainian:
            spellings.extend(
                schema.translate(text) for schema in (iuliia.BGN_PCGN, iuliia.GOST_779_ALT, iuliia.WIKIPEDIA)
            )
    elif script == "LATIN":
        spellings.append(text.translate(_GERMAN))
    spellings.append(anyascii(text))
    out: list[str] = []
    for spelled in spellings:
        folded = anyascii(spelled)  # what a scheme leaves outside ASCII (ʹ, ’, Ї) folds to its base letter
        for form in _label_forms(folded):
            if form not in out:
                out.append(form)
    return tuple(out)
