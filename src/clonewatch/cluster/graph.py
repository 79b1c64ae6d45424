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


def weighted_edges(
    facts: Sequence[DomainFacts], weights: Mapping[Pivot, float], min_weight: float
) -> tuple[Ints, Ints, Floats]:
    """Edges ``lo[i]``-``hi[i]`` (indices into ``facts``, lo < hi) whose total weight ``w[i]``
    reaches ``min_weight``."""
    holders: dict[Pivot, list[int]] = defaultdict(list)
    for index, item in enumerate(facts):
        for pivot in item.pivots:
            if pivot in weights:
                holders[pivot].append(index)
    groups = {name: number for number, name in enumerate(sorted(set(KIND_GROUP.values())))}
    lines = np.int64(len(groups) + 1)
    keys: list[Ints] = []
    values: list[Floats] = []
    size = np.int64(len(facts))
    for pivot, members in holders.items():
        if len(members) < 2:
            continue
        indices = np.asarray(members, dtype=np.int64)
        first, second = np.triu_indices(len(indices), 1)
        line = np.int64(groups.get(KIND_GROUP.get(pivot.kind, ""), len(groups)))
        keys.append((indices[first] * size + indices[second]) * lines + line)
        values.append(np.full(len(first), weights[pivot]))
    if not keys:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float64)
    every = np.concatenate(keys)
    order = np.argsort(every, kind="stable")
    every, strength = every[order], np.concatenate(values)[order]
    starts = np.flatnonzero(np.r_[True, every[1:] != every[:-1]])
    strongest = np.maximum.reduceat(strength, starts)
    unique, inverse = np.unique(every[starts] // lines, return_inverse=True)
    total = np.bincount(inverse, weights=strongest)
    kept = total >= min_weight - 1e-9
    pairs = unique[kept].astype(np.int64)
    return pairs // size, pairs % size, total[kept].astype(np.float64)


def shared_values(a: DomainFacts, b: DomainFacts, weights: Mapping[Pivot, float]) -> tuple[Pivot, ...]:
    """The weighted values two domains share, strongest first."""
    common = set(a.pivots) & set(b.pivots)
    return tuple(sorted((p for p in common if p in weights), key=lambda p: (-weights[p], p)))
