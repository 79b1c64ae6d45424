"""Options and error handling shared by every command.

Commands raise :class:`ClonewatchError` and let :class:`ClonewatchGroup` (the app's group) turn it
into one line on standard error and the exit code: 2 for an :class:`InputError`, 1 for the rest.
An option used by more than one command is declared here once, as an ``Annotated`` type.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from clonewatch.brands import Brand, bundled_watchlist, load_brands_file
from clonewatch.cli.output import OutputFormat
from clonewatch.errors import ClonewatchError, InputError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_CODES_HELP = (
    "Exit codes: 0 the run completed (whether or not anything was flagged); "
    "1 a findings-related failure; 2 bad usage or unreadable input (the message names the file and line)."
)

BrandsOption = Annotated[
    Path | None,
    typer.Option(
        "--brands",
        help="Watchlist file replacing the bundled one: one domain per line, optionally domain,label.",
    ),
]
FormatOption = Annotated[
    OutputFormat | None,
    typer.Option("--format", help="Output format (default: table on a terminal, jsonl when piped)."),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///PATH, postgresql+psycopg://...) or SQLite file; "
        "default: $CLONEWATCH_DB, else clonewatch.db in the user data directory.",
        show_default=False,
    ),
]
SinceOption = Annotated[
    str | None, typer.Option(help="Only domains first seen since: 7d, 12h, 30m, or a date (2026-11-01).")
]
VerdictOption = Annotated[str | None, typer.Option(help="Only domains whose latest verdict is this (clone).")]
BrandFilterOption = Annotated[
    str | None, typer.Option("--brand", help="Only look-alikes of this brand (name or domain).")
]
BlobsOption = Annotated[
    str | None,
    typer.Option(
        "--blobs",
        help="Where the screenshots are kept (watch's [probe] blobs): a directory, or object storage "
        "through fsspec (s3://bucket/prefix; endpoint and keys from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, "
        "AWS_SECRET_ACCESS_KEY). Default: blobs/ in the user data directory.",
        show_default=False,
    ),
]
PostsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--posts",
        help="Posts (X API v2 JSON, twarc2, CSV; repeatable): the accounts that linked each domain "
        "(the command's description says where they show).",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Run the heavy part on Dask: tcp://HOST:8786 for a running scheduler, local:N for N "
        "worker processes started here (default: this process only).",
        show_default=False,
    ),
]
TaskSizeOption = Annotated[
    str, typer.Option(help="With --scheduler: bytes of an input file per task (64M, 512k).")
]


def with_exit_codes(command: Callable[..., None]) -> None:
    """Append the exit codes to a command's help, its own text dedented first (typer shows the
    docstring as written, so an indented docstring with an unindented tail would keep its indent)."""
    command.__doc__ = f"{inspect.cleandoc(command.__doc__ or '')}\n\n{EXIT_CODES_HELP}"


def exit_code(error: ClonewatchError) -> int:
    """2 for input the user can fix, 1 for every other failure."""
    return EXIT_USAGE if isinstance(error, InputError) else EXIT_FINDINGS


class ClonewatchGroup(TyperGroup):
    """The app's command group: a :class:`ClonewatchError` raised by any command (or sub-command)
    becomes one line on standard error and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ClonewatchError as exc:
            print(f"clonewatch: error: {exc}", file=sys.stderr)
            raise typer.Exit(exit_code(exc)) from None


def load_brands(path: Path | None) -> list[Brand]:
    """The --brands file when given, else the bundled watchlist."""
    return load_brands_file(path) if path is not None else bundled_watchlist()
