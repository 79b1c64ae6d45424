"""Which accounts form a group: connected components of the repeated co-sharing edges, a big
component split into its Louvain communities (NetworKit's PLM, in C++). Importing NetworKit takes
a few tenths of a second, so a CommunityWorker can load it in a helper process while the posts are
still being read, and do the work there."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

    Ints = npt.NDArray[np.int64]

LOUVAIN_ABOVE = 50
LOUVAIN_SEED = 7


def account_groups(size: int, lo: Ints, hi: Ints, weight: Ints) -> Ints:
    """A group number for each of ``size`` accounts (-1 for none), from the weighted edges
    ``lo``-``hi``: components of 2 to LOUVAIN_ABOVE accounts as they are; bigger ones split into
    their Louvain communities (found on the one graph: a community never spans two components),
    communities of one account dropped."""
    import networkit as nk

    coo = (weight.astype(np.float64), (lo.astype(np.uint64), hi.astype(np.uint64)))
    graph = nk.GraphFromCoo(coo, n=size, weighted=True, directed=False)  # the C++ side refers to it
    found = nk.components.ConnectedComponents(graph)
    found.run()
    involved = np.zeros(size, dtype=bool)
    involved[lo] = involved[hi] = True
    component = np.where(involved, np.asarray(found.getPartition().getVector(), dtype=np.int64), -1)
    sizes = np.bincount(component[involved], minlength=int(component.max()) + 1)
    group = _numbered(component, (sizes >= 2) & (sizes <= LOUVAIN_ABOVE), start=0)
    big = involved & (sizes > LOUVAIN_ABOVE)[np.maximum(component, 0)]
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
    """Louvain communities of a NetworKit graph (PLM; one thread and a fixed seed, so the same
    input gives the same answer)."""
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
