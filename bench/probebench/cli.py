"""bench/probe: `clonewatch probe` on a local world of suspect sites of every kind (clone, parked, defensive,
redirector, cloaked, unrelated, no-website, unregistered), without and with screenshots: domains per
minute, peak memory, and the share of correct verdicts; with ``--vantages N`` one more run with
screenshots through N vantage points (HTTP CONNECT proxies on loopback), against the run without them.
No rival tool: none gives these verdicts."""

from __future__ import annotations

import argparse
import shlex
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchkit.cli import PROJECT_ROOT, add_out_dir, machine_line, run_info, write_result
from benchkit.clonewatch import read_jsonl
from benchkit.log import progress
from benchkit.report import markdown_table
from probebench.lab import LAB_ADDRESS, Lab, LabError, per_kind_for, running_lab
from probebench.monitor import ProbeStats, run_probe
from probebench.score import Accuracy, score

TARGETS = {"plain": 300.0, "screenshots": 60.0, "hostile": 60.0}  # domains/min on the 2-core machine
# runs with no target of their own; compared with the screenshots run instead
HOSTILE_DROP = 0.10  # the ordinary pages' throughput may drop this much with the hostile mix
DEFAULT_CONCURRENCY = 8  # `clonewatch probe --concurrency` default


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/probe",
        description="clonewatch probe on a local lab of suspect sites of every kind, without and with "
        "screenshots: domains/min, peak memory, correct verdicts. No rival (no other tool gives verdicts).",
    )
    p.add_argument(
        "--size",
        type=int,
        default=500,
        help="approximate number of probed suspects (default 500; rounded up to a multiple of the 8 kinds)",
    )
    p.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help=f"clonewatch probe --concurrency (default: not passed, the CLI's default {DEFAULT_CONCURRENCY})",
    )
    p.add_argument("--skip-screenshots", action="store_true", help="skip the --screenshots run")
    p.add_argument("--skip-plain", action="store_true", help="skip the run without screenshots")
    p.add_argument(
        "--hostile",
        type=int,
        default=4,
        help="pages that attack the browser (floods, memory hogs) spread through the suspects of a third run "
        "with screenshots (default 4, one of each kind; 0 skips that run)",
    )
    p.add_argument(
        "--vantages",
        type=int,
        default=0,
        help="a run with screenshots that also visits every suspect through this many vantage points "
        "(HTTP CONNECT proxies on loopback; plain, social and browser visits each), against the run "
        "with screenshots alone (default 0: no such run)",
    )
    p.add_argument("--timeout", type=float, default=1800.0, help="seconds before a run is killed")
    p.add_argument(
        "--address", default=LAB_ADDRESS, help=f"loopback address of the lab (default {LAB_ADDRESS})"
    )
    p.add_argument("--examples", type=int, default=10, help="wrong verdicts shown (default 10)")
    p.add_argument(
        "--clonewatch",
        metavar="PATH",
        default=str(PROJECT_ROOT / ".venv" / "bin" / "clonewatch"),
        help="clonewatch executable (default: .venv/bin/clonewatch)",
    )
    add_out_dir(p)
    args = p.parse_args(argv)
    if args.size < 1:
        p.error("--size must be positive")
    if args.concurrency is not None and not 1 <= args.concurrency <= 256:
        p.error("--concurrency must be 1..256")
    if args.hostile < 0 or args.vantages < 0:
        p.error("--hostile and --vantages must be 0 or more")
    if args.skip_plain and args.skip_screenshots and not args.hostile and not args.vantages:
        p.error("nothing to run: --skip-plain and --skip-screenshots")
    return args


def _mb(kb: int) -> str:
    return f"{kb / 1024:,.0f}"


def _run_row(name: str, stats: ProbeStats, acc: Accuracy, domains: int) -> dict[str, Any]:
    per_min = domains / stats.wall_s * 60 if stats.wall_s > 0 else 0.0
    target = TARGETS.get(name)
    return {
        "run": name,
        "domains": domains,
        "ok": stats.ok,
        "wall_s": round(stats.wall_s, 2),
        "domains_per_min": round(per_min, 1),
        "target_per_min": target,
        "ratio_to_target": round(per_min / target, 3) if target else None,
        "python_peak_mb": round(stats.python_peak_kb / 1024, 1),
        "tree_peak_rss_mb": round(stats.tree_peak_rss_kb / 1024, 1),
        "tree_peak_pss_mb": round(stats.tree_peak_pss_kb / 1024, 1),
        "stats": stats.as_json(),
        "accuracy": acc,
    }


