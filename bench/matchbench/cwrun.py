"""clonewatch's side of bench/match: ``clonewatch match FEED [--brands FILE] [--workers N] --format jsonl``,
run and read through benchkit.clonewatch, and its records grouped by flagged domain."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchkit import clonewatch
from benchkit.log import progress
from benchkit.procmon import RunStats


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
    return clonewatch.help_text(cmd, ["match"])


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
    args = ["match", str(feed)]
    if brands is not None:
        args += ["--brands", str(brands)]
    if workers is not None:
        args += ["--workers", str(workers)]
    args += ["--format", "jsonl"]
    done = clonewatch.run(cmd, args, name, work, timeout=timeout)
    result = ClonewatchResult(stats=done.stats, output=done.output)
    if done.stats.returncode == 0:
        found = clonewatch.read_jsonl(done.output, lambda r: "domain" in r, what="records with a domain")
        result.bad_lines = found.bad_lines
        for record in found.records:
            match = _match(record)
            result.by_domain.setdefault(match.domain, []).append(match)
            result.records += 1
    progress(
        f"clonewatch: {name}: rc={done.stats.returncode} wall={done.stats.wall_s:.1f}s "
        f"records={result.records:,} flagged={len(result.by_domain):,}"
    )
    return result


def _host(value: object) -> str:
    return str(value).strip().rstrip(".").lower()


def _match(record: dict[str, Any]) -> Match:
    return Match(
        domain=_host(record["domain"]),
        genuine=_host(record.get("genuine") or ""),
        brand=str(record.get("brand") or ""),
        score=record.get("score"),
        reasons=record.get("reasons"),
    )
