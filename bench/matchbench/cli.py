"""bench/match: clonewatch's matcher against openSquat 2.3.1 — speed, memory and quality."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchkit.cli import (
    PROJECT_ROOT,
    add_clonewatch_args,
    add_out_dir,
    first_missing,
    machine_line,
    run_info,
    write_result,
)
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


@dataclass
class Inputs:
    """Everything both tools read: the big feed, openSquat's keywords, the two quality feeds."""

    paths: DataPaths
    suffixes: SuffixList
    keywords_file: Path
    keyword_of: dict[str, str]  # genuine domain -> openSquat keyword
    feed: Path
    looks: list[LookalikeRow]
    look_feed: Path
    benign_feed: Path
    benign_lines: int


@dataclass
class Outcome:
    """The timed runs by key (cw1, cw2, cw300, rival) and the quality of each tool."""

    rows: dict[str, ThroughputRow] = field(default_factory=dict)
    quality: dict[str, Quality] = field(default_factory=dict)

    @property
    def ordered(self) -> list[ThroughputRow]:
        return [self.rows[k] for k in ("cw1", "cw2", "cw300", "rival") if k in self.rows]

    def failed(self) -> bool:
        """A run that did not finish. openSquat hitting --rival-timeout is a result, not a failure."""
        return any(
            not r.ok and not (r.key == "rival" and r.stats and r.stats.timed_out) for r in self.ordered
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out_dir: Path = args.out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = DataPaths(PROJECT_ROOT, args.data_dir.resolve(), out_dir)
    missing = first_missing([paths.benign_gz, paths.doppelganger_csv, paths.dev_brands])
    if missing is not None:
        print(f"bench/match: missing input {missing}", file=sys.stderr)
        return 2
    rival = Rival(out_dir)
    try:
        cw_cmd = [] if args.skip_clonewatch else clonewatch_command(args)
        probe = None if args.skip_rival else rival.prepare()
    except (ClonewatchError, RivalError, OSError) as exc:
        print(f"bench/match: {exc}", file=sys.stderr)
        return 2
    inputs = prepare_inputs(paths, args.size, args.seed)
    outcome = Outcome()
    if not args.skip_clonewatch:
        run_clonewatch(args, cw_cmd, inputs, outcome)
    if not args.skip_rival:
        run_rival(args, rival, inputs, outcome)
    ratios = report.ratios(outcome.rows)
    markdown = report.markdown_table(outcome.ordered, outcome.quality, args.size)
    markdown += "\n\n" + report.ratio_lines(ratios)
    print_report(args.size, inputs, outcome, probe, markdown)
    write_result(out_dir / "match.json", result_json(args, inputs, outcome, probe, ratios, markdown))
    return 1 if outcome.failed() else 0


def clonewatch_command(args: argparse.Namespace) -> list[str]:
    """The clonewatch command line, checked to answer ``match --help``."""
    cmd = resolve_command(PROJECT_ROOT, args.clonewatch)
    cwrun.check_usable(cmd)
    return cmd


def prepare_inputs(paths: DataPaths, size: int, seed: int) -> Inputs:
    """The keyword file, the feed (built once per size and seed) and the two quality feeds."""
    suffixes = SuffixList(paths.psl)
    keywords_file, keyword_of = write_keywords(paths, paths.dev_brands, suffixes)
    feed = build_feed(paths, size, seed)
    looks = read_lookalikes(paths.doppelganger_csv)
    look_feed = paths.out_dir / "quality-lookalikes.txt"
    write_lines(look_feed, list(dict.fromkeys(r.domain for r in looks)))
    benign_feed = paths.out_dir / "quality-benign.txt"
    benign_names = read_lines(paths.benign_gz)
    write_lines(benign_feed, benign_names)
    return Inputs(
        paths, suffixes, keywords_file, keyword_of, feed, looks, look_feed, benign_feed, len(benign_names)
    )


def run_clonewatch(args: argparse.Namespace, cmd: list[str], inputs: Inputs, outcome: Outcome) -> None:
    """The timed runs on the big feed (1 worker, 2 workers, the bundled list), then the quality runs."""
    brands = inputs.paths.dev_brands
    work = inputs.paths.out_dir / "clonewatch"
    runs: list[tuple[str, str, Path | None, int]] = [("cw1", "clonewatch (1 worker)", brands, 1)]
    if not args.skip_workers:
        runs.append(("cw2", "clonewatch (2 workers)", brands, 2))
    if args.brands_300:
        runs.append(("cw300", "clonewatch (1 worker, bundled watch list)", None, 1))
    for key, label, brands_file, workers in runs:
        res = cwrun.run(
            cmd,
            f"{key}-{args.size}",
            inputs.feed,
            work,
            brands=brands_file,
            workers=workers,
            timeout=args.clonewatch_timeout,
        )
        outcome.rows[key] = ThroughputRow(
            key,
            label,
            args.size,
            res.stats,
            len(res.by_domain),
            extra={"records": res.records, "bad_lines": res.bad_lines},
        )
    if args.skip_quality:
        return
    look, ben = (
        cwrun.run(cmd, name, feed, work, brands=brands, workers=None, timeout=args.clonewatch_timeout)
        for name, feed in (("quality-lookalikes", inputs.look_feed), ("quality-benign", inputs.benign_feed))
    )
    q = clonewatch_quality(inputs.looks, look, ben, inputs.benign_lines)
    for key in ("cw1", "cw2"):
        outcome.quality[key] = q


def run_rival(args: argparse.Namespace, rival: Rival, inputs: Inputs, outcome: Outcome) -> None:
    """openSquat on the big feed, then its quality runs."""
    res = rival.run(f"feed-{args.size}", inputs.feed, inputs.keywords_file, args.rival_timeout)
    by_keyword = Counter(k for kws in res.by_domain.values() for k in kws)
    outcome.rows["rival"] = ThroughputRow(
        "rival",
        f"openSquat {RIVAL_VERSION} (-c {CONFIDENCE})",
        args.size,
        res.stats,
        len(res.by_domain),
        extra={
            "blocked_network_attempts": res.blocked_attempts,
            "keyword_matches": sum(len(v) for v in res.by_domain.values()),
            "flagged_by_keyword": dict(by_keyword.most_common()),
        },
    )
    if args.skip_quality:
        return
    look = rival.run("quality-lookalikes", inputs.look_feed, inputs.keywords_file, args.rival_timeout)
    ben = rival.run("quality-benign", inputs.benign_feed, inputs.keywords_file, args.rival_timeout)
    outcome.quality["rival"] = rival_quality(
        inputs.looks, inputs.keyword_of, look, ben, inputs.benign_lines, inputs.suffixes
    )


def print_report(
    size: int, inputs: Inputs, outcome: Outcome, probe: dict[str, Any] | None, markdown: str
) -> None:
    print(f"\n## Matcher benchmark: {size:,}-name feed, {len(inputs.keyword_of)} brands (dev_brands.txt)\n")
    print(machine_line())
    print(f"feed: {inputs.feed}")
    if probe is not None:
        check = probe.get("opensquat_version_check")
        print(f"openSquat network block: active in main and worker processes; its version check {check}")
    print()
    for row in outcome.ordered:
        print_run(row)
    print()
    for key in ("cw1", "rival"):
        if key in outcome.quality:
            print_misses(outcome.quality[key])
    print()
    print(markdown)
    print()
    print(
        f"Recall: share of the {len(inputs.looks)} look-alike rows of doppelganger_dev.csv flagged for the "
        "right genuine domain (clonewatch: record.genuine == row.genuine; openSquat: matched keyword == "
        "registrable label of the genuine domain, read from its -t json output). Benign flags: distinct "
        f"names flagged in benign_dev.txt.gz ({inputs.benign_lines:,} popular domains) per 100,000. Peak MB: "
        "max of the summed RSS of the process and all its descendants, sampled every 20 ms (pages shared "
        "by forked workers are counted in each process), or the largest single process's own peak (VmHWM) "
        f"if higher. openSquat runs with -c {CONFIDENCE}, keywords = "
        "registrable labels of the brand domains, network blocked."
    )


def result_json(
    args: argparse.Namespace,
    inputs: Inputs,
    outcome: Outcome,
    probe: dict[str, Any] | None,
    ratios: dict[str, float | None],
    markdown: str,
) -> dict[str, Any]:
    return {
        **run_info(),
        "feed": {"path": str(inputs.feed), "size": args.size, "seed": args.seed},
        "brands": {"file": str(inputs.paths.dev_brands), "opensquat_keywords": inputs.keyword_of},
        "opensquat": {"version": RIVAL_VERSION, "confidence": CONFIDENCE, "network_probe": probe},
        "runs": [row.as_json() for row in outcome.ordered],
        "quality": {k: q.as_json() for k, q in outcome.quality.items() if k in ("cw1", "rival")},
        "ratios": {k: None if v is None else round(v, 3) for k, v in ratios.items()},
        "markdown": markdown,
    }
