"""bench/social: clonewatch's co-link coordination finder against the Coordination Network Toolkit —
speed, memory, the edges each finds, and whether clonewatch's groups recover the planted networks."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchkit.cli import PROJECT_ROOT, add_clonewatch_args, add_out_dir, machine_line, run_info, write_result
from benchkit.clonewatch import ClonewatchError, resolve_command
from benchkit.log import progress
from benchkit.sandbox import RivalError
from socialbench import cwrun, dataset, realdata, reference, report
from socialbench.compare import CntEdges, Comparison, CwEdges, compare, read_cnt_edges, read_cw_edges
from socialbench.recovery import Recovery, recovery
from socialbench.report import ToolRow
from socialbench.rival import RIVAL_VERSION, Rival


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/social",
        description="clonewatch social coordinate against the Coordination Network Toolkit "
        f"{RIVAL_VERSION} (co-link): throughput, peak memory, edges, planted-network recovery.",
    )
    p.add_argument("--size", type=int, default=1_000_000, help="posts in the data set (default 1000000)")
    p.add_argument("--seed", type=int, default=dataset.DEFAULT_SEED, help="seed of the generated data set")
    p.add_argument("--window", type=int, default=60, help="co-link time window in seconds (default 60)")
    p.add_argument(
        "--min-repeat",
        type=int,
        default=3,
        help="clonewatch --min-repeat of the planted-network recovery run (default 3)",
    )
    p.add_argument(
        "--cnt-cpus",
        type=int,
        default=os.cpu_count() or 1,
        help="the toolkit's --n_cpus (default: all CPUs, its own default)",
    )
    p.add_argument("--skip-rival", action="store_true", help="run clonewatch only")
    p.add_argument("--skip-clonewatch", action="store_true", help="run the toolkit only")
    p.add_argument("--skip-recovery", action="store_true", help="skip clonewatch's --min-repeat run")
    p.add_argument(
        "--real-copies",
        type=int,
        default=realdata.DEFAULT_COPIES,
        help="times the real X data is written into its file: all but one copy are duplicates (default 20)",
    )
    p.add_argument("--skip-real", action="store_true", help="skip the runs on real X data")
    p.add_argument(
        "--rival-timeout",
        type=float,
        default=1800.0,
        help="seconds before the toolkit is killed (all its stages together; default 1800)",
    )
    add_clonewatch_args(p)
    p.add_argument("--examples", type=int, default=5, help="example pairs shown per kind of difference")
    add_out_dir(p)
    args = p.parse_args(argv)
    if args.size < 1:
        p.error("--size must be positive")
    if args.window < 1:
        p.error("--window must be at least 1 second")
    if args.min_repeat < 1:
        p.error("--min-repeat must be at least 1")
    if args.real_copies < 1:
        p.error("--real-copies must be at least 1")
    if args.cnt_cpus < 1:
        p.error("--cnt-cpus must be at least 1")
    if args.skip_rival and args.skip_clonewatch:
        p.error("nothing to run: --skip-rival and --skip-clonewatch")
    return args


@dataclass
class ClonewatchSide:
    """clonewatch's timed run (with its edge list) and its groups run (the planted-network check)."""

    row: ToolRow
    edges: CwEdges | None = None
    groups_row: ToolRow | None = None
    groups: list[dict[str, Any]] | None = None


