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
BLOCK_SIZE = 1 << 20
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
    """(line number, text, why not) for each line; text is None for undecodable or overlong lines.
    Reads in fixed-size blocks and never holds more than one block plus MAX_LINE bytes of a line.
    A corrupt or truncated gzip stream is a FeedError."""
    lineno = 0
    carry = b""
    overlong = False
    read = stream.read
    try:
        while True:
            block = read(BLOCK_SIZE)
            if not block:
                break
            lines = block.split(b"\n")
            lines[0] = carry + lines[0]
            carry = lines.pop()
            for raw in lines:
                lineno += 1
                if overlong or len(raw) > MAX_LINE:
                    overlong = False
                    yield lineno, None, TOO_LONG
                    continue
                try:
                    yield lineno, raw.decode("utf-8"), ""
                except UnicodeDecodeError:
                    yield lineno, None, NOT_UTF8
            if len(carry) > MAX_LINE:
                overlong, carry = True, b""
    except (OSError, EOFError, zlib.error) as exc:
        raise FeedError(f"{source}:{lineno + 1}: cannot read compressed feed ({exc})") from exc
    if carry or overlong:
        lineno += 1
        if overlong or len(carry) > MAX_LINE:
            yield lineno, None, TOO_LONG
            return
        try:
            yield lineno, carry.decode("utf-8"), ""
        except UnicodeDecodeError:
            yield lineno, None, NOT_UTF8
