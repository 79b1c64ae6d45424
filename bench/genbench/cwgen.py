"""clonewatch's generator, timed in this process through its Python API (and once through its CLI)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

from benchkit.log import progress
from clonewatch.brands import Brand
from clonewatch.generate import generate
from genbench.results import BrandRun, GenRun, positions_of


def timed_generate(brand: Brand, limit: int) -> tuple[list[str], float]:
    """All candidate domains of ``brand`` in rank order, and the wall seconds it took to produce them."""
    start = time.perf_counter()
    domains = [candidate.match.domain for candidate in generate(brand, limit=limit)]
    return domains, time.perf_counter() - start


def run_clonewatch(
    brands: list[Brand], limit: int, targets: dict[str, set[str]], keep: int, first: str | None
) -> GenRun:
    """``generate(brand, limit=limit)`` for every brand. ``first`` (a genuine domain) is run once more
    before the others, as the first call in the process: that time includes clonewatch's one-time
    loading of its tables, which the per-brand times of the loop no longer pay."""
    run = GenRun("clonewatch", f"clonewatch generate (limit {limit:,})")
    cold = next((brand for brand in brands if first in brand.domains), None)
    if cold is not None:
        domains, seconds = timed_generate(cold, limit)
        run.notes["first_call"] = {"brand": cold.main_domain, "seconds": seconds, "candidates": len(domains)}
        progress(
            f"clonewatch: first call ({cold.main_domain}): {len(domains):,} candidates in {seconds:.2f} s"
        )
    for brand in brands:
        domains, seconds = timed_generate(brand, limit)
        wanted: set[str] = set()
        for domain in brand.domains:
            wanted |= targets.get(domain, set())
        run.brands.append(
            BrandRun(
                brand.main_domain,
                seconds,
                len(domains),
                positions_of(domains, wanted, normalize=False),
                domains[:keep],
            )
        )
        progress(f"clonewatch: {brand.main_domain}: {len(domains):,} candidates in {seconds:.2f} s")
    return run


def cli_end_to_end(
    executable: Path, domain: str, brands_file: Path, limit: int, out_dir: Path
) -> dict[str, Any]:
    """Wall time of ``clonewatch generate DOMAIN --brands FILE --limit N --format jsonl`` as a user runs
    it: interpreter start, imports, generation and JSON output to a file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"generate-{domain}-{limit}.jsonl"
    command = [
        str(executable),
        "generate",
        domain,
        "--brands",
        str(brands_file),
        "--limit",
        str(limit),
        "--format",
        "jsonl",
    ]
    start = time.perf_counter()
    with out.open("wb") as fh:
        proc = subprocess.run(command, stdout=fh, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - start
    with out.open("rb") as fh:
        lines = sum(1 for _ in fh)
    progress(f"clonewatch CLI: {domain}: {lines:,} lines in {wall:.2f} s (exit {proc.returncode})")
    return {
        "command": command,
        "wall_s": round(wall, 3),
        "lines": lines,
        "returncode": proc.returncode,
        "stderr": proc.stderr.decode(errors="replace")[-500:],
        "output": str(out),
    }
