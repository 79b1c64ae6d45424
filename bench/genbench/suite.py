"""bench/generate: the whole run — generation and recall for both tools, then the DNS part, the report
on stdout and ``generate.json``."""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchkit.cli import PROJECT_ROOT, first_missing, machine_line, run_info, write_result
from benchkit.load import LoadMeter
from benchkit.log import progress
from benchkit.numbers import ratio, round_or_none
from benchkit.sandbox import RivalError
from clonewatch.brands import Brand, load_brands_file
from clonewatch.names import default_psl
from genbench import cwgen, dnsrun, report
from genbench.dnsrun import DnsRun
from genbench.inputs import DataPaths, LookalikeRow, SuffixRules, read_lookalikes, read_public_suffixes
from genbench.results import GenRun, Recall, recall, targets_by_brand
from genbench.rival import RIVAL_VERSION, Rival
from genbench.zones import NSD_NO_RATE_LIMIT, DnsPlan, build_plan

FOCUS_BRAND = "washingtonpost.com"
TARGET_SECONDS = 2.0
TARGET_LIMIT = 100_000


def dns_names(runs: list[list[str]], wanted: int) -> list[str]:
    """The first ``ceil(wanted / brands)`` candidates of every brand, brand after brand, without
    duplicates, cut at ``wanted``."""
    names: dict[str, None] = {}
    for head in runs:
        names.update(dict.fromkeys(head))
    return list(names)[:wanted]


def clonewatch_generation(
    brands: list[Brand], limit: int, targets: dict[str, set[str]], keep: int, paths: DataPaths
) -> GenRun:
    """The in-process API run (load measured), then one CLI run for the focus brand."""
    with LoadMeter() as meter:
        run = cwgen.run_clonewatch(brands, limit, targets, keep, FOCUS_BRAND)
    run.notes["load"] = meter.as_json()
    if any(FOCUS_BRAND in brand.domains for brand in brands):
        executable = PROJECT_ROOT / ".venv" / "bin" / "clonewatch"
        run.notes["cli"] = cwgen.cli_end_to_end(
            executable, FOCUS_BRAND, paths.dev_brands, limit, paths.out / "clonewatch"
        )
    return run


def dnstwist_generation(
    rival: Rival, domains: list[str], psl: SuffixRules, targets: dict[str, set[str]]
) -> list[GenRun]:
    """dnstwist with every public suffix as its tld_dictionary, and with its defaults (none)."""
    runs = []
    for key, label, tlds in (
        ("dnstwist-psl", f"dnstwist {RIVAL_VERSION}, every public suffix", psl.suffixes),
        ("dnstwist-default", f"dnstwist {RIVAL_VERSION}, defaults", None),
    ):
        with LoadMeter() as meter:
            run = rival.generate(key, label, domains, tlds, targets)
        run.notes["load"] = meter.as_json()
        runs.append(run)
    return runs


def dns_part(
    plan: DnsPlan, rival: Rival | None, threads: int | None, out: Path
) -> tuple[list[DnsRun], dict[str, dict[str, dict[str, int]]], dict[str, dict[str, Any]]]:
    """Both tools on the same names, each against its own fresh resolver (cold cache)."""
    runs = [dnsrun.run_clonewatch(plan, out / "dns-clonewatch")]
    if rival is not None:
        try:
            runs.append(dnsrun.run_dnstwist(plan, out / "dns-dnstwist", rival, threads))
        except RivalError as exc:
            progress(f"dnstwist: DNS scan failed: {exc}")
    matrices = {run.key: dnsrun.confusion(plan, run) for run in runs}
    checks = {run.key: dnsrun.correctness(plan, run) for run in runs}
    return runs, matrices, checks


def print_generation(gen_runs: list[GenRun], recalls: dict[str, Recall], limit: int) -> str:
    """Generation and recall paragraphs; returns the Markdown table."""
    print(f"\n## Generation: {len(gen_runs[0].brands)} brands of dev_brands.txt\n")
    for run in gen_runs:
        for line in report.generation_lines(run, FOCUS_BRAND):
            print(line)
    cw = gen_runs[0]
    slowest = cw.max_run
    if limit == TARGET_LIMIT and slowest is not None:
        verdict = "met" if slowest.seconds < TARGET_SECONDS else "NOT met"
        print(
            f'target "{TARGET_LIMIT:,} ranked candidates for one brand in under {TARGET_SECONDS:.0f} s": '
            f"{verdict} (slowest brand {slowest.brand}, {slowest.seconds:.2f} s)"
        )
    cli = cw.notes.get("cli")
    if cli:
        print(
            f"clonewatch CLI end to end (`clonewatch generate {FOCUS_BRAND} --limit {limit} --format jsonl`, "
            f"interpreter start and JSON output included): {cli['wall_s']:.2f} s, {cli['lines']:,} lines"
        )
    print(
        f"\n## Recall on the look-alike rows of doppelganger_dev.csv ({next(iter(recalls.values())).rows})\n"
    )
    for run in gen_runs:
        if run.key in recalls:
            for line in report.recall_lines(run, recalls[run.key]):
                print(line)
    return report.generation_table(gen_runs, recalls, FOCUS_BRAND)


