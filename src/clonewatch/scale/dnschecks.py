"""``generate --registered`` on a Dask cluster: the DNS checks of the candidates as tasks.

Each task checks a slice of the names with the asynchronous checker of a run here (its
concurrency, timeout, retries and rate hold per task), through the worker's own resolver when it
has one (``clonewatch worker --resolver``), else the command's. The results come back as the
slices finish, so the output order is the order of completion, as it is here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from clonewatch.net import ResolverSettings
from clonewatch.probe.dns import DnsFacts, check_names
from clonewatch.scale.connect import Spread
from clonewatch.scale.worker import address, here

if TYPE_CHECKING:
    from distributed import Client

NAMES_PER_TASK = 500


def check_slice(settings: ResolverSettings, names: list[str]) -> tuple[list[DnsFacts], str]:
    """The task: check ``names``; their facts, and the worker that asked."""
    own = here().settings.resolver
    if own is not None:
        server = ResolverSettings.parse(own)
        settings = replace(settings, nameserver=server.nameserver, port=server.port)
    found: list[DnsFacts] = []
    check_names(names, settings, found.append)
    return found, address()


def check_on_cluster(
    client: Client,
    names: Sequence[str],
    settings: ResolverSettings,
    on_result: Callable[[DnsFacts], None],
    spread: Spread,
    *,
    per_task: int = NAMES_PER_TASK,
) -> None:
    """Check ``names`` on the cluster, calling ``on_result`` for each as its slice comes back."""
    from distributed import as_completed

    futures = [
        client.submit(check_slice, settings, list(names[start : start + per_task]), retries=1, pure=False)
        for start in range(0, len(names), per_task)
    ]
    try:
        for future in as_completed(futures, loop=client.loop):
            facts, worker = future.result()
            spread.tasks[worker] += 1
            for item in facts:
                on_result(item)
    finally:
        client.cancel(futures)
