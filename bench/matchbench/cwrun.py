"""clonewatch as a subprocess: ``clonewatch match FEED [--brands FILE] [--workers N] --format jsonl``."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from matchbench.log import progress
from matchbench.procmon import RunStats, run_monitored


class ClonewatchError(RuntimeError):
    pass


@dataclass
class Match:
    domain: str
    genuine: str
    brand: str
    score: object
    reasons: object


@dataclass
class ClonewatchResult:
    stats: RunStats
    by_domain: dict[str, list[Match]] = field(default_factory=dict)
    records: int = 0
    bad_lines: int = 0
    output: Path | None = None


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


def check_usable(cmd: list[str]) -> str:
    """``clonewatch match --help`` must work; returns the help text."""
    try:
        proc = subprocess.run(
            [*cmd, "match", "--help"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ClonewatchError(f"{shlex.join(cmd)} match --help failed: {exc}") from exc
    if proc.returncode != 0:
        raise ClonewatchError(
            f"{shlex.join(cmd)} match --help exited {proc.returncode}: {proc.stderr[-2000:]}"
        )
    return proc.stdout


def run(
    cmd: list[str],
    name: str,
    feed: Path,
    work: Path,
    *,
    brands: Path | None,
    workers: int | None,
    timeout: float | None,
) -> ClonewatchResult:
    work.mkdir(parents=True, exist_ok=True)
    args = [*cmd, "match", str(feed)]
    if brands is not None:
        args += ["--brands", str(brands)]
    if workers is not None:
        args += ["--workers", str(workers)]
    args += ["--format", "jsonl"]
    out = work / f"{name}.jsonl"
    progress(f"clonewatch: {name}: {shlex.join(args)}")
    stats = run_monitored(args, stdout=out, stderr=work / f"{name}.stderr.log", timeout=timeout)
    result = ClonewatchResult(stats=stats, output=out)
    if stats.returncode == 0:
        parse_jsonl(out, result)
    else:
        tail = (work / f"{name}.stderr.log").read_text(encoding="utf-8", errors="replace")[-1500:]
        progress(f"clonewatch: {name}: FAILED rc={stats.returncode}; stderr tail:\n{tail}")
    progress(
        f"clonewatch: {name}: rc={stats.returncode} wall={stats.wall_s:.1f}s records={result.records:,} "
        f"flagged={len(result.by_domain):,}"
    )
    return result


def parse_jsonl(path: Path, result: ClonewatchResult) -> None:
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
                domain = str(rec["domain"]).strip().rstrip(".").lower()
            except (ValueError, KeyError, TypeError):
                result.bad_lines += 1
                continue
            match = Match(
                domain=domain,
                genuine=str(rec.get("genuine") or "").strip().rstrip(".").lower(),
                brand=str(rec.get("brand") or ""),
                score=rec.get("score"),
                reasons=rec.get("reasons"),
            )
            result.by_domain.setdefault(domain, []).append(match)
            result.records += 1
    if result.bad_lines:
        print(
            f"warning: {path}: {result.bad_lines} lines were not JSON records with a domain", file=sys.stderr
        )