def _kind_table(rows: list[dict[str, Any]]) -> str:
    kinds = list(rows[0]["accuracy"].by_kind)
    return markdown_table(["kind", *(r["run"] for r in rows)], [_kind_row(kind, rows) for kind in kinds])


def _kind_row(kind: str, rows: list[dict[str, Any]]) -> list[str]:
    cells = [kind]
    for r in rows:
        s = r["accuracy"].by_kind[kind]
        others = {v: n for v, n in s.got.items() if v != kind}
        extra = " (" + ", ".join(f"{n} {v}" for v, n in sorted(others.items())) + ")" if others else ""
        cells.append(f"{s.correct}/{s.total}{extra}")
    return cells


def _main_table(rows: list[dict[str, Any]]) -> str:
    head = [
        "run",
        "domains",
        "wall s",
        "domains/min",
        "target",
        "vs target",
        "correct verdicts",
        "clonewatch peak MB",
        "tree peak MB (RSS / PSS)",
        "CPU s",
        "lab servers CPU s",
    ]
    return markdown_table(head, [_main_row(r) for r in rows])


def _main_row(r: dict[str, Any]) -> list[str]:
    acc: Accuracy = r["accuracy"]
    st = r["stats"]
    return [
        r["run"] + ("" if r["ok"] else " (FAILED)"),
        f"{r['domains']:,}",
        f"{r['wall_s']:,.1f}",
        f"{r['domains_per_min']:,.0f}",
        f"≥ {r['target_per_min']:.0f}" if r["target_per_min"] else "—",
        f"{r['ratio_to_target']:.2f}×" if r["ratio_to_target"] is not None else "—",
        f"{acc.correct}/{acc.total} ({acc.share:.1%})",
        f"{r['python_peak_mb']:,.0f}",
        f"{r['tree_peak_rss_mb']:,.0f} / {r['tree_peak_pss_mb']:,.0f}",
        f"{st['cpu_s']:,.0f}",
        f"{st['lab_cpu_s']:,.0f}",
    ]


@dataclass
class LabSession:
    """The runs of one lab session, and the lab's size and timings, for the report."""

    per_kind: int
    hosts: int
    suspects: int
    setup_s: float
    rows: list[dict[str, Any]]
    wall_s: float = 0.0  # the whole session, lab set-up and tear-down included


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out_dir: Path = args.out_dir.resolve()
    work = out_dir / "probe"
    work.mkdir(parents=True, exist_ok=True)
    exe = Path(args.clonewatch)
    if not exe.exists():
        progress(f"bench/probe: no clonewatch at {exe}: run ./run test first or pass --clonewatch PATH")
        return 2
    try:
        session = run_session(args, exe, work)
    except (LabError, RuntimeError, OSError) as exc:
        progress(f"bench/probe: {exc}")
        return 2
    table = _main_table(session.rows)
    print_report(args, session, table)
    write_result(out_dir / "probe.json", result_json(args, session, table))
    return 0 if all(r["ok"] for r in session.rows) else 1


def run_session(args: argparse.Namespace, exe: Path, work: Path) -> LabSession:
    """Build and serve the lab, then probe every suspect once per run (plain, screenshots)."""
    per_kind = per_kind_for(args.size)
    runs = [
        name
        for name, skip in (
            ("plain", args.skip_plain),
            ("screenshots", args.skip_screenshots),
            ("hostile", not args.hostile),
            ("vantages", not args.vantages),
        )
        if not skip
    ]
    start = time.perf_counter()
    progress(f"lab: building a world with {per_kind} suspects per kind on {args.address}")
    with running_lab(work / "lab", per_kind, args.address, args.hostile, args.vantages) as lab:
        setup_s = time.perf_counter() - start
        suspects = lab.world.suspects()
        names_file = work / "names.txt"
        names_file.write_text("".join(f"{name}\n" for name, _ in suspects), encoding="utf-8")
        progress(
            f"lab: {len(lab.world.hosts)} hosts served, {len(suspects)} suspects to probe, "
            f"resolver {lab.dns.resolver}, RDAP {lab.rdap_url} (set up in {setup_s:.1f}s)"
        )
        mixed_file = work / "names-hostile.txt"
        mixed_file.write_text(
            "".join(f"{name}\n" for name in _mixed(suspects, lab.hostile)), encoding="utf-8"
        )
        rows = [
            probe_run(name, args, exe, lab, mixed_file if name == "hostile" else names_file, work)
            for name in runs
        ]
        session = LabSession(per_kind, len(lab.world.hosts), len(suspects), setup_s, rows)
    session.wall_s = time.perf_counter() - start
    return session


