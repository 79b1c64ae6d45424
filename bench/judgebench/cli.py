"""bench/judge: the clone verdict on real saved news pages. Clones (an outlet's front page, or
another of its pages, with a fabricated story, on a look-alike name) must all be called clones;
pages of another outlet on a look-alike name (sister papers on one publishing system included)
must be called clones in under 0.1 % of pairs. In-sample and held-out (calibrated on other outlets)."""

from __future__ import annotations

import argparse
import collections
import time
from pathlib import Path

import numpy as np

from benchkit.cli import PROJECT_ROOT, add_out_dir, machine_line, run_info, write_result
from benchkit.log import progress
from benchkit.report import markdown_table
from clonewatch.judge import DEFAULT_RULE
from judgebench.calibrate import Figures, Table, changed, check_against_judge, choose, held_out, publishers
from judgebench.cases import BASE_KINDS, corpus, score_all

TARGETS = {"recall": 1.0, "false_rate": 0.001}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/judge", description=__doc__)
    p.add_argument(
        "--pages",
        type=Path,
        default=PROJECT_ROOT.parent / "shared" / "data" / "realpages_dev.tar.gz",
        help="tarball of real saved pages (default ../shared/data/realpages_dev.tar.gz)",
    )
    p.add_argument("--folds", type=int, default=4, help="outlet folds for the held-out figures (default 4)")
    p.add_argument("--seeds", type=int, default=3, help="random fold splits (default 3)")
    p.add_argument("--budget", type=float, default=0.0005, help="false-clone rate a calibration may spend")
    p.add_argument("--examples", type=int, default=10, help="wrong verdicts shown (default 10)")
    p.add_argument(
        "--no-variants",
        action="store_true",
        help="only the issue's cases (no self-addressed clones, no other outlets' pages copied like clones)",
    )
    add_out_dir(p)
    args = p.parse_args(argv)
    if not args.pages.is_file():
        p.error(f"no pages at {args.pages}")
    if args.folds < 2:
        p.error("--folds must be at least 2")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    world = corpus(args.pages)
    progress(f"{len(world)} outlets, {sum(len(o.pages) for o in world)} pages: fingerprinting and judging")
    rows = score_all(world, variants=not args.no_variants)
    elapsed = time.monotonic() - started
    table = Table(rows)
    check_against_judge(table, rows)
    base = np.array([r.kind in BASE_KINDS for r in rows])
    everything = np.ones(len(rows), dtype=bool)
    verdicts = collections.Counter((r.kind, str(r.verdict.kind)) for r in rows)
    signs, needed = table.signs(DEFAULT_RULE)
    near = int(((signs == needed - 1) & ~table.clone).sum())
    progress("calibrating on held-out folds of outlets, then of publisher groups")
    by_outlet = {name: name for pair in table.outlets for name in pair}
    by_publisher = publishers(table, DEFAULT_RULE.structure)
    seeds = list(range(1, args.seeds + 1))
    splits = {
        "outlets": held_out(table, args.folds, seeds, args.budget, by_outlet, base),
        "publisher groups": held_out(table, args.folds, seeds, args.budget, by_publisher, base),
    }
    print(machine_line())
    print(
        f"{len(world)} outlets in {len(set(by_publisher.values()))} publisher groups, {len(rows):,} cases "
        f"judged in {elapsed:.1f} s ({len(rows) / elapsed:,.0f}/s)\n"
    )
    print(markdown_table(["kind", "cases", "verdicts"], _verdict_rows(verdicts)))
    print()
    lines = [
        ["in sample, shipped rule", "issue's cases", *_cells(table.figures(DEFAULT_RULE, base))],
        ["in sample, shipped rule", "with variants", *_cells(table.figures(DEFAULT_RULE, everything))],
    ]
    for name, folds in splits.items():
        for key, what in (("test_subset", "issue's cases"), ("test", "with variants")):
            tested = _sum(Figures(**f[key]) for f in folds)  # type: ignore[arg-type]
            lines.append([f"held out by {name}, rule calibrated per fold", what, *_cells(tested)])
    print(
        markdown_table(
            ["figures", "cases", "clones called clone", "different-outlet pairs called clone"], lines
        )
    )
    print(
        "\ntargets: clones 100 %, different-outlet pairs called clone < 0.1 % "
        f"(held out: {args.folds} folds x {args.seeds} splits)"
    )
    print(f"different-outlet pairs one sign short of a clone verdict (shipped rule): {near:,}")
    overall, fitted = choose(table, everything, args.budget)
    print(
        f"rule calibrated on all cases: {changed(overall) or 'the shipped rule'} "
        f"({_recall(fitted)}, {_false(fitted)})"
    )
    for name, folds in splits.items():
        print(f"\nrules chosen per fold, held out by {name} (changes from the shipped rule):")
        for f in folds:
            print(f"  split {f['seed']} fold {f['fold']}: {f['rule'] or 'the shipped rule'}")
    _wrong(rows, args.examples)
    in_sample = table.figures(DEFAULT_RULE, base)
    result = {
        **run_info(),
        "outlets": len(world),
        "publisher_groups": len(set(by_publisher.values())),
        "cases": len(rows),
        "seconds": round(elapsed, 2),
        "in_sample": _json(in_sample),
        "in_sample_with_variants": _json(table.figures(DEFAULT_RULE, everything)),
        "near_misses": near,
        "held_out": splits,
        "verdicts": {f"{k}/{v}": n for (k, v), n in sorted(verdicts.items())},
        "targets": TARGETS,
    }
    args.out_dir.mkdir(parents=True, exist_ok=True)
    write_result(args.out_dir / "judge.json", result)
    ok = in_sample.recall >= TARGETS["recall"] and in_sample.false_rate < TARGETS["false_rate"]
    return 0 if ok else 1


def _cells(f: Figures) -> list[str]:
    return [_recall(f), _false(f)]


def _verdict_rows(verdicts: collections.Counter[tuple[str, str]]) -> list[list[str]]:
    kinds = sorted({k for k, _ in verdicts})
    rows = []
    for kind in kinds:
        got = {v: n for (k, v), n in verdicts.items() if k == kind}
        rows.append([kind, f"{sum(got.values()):,}", ", ".join(f"{v} {n:,}" for v, n in sorted(got.items()))])
    return rows


def _wrong(rows: list, examples: int) -> None:  # type: ignore[type-arg]
    wrong = [r for r in rows if r.kind.startswith("clone") != (str(r.verdict.kind) == "clone")]
    if not wrong:
        return
    print(f"\nwrong verdicts ({len(wrong)}):")
    for r in wrong[:examples]:
        print(
            f"  {r.kind}: {r.source} next to {r.genuine}: {r.verdict.kind} — "
            + "; ".join(r.verdict.facts)[:300]
        )


def _sum(figures: object) -> Figures:
    items = list(figures)  # type: ignore[call-overload]
    return Figures(
        *(
            sum(getattr(f, name) for f in items)
            for name in ("clones", "clones_found", "pairs", "false_clones")
        )
    )


def _recall(f: Figures) -> str:
    return f"{f.clones_found}/{f.clones} ({f.recall:.1%})"


def _false(f: Figures) -> str:
    return f"{f.false_clones}/{f.pairs:,} ({f.false_rate:.3%})"


def _json(f: Figures) -> dict[str, float | int]:
    return {"clones": f.clones, "clones_found": f.clones_found, "recall": round(f.recall, 4),
            "pairs": f.pairs, "false_clones": f.false_clones,
            "false_rate": round(f.false_rate, 6)}  # fmt: skip
