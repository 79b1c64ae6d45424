"""Index the watched brands once so that each name costs the same however many brands there are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick
from rapidfuzz.distance import OSA

from clonewatch.brands import Brand
from clonewatch.match.affixes import (
    CONCAT_MIN_BRAND,
    NEWS_WORDS,
    SHORT_CONCAT_MIN_WORD,
    core_span,
    distinctive_length,
    suffix_fragments,
)
from clonewatch.names import default_psl
from clonewatch.names.suffixes import is_government_suffix
from clonewatch.names.words import ARTICLES, LANGUAGES, MIN_ZIPF, zipf

WEAK_MAX_LEN = 3
# A label this common as a word (Zipf 4: ten times per million words, in English or the brand's own
# language: ``army``, ``bank``, ``welt``) is held by many owners; it needs a stronger signal.
COMMON_ZIPF = 4.0
# So is one of the commonest words of any language (Zipf 5: a hundred times per million words, about
# the 2,000 commonest: ``agora`` is Portuguese for "now"), whatever the brand's own language.
EVERYDAY_ZIPF = 5.0
# From seven characters on, one edit leaves the first three or the last three characters intact,
# so such labels are found by their anchored ends; shorter labels by all of their one-edit
# variants, anchored at both ends.
ENDS_MIN_LEN = 7
END_WIDTH = 3
# Labels shorter than this are searched inside names only with the genuine suffix glued on (ga-de).
MIN_CONTAINED = 3
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-"
_DIGITS = tuple("0123456789")
_START = "^"
_STOP = "$"
_EDIT = 0
_CONTAINS = 1
_END = 2
_VARIANT = 3


Found = tuple[list[int], list[tuple[int, int, int]]]


@dataclass(frozen=True, slots=True)
class Target:
    """One genuine domain of a brand, as the matcher compares against it."""

    brand: Brand
    genuine: str
    label: str
    suffix: str
    max_edits: int
    fragments: frozenset[str]
    weak: bool
    namespace: bool
    alias: str | None = None
    common: bool = False
    country: str | None = None
    language: str | None = None
    core: tuple[int, int] | None = None  # a short distinctive part beside a news word (``cbs``news)
    word: bool = False  # the label is a word of English or the brand's language (Zipf 3 or more)


def is_common_word(label: str, language: str | None = None) -> bool:
    """The label is an ordinary word in English or the brand's language, or one of the commonest
    words of any language the watched outlets' audiences read (bundled word frequencies)."""
    return zipf(label, ("en", language)) >= COMMON_ZIPF or zipf(label, LANGUAGES) >= EVERYDAY_ZIPF


def short_core(label: str) -> tuple[int, int] | None:
    """The distinctive part of a name made of a short one and a news or web word (``cbs``news,
    ``dh``net, ``t``-online), when it has three characters or fewer; None for other labels and for
    labels that are themselves words (``express``, ``army``: no part of them stands alone)."""
    span = core_span(label)
    if span is None or span[1] - span[0] > WEAK_MAX_LEN or zipf(label, LANGUAGES) >= MIN_ZIPF:
        return None
    return span


def is_weak_label(label: str, suffix: str, language: str | None = None) -> bool:
    """A label that alone does not identify the brand: three letters or fewer, a common word,
    or a body's name under a government second level (``president`` in president.gov.ua)."""
    return len(label) <= WEAK_MAX_LEN or is_common_word(label, language) or is_government_suffix(suffix)


def max_edits_for(length: int) -> int:
    """How many edits a look-alike of a label this long may carry and still read as the brand."""
    if length <= 2:
        return 0
    if length <= 9:
        return 1
    if length <= 13:
        return 2
    return 3


def _pieces(label: str, count: int) -> list[tuple[int, str]]:
    """Cut a label into ``count`` contiguous pieces; k edits leave one of k+1 pieces intact."""
    size, extra = divmod(len(label), count)
    out: list[tuple[int, str]] = []
    start = 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        out.append((start, label[start:end]))
        start = end
    return out


def one_edit_variants(label: str) -> set[str]:
    """Every string one deletion, insertion, substitution or adjacent swap away from ``label``."""
    out = {label}
    for i in range(len(label) + 1):
        head, tail = label[:i], label[i:]
        out.update(head + char + tail for char in ALPHABET)
        if tail:
            out.add(head + tail[1:])
            out.update(head + char + tail[1:] for char in ALPHABET)
        if len(tail) >= 2:
            out.add(head + tail[1] + tail[0] + tail[2:])
    return out


