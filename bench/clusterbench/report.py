"""Scores and runs -> report lines, the Markdown tables and the target lines."""

from __future__ import annotations

from collections import Counter
from typing import Any

from benchkit.numbers import fmt_int, fmt_ratio, ratio
from benchkit.report import LEFT, RIGHT, busy_warning, markdown_table, memory_detail
from clusterbench.cwrun import ClusterRun
from clusterbench.score import OperationScore, Score
from clusterbench.world import World

RECALL_TARGET = 0.90
FALSE_TARGET = 0.05
TIME_TARGET_RECORDS, TIME_TARGET_S = 100_000, 60.0
RATE_TARGET = TIME_TARGET_RECORDS / TIME_TARGET_S


def pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def _met(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "NOT met")


def world_lines(world: World) -> list[str]:
    roles: Counter[str] = Counter()
    for op in world.operations:
        roles.update(op.role_counts())
    verdicts = ", ".join(f"{k} {v:,}" for k, v in sorted(world.verdicts.items(), key=lambda kv: -kv[1]))
    return [
        f"data: {world.size:,} evidence records, seed {world.seed}; {len(world.operations)} planted "
        f"operations with {world.planted:,} members ({roles['clone']:,} clones, "
        f"{roles['redirector']:,} redirectors, {roles['original']:,} originals); "
        f"{len(world.noise):,} noise records",
        f"verdicts: {verdicts}",
        f"files: {world.evidence} (evidence), {world.seeds_file} (two seed clones per operation), "
        f"{world.truth_file} (ground truth)",
    ]


def run_lines(run: ClusterRun, records: int) -> list[str]:
    s = run.stats
    state = "ok" if run.ok else ("timed out" if s.timed_out else f"exit code {s.returncode}")
    lines = [
        f"clonewatch cluster ({run.name}): {state}; wall {s.wall_s:.2f} s; "
        f"{fmt_int(records / s.wall_s if run.ok and s.wall_s else None)} records/s; "
        f"peak memory {s.peak_kb / 1024:,.0f} MB ({memory_detail(s)}); CPU {s.cpu_s:.1f} s; "
        f"{len(run.campaigns):,} campaigns",
    ]
    if run.summary:
        lines.append(f"  {run.summary}")
    warning = busy_warning(s.other_cpu_cores)
    if warning:
        lines.append(f"  {warning}")
    if run.bad_lines:
        lines.append(f"  {run.bad_lines} output lines were not campaigns")
    if run.contract:
        lines.append("  output contract: " + "; ".join(f"{k} ×{v}" for k, v in run.contract.most_common()))
    if run.pivot_kinds:
        kinds = ", ".join(f"{k} {v:,}" for k, v in run.pivot_kinds.most_common())
        lines.append(f"  pivots listed, by kind: {kinds}")
    return lines


def operations_table(world: World, cw: Score | None, naive: Score) -> str:
    head = [
        *("operation", "members (clone/redir/orig)", "brands", "clonewatch found", "recall", "false"),
        *("false %", "campaigns", "merged with", "naive recall", "naive false %", "naive merged with"),
    ]
    rows = []
    by_name = {op.name: op for op in cw.operations} if cw else {}
    for truth, base in zip(world.operations, naive.operations, strict=True):
        roles = truth.role_counts()
        c: OperationScore | None = by_name.get(truth.name)
        rows.append(
            [
                truth.name,
                f"{len(truth.members)} ({roles['clone']}/{roles['redirector']}/{roles['original']})",
                len(truth.brands),
                fmt_int(c.found) if c else "—",
                pct(c.recall) if c else "—",
                fmt_int(c.false) if c else "—",
                pct(c.false_share) if c else "—",
                c.campaigns if c else "—",
                ", ".join(c.merged_with) or "—" if c else "—",
                pct(base.recall),
                pct(base.false_share),
                f"{len(base.merged_with)} operations" if base.merged_with else "—",
            ]
        )
    align = [LEFT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT, LEFT, RIGHT, RIGHT, LEFT]
    return markdown_table(head, rows, align=align)


def summary_table(
    cw: Score | None, run: ClusterRun | None, naive: Score, naive_s: float, records: int
) -> str:
    head = [
        "tool",
        "recall",
        "false members",
        "operations merged",
        "campaigns",
        "wall s",
        "records/s",
        "peak MB",
    ]
    rows = []
    if cw is not None and run is not None:
        s = run.stats
        rows.append(
            [
                "clonewatch cluster",
                pct(cw.recall),
                f"{cw.false:,} ({pct(cw.false_share)})",
                f"{len(cw.merged)} of {len(cw.operations)}",
                fmt_int(cw.campaigns),
                f"{s.wall_s:,.1f}",
                fmt_int(records / s.wall_s if s.wall_s else None),
                fmt_int(s.peak_kb / 1024),
            ]
        )
    rows.append(
        [
            "naive: same address or name server",
            pct(naive.recall),
            f"{naive.false:,} ({pct(naive.false_share)})",
            f"{len(naive.merged)} of {len(naive.operations)}",
            fmt_int(naive.campaigns),
            f"{naive_s:,.1f}",
            fmt_int(records / naive_s if naive_s else None),
            "—",
        ]
    )
    return markdown_table(head, rows)


