"""clonewatch's side of bench/social, run and read through benchkit.clonewatch: ``clonewatch social coordinate
FILE --window Ns --min-repeat K --level url [--edges EDGES.csv] --format jsonl > groups.jsonl``."""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchkit import clonewatch
from benchkit.clonewatch import ClonewatchError
from benchkit.log import progress
from benchkit.procmon import RunStats


@dataclass
class ClonewatchRun:
    stats: RunStats
    groups: list[dict[str, Any]] = field(default_factory=list)
    bad_lines: int = 0
    edges_file: Path | None = None
    groups_file: Path | None = None
    summary: str = ""  # clonewatch's own closing line on stderr

    @property
    def ok(self) -> bool:
        return self.stats.returncode == 0 and not self.stats.timed_out


def check_usable(cmd: list[str]) -> None:
    """``clonewatch social coordinate --help`` must work and offer ``--edges``."""
    text = clonewatch.help_text(cmd, ["social", "coordinate"], env={**os.environ, "COLUMNS": "200"})
    if "--edges" not in text:
        raise ClonewatchError(f"{shlex.join(cmd)} social coordinate has no --edges option yet")


def run(
    cmd: list[str],
    name: str,
    posts: Path,
    work: Path,
    *,
    window: int,
    min_repeat: int,
    edges: bool,
    timeout: float | None,
    level: str = "url",
    extra: tuple[str, ...] = (),
) -> ClonewatchRun:
    edges_file = work / f"{name}.edges.csv" if edges else None
    args = ["social", "coordinate", str(posts), "--window", f"{window}s"]
    args += ["--min-repeat", str(min_repeat), "--level", level, *extra]
    if edges_file is not None:
        edges_file.unlink(missing_ok=True)
        args += ["--edges", str(edges_file)]
    args += ["--format", "jsonl"]
    done = clonewatch.run(cmd, args, name, work, timeout=timeout, output=work / f"{name}.groups.jsonl")
    result = ClonewatchRun(stats=done.stats, edges_file=edges_file, groups_file=done.output)
    lines = [line for line in done.stderr_text().splitlines() if line.startswith("clonewatch:")]
    result.summary = lines[-1] if lines else ""
    if result.ok:
        found = clonewatch.read_jsonl(
            done.output, lambda r: isinstance(r.get("accounts"), list), what="groups with accounts"
        )
        result.groups, result.bad_lines = found.records, found.bad_lines
    stats = done.stats
    progress(
        f"clonewatch: {name}: rc={stats.returncode} wall={stats.wall_s:.1f}s "
        f"peak={stats.peak_kb / 1024:,.0f} MB groups={len(result.groups):,}"
    )
    return result
