"""`clonewatch cluster --expand`: the seeds' campaigns grown from feeds of names, with the work
shown on standard error and the evidence gathered kept when asked for."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from clonewatch.cli.common import load_brands
from clonewatch.cli.probing import pipeline_config
from clonewatch.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable

    from clonewatch.brands import Brand
    from clonewatch.cluster import ClusterSettings
    from clonewatch.cluster.expand import Check, ExpandProgress, Expansion, Probe
    from clonewatch.pipeline import PipelineConfig


def expand_from_seeds(
    records: Iterable[Mapping[str, Any]],
    *,
    seeds: list[str],
    feeds: list[str],
    leads: Sequence[str] = (),
    cluster: ClusterSettings,
    asn: Callable[[str], int | None] | None,
    depth: int,
    max_probes: int,
    brands: Path | None,
    resolver: str | None,
    allow_private: bool,
    ca_file: Path | None,
    rdap_server: list[str] | None,
    browser: bool,
    evidence_out: Path | None,
    scheduler: str | None = None,
) -> Expansion:
    """Read the feeds, expand from the seeds through the probe pipeline, write the evidence
    gathered to ``evidence_out``; progress and a summary on standard error. ``leads``: names
    from elsewhere (the domains linked by the accounts that posted the seeds) considered with the feeds'.
    ``scheduler``: resolve the feed and probe the candidates on that Dask cluster."""
    from clonewatch.cluster.expand import ExpandSettings, expand, feed_names
    from clonewatch.match import FeedStats
    from clonewatch.net import ResolverSettings

    if not seeds:
        raise InputError("--expand needs --seeds FILE: the proven clones to grow campaigns from")
    stats = FeedStats()
    try:
        names = feed_names(feeds, stats)
        known = set(names)
        names += [name for name in dict.fromkeys(leads) if name not in known]
    except KeyboardInterrupt:
        print(f"clonewatch: interrupted after reading {stats.read:,} feed names", file=sys.stderr)
        raise typer.Exit(130) from None
    if stats.skipped:
        shown = "; ".join(f"{e.source}:{e.lineno} {e.reason}" for e in stats.examples)
        print(f"clonewatch: skipped {stats.skipped:,} unparseable feed lines ({shown})", file=sys.stderr)
    settings = ExpandSettings(
        depth=depth, max_probes=max_probes, resolver=ResolverSettings.parse(resolver), cluster=cluster
    )
    config = pipeline_config(
        resolver=resolver,
        allow_private=allow_private,
        ca_file=ca_file,
        rdap_server=rdap_server,
        browser=browser,
    )
    progress = _Progress()
    with _network_work(scheduler, config, load_brands(brands)) as (probe, check):
        found = expand(
            records,
            seeds=seeds,
            names=names,
            probe=probe,
            settings=settings,
            asn=asn,
            progress=progress,
            check=check,
        )
    progress.summary(found)
    if evidence_out is not None:
        _write_evidence(evidence_out, found.evidence)
    return found


@contextmanager
def _network_work(
    scheduler: str | None, config: PipelineConfig, brands: list[Brand]
) -> Iterator[tuple[Probe, Check | None]]:
    """What probes the candidates and resolves the feed: a pipeline here, or the Dask cluster at
    ``scheduler`` (the tasks of ``probe --scheduler`` and ``generate --registered --scheduler``)."""
    from clonewatch.cluster.expand import pipeline_probe

    if scheduler is None:
        from clonewatch.pipeline import Pipeline

        with Pipeline.from_config(config, brands) as pipeline:
            yield pipeline_probe(pipeline), None
        return
    from clonewatch.scale.connect import Spread, connect
    from clonewatch.scale.dnschecks import check_on_cluster
    from clonewatch.scale.probing import ProbeJob, probe_on_cluster

    spread = Spread()
    job = ProbeJob(tuple(brands), config)
    with connect(scheduler, threads=config.settings.concurrency) as client:
        yield (
            lambda names: probe_on_cluster(client, names, job, spread),
            lambda names, settings, emit: check_on_cluster(client, names, settings, emit, spread),
        )
    if spread.tasks:
        print(f"clonewatch: {spread.describe()}", file=sys.stderr)


class _Progress:
    """Each stage on standard error: a live count on a terminal, a line when a stage ends."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()

    def __call__(self, step: ExpandProgress) -> None:
        where = f"depth {step.depth}: " if step.depth else ""
        if step.stage == "kept":
            budget = f", probing {step.done:,} (--max-probes)" if step.done < step.total else ""
            linked = "linked to members by infrastructure or redirects"
            self._line(f"{where}kept {step.total:,} candidates {linked}{budget}")
        elif step.stage == "probing" and step.depth == 0:
            self._line(f"probing {step.total:,} seeds without evidence")
        elif step.stage in ("resolving", "probed"):
            verb = "resolved" if step.stage == "resolving" else "probed"
            noun = " feed names" if step.stage == "resolving" else ""
            text = f"{where}{verb} {step.done:,}/{step.total:,}{noun}"
            if step.done == step.total:
                self._line(text)
            elif self.live:
                print(f"\rclonewatch: {text}", end="", file=sys.stderr, flush=True)

    def _line(self, text: str) -> None:
        print(f"{chr(13) if self.live else ''}clonewatch: {text}", file=sys.stderr, flush=True)

    def summary(self, found: Expansion) -> None:
        state = "interrupted, clustered what was gathered" if found.interrupted else "expanded"
        left = f", {found.unprobed:,} candidates left unprobed (--max-probes)" if found.unprobed else ""
        self._line(
            f"{state}: {found.resolved:,} feed names resolved ({found.registered:,} registered), "
            f"{len(found.evidence):,} probed to depth {found.depth}{left}"
        )


def _write_evidence(path: Path, records: Iterable[Mapping[str, Any]]) -> None:
    try:
        with path.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