def print_dns(
    plan: DnsPlan,
    runs: list[DnsRun],
    matrices: dict[str, dict[str, dict[str, int]]],
    checks: dict[str, dict[str, Any]],
) -> tuple[str, float | None, float | None]:
    """DNS paragraphs; returns the Markdown table and the clonewatch / dnstwist ratios."""
    counts = ", ".join(f"{k} {v:,}" for k, v in sorted(plan.counts.items()))
    print(
        f"\n## DNS: {len(plan.names):,} candidate names ({counts}); wildcard suffix .{plan.wildcard_suffix}\n"
    )
    for run in runs:
        for line in report.dns_lines(run, matrices[run.key], checks[run.key]):
            print(line)
    by_key = {run.key: run for run in runs}
    cw, tw = by_key.get("clonewatch"), by_key.get("dnstwist")
    names_ratio = ratio(cw.names_per_s if cw else None, tw.names_per_s if tw else None)
    queries_ratio = ratio(cw.queries_per_s if cw else None, tw.queries_per_s if tw else None)
    if tw is not None:
        by_class = tw.notes["thread_seconds_by_class"]
        print(
            f"dnstwist thread time: {tw.notes['thread_seconds_total']:,.1f} s over "
            f"{tw.notes['threads']} threads, of which "
            + ", ".join(f"{cls} names {sec:.1f} s" for cls, sec in by_class.items())
        )
    if names_ratio is not None:
        queries = "—" if queries_ratio is None else f"{queries_ratio:.2f}x"
        print(f"clonewatch / dnstwist: {names_ratio:.2f}x names/s, {queries} queries/s")
    return report.dns_table(runs, checks), names_ratio, queries_ratio


@dataclass
class Inputs:
    paths: DataPaths
    brands: list[Brand]
    domains: list[str]  # each brand's main domain
    looks: list[LookalikeRow]
    targets: dict[str, set[str]]  # genuine domain -> its look-alike rows' domains
    psl: SuffixRules


@dataclass
class DnsPart:
    plan: DnsPlan
    runs: list[DnsRun]
    matrices: dict[str, dict[str, dict[str, int]]]
    checks: dict[str, dict[str, Any]]


def run(args: argparse.Namespace) -> int:
    out_dir: Path = args.out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = DataPaths(PROJECT_ROOT, args.data_dir.resolve(), out_dir)
    missing = first_missing([paths.dev_brands, paths.doppelganger_csv, paths.psl])
    if missing is not None:
        print(f"bench/generate: missing input {missing}", file=sys.stderr)
        return 2
    inputs = read_inputs(paths)
    rival: Rival | None = None
    wheel: dict[str, list[str]] = {}
    if not args.skip_dnstwist:
        try:
            rival, wheel = prepare_rival(out_dir)
        except (RivalError, OSError) as exc:
            print(f"bench/generate: {exc}", file=sys.stderr)
            return 2

    keep = 0 if args.skip_dns else math.ceil(args.dns_names / len(inputs.brands))
    gen_runs = [clonewatch_generation(inputs.brands, args.limit, inputs.targets, keep, paths)]
    if rival is not None:
        gen_runs += dnstwist_generation(rival, inputs.domains, inputs.psl, inputs.targets)
    recalls = {run.key: recall(run, inputs.looks) for run in gen_runs if not run.error}
    dns = None if args.skip_dns else dns_pass(args, inputs, gen_runs[0], rival)

    print_header(args.limit, inputs.psl, wheel if rival is not None else None)
    markdown = print_generation(gen_runs, recalls, args.limit)
    names_ratio = queries_ratio = None
    if dns is not None:
        dns_table, names_ratio, queries_ratio = print_dns(dns.plan, dns.runs, dns.matrices, dns.checks)
        markdown += "\n\n" + dns_table
    print("\n## Summary\n")
    print(markdown)

    result: dict[str, Any] = {
        **run_info(),
        "inputs": {
            "brands": inputs.domains,
            "brands_file": str(paths.dev_brands),
            "lookalikes_file": str(paths.doppelganger_csv),
            "lookalike_rows": len(inputs.looks),
            "psl": {k: v for k, v in asdict(inputs.psl).items() if k != "suffixes"}
            | {"suffixes": len(inputs.psl.suffixes)},
            "dnstwist_wheel_files": wheel,
        },
        "limit": args.limit,
        "generation": [_gen_json(run) for run in gen_runs],
        "recall": {key: value.as_json() for key, value in recalls.items()},
        "dns": None if dns is None else _dns_part_json(dns, names_ratio, queries_ratio),
        "markdown": markdown,
    }
    write_result(out_dir / "generate.json", result)
    cw_check = dns.checks.get("clonewatch") if dns is not None else None
    failed = any(run.error for run in gen_runs) or (
        cw_check is not None and any(cw_check["called_registered"].values())
    )
    return 1 if failed else 0


