"""Numbers -> text lines and Markdown tables."""

from __future__ import annotations

from typing import Any

from benchkit.numbers import fmt_int
from benchkit.report import BUSY_WARN, busy_warning, markdown_table
from genbench.dnsrun import NOT_REGISTERED_CLASSES, DnsRun
from genbench.results import CUTOFFS, GenRun, Recall

MISS_LIMIT = 80


def fmt_s(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f} s"


def fmt_share(hits: int, recall: Recall | None) -> str:
    if recall is None or not recall.rows:
        return "—"
    return f"{hits * 100 / recall.rows:.1f} % ({hits}/{recall.rows})"


def cutoff_label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else f"{n:,}"


def generation_lines(run: GenRun, focus: str) -> list[str]:
    """A paragraph on one tool's generation run."""
    if run.error:
        return [f"{run.label}: error: {run.error}"]
    slowest = run.max_run
    lines = [
        f"{run.label}: {run.total:,} candidates over {len(run.brands)} brands "
        f"(median {fmt_int(run.median_count)} per brand); generation {run.total_seconds:.2f} s in all, "
        f"median {fmt_s(run.median_seconds)} per brand, max {fmt_s(slowest.seconds if slowest else None)}"
        f"{f' ({slowest.brand})' if slowest else ''}; {focus}: {fmt_s(run.seconds_for(focus))}"
    ]
    first = run.notes.get("first_call")
    if first:
        lines.append(
            f"  first call in the process ({first['brand']}, includes one-time table loading): "
            f"{first['seconds']:.2f} s for {first['candidates']:,} candidates"
        )
    warning = busy_warning((run.notes.get("load") or {}).get("other_cores", 0), "run", "times")
    if warning:
        lines.append(f"  {warning}")
    return lines


def recall_lines(run: GenRun, recall: Recall) -> list[str]:
    """Recall at each cutoff, then the misses."""
    at = ", ".join(f"@{cutoff_label(c)} {fmt_share(recall.hits_at[c], recall)}" for c in CUTOFFS)
    lines = [f"{run.label}: recall {at}, overall {fmt_share(recall.hits, recall)}"]
    lines.append(f"  {len(recall.misses)} of {recall.rows} look-alikes missed:")
    for miss in recall.misses[:MISS_LIMIT]:
        lines.append(f"    {miss['domain']:<36} genuine {miss['genuine']:<22} {miss['why']}")
    if len(recall.misses) > MISS_LIMIT:
        lines.append(f"    ... {len(recall.misses) - MISS_LIMIT} more in generate.json")
    late = [p for p in recall.positions if p["position"] is not None and p["position"] >= CUTOFFS[0]]
    if late:
        shown = ", ".join(f"{p['domain']} ({p['position'] + 1:,})" for p in late[:12])
        more = f", ... {len(late) - 12} more" if len(late) > 12 else ""
        lines.append(f"  found only after the first {CUTOFFS[0]:,} (position): {shown}{more}")
    return lines


def generation_table(runs: list[GenRun], recalls: dict[str, Recall], focus: str) -> str:
    """One Markdown row per generation run."""
    head = [
        "tool",
        "candidates (total)",
        "per brand (median)",
        "time per brand (median)",
        "time per brand (max)",
        focus,
        *(f"recall @{cutoff_label(c)}" for c in CUTOFFS),
        "recall (all generated)",
    ]
    return markdown_table(head, [_generation_row(run, recalls, focus) for run in runs])


def _generation_row(run: GenRun, recalls: dict[str, Recall], focus: str) -> list[str]:
    if run.error:
        return [run.label, "error"] + [""] * (5 + len(CUTOFFS))
    recall = recalls.get(run.key)
    slowest = run.max_run
    return [
        run.label,
        f"{run.total:,}",
        fmt_int(run.median_count),
        fmt_s(run.median_seconds),
        fmt_s(slowest.seconds if slowest else None),
        fmt_s(run.seconds_for(focus)),
        *(fmt_share(recall.hits_at[c], recall) if recall else "—" for c in CUTOFFS),
        fmt_share(recall.hits, recall) if recall else "—",
    ]


def dns_lines(run: DnsRun, matrix: dict[str, dict[str, int]], check: dict[str, Any]) -> list[str]:
    """A paragraph on one tool's DNS pass: speed, then what it said of each kind of name."""
    lines = [
        f"{run.tool}: {run.names:,} names in {run.wall_s:.2f} s = {fmt_int(run.names_per_s)} names/s; "
        f"{fmt_int(run.queries)} queries = {fmt_int(run.queries_per_s)} queries/s (resolver {run.resolver})"
    ]
    if run.load.get("other_cores", 0) > BUSY_WARN:
        lines.append(
            f"  warning: processes outside the benchmark kept {run.load['other_cores']:.2f} cores busy on "
            "average during this pass"
        )
    stall = run.notes.get("stalls")
    if stall and stall["count"]:
        lines.append(
            f"  results stalled {stall['count']} times (>= {stall['threshold_s']} s between consecutive "
            f"results, {stall['seconds']:.1f} s in all, longest {stall['longest_s']:.2f} s): results come "
            "back in input order, so each timed-out name holds back the window behind it; without the "
            "stalls: "
            f"{fmt_int(stall['names_per_s_without_stalls'])} names/s"
        )
    for cls, says in matrix.items():
        lines.append(f"  {cls:<24} " + ", ".join(f"{k}: {v:,}" for k, v in says.items()))
    wrong = check["called_registered"]
    lines.append(
        f"  planted registered found {check['planted_registered_found']}/{check['planted_registered']}; "
        f"unregistered called registered {check['unregistered_called_registered']}; "
        + ", ".join(f"{cls} called registered {wrong[cls]}/{check['of_each'][cls]}" for cls in wrong)
    )
    return lines


def dns_table(runs: list[DnsRun], checks: dict[str, dict[str, Any]]) -> str:
    """One Markdown row per DNS pass."""
    head = [
        "tool",
        "names",
        "wall",
        "names/s",
        "queries",
        "queries/s",
        "planted registered found",
        "unregistered called registered",
        "wildcard / SERVFAIL / timeout called registered",
    ]
    rows = []
    for run in runs:
        check = checks[run.key]
        wrong = " / ".join(
            f"{check['called_registered'][cls]}/{check['of_each'][cls]}" for cls in NOT_REGISTERED_CLASSES
        )
        rows.append(
            [
                run.tool,
                f"{run.names:,}",
                fmt_s(run.wall_s, 1),
                fmt_int(run.names_per_s),
                fmt_int(run.queries),
                fmt_int(run.queries_per_s),
                f"{check['planted_registered_found']}/{check['planted_registered']}",
                str(check["unregistered_called_registered"]),
                wrong,
            ]
        )
    return markdown_table(head, rows)
