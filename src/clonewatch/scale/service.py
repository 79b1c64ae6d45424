"""``clonewatch worker``: one Dask worker process with clonewatch's plugin, until it is stopped.

The worker connects to the scheduler (waiting at most ``start_timeout`` seconds for it), offers
its threads and, when it stands for a vantage, the resource that pins that vantage's tasks to it,
and serves until SIGTERM or Ctrl-C (closing its Chromium on the way out), or until its scheduler
has been gone ``death_timeout`` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

from clonewatch.errors import SchedulerUnreachable
from clonewatch.scale.worker import ClonewatchPlugin, WorkerSettings


def run_worker(
    scheduler: str,
    settings: WorkerSettings,
    *,
    threads: int,
    host: str | None = None,
    name: str | None = None,
    start_timeout: float = 30.0,
    death_timeout: float = 60.0,
    started: Callable[[str], None] | None = None,
) -> None:
    """Serve tasks until stopped; SchedulerUnreachable when no scheduler answers at the start."""
    target = scheduler if "://" in scheduler else f"tcp://{scheduler}"
    asyncio.run(_serve(target, settings, threads, host, name, start_timeout, death_timeout, started))


async def _serve(
    target: str,
    settings: WorkerSettings,
    threads: int,
    host: str | None,
    name: str | None,
    start_timeout: float,
    death_timeout: float,
    started: Callable[[str], None] | None,
) -> None:
    from distributed import Worker

    worker = Worker(
        target,
        nthreads=threads,
        resources=settings.resources(threads),
        plugins=(ClonewatchPlugin(settings),),
        host=host,
        name=name,
        dashboard=False,
        silence_logs=logging.WARNING,
        death_timeout=death_timeout,
    )
    try:
        await asyncio.wait_for(worker.start(), timeout=start_timeout)
    except (OSError, TimeoutError) as exc:
        await worker.close(reason="no scheduler")
        reason = str(exc).splitlines()[0] if str(exc) else f"waited {start_timeout:g} s"
        raise SchedulerUnreachable(f"no Dask scheduler answers at {target} ({reason})") from None
    loop = asyncio.get_running_loop()
    for stop in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop, lambda: asyncio.ensure_future(worker.close(reason="stopped")))
    if started is not None:
        started(str(worker.address))
    await worker.finished()
