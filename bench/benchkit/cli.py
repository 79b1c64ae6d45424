"""Command-line pieces the benchmarks share: common flags, the machine line and the result JSON."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from benchkit.log import progress

PROJECT_ROOT = Path(__file__).resolve().parents[2]
_REEXEC_GUARD = "BENCH_REEXEC"


def ensure_project_python(script: Path, needs: str = "clonewatch") -> None:
    """Re-run ``script`` (a bench/ launcher) with the project's ``.venv`` interpreter when ``needs`` cannot
    be imported by this one, so that ``python3 bench/NAME`` works from the project root."""
    try:
        importlib.import_module(needs)
        return
    except ImportError:
        pass
    python = PROJECT_ROOT / ".venv" / "bin" / "python"
    if os.environ.get(_REEXEC_GUARD) or not python.exists():
        raise SystemExit(f"bench/{script.name}: {needs} is not importable; run ./run test first ({python})")
    os.environ[_REEXEC_GUARD] = "1"
    os.execv(str(python), [str(python), str(script), *sys.argv[1:]])


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
