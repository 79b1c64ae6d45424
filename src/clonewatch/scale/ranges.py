"""Big inputs cut into line-aligned byte ranges that workers read themselves.

A file of ``size`` bytes is cut at every ``step`` bytes. The range ``[start, end)`` holds the
lines that *begin* inside it: it starts after the first newline at or past ``start - 1`` (the
first range at 0), and ends at the end of the line that crosses ``end``. Every line belongs to
exactly one range, whatever the cut points, so the ranges read one after the other give the
file's lines, in order, once each. A gzip stream cannot be entered in the middle: a gzip file is
one range, read whole. Paths are local (a directory every worker mounts at the same place) or,
with ``://``, any URL fsspec can open.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

from clonewatch.errors import InputError
from clonewatch.names.feed import BLOCK_SIZE
from clonewatch.names.feed import open_bytes as open_feed_bytes

GZIP_MAGIC = b"\x1f\x8b"
DEFAULT_STEP = 64 << 20


_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def parse_size(text: str) -> int:
    """Bytes from ``64M``, ``512k``, ``1G`` or a plain number; InputError when it is none of them."""
    value = text.strip().lower().removesuffix("b")
    unit = value[-1:] if value[-1:] in _UNITS else ""
    try:
        number = float(value[: len(value) - len(unit)])
    except ValueError:
        raise InputError(
            f"bad size {text[:40]!r}: expected a number of bytes, or one with k, M or G"
        ) from None
    if not number > 0:
        raise InputError(f"bad size {text[:40]!r}: must be more than 0")
    return max(1, int(number * _UNITS[unit]))


@dataclass(frozen=True, slots=True)
class Piece:
    """One task's share of the input: ``source`` as the user named it, bytes ``[start, end)`` by
    the rule above; ``end`` None for a whole file read as a stream (gzip). ``index`` orders every
    piece of a run (input order)."""

    index: int
    source: str
    start: int = 0
    end: int | None = None


@dataclass(frozen=True, slots=True)
class FileShape:
    """What the planner needs of a file: its size and whether it is gzip."""

    size: int
    gzip: bool


def shape_of(source: str) -> FileShape:
    """Size and gzip-ness of a file or URL; FeedError naming it when it cannot be read."""
    with open_bytes(source) as handle:
        head = handle.read(2)
        handle.seek(0, 2)
        return FileShape(handle.tell(), head == GZIP_MAGIC)


def pieces_of(source: str, shape: FileShape, step: int, first_index: int = 0) -> list[Piece]:
    """The pieces of one file: ranges of ``step`` bytes, or the whole file when it is gzip."""
    if shape.gzip:
        return [Piece(first_index, source)]
    starts = range(0, max(shape.size, 1), max(step, 1))
    return [
        Piece(first_index + number, source, start, min(start + step, shape.size))
        for number, start in enumerate(starts)
    ]


@contextmanager
def open_bytes(source: str) -> Iterator[BinaryIO]:
    """A seekable binary handle on a path or object storage, opened by a worker (see
    :func:`clonewatch.names.feed.open_bytes`)."""
    with open_feed_bytes(source, missing="no such file (the workers read it: a path they all see)") as handle:
        yield handle


class RangeReader(io.RawIOBase):
    """A read-only stream of exactly the lines of one range (see the module's rule)."""

    def __init__(self, handle: BinaryIO, start: int, end: int) -> None:
        super().__init__()
        self._handle = handle
        self._end = end
        self._done = False
        self._last = b"\n"
        self._position = self._begin(start)

    def _begin(self, start: int) -> int:
        """The offset of the first line that begins at or after ``start``."""
        if start == 0:
            self._handle.seek(0)
            return 0
        self._handle.seek(start - 1)
        position = start - 1
        while block := self._handle.read(BLOCK_SIZE):
            newline = block.find(b"\n")
            if newline >= 0:
                position += newline + 1
                self._handle.seek(position)
                return position
            position += len(block)
        return position

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._next(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _next(self, size: int) -> bytes:
        """Up to ``size`` bytes of the range; b"" at its end."""
        if self._done or size <= 0:
            return b""
        if self._position < self._end:
            data = self._handle.read(min(size, self._end - self._position))
        elif self._last == b"\n":
            data = b""
        else:
            data = self._tail(size)
        if not data:
            self._done = True
            return b""
        self._position += len(data)
        self._last = data[-1:]
        return data

    def _tail(self, size: int) -> bytes:
        """The rest of the line that crosses the range's end, newline included."""
        data = self._handle.read(size)
        newline = data.find(b"\n")
        return data[: newline + 1] if newline >= 0 else data


@contextmanager
def open_piece(piece: Piece) -> Iterator[BinaryIO]:
    """The bytes of one piece: a range of a plain file, or a whole file decompressed when gzip."""
    if piece.end is None:
        import gzip

        with open_bytes(piece.source) as handle:
            head = handle.read(2)
            handle.seek(0)
            yield cast(BinaryIO, gzip.GzipFile(fileobj=handle, mode="rb")) if head == GZIP_MAGIC else handle
        return
    with open_bytes(piece.source) as handle:
        yield cast(BinaryIO, io.BufferedReader(RangeReader(handle, piece.start, piece.end), BLOCK_SIZE))
