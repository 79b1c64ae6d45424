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


def iter_blocks(stream: BinaryIO, source: str) -> Iterator[tuple[int, bytes]]:
    """Blocks of whole lines, each with the number of its first line. A line longer than MAX_LINE
    is cut to MAX_LINE + 1 bytes (still recognisably too long) and the rest of it is dropped, so
    memory stays flat whatever the input. A corrupt or truncated gzip stream is a FeedError."""
    lineno = 1
    carry = b""
    skipping = False
    read = stream.read
    try:
        while block := read(BLOCK_SIZE):
            data = carry + block
            if skipping:
                newline = data.find(b"\n")
                if newline < 0:
                    carry = b""
                    continue
                data, skipping = data[newline + 1 :], False
            last = data.rfind(b"\n")
            whole, carry = data[: last + 1], data[last + 1 :]
            if whole:
                yield lineno, whole
                lineno += whole.count(b"\n")
            if len(carry) > MAX_LINE:
                yield lineno, carry[: MAX_LINE + 1] + b"\n"
                lineno += 1
                carry, skipping = b"", True
    except (OSError, EOFError, zlib.error) as exc:
        raise FeedError(f"{source}: cannot read compressed feed near line {lineno} ({exc})") from exc
    if carry:
        yield lineno, carry


def block_lines(first_lineno: int, block: bytes) -> Iterator[tuple[int, str | None, str]]:
    """(line number, text, why not) for each line of a block; text is None for undecodable or
    overlong lines."""
    lines = block.split(b"\n")
    if not lines[-1]:
        lines.pop()
    for lineno, raw in enumerate(lines, first_lineno):
        if len(raw) > MAX_LINE:
            yield lineno, None, TOO_LONG
            continue
        try:
            yield lineno, raw.decode("utf-8"), ""
        except UnicodeDecodeError:
            yield lineno, None, NOT_UTF8


def iter_lines(stream: BinaryIO, source: str) -> Iterator[tuple[int, str | None, str]]:
    """Every line of a feed as (line number, text, why not), read block by block."""
    for first_lineno, block in iter_blocks(stream, source):
        yield from block_lines(first_lineno, block)
