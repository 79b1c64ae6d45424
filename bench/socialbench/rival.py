"""The Coordination Network Toolkit (QUT Digital Media Research Centre, PyPI
``coordination-network-toolkit``): private venv, network sandbox, and its co-link pipeline, stage by stage.

The pipeline is the toolkit's documented one, on a fresh SQLite database each time:

1. ``compute_networks DB preprocess --format csv POSTS.csv``: load the posts into SQLite;
2. ``compute_networks DB compute co_link --time_window W --min_edge_weight 1 --n_cpus N``: every pair, as
   clonewatch's ``--min-repeat 1`` (the toolkit's default minimum weight is 2);
3. the CSV edge list, written by the toolkit's ``output_gephi_csv`` (see ``cnt_export.py`` for why not by
   its command line).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from benchkit.log import progress
from benchkit.procmon import RunStats
from benchkit.sandbox import SandboxedVenv

RIVAL = "coordination-network-toolkit"
RIVAL_VERSION = "1.5.2"
EXPORT = Path(__file__).resolve().parent / "cnt_export.py"


@dataclass
class Stage:
    name: str
    stats: RunStats

    @property
    def ok(self) -> bool:
        return self.stats.returncode == 0 and not self.stats.timed_out


@dataclass
class RivalRun:
    stages: list[Stage] = field(default_factory=list)
    edges_file: Path | None = None
    database_bytes: int = 0  # the SQLite database and its WAL after the run
    blocked_attempts: list[str] = field(default_factory=list)
    skipped_stages: list[str] = field(default_factory=list)  # not run: an earlier stage failed or timed out
    out_of_time: bool = False  # the budget ran out before a stage could start

    @property
    def ok(self) -> bool:
        return bool(self.stages) and all(s.ok for s in self.stages) and not self.skipped_stages

    @property
    def timed_out(self) -> bool:
        return self.out_of_time or any(s.stats.timed_out for s in self.stages)


class Rival(SandboxedVenv):
    def __init__(self, out_dir: Path) -> None:
        super().__init__(
            out_dir / "cnt-venv",
            out_dir / "cnt",
            package=RIVAL,
            version=RIVAL_VERSION,
            executable="compute_networks",
        )

    def run(
        self,
        name: str,
        posts: Path,
        *,
        window: int,
        n_cpus: int,
        timeout: float | None,
        fmt: str = "csv",
        network: str = "co_link",
    ) -> RivalRun:
        """The three stages on a fresh database; ``timeout`` is the budget of all three together.
        ``fmt`` is the toolkit's ``preprocess --format`` (csv, twitter_json), ``network`` what it
        computes (co_link, co_retweet)."""
        netlog = self.fresh_netlog(name)
        db = self.work / f"{name}.db"
        for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")):
            leftover.unlink(missing_ok=True)
        edges = self.work / f"{name}.edges.csv"
        edges.unlink(missing_ok=True)
        exe = str(self.exe)
        compute = [network, "--time_window", str(window), "--min_edge_weight", "1", "--n_cpus", str(n_cpus)]
        commands: list[tuple[str, list[str]]] = [
            ("preprocess", [exe, str(db), "preprocess", "--format", fmt, str(posts)]),
            (f"compute {network}", [exe, str(db), "compute", *compute]),
            ("export csv", [str(self.python), str(EXPORT), str(db), network, str(edges)]),
        ]
        result = RivalRun(edges_file=edges)
        used = 0.0
        for stage, cmd in commands:
            left = None if timeout is None else timeout - used
            if result.stages and not result.stages[-1].ok:
                result.skipped_stages.append(stage)
                continue
            if left is not None and left <= 0:
                result.out_of_time = True
                result.skipped_stages.append(stage)
                continue
            tag = stage.replace(" ", "-")
            progress(f"rival: {name}: {stage}: {' '.join(cmd)}")
            stats = self.run_sandboxed(cmd, logs=f"{name}.{tag}", netlog=netlog, timeout=left)
            used += stats.wall_s
            result.stages.append(Stage(stage, stats))
            state = "timed out" if stats.timed_out else f"rc={stats.returncode}"
            peak = stats.peak_kb / 1024
            progress(f"rival: {name}: {stage}: {state} wall={stats.wall_s:.1f}s peak={peak:,.0f} MB")
            if stats.returncode != 0 and not stats.timed_out:
                tail = (self.work / f"{name}.{tag}.stderr.log").read_text(encoding="utf-8", errors="replace")
                print(tail[-1500:], file=sys.stderr)
        result.database_bytes = sum(
            p.stat().st_size for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()
        )
        result.blocked_attempts = self.blocked_attempts(netlog)
        if not result.ok:
            result.edges_file = None
        return result
