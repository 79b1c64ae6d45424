"""bench/generate: command line. The launcher has made sure it runs under the project's venv (clonewatch
is driven in-process through its Python API)."""

from __future__ import annotations

import argparse
from pathlib import Path

from benchkit.cli import PROJECT_ROOT, add_out_dir
from genbench.suite import run

DEFAULT_SEED = 20250130


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/generate",
        description="clonewatch's look-alike generator and DNS checker against dnstwist 20250130: "
        "candidates, time, recall on the Doppelganger look-alikes; DNS names/s and correctness.",
    )
    p.add_argument(
        "--limit", type=int, default=100_000, help="clonewatch candidates per brand (default 100000)"
    )
    p.add_argument(
        "--dns-names",
        type=int,
        default=20_000,
        help="names resolved by each tool in the DNS part (default 20000)",
    )
    p.add_argument("--skip-dnstwist", action="store_true", help="run clonewatch only")
    p.add_argument("--skip-dns", action="store_true", help="skip the DNS part")
    p.add_argument(
        "--dnstwist-threads", type=int, default=0, help="dnstwist scanner threads (default: its CLI default)"
    )
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the planted DNS test zones")
    p.add_argument(
        "--data-dir",
        type=Path,
        default=PROJECT_ROOT.parent / "shared" / "data",
        help="directory with dev_brands.txt and doppelganger_dev.csv",
    )
    add_out_dir(p)
    args = p.parse_args(argv)
    if args.limit < 1:
        p.error("--limit must be positive")
    if args.dns_names < 1:
        p.error("--dns-names must be positive")
    if args.dnstwist_threads < 0:
        p.error("--dnstwist-threads must not be negative")
    return args


def main(argv: list[str] | None = None) -> int:
    return run(parse_args(argv))