def _containment_keys(target: Target) -> list[tuple[str, int]]:
    """Where a label can sit inside a longer one and still make a combosquat, as (key, characters
    after the label in the key). Labels that take glued words are searched bare; shorter or weak
    ones only with what may be glued to them: a hyphen, a digit or the genuine suffix."""
    label = target.label
    if len(label) >= CONCAT_MIN_BRAND and not target.weak:
        return [(label, 0)]
    fragments = [f for f in target.fragments if len(f) >= 2]
    if len(label) < MIN_CONTAINED:
        after = [f"-{f}" for f in target.fragments] + fragments
        before = [f"{f}-" for f in target.fragments] + fragments
    else:
        words = [word for word in NEWS_WORDS if len(word) >= SHORT_CONCAT_MIN_WORD]
        digits = [] if target.weak else list(_DIGITS)
        after = ["-", *digits, *fragments, *words]
        before = ["-", *digits, *fragments, *words, *ARTICLES]
    return [(f"{label}{glue}", len(glue)) for glue in after] + [(f"{glue}{label}", 0) for glue in before]


class BrandIndex:
    """All brand labels in one Aho-Corasick automaton, searched once per name over ``^label$``:
    the anchored one-edit variants of short labels, the anchored ends of longer one-edit labels, the
    pigeonhole pieces of longer labels, and every label for containment. Candidates are then
    confirmed with a C-speed OSA distance, so a name costs the same for 10 brands as for 1,000."""

    def __init__(self, brands: Iterable[Brand]) -> None:
        psl = default_psl()
        self.brands: list[Brand] = list(brands)
        self.targets: list[Target] = []
        self.genuine: dict[str, Brand] = {}
        for brand in self.brands:
            language = brand.language
            country = brand.country.lower() if brand.country else None
            for domain in brand.domains:
                split = psl.split(domain)
                if split is None or domain in self.genuine:
                    continue
                self.genuine[domain] = brand
                label, suffix = split.label, split.suffix
                if split.subdomain and split.subdomain != "www":
                    # a body on a subdomain (ministry.portal.example): its own label names it
                    label, suffix = split.subdomain.split(".")[0], f"{split.label}.{split.suffix}"
                fragments = suffix_fragments(split.suffix)
                labels = [(label, None)] + [
                    (alias, alias) for alias in brand.aliases if domain == brand.main_domain
                ]
                for text, alias in labels:
                    self.targets.append(
                        Target(
                            brand=brand,
                            genuine=domain,
                            label=text,
                            suffix=suffix,
                            max_edits=max_edits_for(distinctive_length(text)),
                            fragments=fragments,
                            weak=is_weak_label(text, suffix, language),
                            namespace=psl.is_suffix(domain),
                            alias=alias,
                            common=is_common_word(text, language),
                            country=country,
                            language=language,
                            core=short_core(text),
                            word=zipf(text, ("en", language)) >= MIN_ZIPF,
                        )
                    )
        self.exact: dict[str, list[int]] = defaultdict(list)
        keys: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)
        for tid, target in enumerate(self.targets):
            label = target.label
            size = len(label)
            self.exact[label].append(tid)
            keys[f"{_START}{label}{_STOP}"].append((_VARIANT, tid, 0, 0))
            if target.max_edits == 1 and size < ENDS_MIN_LEN:
                for variant in one_edit_variants(label):
                    keys[f"{_START}{variant}{_STOP}"].append((_VARIANT, tid, 0, 0))
            elif target.max_edits == 1:
                keys[_START + label[:END_WIDTH]].append((_END, tid, 0, 0))
                keys[label[-END_WIDTH:] + _STOP].append((_END, tid, 0, 0))
            elif target.max_edits >= 2:
                for offset, piece in _pieces(label, target.max_edits + 1):
                    keys[piece].append((_EDIT, tid, offset + 1, len(piece)))
            for key, back in _containment_keys(target):
                keys[key].append((_CONTAINS, tid, back, size))
        self._automaton = ahocorasick.Automaton()
        for key, values in keys.items():
            self._automaton.add_word(key, tuple(dict.fromkeys(values)))
        self._automaton.make_automaton()

    def lookup(self, query: str) -> Found | None:
        """Targets within their edit budget of ``query``, and (target, start, end) for every target
        label that occurs inside ``query`` without being all of it; None when there are neither."""
        found: set[int] = set()
        contained: list[tuple[int, int, int]] = []
        qlen = len(query)
        targets = self.targets
        for end, values in self._automaton.iter(f"{_START}{query}{_STOP}"):
            for kind, tid, offset, size in values:
                if kind == _VARIANT:
                    found.add(tid)
                elif kind == _CONTAINS:
                    if size != qlen:
                        contained.append((tid, end - offset - size, end - offset))
                elif kind == _END:
                    if abs(qlen - len(targets[tid].label)) <= 1:
                        found.add(tid)
                else:
                    budget = targets[tid].max_edits
                    if (
                        abs(qlen - len(targets[tid].label)) <= budget
                        and abs(end + 1 - size - offset) <= budget
                    ):
                        found.add(tid)
        if not found:
            return ([], contained) if contained else None
        near_tids = [
            tid
            for tid in sorted(found)
            if OSA.distance(query, targets[tid].label, score_cutoff=targets[tid].max_edits)
            <= targets[tid].max_edits
        ]
        return near_tids, contained

    def by_label(self, label: str) -> Sequence[int]:
        return self.exact.get(label, ())
