"""Read feeds of names: plain or gzip files and standard input, line by line in bounded memory."""

from __future__ import annotations

import gzip
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from clonewatch.errors import FeedError
from clonewatch.names.parse import MAX_LINE

STDIN = "-"
_GZIP_MAGIC = b"\x1f\x8b"
TOO_LONG = "line longer than 4096 bytes"
NOT_UTF8 = "not UTF-8 text"


@contextmanager
def open_feed(source: str) -> Iterator[BinaryIO]:
    """Open a feed for reading bytes; gzip is recognised by its magic bytes, whatever the name."""
    if source == STDIN:
        yield _maybe_gzip(sys.stdin.buffer, source)
        return
    path = Path(source)
    if path.is_dir():
        raise FeedError(f"{source}: is a directory, not a feed file")
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise FeedError(f"{source}: no such file") from None
    except OSError as exc:
        raise FeedError(f"{source}: cannot read ({exc.strerror})") from exc
    with handle:
        yield _maybe_gzip(handle, source)


def _maybe_gzip(handle: BinaryIO, source: str) -> BinaryIO:
    head = handle.peek(2)[:2] if hasattr(handle, "peek") else b""
    if head == _GZIP_MAGIC:
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    return handle


def iter_lines(stream: BinaryIO, source: str) -> Iterator[tuple[int, str | None, str]]:
    """(line number, text, why not) for each line; text is None for undecodable or overlong lines,
    which are consumed without holding more than MAX_LINE bytes. A corrupt gzip stream is a FeedError."""
    readline = stream.readline
    lineno = 0
    try:
        while True:
            raw = readline(MAX_LINE + 1)
            if not raw:
                return
            lineno += 1
            if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):
                    raw = readline(65536)
                yield lineno, None, TOO_LONG
                continue
            try:
                yield lineno, raw.decode("utf-8"), ""
            except UnicodeDecodeError:
                yield lineno, None, NOT_UTF8
    except (OSError, EOFError, zlib.error) as exc:
        raise FeedError(f"{source}:{lineno + 1}: cannot read compressed feed ({exc})") from exc
