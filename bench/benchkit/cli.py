"""Command-line pieces the benchmarks share: common flags, the machine line and the result JSON."""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from benchkit.log import progress

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def add_clonewatch_args(p: argparse.ArgumentParser) -> None:
    """``--clonewatch-timeout`` and ``--clonewatch`` (a command line, resolved by benchkit.clonewatch)."""
    p.add_argument(
        "--clonewatch-timeout", type=float, default=1800.0, help="seconds before clonewatch is killed"
    )
    p.add_argument(
        "--clonewatch",
        metavar="PATH",
        help="clonewatch executable or command line (default: .venv/bin/clonewatch)",
    )


def add_out_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--out-dir", type=Path, default=PROJECT_ROOT / "bench" / "out", help="work and result directory"
    )


def first_missing(paths: Iterable[Path]) -> Path | None:
    """The first of ``paths`` that is not a file (a benchmark's input data), or None."""
    return next((path for path in paths if not path.is_file()), None)


def machine_line() -> str:
    return (
        f"machine: {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def run_info() -> dict[str, Any]:
    """The first fields of every result JSON: when, and on what machine."""
    return {
        "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
    }


def write_result(path: Path, result: dict[str, Any]) -> None:
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    progress(f"wrote {path}")