@dataclass
class RivalSide:
    """The toolkit's three stages as one row, and its edge list."""

    row: ToolRow
    edges: CntEdges | None = None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out_dir: Path = args.out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    rival = Rival(out_dir)
    try:
        cw_cmd = [] if args.skip_clonewatch else clonewatch_command(args)
        probe = None if args.skip_rival else rival.prepare()
        data = dataset.build(out_dir, args.size, args.seed)
    except (ClonewatchError, RivalError, OSError, ValueError) as exc:
        progress(f"bench/social: {exc}")
        return 2
    tag = f"{args.size}-w{args.window}"
    cw = None if args.skip_clonewatch else run_clonewatch(args, cw_cmd, data, tag, out_dir / "clonewatch")
    cnt = None if args.skip_rival else run_rival(args, rival, data, tag)
    rows = [side.row for side in (cw, cnt) if side is not None]
    every_run = [*rows, *([cw.groups_row] if cw and cw.groups_row else [])]

    # The reference count and the comparison run after the timed runs, so they take no memory from them.
    by_url = reference.read_posts(data.cw_csv)
    ref = reference.co_link_edges(by_url, args.window)
    cw_edges, cnt_edges = (cw.edges if cw else None), (cnt.edges if cnt else None)
    comparison = compare(cw_edges, cnt_edges, ref, by_url, examples=args.examples)
    if cnt is not None and cnt.edges is not None:
        cnt.row.edges = comparison.cnt_pairs
        cnt.row.edges_note = f"({comparison.cnt_directed_rows:,} directed rows)"
    groups = cw.groups if cw else None
    rec = recovery(data.planted, groups, ref, args.min_repeat) if groups is not None else None

    ratios = report.ratios(cw.row if cw else None, cnt.row if cnt else None)
    markdown = report.markdown_table(rows) + "\n\n" + report.ratio_lines(ratios)
    print_report(args, data, probe, every_run, cnt, comparison, rec, markdown)
    real = None if args.skip_real else realdata.build(out_dir, args.real_copies)
    real_runs: list[realdata.RealRun] = []
    if real is not None:
        real_runs = realdata.run_all(
            None if args.skip_clonewatch else cw_cmd,
            None if args.skip_rival else rival,
            real,
            window=args.window,
            n_cpus=args.cnt_cpus,
            timeout=args.rival_timeout,
            work=out_dir / "clonewatch",
        )
        print("\n## On real X data\n")
        print("\n".join(realdata.report_lines(real, real_runs, args.window)))
    result: dict[str, Any] = {
        **run_info(),
        "data": data.as_json(),
        "window_s": args.window,
        "cnt": {"version": RIVAL_VERSION, "n_cpus": args.cnt_cpus, "network_probe": probe},
        "runs": [row.as_json() for row in every_run],
        "edges": comparison.as_json(),
        "planted_recovery": rec.as_json() if rec is not None else None,
        "ratios": {k: None if v is None else round(v, 3) for k, v in ratios.items()},
        "markdown": markdown,
        "real_data": None
        if real is None
        else {"data": real.as_json(), "runs": [run.as_json() for run in real_runs]},
    }
    write_result(out_dir / "social.json", result)
    # A toolkit run killed at --rival-timeout is a result; any other run that did not finish is a failure.
    every_run += [row for run in real_runs for row in run.rows]
    failed = [r for r in every_run if not r.ok and not (r.key == "cnt" and r.timed_out)]
    return 1 if failed else 0


def clonewatch_command(args: argparse.Namespace) -> list[str]:
    """The clonewatch command line, checked to offer ``social coordinate --edges``."""
    cmd = resolve_command(PROJECT_ROOT, args.clonewatch)
    cwrun.check_usable(cmd)
    return cmd


