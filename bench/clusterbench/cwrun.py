"""clonewatch's side of bench/cluster, run and read through benchkit.clonewatch:
``clonewatch cluster EVIDENCE.jsonl [--seeds SEEDS] --format jsonl > campaigns.jsonl``."""

from __future__ import annotations

import os
import shlex
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchkit import clonewatch
from benchkit.clonewatch import ClonewatchError
from benchkit.log import progress
from benchkit.procmon import RunStats
from clusterbench.score import Campaign, Member

CAMPAIGN_FIELDS = ("id", "members", "pivots", "first_seen", "last_seen", "brands", "confidence")
MEMBER_FIELDS = ("domain", "role", "brand", "via")
ROLES = ("clone", "redirector", "original", "infra")


@dataclass
class ClusterRun:
    name: str
    stats: RunStats
    output: Path
    campaigns: list[Campaign] = field(default_factory=list)
    bad_lines: int = 0
    contract: Counter[str] = field(default_factory=Counter)  # departures from the output contract
    pivot_kinds: Counter[str] = field(default_factory=Counter)  # kinds of the campaigns' pivots
    summary: str = ""  # clonewatch's own closing line on stderr

    @property
    def ok(self) -> bool:
        return self.stats.returncode == 0 and not self.stats.timed_out


def check_usable(cmd: list[str]) -> None:
    """``clonewatch cluster --help`` must work and offer ``--seeds``."""
    text = clonewatch.help_text(cmd, ["cluster"], env={**os.environ, "COLUMNS": "200"})
    if "--seeds" not in text:
        raise ClonewatchError(f"{shlex.join(cmd)} cluster has no --seeds option yet")


def run(
    cmd: list[str],
    name: str,
    evidence: Path,
    work: Path,
    *,
    seeds: Path | None,
    extra: list[str],
    timeout: float | None,
) -> ClusterRun:
    args = ["cluster", str(evidence)]
    if seeds is not None:
        args += ["--seeds", str(seeds)]
    args += [*extra, "--format", "jsonl"]
    done = clonewatch.run(cmd, args, name, work, timeout=timeout)
    result = ClusterRun(name, done.stats, done.output)
    lines = [line for line in done.stderr_text().splitlines() if line.startswith("clonewatch:")]
    result.summary = lines[-1] if lines else ""
    if result.ok:
        found = clonewatch.read_jsonl(
            done.output, lambda r: isinstance(r.get("members"), list), what="campaigns with members"
        )
        result.bad_lines = found.bad_lines
        for record in found.records:
            result.campaigns.append(_campaign(record, result.contract))
            result.pivot_kinds.update(_kind(p) for p in record.get("pivots") or [])
    stats = done.stats
    progress(
        f"clonewatch: {name}: rc={stats.returncode} wall={stats.wall_s:.1f}s "
        f"peak={stats.peak_kb / 1024:,.0f} MB campaigns={len(result.campaigns):,}"
    )
    return result


def _campaign(record: dict[str, Any], contract: Counter[str]) -> Campaign:
    for key in CAMPAIGN_FIELDS:
        if key not in record:
            contract[f"campaign without {key}"] += 1
    members: dict[str, Member | None] = {}
    for item in record["members"]:
        if not isinstance(item, dict) or not isinstance(item.get("domain"), str):
            contract["member without a domain"] += 1
            continue
        for key in MEMBER_FIELDS:
            if key not in item:
                contract[f"member without {key}"] += 1
        role = item.get("role")
        if role not in ROLES:
            contract[f"member role {role!r}"] += 1
        members[item["domain"]] = Member(role if isinstance(role, str) else None, _kind(item.get("via")))
    return Campaign(str(record.get("id")), members)


def _kind(via: object) -> str | None:
    """The kind of a link: ``"host:a.example with b.example"`` -> ``"host"``; dicts by their kind."""
    if isinstance(via, list):
        via = via[0] if via else None
    if isinstance(via, dict):
        via = via.get("kind")
    if not isinstance(via, str) or not via:
        return None
    return via.split(":", 1)[0]
