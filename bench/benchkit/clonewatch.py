"""Finding the clonewatch command the benchmarks run, and checking that it answers."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path


class ClonewatchError(RuntimeError):
    pass


def resolve_command(project_root: Path, override: str | None) -> list[str]:
    """The clonewatch command: ``--clonewatch`` (a path or a command line), else .venv's console script."""
    if override:
        parts = shlex.split(override)
        if len(parts) == 1 and os.sep not in parts[0]:
            found = shutil.which(parts[0])
            if found:
                return [found]
        return parts
    console = project_root / ".venv" / "bin" / "clonewatch"
    if console.exists():
        return [str(console)]
    venv_python = project_root / ".venv" / "bin" / "python"
    if venv_python.exists():
        return [str(venv_python), "-m", "clonewatch"]
    raise ClonewatchError(
        f"no clonewatch at {console}: run ./run test first (it creates .venv) or pass --clonewatch PATH"
    )


def help_text(cmd: list[str], subcommand: Sequence[str], env: Mapping[str, str] | None = None) -> str:
    """``clonewatch SUBCOMMAND --help`` must work; returns the help text."""
    what = f"{shlex.join(cmd)} {' '.join(subcommand)} --help"
    try:
        proc = subprocess.run(
            [*cmd, *subcommand, "--help"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            stdin=subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ClonewatchError(f"{what} failed: {exc}") from exc
    if proc.returncode != 0:
        raise ClonewatchError(f"{what} exited {proc.returncode}: {proc.stderr[-2000:]}")
    return proc.stdout
