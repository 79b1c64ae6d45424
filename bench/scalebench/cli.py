"""bench/scale: names/s of `clonewatch match` and domains/min of `clonewatch probe` run here (one
process, --workers 2) and on Dask (a real `dask scheduler` with 1 and 2 `clonewatch worker`s on
loopback, and local:2), on the same input in the same run, with every output checked against the
one-process run; and Dask's own cost per task (no-op tasks, and match's pieces made small)."""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from benchkit.cli import PROJECT_ROOT, add_out_dir, machine_line, run_info, write_result
from benchkit.clonewatch import ClonewatchRun, resolve_command
from benchkit.log import progress
from benchkit.procmon import run_monitored
from benchkit.report import markdown_table
from clonewatch.testing.daskcluster import LocalDaskCluster

SYLLABLES = "ka ri to me shu la no vi de po gra sel mon tar bel vin cor das lu fen".split()
SUFFIXES = ["com", "net", "org", "de", "info", "online", "shop", "co.uk", "fr", "news"]
LOOKALIKES = ["bildd.lol", "spiegel.ltd", "washingtonpost.pm", "pravda-ua.rest", "t-onlinl.life"]
LAB_ADDRESS = "127.0.3.2"  # bench/probe's lab is on 127.0.3.1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/scale", description=__doc__)
    p.add_argument("--names", type=int, default=1_000_000, help="names in the match feed (default 1000000)")
    p.add_argument("--task-size", default="8M", help="match's --task-size on Dask (default 8M)")
    p.add_argument("--domains", type=int, default=48, help="suspects probed (default 48)")
    p.add_argument("--repeats", type=int, default=3, help="runs of each, median reported (default 3)")
    p.add_argument("--noop-tasks", type=int, default=2000, help="no-op tasks timed (default 2000)")
    p.add_argument("--skip-probe", action="store_true", help="match and the task cost only")
    add_out_dir(p)
    return p.parse_args(argv)


def feed(path: Path, names: int) -> Path:
    """Pronounceable names on real suffixes, a look-alike every 5,000 lines; fixed seed."""
    if path.is_file():
        return path
    rng = random.Random(13)
    with path.open("w", encoding="utf-8") as out:
        for number in range(names):
            if number % 5000 == 0:
                out.write(f"{LOOKALIKES[(number // 5000) % len(LOOKALIKES)]}\n")
                continue
            label = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
            out.write(f"{label}{rng.randint(0, 99) if rng.random() < 0.2 else ''}.{rng.choice(SUFFIXES)}\n")
    return path


def _pids(cluster: LocalDaskCluster | None) -> list[int]:
    if cluster is None or cluster.scheduler is None:
        return []
    return [cluster.scheduler.process.pid, *(worker.process.pid for worker in cluster.workers)]


def timed(
    name: str, args: Sequence[str], work: Path, repeats: int, *, stdin: Path | None = None,
    cluster: LocalDaskCluster | None = None,
) -> tuple[list[ClonewatchRun], float]:  # fmt: skip
    """One warm-up run (a worker builds its matcher once per watchlist and keeps it), then
    ``repeats`` timed runs; all the runs, and the median wall time of the timed ones."""
    cmd = resolve_command(PROJECT_ROOT, None)
    runs = []
    for number in range(repeats + 1):
        label = f"{name}-{number}"
        out, err = work / f"{label}.jsonl", work / f"{label}.stderr.log"
        progress(f"clonewatch: {label}: {' '.join(args[:4])} ...")
        stats = run_monitored(
            [*cmd, *args], stdout=out, stderr=err, stdin=stdin, watch_pids=_pids(cluster), timeout=3600
        )
        done = ClonewatchRun(label, stats, out, err)
        if not done.ok:
            raise SystemExit(f"bench/scale: {label} failed: {done.stderr_text()[-1500:]}")
        runs.append(done)
    return runs, statistics.median(r.stats.wall_s for r in runs[1:])


def same_output(runs: Sequence[ClonewatchRun], reference: ClonewatchRun, key: Callable[[str], str]) -> bool:
    want = sorted(map(key, reference.output.read_text().splitlines()))
    return all(sorted(map(key, r.output.read_text().splitlines())) == want for r in runs)


def task_cost(address: str, count: int) -> float:
    """Seconds per task of a client's round trip through the scheduler, for no-op tasks."""
    from distributed import Client

    with Client(address, timeout=10, set_as_default=False) as client:
        client.gather(client.map(abs, range(50), pure=False))  # connections warm; abs: a builtin workers have
        started = time.perf_counter()
        client.gather(client.map(abs, range(count), pure=False))
        return (time.perf_counter() - started) / count