def read_inputs(paths: DataPaths) -> Inputs:
    brands = load_brands_file(paths.dev_brands)
    looks = read_lookalikes(paths.doppelganger_csv)
    return Inputs(
        paths,
        brands,
        [brand.main_domain for brand in brands],
        looks,
        targets_by_brand(looks),
        read_public_suffixes(paths.psl),
    )


def prepare_rival(out_dir: Path) -> tuple[Rival, dict[str, list[str]]]:
    """dnstwist in the rival sandbox, and the files its wheel ships (are there dictionaries?)."""
    rival = Rival(out_dir)
    rival.prepare()
    wheel = rival.wheel_files()
    progress(f"dnstwist: wheel files: {', '.join(wheel['all'])}; dictionaries: {wheel['data'] or 'none'}")
    return rival, wheel


def dns_pass(args: argparse.Namespace, inputs: Inputs, cw: GenRun, rival: Rival | None) -> DnsPart:
    """Plant the test zones among clonewatch's top candidates; both tools resolve them."""
    names = dns_names([brand.head for brand in cw.brands], args.dns_names)
    genuine_suffixes = {default_psl().suffix_of(domain) for domain in inputs.domains}
    plan = build_plan(names, genuine_suffixes, args.seed)
    progress(f"dns: {len(names):,} names; planted {plan.counts}; wildcard suffix .{plan.wildcard_suffix}")
    runs, matrices, checks = dns_part(plan, rival, args.dnstwist_threads or None, inputs.paths.out)
    return DnsPart(plan, runs, matrices, checks)


def print_header(limit: int, psl: SuffixRules, wheel: dict[str, list[str]] | None) -> None:
    print(f"\n# bench/generate: clonewatch vs dnstwist {RIVAL_VERSION}\n")
    print(f"{machine_line()}; clonewatch limit {limit:,} per brand")
    if wheel is not None:
        data = ", ".join(wheel["data"]) or "none (the wheel holds only dnstwist.py): dictionary=[]"
        print(
            f"dnstwist tld_dictionary: {len(psl.suffixes):,} public suffixes ({psl.icann:,} ICANN, "
            f"{psl.private:,} private; {psl.skipped_wildcard} wildcard and {psl.skipped_exception} exception "
            f"rules skipped, {psl.idn_punycoded} IDN rules as punycode, {psl.idn_skipped} skipped); "
            f"bundled dictionaries: {data}"
        )


def _dns_part_json(dns: DnsPart, names_ratio: float | None, queries_ratio: float | None) -> dict[str, Any]:
    plan = dns.plan
    return {
        "names": len(plan.names),
        "seed": plan.seed,
        "planted": plan.counts,
        "wildcard_suffix": plan.wildcard_suffix,
        "nsd_extra_options": list(NSD_NO_RATE_LIMIT),
        "servfail": plan.zones.servfail,
        "timeouts": plan.zones.timeouts,
        "runs": [_dns_json(run) for run in dns.runs],
        "verdicts_by_planted_kind": dns.matrices,
        "correctness": dns.checks,
        "ratio_names_per_s_clonewatch_over_dnstwist": round_or_none(names_ratio, 3),
        "ratio_queries_per_s_clonewatch_over_dnstwist": round_or_none(queries_ratio, 3),
    }


def _gen_json(run: GenRun) -> dict[str, Any]:
    return {
        "key": run.key,
        "tool": run.label,
        "error": run.error,
        "candidates": run.total,
        "median_per_brand": run.median_count,
        "seconds_total": round(run.total_seconds, 3),
        "seconds_median": round_or_none(run.median_seconds, 3),
        "seconds_max": round_or_none(run.max_run.seconds if run.max_run else None, 3),
        "slowest_brand": run.max_run.brand if run.max_run else None,
        f"seconds_{FOCUS_BRAND}": round_or_none(run.seconds_for(FOCUS_BRAND), 3),
        "per_brand": [
            {"brand": b.brand, "candidates": b.count, "seconds": round(b.seconds, 3)} for b in run.brands
        ],
        "notes": run.notes,
    }


def _dns_json(run: DnsRun) -> dict[str, Any]:
    return {
        "key": run.key,
        "tool": run.tool,
        "names": run.names,
        "wall_s": round(run.wall_s, 3),
        "names_per_s": round_or_none(run.names_per_s, 1),
        "queries": run.queries,
        "queries_per_s": round_or_none(run.queries_per_s, 1),
        "resolver": run.resolver,
        "load": run.load,
        "notes": run.notes,
    }
