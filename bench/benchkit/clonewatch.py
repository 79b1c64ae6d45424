"""The clonewatch command the benchmarks run: finding it, checking that it answers, running it monitored,
and reading its JSONL output."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchkit.log import progress
from benchkit.procmon import RunStats, run_monitored


class ClonewatchError(RuntimeError):
    pass


def resolve_command(project_root: Path, override: str | None) -> list[str]:
    """The clonewatch command: ``--clonewatch`` (a path or a command line), else .venv's console script."""
    if override:
        parts = shlex.split(override)
        if len(parts) == 1 and os.sep not in parts[0]:
            found = shutil.which(parts[0])
            if found:
                return [found]
        return parts
    console = project_root / ".venv" / "bin" / "clonewatch"
    if console.exists():
        return [str(console)]
    venv_python = project_root / ".venv" / "bin" / "python"
    if venv_python.exists():
        return [str(venv_python), "-m", "clonewatch"]
    raise ClonewatchError(
        f"no clonewatch at {console}: run ./run test first (it creates .venv) or pass --clonewatch PATH"
    )


def help_text(cmd: list[str], subcommand: Sequence[str], env: Mapping[str, str] | None = None) -> str:
    """``clonewatch SUBCOMMAND --help`` must work; returns the help text."""
    what = f"{shlex.join(cmd)} {' '.join(subcommand)} --help"
    try:
        proc = subprocess.run(
            [*cmd, *subcommand, "--help"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            stdin=subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ClonewatchError(f"{what} failed: {exc}") from exc
    if proc.returncode != 0:
        raise ClonewatchError(f"{what} exited {proc.returncode}: {proc.stderr[-2000:]}")
    return proc.stdout


@dataclass
class ClonewatchRun:
    """One monitored run of the clonewatch command: its numbers, its standard output and error files."""

    name: str
    stats: RunStats
    output: Path
    stderr_log: Path

    @property
    def ok(self) -> bool:
        return self.stats.returncode == 0 and not self.stats.timed_out

    def stderr_text(self) -> str:
        return self.stderr_log.read_text(encoding="utf-8", errors="replace")


def run(
    cmd: Sequence[str],
    args: Sequence[str],
    name: str,
    work: Path,
    *,
    timeout: float | None,
    output: Path | None = None,
) -> ClonewatchRun:
    """``CMD ARGS > OUTPUT`` (default ``WORK/NAME.jsonl``), monitored, standard error in
    ``WORK/NAME.stderr.log``; a failed run logs the tail of its standard error."""
    work.mkdir(parents=True, exist_ok=True)
    command = [*cmd, *args]
    output = output or work / f"{name}.jsonl"
    stderr = work / f"{name}.stderr.log"
    progress(f"clonewatch: {name}: {shlex.join(command)} > {output}")
    stats = run_monitored(command, stdout=output, stderr=stderr, timeout=timeout)
    result = ClonewatchRun(name, stats, output, stderr)
    if not result.ok:
        state = "TIMED OUT" if stats.timed_out else f"FAILED rc={stats.returncode}"
        progress(f"clonewatch: {name}: {state}; stderr tail:\n{result.stderr_text()[-1500:]}")
    return result


@dataclass
class JsonlRecords:
    records: list[dict[str, Any]] = field(default_factory=list)
    bad_lines: int = 0  # lines that were not JSON, or not a record ``keep`` accepts


def read_jsonl(
    path: Path, keep: Callable[[dict[str, Any]], bool], *, what: str | None = None
) -> JsonlRecords:
    """The JSON objects of clonewatch's ``--format jsonl`` output that ``keep`` accepts, in file order;
    blank lines skipped. With ``what`` (``"records with a domain"``), bad lines are reported on stderr."""
    found = JsonlRecords()
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                found.bad_lines += 1
                continue
            if isinstance(record, dict) and keep(record):
                found.records.append(record)
            else:
                found.bad_lines += 1
    if found.bad_lines and what:
        progress(f"warning: {path}: {found.bad_lines} lines were not JSON {what}")
    return found
