"""bench/social: clonewatch's co-link coordination finder against the Coordination Network Toolkit —
speed, memory, the edges each finds, and whether clonewatch's groups recover the planted networks."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from benchkit.cli import PROJECT_ROOT, add_clonewatch_args, add_out_dir, machine_line, run_info, write_result
from benchkit.clonewatch import ClonewatchError, resolve_command
from benchkit.log import progress
from benchkit.sandbox import RivalError
from socialbench import cwrun, dataset, reference, report
from socialbench.compare import CntEdges, CwEdges, compare, read_cnt_edges, read_cw_edges
from socialbench.recovery import recovery
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
    if args.cnt_cpus < 1:
        p.error("--cnt-cpus must be at least 1")
    if args.skip_rival and args.skip_clonewatch:
        p.error("nothing to run: --skip-rival and --skip-clonewatch")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out_dir: Path = args.out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)

    cw_cmd: list[str] = []
    if not args.skip_clonewatch:
        try:
            cw_cmd = resolve_command(PROJECT_ROOT, args.clonewatch)
            cwrun.check_usable(cw_cmd)
        except ClonewatchError as exc:
            progress(f"bench/social: {exc}")
            return 2
    rival = Rival(out_dir)
    probe: dict[str, Any] | None = None
    if not args.skip_rival:
        try:
            probe = rival.prepare()
        except (RivalError, OSError) as exc:
            progress(f"bench/social: {exc}")
            return 2

    try:
        data = dataset.build(out_dir, args.size, args.seed)
    except ValueError as exc:
        progress(f"bench/social: {exc}")
        return 2

    rows: list[ToolRow] = []
    cw_row: ToolRow | None = None
    rival_row: ToolRow | None = None
    cw_edges: CwEdges | None = None
    cnt_edges: CntEdges | None = None
    groups: list[dict[str, Any]] | None = None
    extra_runs: list[ToolRow] = []
    tag = f"{args.size}-w{args.window}"
    if not args.skip_clonewatch:
        work = out_dir / "clonewatch"
        main_run = cwrun.run(
            cw_cmd,
            f"social-{tag}-min1",
            data.cw_csv,
            work,
            window=args.window,
            min_repeat=1,
            edges=True,
            timeout=args.clonewatch_timeout,
        )
        cw_row = ToolRow(
            "clonewatch",
            "clonewatch (--min-repeat 1 --edges)",
            args.size,
            [("social coordinate", main_run.stats)],
            extra={"summary": main_run.summary, "groups": len(main_run.groups)},
        )
        if main_run.ok and main_run.edges_file is not None and main_run.edges_file.exists():
            cw_edges = read_cw_edges(main_run.edges_file)
            cw_row.edges = len(cw_edges.edges)
        elif main_run.ok:
            cw_row.error = "no --edges file written"
        rows.append(cw_row)
        if not args.skip_recovery:
            rec_run = cwrun.run(
                cw_cmd,
                f"social-{tag}-min{args.min_repeat}",
                data.cw_csv,
                work,
                window=args.window,
                min_repeat=args.min_repeat,
                edges=False,
                timeout=args.clonewatch_timeout,
            )
            extra_runs.append(
                ToolRow(
                    "clonewatch_groups",
                    f"clonewatch (--min-repeat {args.min_repeat}, groups only)",
                    args.size,
                    [("social coordinate", rec_run.stats)],
                    extra={"summary": rec_run.summary, "groups": len(rec_run.groups)},
                )
            )
            if rec_run.ok:
                groups = rec_run.groups

    if not args.skip_rival:
        res = rival.run(
            f"social-{tag}",
            data.cnt_csv,
            window=args.window,
            n_cpus=args.cnt_cpus,
            timeout=args.rival_timeout,
        )
        rival_row = ToolRow(
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
        if res.edges_file is not None and res.edges_file.exists():
            cnt_edges = read_cnt_edges(res.edges_file)
        rows.append(rival_row)

    # The reference count and the comparison run after the timed runs, so they take no memory from them.
    by_url = reference.read_posts(data.cw_csv)
    ref = reference.co_link_edges(by_url, args.window)
    comparison = compare(cw_edges, cnt_edges, ref, by_url, examples=args.examples)
    if rival_row is not None and cnt_edges is not None:
        rival_row.edges = comparison.cnt_pairs
        rival_row.edges_note = f"({comparison.cnt_directed_rows:,} directed rows)"
    rec = recovery(data.planted, groups, ref, args.min_repeat) if groups is not None else None

    ratios = report.ratios(cw_row, rival_row)
    table = report.markdown_table(rows)
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
    for row in [*rows, *extra_runs]:
        print("\n".join(report.run_lines(row)))
    if rival_row is not None:
        blocked = rival_row.extra["blocked_network_attempts"]
        print(
            f"toolkit: SQLite database {rival_row.extra['database_mb']:,.0f} MB on disk; "
            f"refused network attempts: {len(blocked)}"
        )
    print("\n### Edges (min-repeat 1)\n")
    print("\n".join(report.comparison_lines(comparison, args.window)))
    if rec is not None:
        print("\n### Planted networks\n")
        print("\n".join(report.recovery_lines(rec)))
    print()
    print(table)
    print()
    print(report.ratio_lines(ratios))
    print()
    print(
        "posts/s: posts in the data set / wall seconds of the whole run (the toolkit: preprocess into "
        "SQLite + compute co_link + CSV export). Peak MB: max of the summed RSS of the process and all its "
        "descendants, sampled every 20 ms, or the largest single process's own peak (VmHWM) if higher; "
        "for the toolkit the highest of its stages. Edges: unordered account pairs that co-shared a URL "
        f"within {args.window} s (min-repeat 1)."
    )

    result: dict[str, Any] = {
        **run_info(),
        "data": data.as_json(),
        "window_s": args.window,
        "cnt": {"version": RIVAL_VERSION, "n_cpus": args.cnt_cpus, "network_probe": probe},
        "runs": [row.as_json() for row in [*rows, *extra_runs]],
        "edges": comparison.as_json(),
        "planted_recovery": rec.as_json() if rec is not None else None,
        "ratios": {k: None if v is None else round(v, 3) for k, v in ratios.items()},
        "markdown": table + "\n\n" + report.ratio_lines(ratios),
    }
    write_result(out_dir / "social.json", result)
    # A toolkit run killed at --rival-timeout is a result; any other run that did not finish is a failure.
    failed = [r for r in [*rows, *extra_runs] if not r.ok and not (r.key == "cnt" and r.timed_out)]
    return 1 if failed else 0
