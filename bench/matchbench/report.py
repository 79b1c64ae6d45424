"""Numbers -> Markdown table and JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from benchkit.numbers import fmt_int, fmt_ratio, ratio, round_or_none
from benchkit.procmon import RunStats
from benchkit.report import markdown_table as markdown_table_of
from benchkit.report import rate_cell, stats_json


@dataclass
class ThroughputRow:
    key: str  # cw1, cw2, cw300, rival
    tool: str
    names: int
    stats: RunStats | None = None
    flagged: int | None = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.stats is not None and self.stats.returncode == 0 and not self.stats.timed_out

    @property
    def names_per_s(self) -> float | None:
        if not self.ok or self.stats is None or self.stats.wall_s <= 0:
            return None
        return self.names / self.stats.wall_s

    @property
    def names_per_s_upper_bound(self) -> float | None:
        """For a run killed at its timeout: it was slower than names / timeout."""
        if self.stats is not None and self.stats.timed_out and self.stats.wall_s > 0:
            return self.names / self.stats.wall_s
        return None

    @property
    def peak_mb(self) -> float | None:
        if self.stats is None or self.stats.peak_kb == 0:
            return None
        return self.stats.peak_kb / 1024

    def status(self) -> str:
        if self.error:
            return f"error: {self.error}"
        if self.stats is None:
            return "not run"
        if self.stats.timed_out:
            return f"timed out after {self.stats.wall_s:.0f} s"
        if self.stats.returncode != 0:
            return f"exit code {self.stats.returncode}"
        return "ok"

    def as_json(self) -> dict[str, Any]:
        s = self.stats
        return {
            "key": self.key,
            "tool": self.tool,
            "status": self.status(),
            "names": self.names,
            "command": s.cmd if s else None,
            "wall_s": round(s.wall_s, 3) if s else None,
            "names_per_s": round_or_none(self.names_per_s, 1),
            "names_per_s_upper_bound": round_or_none(self.names_per_s_upper_bound, 1),
            "peak_mb": round_or_none(self.peak_mb, 1),
            **stats_json(s),
            "flagged": self.flagged,
            **self.extra,
        }


@dataclass
class Quality:
    tool: str
    rule: str
    hits: int = 0
    total: int = 0
    flagged_any: int = 0  # looked-alike rows whose domain was flagged at all (whatever brand)
    misses: list[dict[str, Any]] = field(default_factory=list)
    benign_flags: int | None = None
    benign_lines: int = 0
    benign_examples: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def recall(self) -> float | None:
        return self.hits / self.total if self.total and self.error is None else None

    @property
    def benign_per_100k(self) -> float | None:
        if self.benign_flags is None or not self.benign_lines:
            return None
        return self.benign_flags * 100_000 / self.benign_lines

    def as_json(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "rule": self.rule,
            "error": self.error,
            "recall": round_or_none(self.recall, 4),
            "hits": self.hits,
            "rows": self.total,
            "flagged_any_brand": self.flagged_any,
            "misses": self.misses,
            "benign_flags": self.benign_flags,
            "benign_lines": self.benign_lines,
            "benign_flags_per_100k": round_or_none(self.benign_per_100k, 1),
            "benign_flag_examples": self.benign_examples,
        }


def fmt_pct(q: Quality | None) -> str:
    if q is None or q.recall is None:
        return "—"
    return f"{q.recall * 100:.1f} % ({q.hits}/{q.total})"


def fmt_per100k(q: Quality | None) -> str:
    if q is None or q.benign_per_100k is None:
        return "—"
    return f"{q.benign_per_100k:,.0f}"


def size_label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return f"{n:,}"


def markdown_table(rows: list[ThroughputRow], quality: dict[str, Quality], size: int) -> str:
    head = [
        "tool",
        "names/s",
        "peak MB",
        f"flagged on {size_label(size)}",
        "recall (Doppelganger look-alikes)",
        "benign flags per 100k",
    ]
    cells = []
    for row in rows:
        q = quality.get(row.key)
        names_per_s = rate_cell(row.names_per_s, row.names_per_s_upper_bound, row.status())
        flagged = fmt_int(row.flagged) if row.ok else "—"
        cells.append([row.tool, names_per_s, fmt_int(row.peak_mb), flagged, fmt_pct(q), fmt_per100k(q)])
    return markdown_table_of(head, cells)


def ratios(rows: dict[str, ThroughputRow]) -> dict[str, float | None]:
    def nps(key: str) -> float | None:
        row = rows.get(key)
        return row.names_per_s if row else None

    def mb(key: str) -> float | None:
        row = rows.get(key)
        return row.peak_mb if row and row.ok else None

    rival_nps = nps("rival")
    out = {
        "throughput_clonewatch_1w_over_opensquat": ratio(nps("cw1"), rival_nps),
        "throughput_clonewatch_2w_over_opensquat": ratio(nps("cw2"), rival_nps),
        "memory_clonewatch_1w_over_opensquat": ratio(mb("cw1"), mb("rival")),
        "memory_clonewatch_2w_over_opensquat": ratio(mb("cw2"), mb("rival")),
        "clonewatch_workers2_speedup": ratio(nps("cw2"), nps("cw1")),
    }
    rival = rows.get("rival")
    if rival is not None and rival_nps is None and rival.names_per_s_upper_bound:
        # openSquat timed out: clonewatch is at least this many times faster.
        out["throughput_clonewatch_1w_over_opensquat_lower_bound"] = ratio(
            nps("cw1"), rival.names_per_s_upper_bound
        )
    return out


def ratio_lines(r: dict[str, float | None]) -> str:
    lower = r.get("throughput_clonewatch_1w_over_opensquat_lower_bound")
    tp1 = fmt_ratio(r["throughput_clonewatch_1w_over_opensquat"])
    if r["throughput_clonewatch_1w_over_opensquat"] is None and lower is not None:
        tp1 = fmt_ratio(lower, "> ")
    return "\n".join(
        [
            f"- throughput clonewatch / openSquat: {tp1} with 1 worker, "
            f"{fmt_ratio(r['throughput_clonewatch_2w_over_opensquat'])} with 2 workers "
            "(openSquat runs one process per CPU, 2 here)",
            f"- peak memory clonewatch / openSquat: {fmt_ratio(r['memory_clonewatch_1w_over_opensquat'])} "
            f"with 1 worker, {fmt_ratio(r['memory_clonewatch_2w_over_opensquat'])} with 2 workers",
            "- clonewatch `--workers 2` speed-up over 1 worker: "
            f"{fmt_ratio(r['clonewatch_workers2_speedup'])}",
        ]
    )
