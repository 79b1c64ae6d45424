"""The seam between the monitor and the probe stage.

The monitor hands a list of domains to a :data:`ProbeFn` and stores each :class:`ProbeOutcome` it
yields. The default, :func:`default_probe_fn`, loads the probe stage only when it is first called,
so a monitor run with ``--no-probe`` never loads it, and a library user (or a test) can plug in any
function of the same shape.
"""

from __future__ import annotations

import atexit
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clonewatch.brands import Brand

if TYPE_CHECKING:
    from clonewatch.pipeline import Pipeline, PipelineConfig
    from clonewatch.probe.vantage import Vantage


@dataclass(frozen=True, slots=True)
class ProbeOutcome:
    """What probing one domain found: the evidence document, and the verdict drawn from it."""

    domain: str
    evidence: Mapping[str, Any]
    verdict: str
    confidence: float


ProbeFn = Callable[[Sequence[str]], Iterable[ProbeOutcome]]


@dataclass(frozen=True, slots=True)
class ProbeOptions:
    """How the default probe runs: how many domains at once, whether private addresses are allowed,
    and the vantage points each site is also visited from."""

    concurrency: int = 8
    allow_private: bool = False
    resolver: str | None = None
    screenshots: bool = False
    blobs: str | Path | None = None  # a directory or an fsspec URL (s3://bucket/prefix)
    vantages: tuple[Vantage, ...] = ()
    rdap_servers: Mapping[str, str] = field(default_factory=dict)  # suffix -> RDAP base URL
    ca_file: Path | None = None  # trust this CA bundle, not the system's


def default_probe_fn(brands: Sequence[Brand], options: ProbeOptions) -> ProbeFn:
    """A ProbeFn over :class:`clonewatch.pipeline.Pipeline`, built on first use; page bodies and
    screenshots go to the blob store, named by content."""
    pipeline: Pipeline | None = None

    def probe(domains: Sequence[str]) -> Iterator[ProbeOutcome]:
        nonlocal pipeline
        if pipeline is None:
            pipeline = _pipeline(brands, options)
        for probed in pipeline.run(domains):
            verdict = probed.verdict
            yield ProbeOutcome(
                probed.domain,
                probed.to_dict(),
                str(verdict.kind) if verdict is not None else "unknown",
                verdict.confidence if verdict is not None else 0.0,
            )

    return probe


def dask_probe_fn(brands: Sequence[Brand], options: ProbeOptions, scheduler: str) -> ProbeFn:
    """A ProbeFn over the Dask cluster at ``scheduler`` (``[dask] scheduler``), connected now
    (SchedulerUnreachable when it does not answer) and closed at exit; each domain a task."""
    from contextlib import ExitStack

    from clonewatch.scale.connect import Spread, connect
    from clonewatch.scale.probing import ProbeJob, probe_on_cluster

    stack = ExitStack()
    client = stack.enter_context(connect(scheduler, threads=options.concurrency))
    atexit.register(stack.close)
    job = ProbeJob(tuple(brands), _config(options))

    def probe(domains: Sequence[str]) -> Iterator[ProbeOutcome]:
        for record in probe_on_cluster(client, domains, job, Spread()):
            yield ProbeOutcome(
                record["domain"], record, record["verdict"] or "unknown", record["confidence"] or 0.0
            )

    return probe


def check_vantages(options: ProbeOptions) -> None:
    """Refuse (InputError) at start a vantage whose proxy the address policy forbids."""
    if not options.vantages:
        return
    from clonewatch.net import HttpClient, HttpSettings, ResolverSettings
    from clonewatch.probe.vantage import check_proxies

    dns = ResolverSettings.parse(options.resolver) if options.resolver else None
    check_proxies(options.vantages, HttpClient(HttpSettings(allow_private=options.allow_private, dns=dns)))


def check_blobs(options: ProbeOptions) -> None:
    """Reach the blob store now: a bucket that cannot be used is an InputError before the first
    feed is read, not a probe failure per batch."""
    from clonewatch.store import open_blobs

    open_blobs(options.blobs)


def _pipeline(brands: Sequence[Brand], options: ProbeOptions) -> Pipeline:
    from clonewatch.pipeline import Pipeline

    pipeline = Pipeline.from_config(_config(options), brands).open()
    atexit.register(pipeline.close)
    return pipeline


def _config(options: ProbeOptions) -> PipelineConfig:
    """The pipeline the options describe; page bodies and screenshots go to the blob store."""
    from clonewatch.net import HttpSettings, ResolverSettings
    from clonewatch.pipeline import PipelineConfig
    from clonewatch.probe.collect import ProbeSettings
    from clonewatch.store import open_blobs

    dns = ResolverSettings.parse(options.resolver) if options.resolver else None
    ca_file = str(options.ca_file) if options.ca_file else None
    http = HttpSettings(allow_private=options.allow_private, dns=dns, ca_file=ca_file)
    blobs = open_blobs(options.blobs, check=False)  # reached once already, at start (check_blobs)
    settings = ProbeSettings(
        http=http, resolver=dns, concurrency=options.concurrency, keep=blobs.put, vantages=options.vantages
    )
    rdap = dict(options.rdap_servers) or None
    return PipelineConfig(settings, browser=options.screenshots, rdap_servers=rdap)