def bench_match(
    args: argparse.Namespace, work: Path, clusters: dict[int, LocalDaskCluster]
) -> dict[str, Any]:
    path = feed(args.out_dir / f"scale-feed-{args.names}.txt", args.names)
    base = ["match", str(path), "--format", "jsonl"]
    rows: dict[str, tuple[list[ClonewatchRun], float]] = {}
    rows["here, 1 process"] = timed("match-here", base, work, args.repeats)
    rows["here, --workers 2"] = timed("match-workers2", [*base, "--workers", "2"], work, args.repeats)
    for count, cluster in clusters.items():
        dask = [*base, "--scheduler", cluster.address, "--task-size", args.task_size]
        rows[f"tcp scheduler, {count} worker{'s' * (count > 1)}"] = timed(
            f"match-tcp{count}", dask, work, args.repeats, cluster=cluster
        )
    rows["local:2 (cluster started per run)"] = timed(
        "match-local2", [*base, "--scheduler", "local:2", "--task-size", args.task_size], work, args.repeats
    )
    reference = rows["here, 1 process"][0][0]
    one = clusters[1]
    small = timed(
        "match-tcp1-small", [*base, "--scheduler", one.address, "--task-size", "64k"], work, 1, cluster=one
    )
    big_tasks = -(-path.stat().st_size // _size(args.task_size))
    small_tasks = -(-path.stat().st_size // (64 << 10))
    per_piece = (small[1] - rows["tcp scheduler, 1 worker"][1]) / max(1, small_tasks - big_tasks)
    table = []
    for name, (runs, wall) in rows.items():
        table.append([
            name, f"{runs[0].stats.wall_s:.1f}", f"{wall:.1f}", f"{args.names / wall:,.0f}",
            f"{statistics.median(r.stats.cpu_s + r.stats.watched_cpu_s for r in runs[1:]):.1f}",
            f"{statistics.median(r.stats.other_cpu_cores for r in runs[1:]):.2f}",
            "yes" if same_output(runs, reference, lambda line: line) else "NO",
        ])  # fmt: skip
    return {
        "names": args.names,
        "rows": table,
        "per_piece_s": per_piece,
        "pieces": [big_tasks, small_tasks],
        "walls": {name: wall for name, (_, wall) in rows.items()},
    }


def _size(text: str) -> int:
    from clonewatch.scale.ranges import parse_size

    return parse_size(text)


def bench_probe(
    args: argparse.Namespace, work: Path, clusters: dict[int, LocalDaskCluster]
) -> dict[str, Any]:
    from probebench.lab import per_kind_for, running_lab

    with running_lab(work / "lab", per_kind_for(args.domains), address=LAB_ADDRESS) as lab:
        names = [name for name, _ in lab.world.suspects()]
        listed = work / "suspects.txt"
        listed.write_text("".join(f"{name}\n" for name in names), encoding="utf-8")
        base = [*lab.probe_args(), "--timeout", "3", "--budget", "8"]
        rows = {"here, --concurrency 8": timed("probe-here", base, work, args.repeats, stdin=listed)}
        for count, cluster in clusters.items():
            rows[f"tcp scheduler, {count} worker{'s' * (count > 1)} x 8 threads"] = timed(
                f"probe-tcp{count}", [*base, "--scheduler", cluster.address], work, args.repeats,
                stdin=listed, cluster=cluster,
            )  # fmt: skip
    reference = rows["here, --concurrency 8"][0][0]

    def verdict(line: str) -> str:
        import json

        record = json.loads(line)
        return f"{record['domain']} {record['verdict']}"

    table = [
        [name, f"{runs[0].stats.wall_s:.1f}", f"{wall:.1f}", f"{len(names) / wall * 60:,.0f}",
         f"{statistics.median(r.stats.cpu_s + r.stats.watched_cpu_s for r in runs[1:]):.1f}",
         f"{statistics.median(r.stats.other_cpu_cores for r in runs[1:]):.2f}",
         "yes" if same_output(runs, reference, verdict) else "NO"]
        for name, (runs, wall) in rows.items()
    ]  # fmt: skip
    return {"domains": len(names), "rows": table, "walls": {name: wall for name, (_, wall) in rows.items()}}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = args.out_dir / "scale"
    work.mkdir(parents=True, exist_ok=True)
    progress(machine_line())
    result: dict[str, Any] = {**run_info()}
    with ExitStack() as stack:
        worker = ["--allow-private", "--browser-pages", "1"]
        clusters = {
            count: stack.enter_context(
                LocalDaskCluster(work / f"dask{count}", workers=[worker] * count, threads=8)
            )
            for count in (1, 2)
        }
        result["task_cost_s"] = task_cost(clusters[2].address, args.noop_tasks)
        result["match"] = bench_match(args, work, clusters)
        if not args.skip_probe:
            result["probe"] = bench_probe(args, work, clusters)
    head = [
        "run",
        "first run s",
        "wall s (median of the rest)",
        "RATE",
        "CPU s (command + cluster)",
        "other load (cores)",
        "same output",
    ]
    match = result["match"]
    print(f"\n{machine_line()}\n\nmatch, {match['names']:,} names:\n")
    print(markdown_table([h.replace("RATE", "names/s") for h in head], match["rows"]))
    print(
        f"\nDask no-op task round trip: {result['task_cost_s'] * 1000:.2f} ms; match piece overhead: "
        f"{match['per_piece_s'] * 1000:.1f} ms per piece on 1 worker "
        f"({match['pieces'][0]} vs {match['pieces'][1]} pieces)"
    )
    if "probe" in result:
        probe = result["probe"]
        print(f"\nprobe, {probe['domains']} lab suspects (no browser):\n")
        print(markdown_table([h.replace("RATE", "domains/min") for h in head], probe["rows"]))
    write_result(args.out_dir / "scale.json", result)
    return 0
