"""The report pieces every benchmark prints: Markdown tables, the memory detail of a monitored run, the
warning when other processes loaded the machine, a rate cell for a run that timed out, and a run's
numbers as JSON."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from benchkit.numbers import fmt_int
from benchkit.procmon import RunStats

BUSY_WARN = 0.25  # average cores used by other processes during a run before its numbers are flagged
LEFT, RIGHT = "---", "---:"


def markdown_table(
    head: Sequence[str], rows: Iterable[Sequence[object]], *, align: Sequence[str] | None = None
) -> str:
    """A Markdown table. ``align`` holds ``LEFT`` or ``RIGHT`` per column (default: the first column left,
    the numbers right); an empty cell stays ``| |``."""
    if align is None:
        align = [LEFT] + [RIGHT] * (len(head) - 1)
    lines = [_row(head), _row(align)]
    lines += [_row([str(cell) for cell in row]) for row in rows]
    return "\n".join(lines)


def _row(cells: Sequence[str]) -> str:
    return "|" + "|".join(f" {cell} " if cell else " " for cell in cells) + "|"


def rate_cell(rate: float | None, upper_bound: float | None, status: str) -> str:
    """A throughput cell: the rate; for a run killed at its timeout the bound it stayed under; else why
    there is no rate."""
    if rate is not None:
        return fmt_int(rate)
    if upper_bound is not None:
        return f"< {fmt_int(upper_bound)} (timed out)"
    return status


def memory_detail(s: RunStats) -> str:
    """How the peak of a monitored run was measured, for a report line."""
    return (
        f"sampled tree RSS {s.peak_tree_rss_kb / 1024:,.0f} MB, largest single process "
        f"{s.max_single_rss_kb / 1024:,.0f} MB, up to {s.peak_procs} processes"
    )


def busy_warning(cores: float, what: str = "run", numbers: str = "numbers") -> str | None:
    """The line that flags a run during which other processes kept more than BUSY_WARN cores busy."""
    if cores <= BUSY_WARN:
        return None
    return (
        f"warning: other processes kept {cores:.2f} cores busy on average during this {what}; "
        f"its {numbers} are pessimistic"
    )


def stats_json(s: RunStats | None) -> dict[str, Any]:
    """The memory and CPU numbers of a monitored run as the result JSON gives them (None when not run)."""
    return {
        "peak_tree_rss_sampled_mb": round(s.peak_tree_rss_kb / 1024, 1) if s else None,
        "max_single_process_hwm_mb": round(s.max_single_rss_kb / 1024, 1) if s else None,
        "max_processes": s.peak_procs if s else None,
        "rss_samples": s.samples if s else None,
        "cpu_s": round(s.cpu_s, 2) if s else None,
        "other_cpu_cores_during_run": round(s.other_cpu_cores, 2) if s else None,
    }
