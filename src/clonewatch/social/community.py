"""Which accounts form a group: connected components of the repeated co-sharing edges, a big
component split into its Louvain communities (``clonewatch.graphs``). Importing NetworKit takes
a few tenths of a second, so a CommunityWorker can load it in a helper process while the posts are
still being read, and do the work there."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING

import numpy as np

from clonewatch.graphs import weighted_groups

if TYPE_CHECKING:
    import numpy.typing as npt

    Ints = npt.NDArray[np.int64]

LOUVAIN_ABOVE = 50


def account_groups(size: int, lo: Ints, hi: Ints, weight: Ints) -> Ints:
    """A group number for each of ``size`` accounts (-1 for none), from the weighted co-sharing
    edges ``lo``-``hi``: components up to LOUVAIN_ABOVE accounts, bigger ones split into their
    Louvain communities."""
    return weighted_groups(size, lo, hi, weight, louvain_above=LOUVAIN_ABOVE)


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
