"""clonewatch as a subprocess: ``clonewatch social coordinate FILE --window Ns --min-repeat K --level url
[--edges EDGES.csv] --format jsonl > groups.jsonl``."""

from __future__ import annotations

import json
import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchkit.clonewatch import ClonewatchError, help_text
from benchkit.log import progress
from benchkit.procmon import RunStats, run_monitored


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
    text = help_text(cmd, ["social", "coordinate"], env={**os.environ, "COLUMNS": "200"})
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
) -> ClonewatchRun:
    work.mkdir(parents=True, exist_ok=True)
    groups_file = work / f"{name}.groups.jsonl"
    edges_file = work / f"{name}.edges.csv" if edges else None
    args = [*cmd, "social", "coordinate", str(posts), "--window", f"{window}s"]
    args += ["--min-repeat", str(min_repeat), "--level", "url"]
    if edges_file is not None:
        edges_file.unlink(missing_ok=True)
        args += ["--edges", str(edges_file)]
    args += ["--format", "jsonl"]
    stderr = work / f"{name}.stderr.log"
    progress(f"clonewatch: {name}: {shlex.join(args)} > {groups_file}")
    stats = run_monitored(args, stdout=groups_file, stderr=stderr, timeout=timeout)
    result = ClonewatchRun(stats=stats, edges_file=edges_file, groups_file=groups_file)
    tail = stderr.read_text(encoding="utf-8", errors="replace")
    lines = [line for line in tail.splitlines() if line.startswith("clonewatch:")]
    result.summary = lines[-1] if lines else ""
    if result.ok:
        parse_groups(groups_file, result)
    else:
        state = "TIMED OUT" if stats.timed_out else f"FAILED rc={stats.returncode}"
        progress(f"clonewatch: {name}: {state}; stderr tail:\n{tail[-1500:]}")
    progress(
        f"clonewatch: {name}: rc={stats.returncode} wall={stats.wall_s:.1f}s "
        f"peak={stats.peak_kb / 1024:,.0f} MB groups={len(result.groups):,}"
    )
    return result


def parse_groups(path: Path, result: ClonewatchRun) -> None:
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except ValueError:
                result.bad_lines += 1
                continue
            if isinstance(record, dict) and isinstance(record.get("accounts"), list):
                result.groups.append(record)
            else:
                result.bad_lines += 1
    if result.bad_lines:
        progress(f"warning: {path}: {result.bad_lines} lines were not JSON groups with accounts")
