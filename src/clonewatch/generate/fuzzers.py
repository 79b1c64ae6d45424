"""Label fuzzers: each turns a brand label into look-alike labels of one kind (dnstwist's set and more)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from clonewatch.errors import InputError
from clonewatch.generate.glyphs import LATIN_TO_CYRILLIC, unicode_glyphs
from clonewatch.match.affixes import AFFIX_WORDS, COUNTRY_CODES, LANGUAGE_CODES, suffix_fragments
from clonewatch.match.edits import LOOKALIKES, MULTI_LOOKALIKES, VOWELS, keyboard_neighbours
from clonewatch.match.profile import Profile

LDH = "abcdefghijklmnopqrstuvwxyz0123456789-"
_BITS = (1, 2, 4, 8, 16, 32, 64, 128)


@dataclass(frozen=True, slots=True)
class Seed:
    """What fuzzers work from: the brand label, its genuine suffix, the brand's country and the
    affix words of a campaign profile."""

    label: str
    suffix: str
    country: str | None = None
    words: tuple[str, ...] = ()


class Fuzzer(Protocol):
    """Makes look-alike labels of one kind; ``name`` is the dnstwist-style fuzzer name."""

    @property
    def name(self) -> str: ...

    def variants(self, seed: Seed) -> Iterable[str]: ...


@dataclass(frozen=True, slots=True)
class FunctionFuzzer:
    name: str
    make: Callable[[Seed], Iterable[str]]

    def variants(self, seed: Seed) -> Iterable[str]:
        return self.make(seed)


def _addition(seed: Seed) -> Iterator[str]:
    for char in LDH[:-1]:
        yield seed.label + char
        for cut in range(1, seed.label.count("-") + 1):
            parts = seed.label.split("-")
            yield "-".join(parts[:cut]) + char + "-" + "-".join(parts[cut:])


def _bitsquatting(seed: Seed) -> Iterator[str]:
    label = seed.label
    for i, char in enumerate(label):
        for mask in _BITS:
            flipped = chr(ord(char) ^ mask)
            if flipped in LDH:
                yield label[:i] + flipped + label[i + 1 :]


def _cyrillic(seed: Seed) -> Iterator[str]:
    swapped = "".join(LATIN_TO_CYRILLIC.get(char, char) for char in seed.label)
    if swapped != seed.label:
        yield swapped
    for i, char in enumerate(seed.label):
        if char in LATIN_TO_CYRILLIC:
            yield seed.label[:i] + LATIN_TO_CYRILLIC[char] + seed.label[i + 1 :]


def _homoglyph(seed: Seed) -> Iterator[str]:
    label = seed.label
    glyphs = unicode_glyphs()
    for i, char in enumerate(label):
        for pair in LOOKALIKES:
            if char in pair:
                (other,) = pair - {char}
                yield label[:i] + other + label[i + 1 :]
        for glyph in glyphs.get(char, ()):
            yield label[:i] + glyph + label[i + 1 :]
    for look, real in MULTI_LOOKALIKES:
        start = label.find(real)
        while start >= 0:
            yield label[:start] + look + label[start + len(real) :]
            start = label.find(real, start + 1)


def _hyphenation(seed: Seed) -> Iterator[str]:
    label = seed.label
    for i in range(1, len(label)):
        if "-" not in (label[i - 1], label[i]):
            yield label[:i] + "-" + label[i:]


def _insertion(seed: Seed) -> Iterator[str]:
    label = seed.label
    near = keyboard_neighbours()
    for i, char in enumerate(label):
        for key in near.get(char, ()):
            yield label[:i] + key + label[i:]
            yield label[: i + 1] + key + label[i + 1 :]


def _omission(seed: Seed) -> Iterator[str]:
    label = seed.label
    return (label[:i] + label[i + 1 :] for i in range(len(label)))


def _plural(seed: Seed) -> Iterator[str]:
    label = seed.label
    yield label + ("es" if label[-1] in "sxz" else "s")
    for i in range(2, len(label) - 2):
        yield label[: i + 1] + ("es" if label[i] in "sxz" else "s") + label[i + 1 :]


def _repetition(seed: Seed) -> Iterator[str]:
    label = seed.label
    return (label[:i] + char + label[i:] for i, char in enumerate(label) if char != "-")


def _replacement(seed: Seed) -> Iterator[str]:
    """Keyboard neighbours first (dnstwist's set), then any letter or digit (``t-onlinl``)."""
    label = seed.label
    near = keyboard_neighbours()
    for i, char in enumerate(label):
        for key in near.get(char, ()):
            yield label[:i] + key + label[i + 1 :]
    for i, char in enumerate(label):
        if char != "-":
            for key in LDH[:-1]:
                if key != char:
                    yield label[:i] + key + label[i + 1 :]


def _subdomain(seed: Seed) -> Iterator[str]:
    label = seed.label
    for i in range(1, len(label) - 1):
        if "-" not in (label[i - 1], label[i]):
            yield label[:i] + "." + label[i:]


def _transposition(seed: Seed) -> Iterator[str]:
    label = seed.label
    for i in range(len(label) - 1):
        if label[i] != label[i + 1]:
            yield label[:i] + label[i + 1] + label[i] + label[i + 2 :]


def _vowel_swap(seed: Seed) -> Iterator[str]:
    label = seed.label
    for i, char in enumerate(label):
        if char in VOWELS:
            for vowel in VOWELS - {char}:
                yield label[:i] + vowel + label[i + 1 :]


# Glued on first: the commonest news words (dictionaries of news vocabulary, see match.affixes).
FIRST_WORDS = ("news", "online", "today", "live", "info")


def affix_words(seed: Seed, profile: Profile | None = None) -> list[str]:
    """Words and codes to glue on, likeliest first: the brand's country code, a campaign profile's
    words, the genuine suffix written out, then news words."""
    country = (seed.country or "").lower()
    parts = seed.suffix.split(".")
    words = profile.affix_words if profile else seed.words
    first = [code for code in (country,) if code] + list(words)
    first += [*parts, "".join(parts), *FIRST_WORDS]
    rest = sorted(suffix_fragments(seed.suffix) | AFFIX_WORDS | COUNTRY_CODES | LANGUAGE_CODES)
    return list(dict.fromkeys(first + rest))


# How many of a profile's affix words (listed likeliest first) rank with the brand's own country.
PREFERRED_PROFILE_WORDS = 8


def preferred_affixes(seed: Seed, profile: Profile | None = None) -> frozenset[str]:
    """The head of affix_words: what a campaign glues on first."""
    country = (seed.country or "").lower()
    parts = seed.suffix.split(".")
    extra = (profile.affix_words if profile else seed.words)[:PREFERRED_PROFILE_WORDS]
    words = (country, *extra, *parts, "".join(parts), *FIRST_WORDS)
    return frozenset(word for word in words if word)


def _dictionary(seed: Seed) -> Iterator[str]:
    label = seed.label
    for word in affix_words(seed):
        yield f"{label}-{word}"
        yield f"{word}-{label}"
        yield f"{label}{word}"
        yield f"{word}{label}"


def _various(seed: Seed) -> Iterator[str]:
    """The genuine suffix written into the label (``bildde``, ``bild-de``, ``pravda-com-ua``)."""
    label = seed.label
    flat = seed.suffix.replace(".", "")
    dashed = seed.suffix.replace(".", "-")
    yield from (label + flat, f"{label}-{flat}", f"{label}-{dashed}")


_FUZZERS = {
    "addition": _addition,
    "bitsquatting": _bitsquatting,
    "cyrillic": _cyrillic,
    "dictionary": _dictionary,
    "homoglyph": _homoglyph,
    "hyphenation": _hyphenation,
    "insertion": _insertion,
    "omission": _omission,
    "plural": _plural,
    "repetition": _repetition,
    "replacement": _replacement,
    "subdomain": _subdomain,
    "transposition": _transposition,
    "vowel-swap": _vowel_swap,
    "various": _various,
}
# tld-swap is not a label fuzzer: every label, the brand's own included, is tried on every suffix.
SUFFIX_FUZZER = "tld-swap"


def default_fuzzers() -> list[Fuzzer]:
    return [FunctionFuzzer(name, make) for name, make in _FUZZERS.items()]


def fuzzers_named(names: Iterable[str]) -> list[Fuzzer]:
    """The built-in fuzzers with these names; an unknown name is an error, never ignored."""
    chosen: list[Fuzzer] = []
    for name in names:
        if name == SUFFIX_FUZZER:
            continue
        if name not in _FUZZERS:
            known = ", ".join([*_FUZZERS, SUFFIX_FUZZER])
            raise InputError(f"unknown fuzzer {name!r} (known: {known})")
        chosen.append(FunctionFuzzer(name, _FUZZERS[name]))
    return chosen
