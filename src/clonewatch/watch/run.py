"""Build a monitor from a :class:`WatchConfig` and run it: the one call behind ``clonewatch watch``."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TextIO

from clonewatch.brands import Brand
from clonewatch.match import Matcher
from clonewatch.store import Store
from clonewatch.watch.alerts import STDOUT, AlertSink, FileSink, StdoutSink, WebhookSink
from clonewatch.watch.config import WatchConfig
from clonewatch.watch.feeds import Feed, FeedContext
from clonewatch.watch.http import HttpClient
from clonewatch.watch.monitor import Monitor, WatchStats
from clonewatch.watch.probing import (
    ProbeFn,
    ProbeOptions,
    check_blobs,
    check_vantages,
    dask_probe_fn,
    default_probe_fn,
)


@dataclass(frozen=True, slots=True)
class WatchReport:
    """How a run ended: its counts, and how many feeds failed on the last pass (``once`` runs)."""

    stats: WatchStats
    failed_feeds: int


def sinks_for(
    config: WatchConfig, context: FeedContext, stdout: TextIO | None = None
) -> dict[str, AlertSink]:
    """One sink per configured alert target, keyed by the target name stored with each alert."""
    alerts = config.alerts
    sinks: list[AlertSink] = []
    if alerts.stdout:
        sinks.append(StdoutSink(stdout))
    if alerts.file is not None:
        sinks.append(FileSink(alerts.file))
    for url in alerts.webhooks:
        sinks.append(
            WebhookSink(url, context.client, context.stop, retries=alerts.retries, backoff=alerts.backoff)
        )
    return {sink.target: sink for sink in sinks}


def run_watch(
    config: WatchConfig,
    brands: Sequence[Brand],
    *,
    once: bool = False,
    stop: threading.Event | None = None,
    probe: ProbeFn | None = None,
    stdout: TextIO | None = None,
) -> WatchReport:
    """Watch the configured feeds until ``stop`` is set (or, with ``once``, until they are read).

    ``probe`` replaces the default probe function; probing is off when ``config.probe.enabled`` is false.
    """
    caps = config.caps
    context = FeedContext(
        client=HttpClient(config.allow_private, caps.http_timeout, caps.max_response_bytes),
        stop=stop or threading.Event(),
        max_retry_after=caps.max_retry_after,
        retries=caps.retries,
        backoff=caps.backoff,
    )
    feeds: list[tuple[Feed, float]] = [(spec.build(context), spec.poll) for spec in config.feeds]
    sinks = sinks_for(config, context, stdout)
    probe_fn: ProbeFn | None = None
    if config.probe.enabled:
        options = ProbeOptions(
            config.probe.concurrency,
            config.allow_private,
            config.probe.resolver,
            config.probe.screenshots,
            config.probe.blobs,
            config.probe.vantages,
            config.probe.rdap_servers,
            config.probe.ca_file,
        )
        check_vantages(options)
        check_blobs(options)
        if probe is not None:
            probe_fn = probe
        elif config.scheduler is not None:
            probe_fn = dask_probe_fn(brands, options, config.scheduler)
        else:
            probe_fn = default_probe_fn(brands, options)
    with Store.open(config.db) as store:
        monitor = Monitor(
            store,
            feeds,
            Matcher(brands),
            context,
            batch_size=config.batch_size,
            alert_targets=sorted(sinks),
            alert_min_score=config.alerts.min_score,
            sinks=sinks,
            probe=probe_fn,
            probe_batch=config.probe.batch,
            schedule=config.probe.schedule,
            max_attempts=config.alerts.max_attempts,
            lease=timedelta(seconds=config.probe.lease),
        )
        if once:
            failed = monitor.run_once()
        else:
            monitor.run_forever()
            failed = 0
    return WatchReport(monitor.stats, failed)


__all__ = ["STDOUT", "WatchReport", "run_watch", "sinks_for"]
