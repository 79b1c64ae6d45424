"""Reach the Dask cluster a ``--scheduler`` names: an existing scheduler, or a local cluster started here.

``tcp://HOST:PORT`` (or ``HOST:PORT``, or any address Dask knows, ``tls://`` included) connects
to a running scheduler, waiting at most CONNECT_TIMEOUT seconds for it to answer and
WORKER_TIMEOUT for a first worker. ``local:N`` starts a ``LocalCluster`` of N worker processes on
loopback for the run, each with clonewatch's plugin and the settings the command was given.
Either way a cluster that cannot be reached is a :class:`SchedulerUnreachable`, one line.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from clonewatch.errors import SchedulerUnreachable
from clonewatch.scale.worker import ClonewatchPlugin, WorkerSettings

if TYPE_CHECKING:
    from distributed import Client, Future

T = TypeVar("T")

CONNECT_TIMEOUT = 3.0
WORKER_TIMEOUT = 60.0
MAX_LOCAL = 64
_LOCAL = re.compile(r"local:(\d+)")


def is_local(address: str) -> bool:
    return address.startswith("local:")


@contextmanager
def connect(
    address: str,
    *,
    threads: int = 1,
    settings: WorkerSettings | None = None,
    worker_timeout: float = WORKER_TIMEOUT,
) -> Iterator[Client]:
    """A client of the cluster at ``address``, closed (with the local cluster) on leaving.
    ``threads`` and ``settings``: each local worker's threads and clonewatch settings (a remote
    cluster's workers have their own)."""
    local = _LOCAL.fullmatch(address.strip())
    if local is None and is_local(address):
        raise SchedulerUnreachable(f"--scheduler {address}: expected local:N, N a number of workers")
    if local is not None and not 1 <= int(local.group(1)) <= MAX_LOCAL:
        raise SchedulerUnreachable(f"--scheduler {address}: local:N needs N from 1 to {MAX_LOCAL}")
    from distributed import Client, LocalCluster

    with ExitStack() as stack:
        if local is not None:
            count = int(local.group(1))
            cluster = LocalCluster(
                n_workers=count,
                threads_per_worker=threads,
                processes=True,
                host="127.0.0.1",
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            )
            stack.callback(cluster.close)
            client = Client(cluster, set_as_default=False)
            stack.callback(client.close)
            client.register_plugin(ClonewatchPlugin(settings or WorkerSettings()))
        else:
            target = address if "://" in address else f"tcp://{address}"
            try:
                client = Client(target, timeout=CONNECT_TIMEOUT, set_as_default=False)
            except (OSError, TimeoutError, ValueError) as exc:
                reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise SchedulerUnreachable(
                    f"--scheduler {address}: no Dask scheduler answers ({reason})"
                ) from None
            stack.callback(client.close)
            try:
                client.wait_for_workers(1, timeout=worker_timeout)
            except TimeoutError:
                raise SchedulerUnreachable(
                    f"--scheduler {address}: the scheduler has no worker (waited {worker_timeout:g} s)"
                ) from None
        yield client


def worker_count(client: Client) -> int:
    """How many workers the cluster has now."""
    return len(client.scheduler_info(n_workers=-1)["workers"])


def thread_count(client: Client) -> int:
    """How many task threads the cluster's workers have now, in all."""
    workers = client.scheduler_info(n_workers=-1)["workers"]
    return sum(int(info.get("nthreads", 1)) for info in workers.values())


def shared(client: Client, value: T) -> Future[T]:
    """``value`` held on the cluster for a run's tasks, and made again should every worker holding
    it die. (Data scattered to the workers cannot be made again: when its last copy is lost — the
    scheduler keeps one copy of a broadcast once no task waits on the others — every task needing
    it is cancelled.)"""
    return client.submit(_same, value, pure=False)


def _same(value: T) -> T:
    return value


@dataclass(slots=True)
class Spread:
    """How a run went over the cluster: tasks done per worker address."""

    tasks: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        per = ", ".join(f"{worker} {count}" for worker, count in sorted(self.tasks.items()))
        total = sum(self.tasks.values())
        tasks = f"{total:,} task{'s' * (total != 1)}"
        return f"{tasks} on {len(self.tasks)} worker{'s' * (len(self.tasks) != 1)} ({per})"
