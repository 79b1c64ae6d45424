"""Rival tools live in their own virtual environment, never in clonewatch's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def pip_install(venv: Path, requirements: list[str]) -> None:
    """Create ``venv`` when missing and ``pip install`` the requirements into it."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    command = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements]
    subprocess.run(command, check=True)