def run_clonewatch(
    args: argparse.Namespace, cmd: list[str], data: dataset.Dataset, tag: str, work: Path
) -> ClonewatchSide:
    """The timed run with ``--min-repeat 1 --edges``, then (unless skipped) the ``--min-repeat K`` groups."""
    timed = cwrun.run(
        cmd,
        f"social-{tag}-min1",
        data.cw_csv,
        work,
        window=args.window,
        min_repeat=1,
        edges=True,
        timeout=args.clonewatch_timeout,
    )
    row = ToolRow(
        "clonewatch",
        "clonewatch (--min-repeat 1 --edges)",
        args.size,
        [("social coordinate", timed.stats)],
        extra={"summary": timed.summary, "groups": len(timed.groups)},
    )
    side = ClonewatchSide(row)
    if timed.ok and timed.edges_file is not None and timed.edges_file.exists():
        side.edges = read_cw_edges(timed.edges_file)
        row.edges = len(side.edges.edges)
    elif timed.ok:
        row.error = "no --edges file written"
    if args.skip_recovery:
        return side
    grouped = cwrun.run(
        cmd,
        f"social-{tag}-min{args.min_repeat}",
        data.cw_csv,
        work,
        window=args.window,
        min_repeat=args.min_repeat,
        edges=False,
        timeout=args.clonewatch_timeout,
    )
    side.groups_row = ToolRow(
        "clonewatch_groups",
        f"clonewatch (--min-repeat {args.min_repeat}, groups only)",
        args.size,
        [("social coordinate", grouped.stats)],
        extra={"summary": grouped.summary, "groups": len(grouped.groups)},
    )
    if grouped.ok:
        side.groups = grouped.groups
    return side


def run_rival(args: argparse.Namespace, rival: Rival, data: dataset.Dataset, tag: str) -> RivalSide:
    """The toolkit's three stages within --rival-timeout, and its edge list."""
    res = rival.run(
        f"social-{tag}", data.cnt_csv, window=args.window, n_cpus=args.cnt_cpus, timeout=args.rival_timeout
    )
    row = ToolRow(
        "cnt",
        f"coordination-network-toolkit {RIVAL_VERSION} (co_link, --n_cpus {args.cnt_cpus})",
        args.size,
        [(s.name, s.stats) for s in res.stages],
        skipped_stages=res.skipped_stages,
        out_of_time=res.out_of_time,
        extra={
            "database_mb": round(res.database_bytes / 2**20, 1),
            "blocked_network_attempts": res.blocked_attempts,
        },
    )
    edges = read_cnt_edges(res.edges_file) if res.edges_file is not None and res.edges_file.exists() else None
    return RivalSide(row, edges)


def print_report(
    args: argparse.Namespace,
    data: dataset.Dataset,
    probe: dict[str, Any] | None,
    runs: list[ToolRow],
    cnt: RivalSide | None,
    comparison: Comparison,
    rec: Recovery | None,
    markdown: str,
) -> None:
    print(f"\n## Co-link coordination benchmark: {args.size:,} posts, window {args.window} s\n")
    print(machine_line())
    print(
        f"data: {data.size:,} posts by {data.accounts:,} accounts, {data.distinct_urls:,} distinct URLs, "
        f"{data.planted_posts:,} posts in {len(data.planted)} planted networks "
        f"({sum(len(n.accounts) for n in data.planted)} accounts); seed {data.seed}"
    )
    print(f"files: {data.cw_csv} (clonewatch layout), {data.cnt_csv} (toolkit layout), same posts")
    if probe is not None:
        print("toolkit network block: active in main and worker processes")
    print()
    for row in runs:
        print("\n".join(report.run_lines(row)))
    if cnt is not None:
        blocked = cnt.row.extra["blocked_network_attempts"]
        print(
            f"toolkit: SQLite database {cnt.row.extra['database_mb']:,.0f} MB on disk; "
            f"refused network attempts: {len(blocked)}"
        )
    print("\n### Edges (min-repeat 1)\n")
    print("\n".join(report.comparison_lines(comparison, args.window)))
    if rec is not None:
        print("\n### Planted networks\n")
        print("\n".join(report.recovery_lines(rec)))
    print()
    print(markdown)
    print()
    print(
        "posts/s: posts in the data set / wall seconds of the whole run (the toolkit: preprocess into "
        "SQLite + compute co_link + CSV export). Peak MB: max of the summed RSS of the process and all its "
        "descendants, sampled every 20 ms, or the largest single process's own peak (VmHWM) if higher; "
        "for the toolkit the highest of its stages. Edges: unordered account pairs that co-shared a URL "
        f"within {args.window} s (min-repeat 1)."
    )
