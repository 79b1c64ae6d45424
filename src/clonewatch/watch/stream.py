"""A plain list file or standard input (``-``), for scripts.

A file keeps its position in the store like an NRD file (and is continued when it grows).
Standard input is read once to its end; its cursor only records how far the last run got,
since a new run reads a new stream.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clonewatch.errors import FeedUnavailable
from clonewatch.names.feed import STDIN
from clonewatch.watch.checks import Checker, text
from clonewatch.watch.feeds import Batch, FeedKind, checked_path
from clonewatch.watch.lines import Position, read_batches


def file_source(value: Any, checker: Checker) -> str:
    """A file (relative to the config file), or ``-`` for standard input."""
    given = text(value)
    if given.startswith(("http://", "https://")):
        raise ValueError("a file feed reads a local file or - (use feeds.nrd for a URL)")
    if "://" in given:
        raise ValueError("not a path or an http(s) URL")
    if given == STDIN:
        return given
    path = checker.path(given)
    if not path.is_file():
        raise ValueError(f"{path} is not a file")
    return str(path)


@dataclass(frozen=True, slots=True)
class FileOptions:
    """``[[feeds.file]]``: a list file, or ``-`` for standard input."""

    source: str = field(metadata=checked_path(file_source))


class StreamFeed:
    """Names from one file or from standard input."""

    kind = "file"

    def __init__(self, source: str) -> None:
        self.source = source if source == STDIN else str(Path(source).expanduser().resolve())
        self._stdin_done = False

    @property
    def name(self) -> str:
        return "file:stdin" if self.source == STDIN else f"file:{self.source}"

    def batches(self, cursor: Any, size: int) -> Iterator[Batch]:
        if self.source == STDIN:
            yield from self._stdin(size)
            return
        saved = Position.from_json(cursor.get("position") if isinstance(cursor, dict) else None)
        try:
            handle = open(self.source, "rb")  # noqa: SIM115 - closed below, around a generator
        except OSError as exc:
            raise FeedUnavailable(f"{self.source}: cannot read ({exc.strerror})") from None
        with handle:
            for lines, position in read_batches(handle, self.source, saved, size, final=True):
                if position != saved:
                    saved = position
                    yield Batch.of_lines(lines, {"position": position.to_json()}, self.source, position.line)

    def _stdin(self, size: int) -> Iterator[Batch]:
        if self._stdin_done:
            return
        line = 0
        batch: list[str] = []
        for raw in sys.stdin.buffer:
            batch.append(raw.decode("utf-8", "replace"))
            if len(batch) >= size:
                line += len(batch)
                yield Batch.of_lines(batch, {"line": line}, "stdin", line)
                batch = []
        line += len(batch)
        self._stdin_done = True
        yield Batch.of_lines(batch, {"line": line}, "stdin", line)


FILE = FeedKind(
    "file",
    FileOptions,
    lambda options, context: StreamFeed(options.source),
    flag="--feed",
    help="A plain list file, or - for standard input.",
)
