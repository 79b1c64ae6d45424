"""bench/generate --figures: generate recall at 1k / 10k / 100k per brand, with and without a campaign
profile, on the look-alike rows of doppelganger_dev.csv (brands as in dev_brands.txt), plus the
leave-brands-out figure (the held-out half of several seeded splits generated as bare domains)."""

from __future__ import annotations

import argparse
import csv
import inspect
import json
import random
import sys
from pathlib import Path
from typing import Any

from clonewatch.brands import Brand, load_brands_file
from clonewatch.generate import generate
from clonewatch.names import default_psl

CUTOFFS = (1_000, 10_000, 100_000)
SPLITS = 5


def _generate(brand: Brand, limit: int, profile: str | None) -> list[str]:
    kwargs: dict[str, Any] = {"limit": limit}
    if profile and "profile" in inspect.signature(generate).parameters:
        from clonewatch.match.profile import load_profile

        kwargs["profile"] = load_profile(profile)
    return [c.match.domain for c in generate(brand, **kwargs)]


def recall_at(brands: list[Brand], looks: list[tuple[str, str]], profile: str | None) -> dict[str, Any]:
    positions: dict[str, dict[str, int]] = {}
    for brand in brands:
        ranked = _generate(brand, CUTOFFS[-1], profile)
        at = {d: i for i, d in enumerate(ranked)}
        for domain in brand.domains:
            positions[domain] = at
    hits = dict.fromkeys(CUTOFFS, 0)
    missed = []
    for domain, genuine in looks:
        pos = positions.get(genuine, {}).get(domain)
        if pos is None:
            missed.append(f"{domain}->{genuine}")
        for cut in CUTOFFS:
            hits[cut] += pos is not None and pos < cut
    n = len(looks)
    return {"at": {c: f"{100 * h / n:.0f} %" for c, h in hits.items()}, "n": n, "missed_100k": missed}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench/generate --figures")
    p.add_argument("--figures", action="store_true")
    p.add_argument("--data-dir", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "data")
    p.add_argument("--profile", default=None)
    p.add_argument("--seed", type=int, default=15)
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "out" / "figures")
    args = p.parse_args(argv)
    data: Path = args.data_dir
    with (data / "doppelganger_dev.csv").open(newline="", encoding="utf-8") as fh:
        looks = [(r["domain"], r["genuine"]) for r in csv.DictReader(fh) if r["kind"] == "lookalike"]
    brands = load_brands_file(data / "dev_brands.txt")
    psl = default_psl()
    report: dict[str, Any] = {}
    for profile in [None, args.profile] if args.profile else [None]:
        tag = profile or "none"
        row = {"plain": recall_at(brands, looks, profile)}
        rng = random.Random(args.seed)
        domains = sorted({d for b in brands for d in b.domains})
        held_rows: list[tuple[str, str]] = []
        held_brands: dict[str, Brand] = {}
        for _ in range(SPLITS):
            rng.shuffle(domains)
            held = set(domains[: len(domains) // 2])
            held_rows.extend((d, g) for d, g in looks if g in held)
            for g in held:
                split = psl.split(g)
                held_brands[g] = Brand(split.label if split else g, (g,))
        # each held-out brand is generated once (generation is deterministic); rows repeat per split
        row["leave_out"] = recall_at(list(held_brands.values()), held_rows, profile)
        report[tag] = row
        print(tag, json.dumps(row, indent=1))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "generate-figures.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
