"""Read a list file (plain or gzip) from where the last batch stopped, in batches of whole lines.

The position of a plain file is its byte offset and line number: a file that grows is continued.
A gzip stream cannot be entered in the middle, so its position is the number of lines consumed and
the lines before it are decompressed and skipped. A line without its newline at the end of a
plain file is left for later unless the file is ``final`` (no longer being written); a truncated
gzip stream gives its whole lines and then :class:`FeedUnavailable`, keeping the position.
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from clonewatch.errors import FeedUnavailable

CHUNK = 1 << 20
OUT_CHUNK = 4 << 20
HEAD_BYTES = 512
GZIP_MAGIC = b"\x1f\x8b"
_GZIP_WBITS = 31

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Position:
    """Where reading a file stopped: byte offset (for gzip, the compressed size seen), line count,
    and a hash of the first ``head_len`` bytes of its content (so that a file replaced under the
    same name is read from the start)."""

    offset: int = 0
    line: int = 0
    head: str = ""
    head_len: int = 0
    done: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "offset": self.offset,
            "line": self.line,
            "head": self.head,
            "head_len": self.head_len,
            "done": self.done,
        }

    @classmethod
    def from_json(cls, value: object) -> Position:
        if not isinstance(value, dict):
            return cls()
        return cls(
            int(value.get("offset", 0)),
            int(value.get("line", 0)),
            str(value.get("head", "")),
            int(value.get("head_len", 0)),
            bool(value.get("done", False)),
        )


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def content_head(handle: BinaryIO) -> tuple[bytes, bool]:
    """The first HEAD_BYTES of the content (decompressed for gzip), and whether it is gzip."""
    handle.seek(0)
    raw = handle.read(64 * 1024)
    handle.seek(0)
    if raw[:2] != GZIP_MAGIC:
        return raw[:HEAD_BYTES], False
    try:
        return zlib.decompressobj(_GZIP_WBITS).decompress(raw, HEAD_BYTES), True
    except zlib.error:
        return b"", True


def start_position(head: bytes, size: int, saved: Position, *, gzip_file: bool) -> Position:
    """``saved``, or the start when the file was replaced (shorter, or different first bytes)."""
    if saved == Position():
        return saved
    shrunk = size < saved.offset and not gzip_file
    if shrunk or len(head) < saved.head_len or _hash(head[: saved.head_len]) != saved.head:
        return Position()
    return saved


def read_batches(
    handle: BinaryIO, source: str, position: Position, size: int, *, final: bool
) -> Iterator[tuple[list[str], Position]]:
    """Batches of at most ``size`` lines after ``position``, each with the position after it.

    ``handle`` must be seekable; gzip is recognised by its magic bytes.
    """
    head, gzip_file = content_head(handle)
    handle.seek(0, 2)
    total = handle.tell()
    handle.seek(0)
    restart = start_position(head, total, position, gzip_file=gzip_file)
    if restart != position:
        log.warning(
            "%s: the file was replaced (shorter, or new first bytes); reading it from the start", source
        )
        position = restart
    if gzip_file:
        yield from _gzip_batches(handle, head, total, source, position, size)
    else:
        yield from _plain_batches(handle, head, position, size, final=final)


def _decode(raw: list[bytes]) -> list[str]:
    return b"\n".join(raw).decode("utf-8", "replace").split("\n")


def _raw_lines(chunks: Iterable[bytes]) -> Iterator[bytes | None]:
    """Complete lines (without newline); a trailing partial line is yielded last, after None."""
    carry = b""
    for block in chunks:
        data = carry + block
        lines = data.split(b"\n")
        carry = lines.pop()
        yield from lines
    yield None
    if carry:
        yield carry


def _file_chunks(handle: BinaryIO) -> Iterator[bytes]:
    while block := handle.read(CHUNK):
        yield block


def _gunzip(handle: BinaryIO) -> Iterator[bytes]:
    """The decompressed content of every gzip member, in bounded pieces; EOFError when the stream
    ends inside a member (a file still being written, or cut short)."""
    inflater = zlib.decompressobj(_GZIP_WBITS)
    fed = False
    for data in _file_chunks(handle):
        while data:
            fed = True
            out = inflater.decompress(data, OUT_CHUNK)
            if out:
                yield out
            if inflater.eof:
                data = inflater.unused_data
                inflater, fed = zlib.decompressobj(_GZIP_WBITS), False
            else:
                data = inflater.unconsumed_tail
                while not data and len(out) == OUT_CHUNK:
                    out = inflater.decompress(b"", OUT_CHUNK)
                    if out:
                        yield out
    if fed and not inflater.eof:
        raise EOFError("the compressed stream ends early")


def _plain_batches(
    handle: BinaryIO, head: bytes, position: Position, size: int, *, final: bool
) -> Iterator[tuple[list[str], Position]]:
    offset, line = position.offset, position.line
    handle.seek(offset)
    batch: list[bytes] = []
    used = 0
    complete = True

    def at(offset: int, line: int, done: bool = False) -> Position:
        covered = min(offset, HEAD_BYTES)
        return Position(offset, line, _hash(head[:covered]), covered, done)

    for raw in _raw_lines(_file_chunks(handle)):
        if raw is None:
            complete = False
            continue
        if not complete and not final:
            break
        batch.append(raw)
        used += len(raw) + (1 if complete else 0)
        if len(batch) >= size:
            offset, line = offset + used, line + len(batch)
            yield _decode(batch), at(offset, line)
            batch, used = [], 0
    if batch:
        offset, line = offset + used, line + len(batch)
        yield _decode(batch), at(offset, line)


def _gzip_batches(
    handle: BinaryIO, head: bytes, compressed: int, source: str, position: Position, size: int
) -> Iterator[tuple[list[str], Position]]:
    """Positions of a gzip file keep its compressed size in ``offset``; a file read to its end
    and unchanged since (same size, same first bytes) is skipped without decompressing it."""
    if position.done and compressed == position.offset:
        return
    mark, covered = _hash(head), len(head)
    skip = position.line
    line = 0
    batch: list[bytes] = []
    try:
        for raw in _raw_lines(_gunzip(handle)):
            if raw is None:
                continue
            line += 1
            if line <= skip:
                continue
            batch.append(raw)
            if len(batch) >= size:
                yield _decode(batch), Position(compressed, line, mark, covered)
                batch = []
    except (OSError, EOFError, zlib.error) as exc:
        if batch:
            yield _decode(batch), Position(compressed, line, mark, covered)
        raise FeedUnavailable(
            f"{source}: compressed file is truncated or corrupt after line {line} ({exc}); "
            "will retry from there"
        ) from None
    yield (_decode(batch) if batch else []), Position(compressed, max(line, skip), mark, covered, True)
