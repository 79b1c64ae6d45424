"""Numbers -> text report, Markdown table and JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from benchkit.numbers import fmt_int, fmt_ratio, ratio, round_or_none
from benchkit.procmon import RunStats
from benchkit.report import LEFT, RIGHT, busy_warning, memory_detail, rate_cell, stats_json
from benchkit.report import markdown_table as markdown_table_of
from socialbench.compare import Comparison
from socialbench.recovery import Recovery

SPEED_TARGET = 10.0  # clonewatch posts/s over the toolkit's
MEMORY_TARGET_MB = 2048.0  # clonewatch peak


@dataclass
class ToolRow:
    """One tool's timed run: a single command, or the toolkit's stages one after the other."""

    key: str
    tool: str
    posts: int
    stages: list[tuple[str, RunStats]] = field(default_factory=list)
    edges: int | None = None
    edges_note: str = ""
    error: str | None = None
    skipped_stages: list[str] = field(default_factory=list)
    out_of_time: bool = False  # a time budget ran out between stages
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def wall_s(self) -> float:
        return sum(s.wall_s for _, s in self.stages)

    @property
    def timed_out(self) -> bool:
        return self.out_of_time or any(s.timed_out for _, s in self.stages)

    @property
    def ok(self) -> bool:
        return (
            self.error is None
            and bool(self.stages)
            and not self.skipped_stages
            and all(s.returncode == 0 and not s.timed_out for _, s in self.stages)
        )

    @property
    def posts_per_s(self) -> float | None:
        return self.posts / self.wall_s if self.ok and self.wall_s > 0 else None

    @property
    def posts_per_s_upper_bound(self) -> float | None:
        """For a run killed at its timeout: it was slower than posts / time used."""
        return self.posts / self.wall_s if self.timed_out and self.wall_s > 0 else None

    @property
    def peak_mb(self) -> float | None:
        peak = max((s.peak_kb for _, s in self.stages), default=0)
        return peak / 1024 if peak else None

    @property
    def cpu_s(self) -> float:
        return sum(s.cpu_s for _, s in self.stages)

    def status(self) -> str:
        if self.error:
            return f"error: {self.error}"
        if not self.stages:
            return "not run"
        if self.timed_out:
            return f"timed out after {self.wall_s:.1f} s"
        for name, s in self.stages:
            if s.returncode != 0:
                return f"{name}: exit code {s.returncode}"
        if self.skipped_stages:
            return f"not run: {', '.join(self.skipped_stages)}"
        return "ok"

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "tool": self.tool,
            "status": self.status(),
            "posts": self.posts,
            "wall_s": round(self.wall_s, 3),
            "posts_per_s": round_or_none(self.posts_per_s, 1),
            "posts_per_s_upper_bound": round_or_none(self.posts_per_s_upper_bound, 1),
            "peak_mb": round_or_none(self.peak_mb, 1),
            "cpu_s": round(self.cpu_s, 2),
            "edges": self.edges,
            "skipped_stages": self.skipped_stages,
            "stages": [
                {
                    "stage": name,
                    "command": s.cmd,
                    "returncode": s.returncode,
                    "timed_out": s.timed_out,
                    "wall_s": round(s.wall_s, 3),
                    "peak_mb": round(s.peak_kb / 1024, 1),
                    **stats_json(s),
                }
                for name, s in self.stages
            ],
            **self.extra,
        }


def run_lines(row: ToolRow) -> list[str]:
    pps = row.posts_per_s
    lines = [
        f"{row.tool}: {row.status()}; wall {row.wall_s:.2f} s; {fmt_int(pps)} posts/s; "
        f"peak memory {fmt_int(row.peak_mb)} MB; CPU {row.cpu_s:.1f} s; edges {fmt_int(row.edges)}"
        + (f" {row.edges_note}" if row.edges_note else "")
    ]
    for name, s in row.stages:
        lines.append(
            f"  {name}: wall {s.wall_s:.2f} s, peak {s.peak_kb / 1024:,.0f} MB ({memory_detail(s)}), "
            f"CPU {s.cpu_s:.1f} s"
        )
        warning = busy_warning(s.other_cpu_cores, "stage")
        if warning:
            lines.append(f"  {warning}")
    return lines


def markdown_table(rows: list[ToolRow]) -> str:
    head = ["tool", "wall s", "posts/s", "peak MB", "edges (account pairs)"]
    cells = [
        [
            row.tool,
            f"{row.wall_s:,.1f}",
            rate_cell(row.posts_per_s, row.posts_per_s_upper_bound, row.status()),
            fmt_int(row.peak_mb),
            fmt_int(row.edges) if row.ok else "—",
        ]
        for row in rows
    ]
    return markdown_table_of(head, cells)


def ratios(cw: ToolRow | None, rival: ToolRow | None) -> dict[str, float | None]:
    out: dict[str, float | None] = {
        "speed_clonewatch_over_cnt": ratio(
            cw.posts_per_s if cw else None, rival.posts_per_s if rival else None
        ),
        "memory_clonewatch_over_cnt": ratio(
            cw.peak_mb if cw and cw.ok else None, rival.peak_mb if rival and rival.ok else None
        ),
        "clonewatch_peak_mb": cw.peak_mb if cw and cw.ok else None,
    }
    if rival is not None and rival.posts_per_s_upper_bound is not None and cw is not None:
        out["speed_clonewatch_over_cnt_lower_bound"] = ratio(cw.posts_per_s, rival.posts_per_s_upper_bound)
    return out


def ratio_lines(r: dict[str, float | None]) -> str:
    speed = r.get("speed_clonewatch_over_cnt")
    lower = r.get("speed_clonewatch_over_cnt_lower_bound")
    speed_s = fmt_ratio(speed) if speed is not None or lower is None else fmt_ratio(lower, "> ")
    met = "—"
    if speed is not None:
        met = "met" if speed >= SPEED_TARGET else "NOT met"
    elif lower is not None and lower >= SPEED_TARGET:
        met = "met"
    peak = r.get("clonewatch_peak_mb")
    mem_met = "—" if peak is None else ("met" if peak < MEMORY_TARGET_MB else "NOT met")
    return "\n".join(
        [
            f"- speed clonewatch / toolkit (posts/s): {speed_s} (target ≥ {SPEED_TARGET:.0f}x: {met})",
            f"- peak memory clonewatch / toolkit: {fmt_ratio(r.get('memory_clonewatch_over_cnt'))}; "
            f"clonewatch peak {fmt_int(peak)} MB (target < {MEMORY_TARGET_MB:,.0f} MB: {mem_met})",
        ]
    )


def comparison_lines(c: Comparison, window: int) -> list[str]:
    lines: list[str] = []
    if c.have_cw:
        lines.append(f"clonewatch: {c.cw_pairs:,} account pairs (weight sum {c.cw_weight_sum:,} post pairs)")
    if c.have_cnt:
        lines.append(
            f"toolkit: {c.cnt_directed_rows:,} directed rows = {c.cnt_pairs:,} account pairs "
            f"({c.cnt_one_direction_only:,} with one direction only; weight sum {c.cnt_weight_sum:,})"
        )
    if c.have_cw and c.have_cnt:
        lines += _both_lines(c)
    else:
        lines.append("no comparison of the tools: only one tool produced an edge list")
    lines += _reference_lines(c, window)
    return lines


def _both_lines(c: Comparison) -> list[str]:
    lines = [
        f"pairs in both: {c.both:,}; only clonewatch: {c.only_cw:,}; only toolkit: {c.only_cnt:,} -> "
        + ("SAME set of account pairs" if c.same_pairs else "the pair sets DIFFER"),
        f"same weight (clonewatch = toolkit a->b = toolkit b->a): {c.same_weight:,}; different: "
        f"{c.differ_weight:,}",
        f"pairs with weight ≥ 3: clonewatch {c.cw_at_least_3:,}; toolkit {c.cnt_at_least_3_either:,} in "
        f"either direction, {c.cnt_at_least_3_both:,} in both",
    ]
    if c.differ_by_pattern:
        lines.append("different weights, by pattern (clonewatch post pairs, toolkit posts of each side):")
        lines += [f"  {n:>8,}  {kind}" for kind, n in c.differ_by_pattern.most_common(10)]
    return lines


def _reference_lines(c: Comparison, window: int) -> list[str]:
    lines: list[str] = []
    ref = c.reference
    for tool, label in (("clonewatch", "clonewatch"), ("cnt", "toolkit")):
        r = ref.get(tool)
        if r:
            verdict = (
                "exact" if not (r["missing_pairs"] or r["extra_pairs"] or r["wrong_weight"]) else "DIFFERS"
            )
            lines.append(
                f"reference ({ref['pairs']:,} pairs, |Δt| ≤ {window} s) vs {label} ({r['definition']}): "
                f"{verdict}: missing {r['missing_pairs']:,}, extra {r['extra_pairs']:,}, "
                f"wrong weight {r['wrong_weight']:,}"
            )
    problems = {k: v for k, v in c.cw_file_problems.items() if v}
    if problems:
        lines.append(f"clonewatch --edges file problems: {problems}")
    if c.cw_keys_not_in_data:
        lines.append(f"clonewatch keys that are not URLs of the data set: {c.cw_keys_not_in_data:,}")
    for kind, examples in c.examples.items():
        if not examples:
            continue
        lines.append(f"examples, {kind.replace('_', ' ')}:")
        for ex in examples:
            lines.append(
                f"  {ex['account_a']} / {ex['account_b']}: clonewatch {ex['clonewatch_weight']}, toolkit "
                f"A->B {ex['cnt_weight_a_to_b']} B->A {ex['cnt_weight_b_to_a']}"
            )
            for url, timeline in list(ex["posts_on_shared_urls"].items())[:3]:
                lines.append(f"    {url}: {' '.join(timeline[:12])}{' ...' if len(timeline) > 12 else ''}")
    return lines


def recovery_lines(r: Recovery) -> list[str]:
    lines = [
        f"planted networks recovered with --min-repeat {r.min_repeat}: {r.recovered} of {len(r.networks)} "
        f"(a network counts when one group holds all its reachable members and nobody else)",
        f"members found in their network's best group: {r.members_found} of {r.members} "
        f"({r.members_reachable} reachable at this threshold)",
        f"groups: {r.groups:,}; with no planted member: {r.organic_groups:,}"
        + (
            f" (sizes {', '.join(f'{k}: {v}' for k, v in sorted(r.organic_group_sizes.items()))})"
            if r.organic_group_sizes
            else ""
        )
        + f"; mixing networks: {r.mixed_groups}",
    ]
    head = ["network", "members", "events", "reachable", "found", "extra", "groups touched", "recovered"]
    cells = [
        [n.name, n.size, n.events, n.reachable, n.found, n.extra, n.groups_touched, _yes(n.recovered)]
        for n in r.networks
    ]
    lines += markdown_table_of(head, cells, align=[LEFT] + [RIGHT] * 6 + [LEFT]).splitlines()
    return lines


def _yes(recovered: bool) -> str:
    return "yes" if recovered else "NO"
