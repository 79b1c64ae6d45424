"""`clonewatch match`: flag look-alikes of watched brands in feeds of names."""

from __future__ import annotations

import sys
import threading
from contextlib import AbstractContextManager, ExitStack, nullcontext
from typing import Annotated

import typer
from rich.console import Console

from clonewatch.cli.common import (
    BrandsOption,
    FormatOption,
    SchedulerOption,
    TaskSizeOption,
    load_brands,
    with_exit_codes,
)
from clonewatch.cli.output import RecordWriter, choose_format
from clonewatch.match import FeedStats, match_feeds
from clonewatch.match.profile import load_profile, profile_names

ProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile",
        help=f"Campaign profile: an operation's favourite suffixes and words ({', '.join(profile_names())}).",
        show_default=False,
    ),
]

MATCH_COLUMNS = ("score", "domain", "unicode", "brand", "genuine", "reasons")


def match_command(
    feeds: Annotated[
        list[str],
        typer.Argument(help="Feed files (plain or gzip) or - for standard input.", show_default=False),
    ],
    brands: BrandsOption = None,
    output_format: FormatOption = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes for big feeds.")] = 1,
    profile: ProfileOption = None,
    scheduler: SchedulerOption = None,
    ordered: Annotated[
        bool, typer.Option("--ordered", help="With --scheduler: write the hits in input order.")
    ] = False,
    task_size: TaskSizeOption = "64M",
    min_score: Annotated[
        float,
        typer.Option(
            "--min-score",
            min=0.0,
            max=1.0,
            help="Write only the look-alikes scored at least this (the others are counted, not shown):"
            " 0.6 leaves out ordinary words and short names flagged on suffixes that abuse statistics"
            " do not name (spiegel.ltd, bild.com).",
        ),
    ] = 0.0,
) -> None:
    """Flag names that impersonate a watched outlet or government body, with the reasons why.

    Each line may be a bare name, a URL, a de-fanged indicator (hxxps://example[.]com) or a
    zone-file/NRD row (the first field that is a name counts). A summary goes to standard error.

    With --scheduler the feed files are cut into ranges of lines that the Dask workers read
    themselves (a path every worker sees, or a URL); a gzip file is one task. The hits are those
    of a run here, written as they come, or in input order with --ordered.
    """
    watched = load_brands(brands)
    chosen = load_profile(profile) if profile else None
    fmt = choose_format(output_format, sys.stdout)
    writer = RecordWriter(fmt, MATCH_COLUMNS, sort_key="score", title="look-alikes")
    stats = FeedStats()
    with ExitStack() as stack:
        if scheduler is None:
            hits = match_feeds(feeds, watched, stats, workers=workers, profile=chosen)
        else:
            from clonewatch.scale.ranges import parse_size

            step = parse_size(task_size)
            from clonewatch.scale.connect import Spread, connect
            from clonewatch.scale.matching import match_on_cluster

            client = stack.enter_context(connect(scheduler))
            spread = Spread()
            stack.callback(
                lambda: spread.tasks and print(f"clonewatch: {spread.describe()}", file=sys.stderr)
            )
            hits = match_on_cluster(
                client, feeds, watched, stats, spread, profile=chosen, ordered=ordered, step=step
            )
        below = 0
        try:
            with writer, _progress(stats):
                for hit in hits:
                    if hit.score < min_score:
                        below += 1
                    else:
                        writer.write(hit.to_dict())
        except KeyboardInterrupt:
            _summary(stats, below, interrupted=True)
            raise typer.Exit(130) from None
    _summary(stats, below)


with_exit_codes(match_command)


def _summary(stats: FeedStats, below: int = 0, *, interrupted: bool = False) -> None:
    where = ""
    if stats.examples:
        shown = "; ".join(f"{e.source}:{e.lineno} {e.reason}" for e in stats.examples)
        more = ", ..." if stats.skipped > len(stats.examples) else ""
        where = f" ({shown}{more})"
    state = "interrupted after reading" if interrupted else "read"
    print(
        f"clonewatch: {state} {stats.read:,} names, skipped {stats.skipped:,} unparseable{where}, "
        f"flagged {stats.flagged:,}" + (f" ({below:,} below --min-score not written)" if below else ""),
        file=sys.stderr,
    )


def _progress(stats: FeedStats) -> AbstractContextManager[object]:
    """A live count while the feeds are read, when standard error is a terminal."""
    return _Progress(stats) if sys.stderr.isatty() else nullcontext()


class _Progress:
    """A live count on a terminal's standard error while a long feed runs (until the block ends)."""

    def __init__(self, stats: FeedStats) -> None:
        self._stats = stats
        self._done = threading.Event()
        self._console = Console(stderr=True)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with self._console.status("matching...") as status:
            while not self._done.wait(0.5):
                s = self._stats
                status.update(f"read {s.read:,} names, flagged {s.flagged:,}")

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()
