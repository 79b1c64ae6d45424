"""bench/match --figures: the detection figures of issue 15, measured in-process with the library.

* recall on the look-alike rows of doppelganger_dev.csv with ``--brands`` = dev_brands.txt (plain), and
  leave-brands-out: over several seeded splits, the held-out half of the brands is matched as bare
  domains (nothing inherited from the bundled watchlist), so only general rules can find them;
* benign flags per 100k on benign_dev.txt.gz, split into one-edit typos of the brand on its own suffix
  and everything else;
* flags per 100k on nrd_dev.txt.gz with the bundled watchlist (with and without a campaign profile),
  and a random sample of 100 flags written for a blind review (name, brand, genuine, score, reasons).
"""

from __future__ import annotations

import argparse
import gzip
import inspect
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from rapidfuzz.distance import OSA

from clonewatch.brands import Brand, bundled_watchlist, load_brands_file
from clonewatch.match import Matcher
from clonewatch.names import DomainName, default_psl, parse_host

SPLITS = 5
SAMPLE = 100
# Flags are also counted from this score up: what is left when the low-scored records (the exact label
# of an ordinary word on a suffix nobody abuses, kept with a lower score) are set aside.
REVIEW_SCORE = 0.6


def _lines(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [s for line in fh if (s := line.strip().lower())]


def _looks(path: Path) -> list[tuple[str, str]]:
    import csv

    with path.open(newline="", encoding="utf-8") as fh:
        rows = csv.DictReader(fh)
        return [(r["domain"].strip(), r["genuine"].strip()) for r in rows if r["kind"] == "lookalike"]


def _matcher(brands: list[Brand], profile: str | None) -> Matcher:
    if profile and "profile" in inspect.signature(Matcher).parameters:
        from clonewatch.match.profile import load_profile

        return Matcher(brands, profile=load_profile(profile))
    return Matcher(brands)


def _parsed(names: list[str]) -> list[DomainName]:
    psl = default_psl()
    out = []
    for text in names:
        name = parse_host(text, psl)
        if isinstance(name, DomainName):
            out.append(name)
    return out


def recall(
    brands: list[Brand], looks: list[tuple[str, str]], profile: str | None = None
) -> tuple[int, int, list[str]]:
    matcher = _matcher(brands, profile)
    psl = default_psl()
    hits, misses = 0, []
    for domain, genuine in looks:
        name = parse_host(domain, psl)
        hit = matcher.match(name) if isinstance(name, DomainName) else None
        if hit is not None and hit.genuine == genuine:
            hits += 1
        else:
            misses.append(f"{domain} -> {genuine} (got {hit.genuine if hit else 'nothing'})")
    return hits, len(looks), misses


def bare_brands(domains: list[str]) -> list[Brand]:
    psl = default_psl()
    out = []
    for domain in domains:
        split = psl.split(domain)
        out.append(Brand(split.label if split else domain, (domain,)))
    return out


def own_suffix_typo(name: str, genuine: str) -> bool:
    """A one-edit typo of the genuine label on the genuine suffix (what owners register defensively)."""
    psl = default_psl()
    a, b = psl.split(name), psl.split(genuine)
    if a is None or b is None or a.suffix != b.suffix:
        return False
    return OSA.distance(a.label, b.label) == 1


def benign(brands: list[Brand], names: list[DomainName], profile: str | None = None) -> dict[str, Any]:
    matcher = _matcher(brands, profile)
    typos, others = [], []
    for name in names:
        hit = matcher.match(name)
        if hit is None:
            continue
        (typos if own_suffix_typo(name.ascii, hit.genuine) else others).append(
            f"{name.ascii} {hit.genuine} {','.join(hit.reasons)}"
        )
    scale = 100_000 / len(names)
    return {
        "typos_per_100k": round(len(typos) * scale, 1),
        "others_per_100k": round(len(others) * scale, 1),
        "others": others,
        "typos": typos,
    }


def nrd(names: list[DomainName], profile: str | None, sample_out: Path | None, seed: int) -> dict[str, Any]:
    matcher = _matcher(bundled_watchlist(), profile)
    start = time.perf_counter()
    flags = [hit for name in names if (hit := matcher.match(name)) is not None]
    seconds = time.perf_counter() - start
    scored = [f for f in flags if f.score >= REVIEW_SCORE]
    result: dict[str, Any] = {
        "flags": len(flags),
        "per_100k": round(len(flags) * 100_000 / len(names), 1),
        f"per_100k_score_{REVIEW_SCORE}": round(len(scored) * 100_000 / len(names), 1),
        "names_per_s": round(len(names) / seconds),
        "by_brand": Counter(f.brand for f in flags).most_common(15),
    }
    if sample_out is not None:
        rng = random.Random(seed)
        sample = rng.sample(flags, min(SAMPLE, len(flags)))
        rng.shuffle(sample)
        sample_out.write_text(
            "".join(
                json.dumps({"domain": f.domain, "unicode": f.unicode, "brand": f.brand, "genuine": f.genuine,
                            "score": f.score, "reasons": list(f.reasons)}, ensure_ascii=False) + "\n"
                for f in sample
            ),
            encoding="utf-8",
        )
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench/match --figures")
    p.add_argument("--figures", action="store_true")
    p.add_argument("--data-dir", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "data")
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "out" / "figures")
    p.add_argument("--profile", default=None, help="campaign profile for the with-profile figures")
    p.add_argument("--seed", type=int, default=15)
    args = p.parse_args(argv)
    data: Path = args.data_dir
    args.out.mkdir(parents=True, exist_ok=True)
    looks = _looks(data / "doppelganger_dev.csv")
    dev_domains = _lines(data / "dev_brands.txt")
    report: dict[str, Any] = {}
    for profile in [None, args.profile] if args.profile else [None]:
        tag = profile or "none"
        print(f"== profile: {tag}", file=sys.stderr)
        row: dict[str, Any] = {}
        hits, total, misses = recall(load_brands_file(data / "dev_brands.txt"), looks, profile)
        row["recall_plain"] = f"{hits}/{total} = {100 * hits / total:.1f} %"
        row["misses_plain"] = misses
        rng = random.Random(args.seed)
        held_hits = held_total = 0
        held_misses: list[str] = []
        for _ in range(SPLITS):
            shuffled = dev_domains[:]
            rng.shuffle(shuffled)
            held = set(shuffled[: len(shuffled) // 2])
            rows = [(d, g) for d, g in looks if g in held]
            h, t, m = recall(bare_brands(sorted(held)), rows, profile)
            held_hits, held_total = held_hits + h, held_total + t
            held_misses.extend(m)
        row["recall_leave_out"] = f"{held_hits}/{held_total} = {100 * held_hits / max(1, held_total):.1f} %"
        row["misses_leave_out"] = sorted(Counter(held_misses).items())
        benign_names = _parsed(_lines(data / "benign_dev.txt.gz"))
        row["benign"] = benign(load_brands_file(data / "dev_brands.txt"), benign_names, profile)
        nrd_names = _parsed(_lines(data / "nrd_dev.txt.gz"))
        row["nrd"] = nrd(nrd_names, profile, args.out / f"nrd-sample-{tag}.jsonl", args.seed)
        report[tag] = row
        shown = {k: v for k, v in row.items() if k not in ("benign",)}
        print(json.dumps(shown, indent=1, default=str)[:6000])
        b = row["benign"]
        print(f"benign per 100k: typos {b['typos_per_100k']} others {b['others_per_100k']}")
    (args.out / "figures.json").write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