def probe_run(
    name: str, args: argparse.Namespace, exe: Path, lab: Lab, names_file: Path, work: Path
) -> dict[str, Any]:
    """One ``clonewatch probe`` over every suspect, monitored and scored."""
    cmd = [str(exe), *lab.probe_args()]
    if args.concurrency is not None:
        cmd += ["--concurrency", str(args.concurrency)]
    shots = work / f"shots-{name}"
    if name in ("screenshots", "hostile", "vantages"):
        shutil.rmtree(shots, ignore_errors=True)
        cmd += ["--screenshots", str(shots)]
    if name == "vantages":
        cmd += [arg for i, url in enumerate(lab.proxies) for arg in ("--vantage", f"v{i + 1}={url}")]
    output = work / f"{name}.jsonl"
    progress(f"clonewatch: {name}: {shlex.join(cmd)} < {names_file} > {output}")
    stats = run_probe(
        cmd,
        stdin=names_file,
        stdout=output,
        stderr=work / f"{name}.stderr.log",
        dns_pids=[p.pid for p in getattr(lab.dns, "_processes", [])],
        timeout=args.timeout,
    )
    suspects = lab.world.suspects()
    acc = score(output, suspects)
    row = _run_row(name, stats, acc, len(suspects))
    if name in ("screenshots", "hostile", "vantages"):
        row["screenshot_records"] = sum(k.screenshots for k in acc.by_kind.values())
        row["distinct_png_files"] = len(list(shots.glob("*.png")))
    if name == "vantages":
        row["vantages"] = len(lab.proxies)
        row["vantage_screenshots"] = _vantage_screenshots(output)
    if name == "hostile":
        row["hostile_pages"] = len(lab.hostile)
        row["hostile_browser_errors"] = _browser_errors(output, set(lab.hostile))
    if not stats.ok:
        tail = (work / f"{name}.stderr.log").read_text(encoding="utf-8", errors="replace")
        state = "TIMED OUT" if stats.timed_out else f"FAILED rc={stats.returncode}"
        progress(f"clonewatch: {name}: {state}; stderr tail:\n{tail[-1500:]}")
    progress(
        f"clonewatch: {name}: rc={stats.returncode} wall={stats.wall_s:.1f}s "
        f"{row['domains_per_min']:.0f}/min tree peak={_mb(stats.tree_peak_rss_kb)} MB "
        f"correct={acc.correct}/{acc.total}"
    )
    return row


