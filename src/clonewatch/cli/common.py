"""Options and error handling shared by every command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import typer

from clonewatch.brands import Brand, bundled_watchlist, load_brands_file
from clonewatch.errors import ClonewatchError, InputError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_CODES_HELP = (
    "Exit codes: 0 the run completed (whether or not anything was flagged); "
    "1 a findings-related failure; 2 bad usage or unreadable input (the message names the file and line)."
)


def fail(error: ClonewatchError | str, code: int | None = None) -> NoReturn:
    """One line on standard error, then exit (2 for input errors)."""
    if code is None:
        code = EXIT_USAGE if isinstance(error, InputError | str) else EXIT_FINDINGS
    print(f"clonewatch: error: {error}", file=sys.stderr)
    raise typer.Exit(code)


def load_brands(path: Path | None) -> list[Brand]:
    """The --brands file when given, else the bundled watchlist."""
    try:
        return load_brands_file(path) if path is not None else bundled_watchlist()
    except ClonewatchError as exc:
        fail(exc)
