"""What a Dask worker keeps for clonewatch between tasks: its own settings and what is costly to build.

``clonewatch worker`` starts a worker with :class:`ClonewatchPlugin`, which holds the worker's
settings (its resolver, whether private addresses may be reached, its browser's limits, the
vantage it stands for) and a :class:`WorkerState`: the matchers (seconds to build over the bundled
watchlist) and the probe pipelines (each with its Chromium, started on the first probe task) of
the jobs it served, kept for the worker's lifetime and closed with it. A plain ``dask worker``
has no plugin: its tasks share one state per process, whose settings leave every choice to the job.
"""

from __future__ import annotations

import atexit
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from distributed import WorkerPlugin, get_worker

if TYPE_CHECKING:
    from distributed import Worker

PLUGIN = "clonewatch"
KEPT = 2  # matchers and pipelines (each with its Chromium) a worker keeps beyond those in use
VANTAGE_RESOURCE = "vantage-"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """A worker's own settings. ``resolver``: its DNS server, replacing the job's (None: the
    job's); ``allow_private``: False refuses private addresses whatever the job asks, True lets
    the job decide, None (a plain ``dask worker``) too; ``browser_pages``/``browser_memory``
    (MB): its Chromium's limits (None: the job's); ``vantage``: the place it visits from, when it
    stands for one; ``source_address``: the local address its visits leave from (a host with
    several)."""

    resolver: str | None = None
    allow_private: bool | None = None
    browser_pages: int | None = None
    browser_memory: int | None = None
    vantage: str | None = None
    source_address: str | None = None

    def resources(self, threads: int) -> dict[str, float]:
        """The Dask resources that pin a vantage's tasks to the workers standing for it."""
        return {vantage_resource(self.vantage): float(threads)} if self.vantage else {}


def vantage_resource(name: str) -> str:
    """The Dask resource a worker standing for vantage ``name`` offers."""
    return f"{VANTAGE_RESOURCE}{name}"


class WorkerState:
    """The settings of one worker and what it keeps between tasks, built once per job key."""

    def __init__(self, settings: WorkerSettings) -> None:
        self.settings = settings
        self._kept: OrderedDict[str, Any] = OrderedDict()
        self._users: dict[str, int] = {}
        self._lock = threading.Lock()
        self._building: dict[str, threading.Lock] = {}

    @contextmanager
    def using(self, key: str, build: Callable[[], T]) -> Iterator[T]:
        """The object kept under ``key``, built on first use (once, whatever the threads); the
        least recently used beyond KEPT is closed when nobody is using it."""
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                value: T | None = self._kept.get(key)
            made = build() if value is None else value
            with self._lock:
                self._kept[key] = made
                self._kept.move_to_end(key)
                self._users[key] = self._users.get(key, 0) + 1
        try:
            yield made
        finally:
            with self._lock:
                self._users[key] -= 1
                stale = self._evict()
            for item in stale:
                _close(item)

    def _evict(self) -> list[Any]:
        stale: list[Any] = []
        for key in list(self._kept):
            if len(self._kept) - len(stale) <= KEPT:
                break
            if not self._users.get(key):
                stale.append(self._kept.pop(key))
                self._building.pop(key, None)
        return stale

    def close(self) -> None:
        with self._lock:
            items = list(self._kept.values())
            self._kept.clear()
        for item in items:
            _close(item)


def _close(item: Any) -> None:
    close = getattr(item, "close", None)
    if callable(close):
        close()


class ClonewatchPlugin(WorkerPlugin):
    """Gives a worker clonewatch's settings and a state for its lifetime (closed at teardown)."""

    name = PLUGIN

    def __init__(self, settings: WorkerSettings) -> None:
        self.settings = settings
        self.state: WorkerState | None = None

    def setup(self, worker: Worker) -> None:
        self.state = WorkerState(self.settings)

    def teardown(self, worker: Worker) -> None:
        if self.state is not None:
            self.state.close()
            self.state = None


_PLAIN: WorkerState | None = None
_PLAIN_LOCK = threading.Lock()


def here() -> WorkerState:
    """The state of the worker running the current task: its plugin's, else the process's own."""
    global _PLAIN
    plugin = get_worker().plugins.get(PLUGIN)
    if isinstance(plugin, ClonewatchPlugin) and plugin.state is not None:
        return plugin.state
    with _PLAIN_LOCK:
        if _PLAIN is None:
            _PLAIN = WorkerState(WorkerSettings())
            atexit.register(_PLAIN.close)
        return _PLAIN


def address() -> str:
    """The address of the worker running the current task."""
    return str(get_worker().address)
