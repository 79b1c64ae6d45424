"""Index the watched brands once so that each name costs the same however many brands there are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick
from rapidfuzz.distance import OSA

from clonewatch.brands import Brand, generic_labels
from clonewatch.match.affixes import distinctive_length, suffix_fragments
from clonewatch.names import default_psl
from clonewatch.names.suffixes import is_government_suffix

WEAK_MAX_LEN = 3
# From five characters on, one edit leaves the first two or the last two characters intact (from
# seven on, three), so labels are found by their ends; shorter ones by their one-deletion
# neighbourhood.
ENDS_MIN_LEN = 5
_EDIT = 0
_CONTAINS = 1


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


def is_weak_label(label: str, suffix: str) -> bool:
    """A label that alone does not identify the brand: three letters or fewer, an ordinary word,
    or a body's name under a government second level (``president`` in president.gov.ua)."""
    return len(label) <= WEAK_MAX_LEN or label in generic_labels() or is_government_suffix(suffix)


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


def _end_width(length: int) -> int:
    return 3 if length >= 7 else 2


def _deletions(text: str) -> list[str]:
    return [text[:i] + text[i + 1 :] for i in range(len(text))]


class BrandIndex:
    """Exact labels; for one-edit labels their two-character ends (a one-deletion neighbourhood
    when shorter than five); and one Aho-Corasick automaton holding the pigeonhole pieces of longer
    labels and every label for containment. Candidates are confirmed with a C-speed OSA distance."""

    def __init__(self, brands: Iterable[Brand]) -> None:
        psl = default_psl()
        self.brands: list[Brand] = list(brands)
        self.targets: list[Target] = []
        self.genuine: dict[str, Brand] = {}
        for brand in self.brands:
            for domain in brand.domains:
                split = psl.split(domain)
                if split is None or domain in self.genuine:
                    continue
                self.genuine[domain] = brand
                self.targets.append(
                    Target(
                        brand=brand,
                        genuine=domain,
                        label=split.label,
                        suffix=split.suffix,
                        max_edits=max_edits_for(distinctive_length(split.label)),
                        fragments=suffix_fragments(split.suffix),
                        weak=is_weak_label(split.label, split.suffix),
                    )
                )
        self.exact: dict[str, list[int]] = defaultdict(list)
        self._near: dict[str, list[int]] = defaultdict(list)
        self._ends: dict[tuple[str, int], list[int]] = defaultdict(list)
        short_lengths: set[int] = set()
        grouped: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)
        for tid, target in enumerate(self.targets):
            label = target.label
            self.exact[label].append(tid)
            if target.max_edits == 1 and len(label) < ENDS_MIN_LEN:
                for key in {label, *_deletions(label)}:
                    self._near[key].append(tid)
                short_lengths.update((len(label) - 1, len(label), len(label) + 1))
            elif target.max_edits == 1:
                width = _end_width(len(label))
                for size in (len(label) - 1, len(label), len(label) + 1):
                    for end_key in {(label[:width], size), (label[-width:], size)}:
                        self._ends[end_key].append(tid)
            elif target.max_edits >= 2:
                for offset, piece in _pieces(label, target.max_edits + 1):
                    grouped[piece].append((_EDIT, tid, offset, len(piece)))
            if len(label) >= 3:
                grouped[label].append((_CONTAINS, tid, 0, len(label)))
        self._short_lengths = frozenset(short_lengths)
        self._automaton = ahocorasick.Automaton()
        for key, values in grouped.items():
            self._automaton.add_word(key, tuple(values))
        if grouped:
            self._automaton.make_automaton()
        self._has_automaton = bool(grouped)

    def lookup(self, query: str) -> tuple[list[int], list[tuple[int, int, int]]]:
        """Targets within their edit budget of ``query``, and (target, start, end) for every target
        label that occurs inside ``query`` without being all of it."""
        found: set[int] = set()
        contained: list[tuple[int, int, int]] = []
        qlen = len(query)
        if qlen in self._short_lengths:
            near = self._near
            for key in (query, *_deletions(query)):
                hit = near.get(key)
                if hit:
                    found.update(hit)
        ends = self._ends
        for end_key in ((query[:2], qlen), (query[-2:], qlen), (query[:3], qlen), (query[-3:], qlen)):
            hit = ends.get(end_key)
            if hit:
                found.update(hit)
        if self._has_automaton:
            targets = self.targets
            for end, values in self._automaton.iter(query):
                for kind, tid, offset, size in values:
                    if kind == _CONTAINS:
                        if size != qlen:
                            contained.append((tid, end + 1 - size, end + 1))
                        continue
                    budget = targets[tid].max_edits
                    if (
                        abs(qlen - len(targets[tid].label)) <= budget
                        and abs(end + 1 - size - offset) <= budget
                    ):
                        found.add(tid)
        if not found:
            return [], contained
        targets = self.targets
        near_tids = [
            tid
            for tid in sorted(found)
            if OSA.distance(query, targets[tid].label, score_cutoff=targets[tid].max_edits) <= targets[tid].max_edits
        ]
        return near_tids, contained

    def by_label(self, label: str) -> Sequence[int]:
        return self.exact.get(label, ())
