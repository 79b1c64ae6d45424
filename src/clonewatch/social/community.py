"""Which accounts form a group: connected components of the repeated co-sharing edges, a big
component split into its Louvain communities (NetworKit's PLM, in C++). Importing NetworKit takes
a few tenths of a second, so a CommunityWorker can load it in a helper process while the posts are
still being read, and do the work there."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

    Ints = npt.NDArray[np.int64]

LOUVAIN_ABOVE = 50
LOUVAIN_SEED = 7


def account_groups(size: int, lo: Ints, hi: Ints, weight: Ints) -> Ints:
    """A group number for each of ``size`` accounts (-1 for none), from the edges ``lo``-``hi``:
    components of 2 to LOUVAIN_ABOVE accounts as they are, bigger ones by Louvain community."""
    import networkit as nk

    coo = (np.ones(len(lo)), (lo.astype(np.uint64), hi.astype(np.uint64)))
    graph = nk.GraphFromCoo(coo, n=size, weighted=True, directed=False)  # the C++ side refers to it
    found = nk.components.ConnectedComponents(graph)
    found.run()
    component = np.asarray(found.getPartition().getVector(), dtype=np.int64)
    involved = np.zeros(size, dtype=bool)
    involved[lo] = involved[hi] = True
    component = np.where(involved, component, -1).astype(np.int64)
    sizes = np.bincount(component[involved], minlength=int(component.max()) + 1)
    small = (sizes >= 2) & (sizes <= LOUVAIN_ABOVE)
    numbers = np.cumsum(small) - 1
    group = np.where(involved & small[np.maximum(component, 0)], numbers[np.maximum(component, 0)], -1)
    next_group = int(small.sum())
    for c in np.flatnonzero(sizes > LOUVAIN_ABOVE).tolist():
        inside = component[lo] == c
        for community in _communities(np.flatnonzero(component == c), lo[inside], hi[inside], weight[inside]):
            group[community] = next_group
            next_group += 1
    return group.astype(np.int64)


def _communities(nodes: Ints, lo: Ints, hi: Ints, weight: Ints) -> list[Ints]:
    """Louvain communities (weighted, fixed seed, one thread for a stable answer) of one
    component, singletons dropped; NetworKit's PLM does the work in C++."""
    import networkit as nk

    local = np.full(int(nodes.max()) + 1, -1, dtype=np.int64)
    local[nodes] = np.arange(len(nodes), dtype=np.int64)
    coo = (weight.astype(np.float64), (local[lo].astype(np.uint64), local[hi].astype(np.uint64)))
    graph = nk.GraphFromCoo(coo, n=len(nodes), weighted=True, directed=False)
    threads = nk.getMaxNumberOfThreads()
    nk.setNumberOfThreads(1)
    nk.setSeed(LOUVAIN_SEED, False)
    try:
        louvain = nk.community.PLM(graph, refine=False)
        louvain.run()
        membership = np.asarray(louvain.getPartition().getVector(), dtype=np.int64)
    finally:
        nk.setNumberOfThreads(threads)
    order = np.argsort(membership, kind="stable")
    bounds = np.flatnonzero(np.diff(membership[order])) + 1
    return [nodes[part] for part in np.split(order, bounds) if len(part) > 1]


class CommunityWorker:
    """A helper process that loads NetworKit as soon as it starts and finds the groups there;
    start it before the long work that precedes grouping."""

    def __init__(self) -> None:
        self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
        self._loading = self._pool.submit(_load)

    def account_groups(self, size: int, lo: Ints, hi: Ints, weight: Ints) -> Ints:
        return self._pool.submit(account_groups, size, lo, hi, weight).result()

    def __enter__(self) -> CommunityWorker:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._pool.shutdown(wait=kind is None, cancel_futures=True)


def _load() -> None:
    import networkit  # noqa: F401
