"""Resolve the same names with clonewatch's checker and with dnstwist's Scanner, each against a fresh
NSD + Unbound holding the same test zones; compare speed and what each tool says of each name."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchkit.load import LoadMeter
from benchkit.log import progress
from clonewatch.probe import DnsFacts, ResolverSettings, check_names
from genbench.rival import Rival
from genbench.zones import EXPECTED_REGISTERED, BenchDns, DnsPlan

CW_CONCURRENCY = 200
CW_TIMEOUT = 1.0
CW_RETRIES = 1
NOT_REGISTERED_CLASSES = ("wildcard", "servfail", "timeout")
STALL_S = 0.5


@dataclass
class DnsRun:
    """One tool's pass over the names: wall time, queries sent, and its verdict for every name."""

    key: str
    tool: str
    names: int
    wall_s: float
    queries: int | None
    verdicts: dict[str, str]
    resolver: str
    load: dict[str, float] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def names_per_s(self) -> float | None:
        return self.names / self.wall_s if self.wall_s > 0 else None

    @property
    def queries_per_s(self) -> float | None:
        return self.queries / self.wall_s if self.queries is not None and self.wall_s > 0 else None


def run_clonewatch(plan: DnsPlan, workdir: Path) -> DnsRun:
    """``check_names`` with concurrency 200, 1 s timeout, 1 retry; ``checker.queries`` counts every
    query sent, retries and wildcard probes included."""
    verdicts: dict[str, str] = {}
    errors: Counter[str] = Counter()
    stamps: list[float] = []

    def on_result(facts: DnsFacts) -> None:
        stamps.append(time.perf_counter())
        verdicts[facts.domain] = str(facts.status)
        if facts.error:
            errors[facts.error] += 1

    with BenchDns(plan.zones, workdir) as server:
        settings = ResolverSettings.parse(
            server.resolver, concurrency=CW_CONCURRENCY, timeout=CW_TIMEOUT, retries=CW_RETRIES
        )
        progress(f"clonewatch: resolving {len(plan.names):,} names through {server.resolver}")
        with LoadMeter() as meter:
            checker = check_names(plan.names, settings, on_result)
        resolver = server.resolver
    progress(f"clonewatch: {len(plan.names):,} names in {meter.wall_s:.1f} s, {checker.queries:,} queries")
    return DnsRun(
        "clonewatch",
        "clonewatch (check_names)",
        len(plan.names),
        meter.wall_s,
        checker.queries,
        verdicts,
        resolver,
        meter.as_json(),
        {
            "concurrency": CW_CONCURRENCY,
            "timeout_s": CW_TIMEOUT,
            "retries": CW_RETRIES,
            "errors": dict(errors),
            "stalls": stalls(stamps, meter.wall_s),
        },
    )


def stalls(stamps: list[float], wall: float) -> dict[str, Any]:
    """Pauses of at least STALL_S between consecutive results. clonewatch hands results back in input
    order through a window of ``concurrency`` names, so a name that times out holds back the names
    behind it; the rate without those pauses shows what they cost."""
    gaps = [later - earlier for earlier, later in itertools.pairwise(stamps)]
    long = [gap for gap in gaps if gap >= STALL_S]
    busy = wall - sum(long)
    return {
        "threshold_s": STALL_S,
        "count": len(long),
        "seconds": round(sum(long), 3),
        "longest_s": round(max(long), 3) if long else 0.0,
        "names_per_s_without_stalls": round(len(stamps) / busy, 1) if busy > 0 else None,
    }


def dnstwist_verdict(facts: dict[str, Any] | None) -> str:
    """dnstwist's own view: a permutation with any DNS field is registered (``is_registered()``); a
    field holding ``!ServFail`` is how its output shows SERVFAIL, still among the registered."""
    if not facts:
        return "unregistered"
    if any(value == ["!ServFail"] for value in facts.values()):
        return "registered (!ServFail)"
    return "registered"


def run_dnstwist(plan: DnsPlan, workdir: Path, rival: Rival, threads: int | None) -> DnsRun:
    """dnstwist's Scanner threads (its CLI's default count unless ``threads``) on the same names."""
    with BenchDns(plan.zones, workdir) as server:
        with LoadMeter() as meter:
            scan = rival.scan(plan.names, server.address, server.port, threads)
        resolver = server.resolver
    verdicts = {name: dnstwist_verdict(scan.registered.get(name)) for name in plan.names}
    special = {cls: 0.0 for cls in NOT_REGISTERED_CLASSES}
    for name, cls in plan.expected.items():
        if cls in special:
            special[cls] += scan.seconds.get(name, 0.0)
    progress(f"dnstwist: {len(plan.names):,} names in {scan.wall_s:.1f} s, {scan.queries:,} queries")
    return DnsRun(
        "dnstwist",
        f"dnstwist Scanner ({scan.threads} threads)",
        len(plan.names),
        scan.wall_s,
        scan.queries,
        verdicts,
        resolver,
        meter.as_json(),
        {
            "threads": scan.threads,
            "nameservers": scan.nameservers,
            "process_wall_s": round(scan.process_wall_s, 3),
            "unfinished": scan.unfinished,
            "thread_seconds_total": round(sum(scan.seconds.values()), 2),
            "thread_seconds_by_class": {k: round(v, 2) for k, v in special.items()},
        },
    )


def confusion(plan: DnsPlan, run: DnsRun) -> dict[str, dict[str, int]]:
    """What the tool said (columns) for each kind of planted name (rows)."""
    table: dict[str, Counter[str]] = {}
    for name, cls in plan.expected.items():
        table.setdefault(cls, Counter())[run.verdicts.get(name, "no answer")] += 1
    return {cls: dict(sorted(counter.items())) for cls, counter in sorted(table.items())}


def correctness(plan: DnsPlan, run: DnsRun) -> dict[str, Any]:
    """The checks that matter: planted registered names found, unregistered names not flagged, and
    how many wildcard / SERVFAIL / timeout names were called registered (clonewatch: must be 0)."""
    registered_ok = registered_total = false_registered = unregistered_total = 0
    wrongly_registered: dict[str, list[str]] = {cls: [] for cls in NOT_REGISTERED_CLASSES}
    for name, cls in plan.expected.items():
        says = run.verdicts.get(name, "no answer")
        called_registered = says.startswith("registered")
        if cls in EXPECTED_REGISTERED:
            registered_total += 1
            registered_ok += called_registered
        elif cls == "unregistered":
            unregistered_total += 1
            false_registered += called_registered
        elif called_registered:
            wrongly_registered[cls].append(name)
    return {
        "planted_registered_found": registered_ok,
        "planted_registered": registered_total,
        "unregistered_called_registered": false_registered,
        "unregistered": unregistered_total,
        "called_registered": {cls: len(names) for cls, names in wrongly_registered.items()},
        "called_registered_examples": {cls: names[:5] for cls, names in wrongly_registered.items()},
        "of_each": {cls: plan.counts.get(cls, 0) for cls in NOT_REGISTERED_CLASSES},
    }
