"""bench/match: clonewatch's matcher against openSquat 2.3.1 — speed, memory and quality."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from benchkit.cli import PROJECT_ROOT, add_clonewatch_args, add_out_dir, machine_line, run_info, write_result
from benchkit.clonewatch import ClonewatchError, resolve_command
from benchkit.numbers import fmt_int
from benchkit.report import busy_warning, memory_detail
from benchkit.sandbox import RivalError
from matchbench import cwrun, report
from matchbench.inputs import (
    DEFAULT_SEED,
    DataPaths,
    LookalikeRow,
    SuffixList,
    build_feed,
    read_lines,
    read_lookalikes,
    write_keywords,
    write_lines,
)
from matchbench.report import Quality, ThroughputRow
from matchbench.rival import CONFIDENCE, RIVAL_VERSION, Rival, RivalResult

MISS_LIMIT = 100


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/match",
        description="clonewatch's matcher against openSquat 2.3.1: throughput, peak memory, quality.",
    )
    p.add_argument("--size", type=int, default=1_000_000, help="feed size in names (default 1000000)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed of the generated feed")
    p.add_argument("--skip-rival", action="store_true", help="run clonewatch only")
    p.add_argument("--skip-clonewatch", action="store_true", help="run openSquat only")
    p.add_argument("--skip-quality", action="store_true", help="skip the recall / benign-flag runs")
    p.add_argument("--skip-workers", action="store_true", help="skip clonewatch's --workers 2 run")
    p.add_argument(
        "--brands-300",
        action="store_true",
        help="also run clonewatch alone with its bundled watch list (no --brands)",
    )
    p.add_argument("--rival-timeout", type=float, default=1800.0, help="seconds before openSquat is killed")
    add_clonewatch_args(p)
    p.add_argument(
        "--data-dir",
        type=Path,
        default=PROJECT_ROOT.parent / "shared" / "data",
        help="directory with benign_dev.txt.gz, doppelganger_dev.csv, dev_brands.txt",
    )
    add_out_dir(p)
    args = p.parse_args(argv)
    if args.size < 1:
        p.error("--size must be positive")
    if args.skip_rival and args.skip_clonewatch:
        p.error("nothing to run: --skip-rival and --skip-clonewatch")
    return args


def clonewatch_quality(
    looks: list[LookalikeRow],
    look_run: cwrun.ClonewatchResult,
    benign_run: cwrun.ClonewatchResult,
    n_benign: int,
) -> Quality:
    q = Quality(tool="clonewatch", rule="flagged AND record.genuine == row.genuine", total=len(looks))
    if look_run.stats.returncode != 0:
        q.error = f"look-alike run exited {look_run.stats.returncode}"
    for row in looks:
        matches = look_run.by_domain.get(row.domain, [])
        if matches:
            q.flagged_any += 1
        if any(m.genuine == row.genuine for m in matches):
            q.hits += 1
        else:
            q.misses.append(
                {"domain": row.domain, "genuine": row.genuine, "got": sorted({m.genuine for m in matches})}
            )
    if benign_run.stats.returncode == 0:
        q.benign_flags = len(benign_run.by_domain)
        q.benign_lines = n_benign
        q.benign_examples = sorted(benign_run.by_domain)[:20]
    return q


def rival_quality(
    looks: list[LookalikeRow],
    keyword_of: dict[str, str],
    look_run: RivalResult,
    benign_run: RivalResult,
    n_benign: int,
    suffixes: SuffixList,
) -> Quality:
    q = Quality(
        tool=f"openSquat {RIVAL_VERSION}",
        rule="flagged AND matched keyword == registrable label of row.genuine (keyword from -t json output)",
        total=len(looks),
    )
    if look_run.stats.returncode != 0:
        q.error = f"look-alike run exited {look_run.stats.returncode}"
    for row in looks:
        keywords = look_run.by_domain.get(row.domain, set())
        want = keyword_of.get(row.genuine) or suffixes.brand_label(row.genuine)
        if keywords:
            q.flagged_any += 1
        if want in keywords:
            q.hits += 1
        else:
            q.misses.append(
                {"domain": row.domain, "genuine": row.genuine, "keyword": want, "got": sorted(keywords)}
            )
    if benign_run.stats.returncode == 0:
        q.benign_flags = len(benign_run.by_domain)
        q.benign_lines = n_benign
        q.benign_examples = sorted(benign_run.by_domain)[:20]
    return q


def print_run(row: ThroughputRow) -> None:
    s = row.stats
    if s is None:
        print(f"{row.tool}: {row.status()}")
        return
    print(
        f"{row.tool}: {row.status()}; wall {s.wall_s:.2f} s; {fmt_int(row.names_per_s)} names/s; "
        f"peak memory {fmt_int(row.peak_mb)} MB ({memory_detail(s)}); "
        f"flagged {fmt_int(row.flagged) if row.ok else '—'}; CPU {s.cpu_s:.1f} s"
    )
    warning = busy_warning(s.other_cpu_cores)
    if warning:
        print(f"  {warning}")


def print_misses(q: Quality) -> None:
    if q.error:
        print(f"{q.tool}: quality run failed: {q.error}")
        return
    print(f"{q.tool}: {len(q.misses)} of {q.total} look-alikes missed (rule: {q.rule})")
    for miss in q.misses[:MISS_LIMIT]:
        got = ", ".join(miss["got"]) or "not flagged"
        print(f"  {miss['domain']:<32} genuine {miss['genuine']:<24} got: {got}")
    if len(q.misses) > MISS_LIMIT:
        print(f"  ... {len(q.misses) - MISS_LIMIT} more in match.json")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out_dir: Path = args.out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = DataPaths(PROJECT_ROOT, args.data_dir.resolve(), out_dir)
    for needed in (paths.benign_gz, paths.doppelganger_csv, paths.dev_brands):
        if not needed.is_file():
            print(f"bench/match: missing input {needed}", file=sys.stderr)
            return 2

    cw_cmd: list[str] = []
    if not args.skip_clonewatch:
        try:
            cw_cmd = resolve_command(PROJECT_ROOT, args.clonewatch)
            cwrun.check_usable(cw_cmd)
        except ClonewatchError as exc:
            print(f"bench/match: {exc}", file=sys.stderr)
            return 2
    rival = Rival(out_dir)
    probe: dict[str, Any] | None = None
    if not args.skip_rival:
        try:
            probe = rival.prepare()
        except (RivalError, OSError) as exc:
            print(f"bench/match: {exc}", file=sys.stderr)
            return 2

    suffixes = SuffixList(paths.psl)
    keywords_file, keyword_of = write_keywords(paths, paths.dev_brands, suffixes)
    feed = build_feed(paths, args.size, args.seed)
    looks = read_lookalikes(paths.doppelganger_csv)
    look_feed = out_dir / "quality-lookalikes.txt"
    write_lines(look_feed, list(dict.fromkeys(r.domain for r in looks)))
    benign_feed = out_dir / "quality-benign.txt"
    benign_names = read_lines(paths.benign_gz)
    write_lines(benign_feed, benign_names)

    rows: dict[str, ThroughputRow] = {}
    quality: dict[str, Quality] = {}
    cw_work = out_dir / "clonewatch"

    if not args.skip_clonewatch:
        runs: list[tuple[str, str, Path | None, int]] = [
            ("cw1", "clonewatch (1 worker)", paths.dev_brands, 1)
        ]
        if not args.skip_workers:
            runs.append(("cw2", "clonewatch (2 workers)", paths.dev_brands, 2))
        if args.brands_300:
            runs.append(("cw300", "clonewatch (1 worker, bundled watch list)", None, 1))
        for key, label, brands, workers in runs:
            res = cwrun.run(
                cw_cmd,
                f"{key}-{args.size}",
                feed,
                cw_work,
                brands=brands,
                workers=workers,
                timeout=args.clonewatch_timeout,
            )
            rows[key] = ThroughputRow(
                key,
                label,
                args.size,
                res.stats,
                len(res.by_domain),
                extra={"records": res.records, "bad_lines": res.bad_lines},
            )
        if not args.skip_quality:
            look = cwrun.run(
                cw_cmd,
                "quality-lookalikes",
                look_feed,
                cw_work,
                brands=paths.dev_brands,
                workers=None,
                timeout=args.clonewatch_timeout,
            )
            ben = cwrun.run(
                cw_cmd,
                "quality-benign",
                benign_feed,
                cw_work,
                brands=paths.dev_brands,
                workers=None,
                timeout=args.clonewatch_timeout,
            )
            q = clonewatch_quality(looks, look, ben, len(benign_names))
            for key in ("cw1", "cw2"):
                quality[key] = q

    if not args.skip_rival:
        res_r = rival.run(f"feed-{args.size}", feed, keywords_file, args.rival_timeout)
        rows["rival"] = ThroughputRow(
            "rival",
            f"openSquat {RIVAL_VERSION} (-c {CONFIDENCE})",
            args.size,
            res_r.stats,
            len(res_r.by_domain),
            extra={
                "blocked_network_attempts": res_r.blocked_attempts,
                "keyword_matches": sum(len(v) for v in res_r.by_domain.values()),
                "flagged_by_keyword": dict(
                    Counter(k for kws in res_r.by_domain.values() for k in kws).most_common()
                ),
            },
        )
        if not args.skip_quality:
            look_r = rival.run("quality-lookalikes", look_feed, keywords_file, args.rival_timeout)
            ben_r = rival.run("quality-benign", benign_feed, keywords_file, args.rival_timeout)
            quality["rival"] = rival_quality(looks, keyword_of, look_r, ben_r, len(benign_names), suffixes)

    order = [k for k in ("cw1", "cw2", "cw300", "rival") if k in rows]
    ordered = [rows[k] for k in order]
    ratios = report.ratios(rows)
    table = report.markdown_table(ordered, quality, args.size)

    print(f"\n## Matcher benchmark: {args.size:,}-name feed, {len(keyword_of)} brands (dev_brands.txt)\n")
    print(machine_line())
    print(f"feed: {feed}")
    if probe is not None:
        check = probe.get("opensquat_version_check")
        print(f"openSquat network block: active in main and worker processes; its version check {check}")
    print()
    for row in ordered:
        print_run(row)
    print()
    for key in ("cw1", "rival"):
        if key in quality:
            print_misses(quality[key])
    print()
    print(table)
    print()
    print(report.ratio_lines(ratios))
    print()
    print(
        f"Recall: share of the {len(looks)} look-alike rows of doppelganger_dev.csv flagged for the "
        "right genuine domain (clonewatch: record.genuine == row.genuine; openSquat: matched keyword == "
        "registrable label of the genuine domain, read from its -t json output). Benign flags: distinct "
        f"names flagged in benign_dev.txt.gz ({len(benign_names):,} popular domains) per 100,000. Peak MB: "
        "max of the summed RSS of the process and all its descendants, sampled every 20 ms (pages shared "
        "by forked workers are counted in each process), or the largest single process's own peak (VmHWM) "
        f"if higher. openSquat runs with -c {CONFIDENCE}, keywords = "
        "registrable labels of the brand domains, network blocked."
    )

    result: dict[str, Any] = {
        **run_info(),
        "feed": {"path": str(feed), "size": args.size, "seed": args.seed},
        "brands": {"file": str(paths.dev_brands), "opensquat_keywords": keyword_of},
        "opensquat": {"version": RIVAL_VERSION, "confidence": CONFIDENCE, "network_probe": probe},
        "runs": [row.as_json() for row in ordered],
        "quality": {k: q.as_json() for k, q in quality.items() if k in ("cw1", "rival")},
        "ratios": {k: None if v is None else round(v, 3) for k, v in ratios.items()},
        "markdown": table + "\n\n" + report.ratio_lines(ratios),
    }
    write_result(out_dir / "match.json", result)
    # A rival that hits --rival-timeout is a result, not a failure; anything else that did not finish is.
    failed = [r for r in ordered if not r.ok and not (r.key == "rival" and r.stats and r.stats.timed_out)]
    return 1 if failed else 0
