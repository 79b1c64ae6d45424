"""The weighted domain graph: two domains are joined by the sum, over the lines of evidence they
share, of each line's strongest shared value, when it reaches ``min_weight``. Built from an
inverted index (value -> domains), pairs reduced in NumPy, so a hundred thousand domains take
seconds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from clonewatch.cluster.records import DomainFacts, Pivot
from clonewatch.cluster.weights import KIND_GROUP

if TYPE_CHECKING:
    import numpy.typing as npt

    Ints = npt.NDArray[np.int64]
    Floats = npt.NDArray[np.float64]


LEVELS = 1 << 12  # a value's weight, quantized into the low bits of its pair's sort key


def weighted_edges(
    facts: Sequence[DomainFacts], weights: Mapping[Pivot, float], min_weight: float
) -> tuple[Ints, Ints, Floats]:
    """Edges ``lo[i]``-``hi[i]`` (indices into ``facts``, lo < hi) whose total weight ``w[i]``
    reaches ``min_weight``.

    Every (pair, line, weight) is one int64 key ``((lo * N + hi) * LINES + line) * LEVELS +
    level``; one in-place sort puts each pair's lines together with their strongest value last,
    so memory is one key per shared value and pair, and no index arrays are needed."""
    lines = _line_numbers()
    strongest_of = _line_values(facts, weights, lines)
    total = sum(len(members) * (len(members) - 1) // 2 for members, _, _ in strongest_of)
    if not total:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float64)
    size, width = np.int64(len(facts)), np.int64(len(lines) + 1)
    keys = np.empty(total, dtype=np.int64)
    filled = 0
    for members, line, strength in strongest_of:
        indices = np.asarray(members, dtype=np.int64)
        first, second = np.triu_indices(len(indices), 1)
        level = np.int64(min(LEVELS - 1, round(strength * (LEVELS - 1))))
        end = filled + len(first)
        keys[filled:end] = ((indices[first] * size + indices[second]) * width + line) * LEVELS + level
        filled = end
    keys.sort()
    line_keys = keys // LEVELS
    last = np.flatnonzero(np.r_[line_keys[1:] != line_keys[:-1], True])  # each line's strongest value
    strongest = (keys[last] % LEVELS) / (LEVELS - 1)
    pairs = line_keys[last] // width
    del keys, line_keys
    starts = np.flatnonzero(np.r_[True, pairs[1:] != pairs[:-1]])
    sums = np.add.reduceat(strongest, starts)
    kept = sums >= min_weight - 1e-9
    pair = pairs[starts][kept]
    return pair // size, pair % size, sums[kept].astype(np.float64)


def _line_numbers() -> dict[str, int]:
    return {name: number for number, name in enumerate(sorted(set(KIND_GROUP.values())))}


def _line_values(
    facts: Sequence[DomainFacts], weights: Mapping[Pivot, float], lines: Mapping[str, int]
) -> list[tuple[tuple[int, ...], int, float]]:
    """Domains holding each weighted value (two or more), with the value's line and weight.
    Values of one line held by the same domains (both name servers, both batch buckets) give the
    same pairs: the strongest is kept once."""
    holders: dict[Pivot, list[int]] = defaultdict(list)
    for index, item in enumerate(facts):
        for pivot in item.pivots:
            if pivot in weights:
                holders[pivot].append(index)
    found: dict[tuple[tuple[int, ...], int], float] = {}
    for pivot, members in holders.items():
        if len(members) >= 2:
            key = (tuple(members), lines.get(KIND_GROUP.get(pivot.kind, ""), len(lines)))
            found[key] = max(found.get(key, 0.0), weights[pivot])
    return [(members, line, strength) for (members, line), strength in found.items()]


def shared_values(a: DomainFacts, b: DomainFacts, weights: Mapping[Pivot, float]) -> tuple[Pivot, ...]:
    """The weighted values two domains share, strongest first."""
    common = set(a.pivots) & set(b.pivots)
    return tuple(sorted((p for p in common if p in weights), key=lambda p: (-weights[p], p)))