def _mixed(suspects: list[tuple[str, str]], hostile: list[str]) -> list[str]:
    """The suspects' names with the hostile ones spread evenly among them."""
    names = [name for name, _ in suspects]
    step = max(1, len(names) // (len(hostile) + 1))
    for i, name in enumerate(hostile):
        names.insert(min(len(names), (i + 1) * step + i), name)
    return names


def _browser_errors(output: Path, names: set[str]) -> dict[str, str | None]:
    """What the browser said about each hostile page (its visit should end with an error)."""
    found = read_jsonl(output, lambda r: isinstance(r.get("domain"), str))
    return {
        r["domain"]: ((r.get("browser") or {}).get("error") or "")[:80] or None
        for r in found.records
        if r["domain"] in names
    }


def _vantage_screenshots(output: Path) -> int:
    """Vantage visits whose browser kept a screenshot, over every record."""
    found = read_jsonl(output, lambda r: isinstance(r.get("domain"), str))
    return sum(
        1
        for r in found.records
        for seen in (r.get("vantages") or {}).values()
        if isinstance(seen, dict) and seen.get("screenshot")
    )


def _vantage_lines(rows: list[dict[str, Any]]) -> list[str]:
    """What the vantages cost, against the run with screenshots alone (same suspects, same lab)."""
    by_run = {r["run"]: r for r in rows}
    if "vantages" not in by_run or "screenshots" not in by_run:
        return []
    alone, through = by_run["screenshots"], by_run["vantages"]
    count = through["vantages"]
    slower = alone["domains_per_min"] / through["domains_per_min"] if through["domains_per_min"] else 0.0
    cpu = through["stats"]["cpu_s"] / alone["stats"]["cpu_s"] if alone["stats"]["cpu_s"] else 0.0
    elapsed = [r["accuracy"].as_json(0)["per_domain_elapsed_s"] or {} for r in (alone, through)]
    return [
        f"\n### Vantage points: {count} (HTTP CONNECT proxies on loopback), every visitor and the browser\n",
        f"domains/min {alone['domains_per_min']:,.0f} direct only, {through['domains_per_min']:,.0f} with "
        f"{count} vantage(s): {slower:.2f}× the wall time ({1 + count} browser visits a domain, not 1); "
        f"clonewatch's CPU {cpu:.2f}×; per-domain elapsed median {elapsed[0].get('median')} s and "
        f"{elapsed[1].get('median')} s; vantage visits with a screenshot {through['vantage_screenshots']:,} "
        f"of {count * through['domains']:,}; correct verdicts {alone['accuracy'].correct} and "
        f"{through['accuracy'].correct}; tree peak PSS {alone['tree_peak_pss_mb']:,.0f} MB and "
        f"{through['tree_peak_pss_mb']:,.0f} MB",
    ]


def _hostile_lines(rows: list[dict[str, Any]]) -> list[str]:
    """How much the hostile mix cost the ordinary pages, against the run with screenshots alone."""
    by_run = {r["run"]: r for r in rows}
    if "hostile" not in by_run or "screenshots" not in by_run:
        return []
    calm, mixed = by_run["screenshots"], by_run["hostile"]
    drop = 1 - mixed["domains_per_min"] / calm["domains_per_min"] if calm["domains_per_min"] else 0.0
    met = "met" if drop <= HOSTILE_DROP else "NOT met"
    lines = [
        f"\n### Hostile mix: {mixed['hostile_pages']} pages attacking the browser among "
        f"{mixed['domains']:,} ordinary ones\n",
        f"ordinary pages/min {calm['domains_per_min']:,.0f} alone, {mixed['domains_per_min']:,.0f} with "
        f"the mix: {drop:+.1%} drop (limit {HOSTILE_DROP:.0%}: {met}); ordinary records with a screenshot "
        f"{calm['screenshot_records']} alone, {mixed['screenshot_records']} with the mix; correct verdicts "
        f"{calm['accuracy'].correct} and {mixed['accuracy'].correct}; tree peak PSS "
        f"{calm['tree_peak_pss_mb']:,.0f} MB alone, {mixed['tree_peak_pss_mb']:,.0f} MB with the mix",
    ]
    lines += [f"- {name}: {error}" for name, error in sorted(mixed["hostile_browser_errors"].items())]
    return lines


def print_report(args: argparse.Namespace, session: LabSession, table: str) -> None:
    rows = session.rows
    size = f"{session.suspects:,} local test hosts, {session.per_kind} per kind"
    print(f"\n## clonewatch probe benchmark: {size}\n")
    print(machine_line())
    conc = args.concurrency or f"{DEFAULT_CONCURRENCY} (CLI default)"
    print(
        f"lab: {session.hosts} hosts on {args.address}:80/443 (LocalWeb, threaded, in this process), "
        f"NSD behind Unbound, RDAP for every host; --concurrency {conc}; timeout/budget: CLI defaults"
    )
    print("rivals: none (no other tool gives probe verdicts; dnstwist only checks liveness)")
    print(f"bench wall time: {session.wall_s:,.1f} s (lab set-up {session.setup_s:,.1f} s)\n")
    for r in rows:
        print("\n".join(_run_lines(r)))
    for line in [*_hostile_lines(rows), *_vantage_lines(rows)]:
        print(line)
    print("\n### Verdicts per kind (correct/total, wrong verdicts in brackets)\n")
    print(_kind_table(rows))
    for r in rows:
        if r["accuracy"].wrong:
            print("\n".join(_wrong_lines(r, args.examples)))
    print()
    print(table)
    print()
    for r in rows:
        if r["ratio_to_target"] is None:
            continue
        met = "met" if r["ratio_to_target"] >= 1 and r["accuracy"].share == 1.0 else "NOT met"
        print(
            f"{r['run']}: {r['domains_per_min']:,.0f} / {r['target_per_min']:.0f} domains/min = "
            f"{r['ratio_to_target']:.2f}× target, {r['accuracy'].share:.1%} correct: target {met}"
        )
    print(
        "\ndomains/min: probed suspects / wall seconds of the whole `clonewatch probe` run × 60 "
        "(start-up and Chromium launch included). clonewatch peak: the Python process's own peak RSS "
        "(VmHWM). Tree peak: max over 50 ms samples of the summed RSS of clonewatch and all its "
        "descendants (Playwright's node driver, Chromium's processes; shared pages counted in each), "
        "and of the summed PSS (shared pages split; 0.5 s samples). Lab servers CPU: this bench "
        "process, which serves every site, during the run."
    )


def _run_lines(r: dict[str, Any]) -> list[str]:
    """Speed, CPU and memory of one run; clonewatch's own per-domain times; the screenshots taken."""
    st = r["stats"]
    groups = ", ".join(f"{k} {_mb(v)}" for k, v in sorted(st["group_peak_rss_kb"].items()))
    lines = [
        f"{r['run']}: {r['domains_per_min']:,.0f} domains/min ({r['wall_s']:,.1f} s), "
        f"first result after {st['first_result_s'] or 0:.1f} s; CPU {st['cpu_s']:,.0f} s "
        f"({st['cpu_s'] / r['wall_s']:.2f} cores), lab web servers {st['lab_cpu_s']:,.0f} s, "
        f"DNS {st['dns_cpu_s']:,.1f} s, other {st['other_cpu_cores']:.2f} cores; "
        f"peak RSS by process kind (MB): {groups}; up to {st['peak_procs']} processes"
    ]
    elapsed = r["accuracy"].as_json(0)["per_domain_elapsed_s"]
    if elapsed:
        lines.append(
            f"  per-domain elapsed (clonewatch's own): median {elapsed['median']} s, "
            f"p90 {elapsed['p90']} s, p99 {elapsed['p99']} s, max {elapsed['max']} s"
        )
    if "distinct_png_files" in r:
        by_kind = ", ".join(f"{k} {v.screenshots}" for k, v in r["accuracy"].by_kind.items())
        lines.append(
            f"  records with a screenshot: {r['screenshot_records']} ({by_kind}); distinct PNG files "
            f"(named by content hash): {r['distinct_png_files']}"
        )
    return lines


def _wrong_lines(r: dict[str, Any], examples: int) -> list[str]:
    """The first ``examples`` wrong verdicts of a run, with their facts and errors."""
    acc: Accuracy = r["accuracy"]
    lines = [f"\n### Wrong verdicts, {r['run']}: {len(acc.wrong)} (first {examples})\n"]
    for w in acc.wrong[:examples]:
        facts = "; ".join(w["facts"])[:300]
        lines.append(f"- {w['domain']}: got {w['got']}, expected {w['expected']}: {facts}")
        errs = {k: v for k, v in (w.get("http_errors") or {}).items() if v}
        if errs or w.get("error") or w.get("browser_error"):
            lines.append(f"  errors: http {errs} record {w.get('error')} browser {w.get('browser_error')}")
    return lines


def result_json(args: argparse.Namespace, session: LabSession, table: str) -> dict[str, Any]:
    return {
        **run_info(),
        "lab": {
            "address": args.address,
            "per_kind": session.per_kind,
            "hosts": session.hosts,
            "suspects": session.suspects,
            "concurrency": args.concurrency,
        },
        "rivals": None,
        "bench_wall_s": round(session.wall_s, 1),
        "setup_s": round(session.setup_s, 1),
        "targets_per_min": TARGETS,
        "runs": [{**r, "accuracy": r["accuracy"].as_json(args.examples)} for r in session.rows],
        "markdown": table,
    }
