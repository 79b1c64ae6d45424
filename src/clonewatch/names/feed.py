"""Read feeds of names: plain or gzip files and standard input, line by line in bounded memory."""

from __future__ import annotations

import gzip
import re
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, cast

from clonewatch.errors import FeedError
from clonewatch.names.parse import MAX_LINE

STDIN = "-"
_GZIP_MAGIC = b"\x1f\x8b"
TOO_LONG = "line longer than 4096 bytes"
BLOCK_SIZE = 1 << 20
NOT_UTF8 = "not UTF-8 text"
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_WEB = {"http", "https", "ftp"}


@contextmanager
def open_feed(source: str) -> Iterator[BinaryIO]:
    """Open a feed for reading bytes (standard input, a file, or object storage: see open_bytes);
    gzip is recognised by its magic bytes, whatever the name."""
    if source == STDIN:
        yield _maybe_gzip(sys.stdin.buffer, source)
        return
    with open_bytes(source) as handle:
        yield _maybe_gzip(handle, source)


@contextmanager
def open_bytes(source: str, *, missing: str = "no such file") -> Iterator[BinaryIO]:
    """A seekable binary handle on a path, a ``file://`` URL or object storage fsspec opens
    (``s3://bucket/key`` with s3fs; endpoint and keys from the AWS settings); FeedError naming
    ``source`` when it cannot be opened. Web URLs are refused: what reaches a web server goes
    through the network layer (``watch``'s feeds), so download such a feed first."""
    if is_remote(source):
        if source.split("://", 1)[0].lower() in _WEB:
            raise FeedError(f"{source}: a web URL; download it first (or give it to watch as a feed)")
        try:
            import fsspec

            opened: Any = fsspec.open(source, "rb")
            handle = cast(BinaryIO, opened.open())
        except ImportError as exc:
            raise FeedError(f"{source}: cannot read this kind of URL here ({exc})") from None
        except (OSError, ValueError) as exc:
            raise FeedError(f"{source}: cannot read ({' '.join(str(exc).split())[:300]})") from None
    else:
        path = Path(source[7:] if source.lower().startswith("file://") else source)
        if path.is_dir():
            raise FeedError(f"{source}: is a directory, not a feed file")
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            raise FeedError(f"{source}: {missing}") from None
        except OSError as exc:
            raise FeedError(f"{source}: cannot read ({exc.strerror})") from exc
    with handle:
        yield handle


def is_remote(location: str) -> bool:
    """Whether ``location`` is a URL other than ``file://`` (object storage, or the web)."""
    return bool(_SCHEME.match(location)) and not location.lower().startswith("file://")


def _maybe_gzip(handle: BinaryIO, source: str) -> BinaryIO:
    if hasattr(handle, "peek"):
        head = handle.peek(2)[:2]
    elif handle.seekable():
        head = handle.read(2)
        handle.seek(0)
    else:
        head = b""
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
