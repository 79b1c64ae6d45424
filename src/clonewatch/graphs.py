"""Groups in a weighted graph: connected components, the big ones split into their Louvain
communities (NetworKit's PLM, in C++, one thread and a fixed seed so the same input gives the same
answer). Shared by ``social`` (account groups) and ``cluster`` (campaigns)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

    Ints = npt.NDArray[np.int64]
    Floats = npt.NDArray[np.float64]

LOUVAIN_SEED = 7


def weighted_groups(size: int, lo: Ints, hi: Ints, weight: Ints | Floats, *, louvain_above: int) -> Ints:
    """A group number for each of ``size`` nodes (-1 for none), from the weighted edges
    ``lo``-``hi``: components of 2 to ``louvain_above`` nodes as they are; bigger ones split into
    their Louvain communities (found on the one graph: a community never spans two components),
    groups of one node dropped."""
    import networkit as nk

    if lo.size == 0:  # nothing joins anything
        return np.full(size, -1, dtype=np.int64)

    coo = (weight.astype(np.float64), (lo.astype(np.uint64), hi.astype(np.uint64)))
    graph = nk.GraphFromCoo(coo, n=size, weighted=True, directed=False)  # the C++ side refers to it
    found = nk.components.ConnectedComponents(graph)
    found.run()
    involved = np.zeros(size, dtype=bool)
    involved[lo] = involved[hi] = True
    component = np.where(involved, np.asarray(found.getPartition().getVector(), dtype=np.int64), -1)
    sizes = np.bincount(component[involved], minlength=int(component.max()) + 1)
    group = _numbered(component, (sizes >= 2) & (sizes <= louvain_above), start=0)
    big = involved & (sizes > louvain_above)[np.maximum(component, 0)]
    if big.any():
        community = np.where(big, _louvain(graph), -1)
        members = np.bincount(community[big], minlength=int(community.max()) + 1)
        first = int(group.max()) + 1
        group = np.where(big, _numbered(community, members > 1, start=first), group)
    return group.astype(np.int64)


def _numbered(label: Ints, kept: npt.NDArray[np.bool_], *, start: int) -> Ints:
    """Consecutive numbers from ``start`` for the labels that are kept; -1 for the rest."""
    numbers = start + np.cumsum(kept) - 1
    safe = np.maximum(label, 0)
    return np.where((label >= 0) & kept[safe], numbers[safe], -1)


def _louvain(graph: Any) -> Ints:
    import networkit as nk

    threads = nk.getMaxNumberOfThreads()
    nk.setNumberOfThreads(1)
    nk.setSeed(LOUVAIN_SEED, False)
    try:
        louvain = nk.community.PLM(graph, refine=False)
        louvain.run()
        return np.asarray(louvain.getPartition().getVector(), dtype=np.int64)
    finally:
        nk.setNumberOfThreads(threads)
