"""bench/watch: the monitor's ingest speed. A million CT entries (RFC 6962, from the local log kit)
and a million-line NRD file go through `clonewatch watch --once --no-probe` into SQLite and
PostgreSQL; the report gives entries and names per second into the store, against the issue's
targets (>= 5,000 CT entries/s on one core; 1M NRD lines in under 60 s)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchkit.cli import PROJECT_ROOT
from benchkit.log import progress
from benchkit.report import LEFT, RIGHT, markdown_table
from clonewatch.store import Store
from clonewatch.testing.ctlog import LocalCtLog
from clonewatch.testing.postgres import LocalPostgres
from watchbench import ctpool, nrdfile

CT_TARGET = 5000.0  # entries/s
NRD_TARGET_SECONDS = 60.0  # for 1M lines
_SUMMARY = re.compile(r"read (\d+) names, (\d+) matches, (\d+) new look-alikes")


@dataclass
class Run:
    feed: str
    database: str
    items: int
    seconds: float
    names: int
    matches: int
    new_domains: int
    domains_in_store: int
    cursor: Any
    ok: bool
    error: str | None = None

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds else 0.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/watch", description=__doc__)
    p.add_argument("--entries", type=int, default=1_000_000, help="CT log entries (default 1000000)")
    p.add_argument("--lines", type=int, default=1_000_000, help="NRD file lines (default 1000000)")
    p.add_argument("--pool", type=int, default=3000, help="real certificates in the CT pool (default 3000)")
    p.add_argument("--per-request", type=int, default=1000, help="get-entries batch (default 1000)")
    p.add_argument("--batch-size", type=int, default=1000, help="the monitor's --batch-size (default 1000)")
    p.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    p.add_argument("--feeds", default="ct,nrd", help="comma-separated: ct, nrd")
    p.add_argument("--clonewatch", default=str(PROJECT_ROOT / ".venv" / "bin" / "clonewatch"))
    p.add_argument("--timeout", type=float, default=1800.0, help="seconds before a run is killed")
    p.add_argument("--out-dir", type=Path, default=PROJECT_ROOT / "bench" / "out")
    args = p.parse_args(argv)
    if args.entries < 1 or args.lines < 1 or args.pool < 10 or args.per_request < 1:
        p.error("--entries, --lines, --per-request must be positive and --pool at least 10")
    for name in args.databases.split(","):
        if name not in ("sqlite", "postgresql"):
            p.error(f"unknown database {name!r}")
    for name in args.feeds.split(","):
        if name not in ("ct", "nrd"):
            p.error(f"unknown feed {name!r}")
    return args


def _pin(cpu: int | None) -> None:
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})


def run_monitor(
    args: argparse.Namespace,
    feed: str,
    database: str,
    db_url: str,
    feed_args: list[str],
    items: int,
    work: Path,
) -> Run:
    config = work / f"{feed}-{database}.toml"
    config.write_text("")
    if feed == "ct":
        config.write_text(f'[[feeds.ct]]\nurl = "{feed_args[0]}"\nentries_per_request = {args.per_request}\n')
        feed_args = []
    command = [
        args.clonewatch,
        "watch",
        *feed_args,
        "--config",
        str(config),
        "--once",
        "--no-probe",
        "--allow-private",
        "--db",
        db_url,
        "--batch-size",
        str(args.batch_size),
        "--alert-file",
        str(work / f"alerts-{feed}-{database}.jsonl"),
    ]
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    monitor_cpu = cpus[-1] if len(cpus) > 1 else None
    progress(
        f"{feed} into {database}: {' '.join(command)}"
        + (f" (pinned to CPU {monitor_cpu})" if monitor_cpu is not None else "")
    )
    started = time.monotonic()
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=args.timeout,
            preexec_fn=lambda: _pin(monitor_cpu),
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Run(feed, database, items, args.timeout, 0, 0, 0, 0, None, False, "timed out")
    seconds = time.monotonic() - started
    summaries = _SUMMARY.findall(done.stderr)
    names, matches, new = (int(x) for x in summaries[-1]) if summaries else (0, 0, 0)
    with Store.open(db_url) as store:
        domains = len(store.findings())
        feed_name = next(iter(store_feed_names(store)), "")
        cursor = store.cursor(feed_name) if feed_name else None
    error = None if done.returncode == 0 else done.stderr.strip().splitlines()[-1:]
    run = Run(
        feed,
        database,
        items,
        seconds,
        names,
        matches,
        new,
        domains,
        _short(cursor),
        done.returncode == 0,
        None if error is None else str(error),
    )
    progress(
        f"  {seconds:.1f}s, {run.rate:,.0f}/s, {names:,} names, {matches:,} matches, "
        f"{domains:,} domains in store"
    )
    return run


def store_feed_names(store: Store) -> list[str]:
    from sqlalchemy import select

    from clonewatch.store.models import FeedRow

    with store.engine.connect() as connection:
        return [row[0] for row in connection.execute(select(FeedRow.name))]


def _short(cursor: Any) -> Any:
    if isinstance(cursor, dict) and "files" in cursor:
        return {name: {"line": state.get("line")} for name, state in cursor["files"].items()}
    return cursor


def report(runs: list[Run], args: argparse.Namespace) -> str:
    head = ["feed", "database", "items", "seconds", "items/s", "names read", "matches", "domains stored"]
    return markdown_table(
        [*head, "target"], [_report_row(run) for run in runs], align=[LEFT, LEFT] + [RIGHT] * 6 + [LEFT]
    )


def _report_row(run: Run) -> list[str]:
    if run.feed == "ct":
        target = f"≥ {CT_TARGET:,.0f} entries/s: {'met' if run.rate >= CT_TARGET else 'MISSED'}"
    else:
        limit = NRD_TARGET_SECONDS * run.items / 1_000_000
        target = f"< {limit:.0f} s: {'met' if run.seconds < limit else 'MISSED'}"
    unit = "entries" if run.feed == "ct" else "lines"
    status = "" if run.ok else f" (FAILED: {run.error})"
    return [
        run.feed,
        run.database,
        f"{run.items:,} {unit}",
        f"{run.seconds:.1f}",
        f"{run.rate:,.0f}",
        f"{run.names:,}",
        f"{run.matches:,}",
        f"{run.domains_in_store:,}",
        f"{target}{status}",
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out_dir: Path = args.out_dir.resolve()
    work = out_dir / "watch"
    work.mkdir(parents=True, exist_ok=True)
    _pin(0 if len(os.sched_getaffinity(0)) > 1 else None)  # the log server; the monitor gets another CPU
    feeds = args.feeds.split(",")
    databases = args.databases.split(",")
    runs: list[Run] = []
    with ExitStack() as stack:
        log = None
        if "ct" in feeds:
            progress(f"CT pool of {args.pool} certificates (cached in {out_dir})")
            pool = ctpool.cached_pool(out_dir, args.pool)
            log = stack.enter_context(
                LocalCtLog(ctpool.CyclingEntries(pool, args.entries), max_per_request=args.per_request)
            )
            progress(f"local CT log with {args.entries:,} entries at {log.url}")
        nrd_dir = None
        if "nrd" in feeds:
            nrd_dir, planted = nrdfile.build(out_dir, args.lines)
            progress(f"NRD file of {args.lines:,} lines ({planted} planted look-alikes) in {nrd_dir}")
        postgres = None
        if "postgresql" in databases:
            progress("starting PostgreSQL")
            postgres = stack.enter_context(LocalPostgres())
        for database in databases:
            for feed in feeds:
                tag = f"{feed}-{int(time.time())}"
                if database == "sqlite":
                    path = work / f"{tag}.db"
                    db_url = f"sqlite:///{path}"
                else:
                    assert postgres is not None
                    db_url = str(postgres.create_database(f"bench_{tag.replace('-', '_')}"))
                if feed == "ct":
                    assert log is not None
                    runs.append(run_monitor(args, feed, database, db_url, [log.url], args.entries, work))
                else:
                    assert nrd_dir is not None
                    runs.append(
                        run_monitor(args, feed, database, db_url, ["--nrd", str(nrd_dir)], args.lines, work)
                    )
                if database == "sqlite":
                    (work / f"{tag}.db").unlink(missing_ok=True)
    table = report(runs, args)
    result = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "args": {key: str(value) for key, value in vars(args).items()},
        "runs": [asdict(run) | {"rate": run.rate} for run in runs],
    }
    out = out_dir / "watch-results.json"
    out.write_text(json.dumps(result, indent=2))
    print(table)
    progress(f"results in {out}")
    return 0 if all(run.ok for run in runs) else 1