def target_values(cw: Score | None, run: ClusterRun | None, naive: Score, records: int) -> dict[str, Any]:
    rate = records / run.stats.wall_s if run is not None and run.ok and run.stats.wall_s else None
    precision = (1 - cw.false_share) if cw and cw.false_share is not None else None
    naive_precision = (1 - naive.false_share) if naive.false_share is not None else None
    return {
        "recall": cw.recall if cw else None,
        "recall_met": cw.recall >= RECALL_TARGET if cw else None,
        "false_share": cw.false_share if cw else None,
        "false_met": (cw.false_share or 0.0) <= FALSE_TARGET if cw else None,
        "merged": len(cw.merged) if cw else None,
        "merged_met": not cw.merged if cw else None,
        "records_per_s": rate,
        # Judged at the target's size or above only: a small run's rate is mostly start-up.
        "time_met": rate >= RATE_TARGET if rate is not None and records >= TIME_TARGET_RECORDS else None,
        "time_scaled": records != TIME_TARGET_RECORDS,
        "naive_recall": naive.recall,
        "naive_false_share": naive.false_share,
        "naive_merged": len(naive.merged),
        "recall_ratio": ratio(cw.recall if cw else None, naive.recall),
        "precision_ratio": ratio(precision, naive_precision),
        "peak_mb": run.stats.peak_kb / 1024 if run is not None and run.ok else None,
    }


def target_lines(t: dict[str, Any], operations: int, records: int) -> str:
    rate = t["records_per_s"]
    seconds = records / rate if rate else None
    if records < TIME_TARGET_RECORDS:
        verdict = f"judged at {TIME_TARGET_RECORDS:,} records only"
    else:
        verdict = _met(t["time_met"]) + (" (as a rate)" if t["time_scaled"] else "")
    time_part = "—" if rate is None else f"{seconds:,.1f} s for {records:,} records = {rate:,.0f} records/s"
    return "\n".join(
        [
            f"- members recovered: clonewatch {pct(t['recall'])} (target ≥ {RECALL_TARGET * 100:.0f} %: "
            f"{_met(t['recall_met'])}); naive {pct(t['naive_recall'])}; clonewatch / naive "
            f"{fmt_ratio(t['recall_ratio'])}",
            f"- false members: clonewatch {pct(t['false_share'])} (target ≤ {FALSE_TARGET * 100:.0f} %: "
            f"{_met(t['false_met'])}); naive {pct(t['naive_false_share'])}; precision clonewatch / naive "
            f"{fmt_ratio(t['precision_ratio'])}",
            f"- operations merged: clonewatch {fmt_int(t['merged'])} of {operations} (target none: "
            f"{_met(t['merged_met'])}); naive {t['naive_merged']} of {operations}",
            f"- time: clonewatch {time_part} (target {TIME_TARGET_RECORDS:,} records in "
            f"< {TIME_TARGET_S:.0f} s, ≥ {RATE_TARGET:,.0f} records/s: {verdict}); "
            f"peak memory {fmt_int(t['peak_mb'])} MB",
        ]
    )


def failure_lines(cw: Score, examples: int) -> list[str]:
    """What clonewatch got wrong: members missed (by role and by what linked them), false members (by what
    they are and the link that brought them in), wrong roles, split or missing seeds."""
    lines: list[str] = []
    missed = cw.total("missed_tags")
    if missed:
        lines.append(f"members missed, by role and the links they had ({sum(missed.values()):,}):")
        lines += [f"  {n:>6,}  {tags}" for tags, n in missed.most_common(examples)]
    kinds, via = cw.total("false_kinds"), cw.total("false_via")
    if kinds:
        lines.append(f"false members, by what they are ({sum(kinds.values()):,}):")
        lines += [f"  {n:>6,}  {kind}" for kind, n in kinds.most_common(examples)]
    if via:
        lines.append("false members, by the link that brought them in:")
        lines += [f"  {n:>6,}  {kind}" for kind, n in via.most_common(examples)]
    outsiders = cw.total("outsiders")
    if outsiders:
        shown = ", ".join(f"{d} ×{n}" for d, n in outsiders.most_common(examples))
        lines.append(f"false members that are no evidence record, by how many operations took them: {shown}")
    wrong = cw.total("roles_wrong")
    if wrong:
        lines.append(f"members found with another role ({sum(wrong.values()):,}):")
        lines += [f"  {n:>6,}  {what}" for what, n in wrong.most_common(examples)]
    for op in cw.operations:
        if op.campaigns != 1 or op.seeds_found != 2:
            lines.append(
                f"{op.name}: its 2 seeds are in {op.campaigns} campaign(s); {op.seeds_found} seeds found"
            )
    return lines or ["nothing: every planted member found, no false members, no merges"]


def naive_lines(naive: Score, largest: int, examples: int) -> list[str]:
    kinds = naive.total("false_kinds")
    lines = [
        f"naive: its largest component holds {largest:,} domains; false members summed over the operations, "
        f"by what they are ({sum(kinds.values()):,}):"
    ]
    lines += [f"  {n:>6,}  {kind}" for kind, n in kinds.most_common(examples)]
    return lines
