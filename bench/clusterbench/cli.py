"""bench/cluster: `clonewatch cluster` on a generated world of probe evidence with planted operations —
members recovered from two seed clones per operation, false members, merged operations, against the naive
rule "same address or same name server = same campaign"; wall time and peak memory."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from typing import Any

from benchkit.cli import PROJECT_ROOT, add_clonewatch_args, add_out_dir, machine_line, run_info, write_result
from benchkit.clonewatch import ClonewatchError, resolve_command
from benchkit.log import progress
from benchkit.report import stats_json
from clusterbench import cwrun, report, world
from clusterbench.baseline import Baseline, naive_campaigns
from clusterbench.cwrun import ClusterRun
from clusterbench.score import Score, score


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/cluster",
        description="clonewatch cluster on a generated world of probe evidence with planted operations: "
        "recall from two seed clones per operation, false members, merges, time and memory, against the "
        "naive rule 'same address or same name server = same campaign'.",
    )
    p.add_argument(
        "--size",
        type=int,
        default=5000,
        help="evidence records in the world (default 5000; 100000 for timing)",
    )
    p.add_argument(
        "--operations",
        type=int,
        default=None,
        help="planted operations (default: one per 1,000 records, at least 3 and at most 30)",
    )
    p.add_argument("--seed", type=int, default=world.DEFAULT_SEED, help="seed of the generated world")
    p.add_argument(
        "--cluster-args",
        default="",
        metavar="ARGS",
        help="more options for clonewatch cluster, as one string (e.g. '--min-weight 1.0')",
    )
    p.add_argument(
        "--all-campaigns",
        action="store_true",
        help="also run without --seeds, to count every campaign and time the full output",
    )
    p.add_argument("--examples", type=int, default=8, help="lines per breakdown of the failures (default 8)")
    add_clonewatch_args(p)
    add_out_dir(p)
    args = p.parse_args(argv)
    if args.size < world.MIN_SIZE:
        p.error(f"--size must be at least {world.MIN_SIZE}")
    if args.operations is None:
        args.operations = world.default_operations(args.size)
    if not 1 <= args.operations <= args.size // 100:
        p.error(f"--operations must be 1..{args.size // 100} for --size {args.size}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out_dir: Path = args.out_dir.resolve()
    try:
        cmd = resolve_command(PROJECT_ROOT, args.clonewatch)
        cwrun.check_usable(cmd)
        data = world.build(out_dir, args.size, args.seed, args.operations)
    except (ClonewatchError, OSError, ValueError) as exc:
        progress(f"bench/cluster: {exc}")
        return 2
    work = out_dir / "clonewatch"
    tag = f"cluster-{args.size}-o{args.operations}-s{args.seed}"
    extra = shlex.split(args.cluster_args)
    seeded = cwrun.run(
        cmd,
        f"{tag}-seeded",
        data.evidence,
        work,
        seeds=data.seeds_file,
        extra=extra,
        timeout=args.clonewatch_timeout,
    )
    unseeded = None
    if args.all_campaigns:
        unseeded = cwrun.run(
            cmd, f"{tag}-all", data.evidence, work, seeds=None, extra=extra, timeout=args.clonewatch_timeout
        )
    progress("naive baseline: union-find over shared addresses and name servers")
    naive_run = naive_campaigns(data.evidence)
    naive = score("naive", data, naive_run.campaigns)
    cw = score("clonewatch", data, seeded.campaigns) if seeded.ok else None
    targets = report.target_values(cw, seeded, naive, data.size)
    markdown = (
        report.summary_table(cw, seeded, naive, naive_run.wall_s, data.size)
        + "\n\n"
        + report.target_lines(targets, len(data.operations), data.size)
    )
    print_report(args, data, seeded, unseeded, cw, naive, naive_run, markdown)
    result: dict[str, Any] = {
        **run_info(),
        "data": data.as_json(),
        "operations_per_world": args.operations,
        "cluster_args": extra,
        "runs": [_run_json(r, data.size) for r in (seeded, unseeded) if r is not None],
        "clonewatch": cw.as_json() if cw else None,
        "naive": {**naive.as_json(), "wall_s": round(naive_run.wall_s, 3)},
        "targets": {k: round(v, 4) if isinstance(v, float) else v for k, v in targets.items()},
        "markdown": markdown,
    }
    write_result(out_dir / "cluster.json", result)
    return 0 if seeded.ok and (unseeded is None or unseeded.ok) else 1


def _run_json(run: ClusterRun, records: int) -> dict[str, Any]:
    s = run.stats
    return {
        "name": run.name,
        "command": s.cmd,
        "ok": run.ok,
        "returncode": s.returncode,
        "timed_out": s.timed_out,
        "wall_s": round(s.wall_s, 3),
        "records_per_s": round(records / s.wall_s, 1) if run.ok and s.wall_s else None,
        "peak_mb": round(s.peak_kb / 1024, 1),
        **stats_json(s),
        "campaigns": len(run.campaigns),
        "summary": run.summary,
        "output": str(run.output),
        "contract": dict(run.contract),
        "pivot_kinds": dict(run.pivot_kinds.most_common()),
    }


def print_report(
    args: argparse.Namespace,
    data: world.World,
    seeded: ClusterRun,
    unseeded: ClusterRun | None,
    cw: Score | None,
    naive: Score,
    naive_run: Baseline,
    markdown: str,
) -> None:
    ops = len(data.operations)
    print(f"\n## Campaign clustering benchmark: {data.size:,} evidence records, {ops} operations\n")
    print(machine_line())
    print("\n".join(report.world_lines(data)))
    print()
    for run in (seeded, unseeded):
        if run is not None:
            print("\n".join(report.run_lines(run, data.size)))
    if unseeded is not None and unseeded.ok:
        print(f"  without --seeds: {len(unseeded.campaigns):,} campaigns in all")
    components = len(naive_run.campaigns)
    print(f"naive baseline: {components:,} components of 2 or more, {naive_run.wall_s:.1f} s in-process")
    print("\n### Operations\n")
    print(report.operations_table(data, cw, naive))
    if cw is not None:
        print("\n### What clonewatch got wrong\n")
        print("\n".join(report.failure_lines(cw, args.examples)))
    print()
    largest = max((len(c.members) for c in naive_run.campaigns), default=0)
    print("\n".join(report.naive_lines(naive, largest, args.examples)))
    print()
    print(markdown)
    print()
    print(
        "Recall: planted members (clones, redirectors, original outlets) found in the campaigns holding the "
        "operation's two seed clones. False members: other domains in those campaigns (the operation's own "
        "name-server and TDS hosts are neither counted nor required). Merged: a campaign holding seeds of "
        "two operations. Peak MB: max of the summed RSS of the process tree, sampled every 20 ms, or the "
        "largest single process's own peak (VmHWM) if higher."
    )
