"""clonewatch as a subprocess: ``clonewatch match FEED [--brands FILE] [--workers N] --format jsonl``."""

from __future__ import annotations

import json
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

from benchkit.clonewatch import help_text
from benchkit.log import progress
from benchkit.procmon import RunStats, run_monitored


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


def check_usable(cmd: list[str]) -> str:
    """``clonewatch match --help`` must work; returns the help text."""
    return help_text(cmd, ["match"])


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
