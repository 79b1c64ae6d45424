"""``probe`` on a Dask cluster: one task per domain, the evidence streamed back as each completes.

The client sends the brands and the pipeline's configuration once to every worker, then one task
per domain, keeping about two per worker thread in flight. A worker builds one
:class:`clonewatch.pipeline.Pipeline` per job (its Chromium started by the first task that needs
it) and keeps it for its lifetime (:class:`clonewatch.scale.worker.WorkerState`), under its own
settings: its resolver, its browser's limits, and private addresses refused unless both the
worker and the command allow them. A task returns the record ``clonewatch probe`` writes;
screenshots and page bodies are written by the worker to the directory the job names (a shared
mount). A worker that dies loses only the domains it had in hand: the scheduler gives them to
another worker, and a task that failed is tried once more (``retries=1``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from clonewatch.brands import Brand
from clonewatch.errors import InputError
from clonewatch.net import ResolverSettings
from clonewatch.pipeline import Pipeline, PipelineConfig
from clonewatch.probe.collect import RemoteView
from clonewatch.scale.connect import Spread, shared, thread_count
from clonewatch.scale.worker import VANTAGE_RESOURCE, WorkerSettings, address, here, vantage_resource

if TYPE_CHECKING:
    from distributed import Client, Future

IN_FLIGHT_PER_THREAD = 2
WORKER_CHECKS = "every address by the worker's own policy, names by its own resolver, from where it stands"


@dataclass(frozen=True)  # no slots: the key is worked out once, on first use
class ProbeJob:
    """One run's brands and pipeline configuration; ``key`` names the pipeline (and Chromium) a
    worker keeps for it: the same settings, the same key, so a worker serving run after run with
    the same settings keeps one Chromium for its lifetime."""

    brands: tuple[Brand, ...]
    config: PipelineConfig

    @cached_property
    def key(self) -> str:
        return "pipeline-" + hashlib.sha256(repr((self.brands, self.config)).encode()).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """One domain probed on a worker: the evidence record, and the worker that made it."""

    record: dict[str, Any]
    worker: str


def worker_config(config: PipelineConfig, own: WorkerSettings) -> PipelineConfig:
    """The job's configuration under a worker's own settings (see WorkerSettings)."""
    settings = config.settings
    http = settings.http
    if own.allow_private is False:
        http = replace(http, allow_private=False)
    resolver = settings.resolver
    if own.resolver is not None:
        resolver = ResolverSettings.parse(own.resolver, timeout=http.timeout)
        http = replace(http, dns=resolver)
    if own.source_address is not None:
        http = replace(http, source_address=own.source_address)
    browser_settings = config.browser_settings
    if browser_settings is not None and own.browser_pages is not None:
        browser_settings = replace(browser_settings, pages=own.browser_pages)
    if browser_settings is not None and own.browser_memory is not None:
        browser_settings = replace(browser_settings, max_memory=own.browser_memory << 20)
    return replace(
        config, settings=replace(settings, http=http, resolver=resolver), browser_settings=browser_settings
    )


def probe_task(job: ProbeJob, domain: str, remote: Mapping[str, RemoteView] | None = None) -> ProbeResult:
    """The task: match, probe and judge one domain with this worker's pipeline for the job, with
    the views the workers standing for vantages took (``remote``)."""
    with _pipeline(job) as pipeline:
        probed = pipeline.probe(domain, remote=remote)
    return ProbeResult(probed.to_dict(), address())


def look_task(job: ProbeJob, domain: str) -> RemoteView:
    """The task of a worker standing for a vantage: what its own connection (and browser) sees."""
    state = here()
    if state.settings.vantage is None:
        raise RuntimeError("a vantage's task reached a worker that stands for no vantage")
    with _pipeline(job) as pipeline:
        view = pipeline.look(domain)
    if view.browser is not None:  # the screenshot is in the blob store or --screenshots already
        view = replace(view, browser=replace(view.browser, png=None))
    described = {"worker": address(), "resolved_by": "worker", "checked": WORKER_CHECKS}
    return RemoteView(described, view)


@contextmanager
def _pipeline(job: ProbeJob) -> Iterator[Pipeline]:
    """This worker's pipeline for ``job``, built (and its browser started) on first use."""
    state = here()

    def build() -> Pipeline:
        return Pipeline.from_config(worker_config(job.config, state.settings), job.brands).open()

    with state.using(job.key, build) as pipeline:
        yield pipeline


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a run's tasks go: the vantages the workers stand for, and the workers standing for
    none (the home of the direct visits, DNS, RDAP and TLS; empty: any worker)."""

    vantages: tuple[str, ...] = ()
    home: tuple[str, ...] = ()


def placement(client: Client) -> Placement:
    """The vantages of the cluster's workers as they are now (``clonewatch worker --vantage``)."""
    workers = client.scheduler_info(n_workers=-1)["workers"]
    places: dict[str, set[str]] = {}
    for worker, info in workers.items():
        for resource in info.get("resources", {}):
            if resource.startswith(VANTAGE_RESOURCE):
                places.setdefault(worker, set()).add(resource.removeprefix(VANTAGE_RESOURCE))
    vantages = sorted({name for names in places.values() for name in names})
    return Placement(tuple(vantages), tuple(sorted(set(workers) - set(places))))


def probe_on_cluster(
    client: Client, domains: Iterable[str], job: ProbeJob, spread: Spread
) -> Iterator[dict[str, Any]]:
    """The evidence record of every domain, as each completes; the domains not yet started are
    cancelled when the caller stops early."""
    from distributed import as_completed

    places = placement(client)
    proxied = {v.name for v in job.config.settings.vantages}
    for name in places.vantages:
        if name in proxied:
            raise InputError(f"vantage {name} is both a --vantage proxy and a worker's --vantage")
    sent = shared(client, job)
    window = max(4, IN_FLIGHT_PER_THREAD * thread_count(client) // (1 + len(places.vantages)))
    names = iter(domains)
    pending: dict[Any, list[Future[Any]]] = {}  # by each probe's key: it and its vantages' looks

    def submit(count: int) -> list[Future[ProbeResult]]:
        futures = []
        for name in _take(names, count):
            looks = {
                where: client.submit(
                    look_task, sent, name, resources={vantage_resource(where): 1}, retries=1, pure=False
                )
                for where in places.vantages
            }
            home = list(places.home) or None
            futures.append(
                client.submit(
                    probe_task,
                    sent,
                    name,
                    looks or None,
                    workers=home,
                    allow_other_workers=home is not None,
                    retries=1,
                    pure=False,
                )
            )
            pending[futures[-1].key] = [futures[-1], *looks.values()]
        return futures

    flowing = as_completed(submit(window), loop=client.loop)
    try:
        for future in flowing:
            result: ProbeResult = future.result()
            del pending[future.key]
            spread.tasks[result.worker] += 1
            for more in submit(1):
                flowing.add(more)
            yield result.record
    finally:
        client.cancel([future for futures in pending.values() for future in futures])


def _take(names: Iterator[str], count: int) -> Sequence[str]:
    taken: list[str] = []
    for name in names:
        taken.append(name)
        if len(taken) >= count:
            break
    return taken
