"""Read a list file (plain or gzip) from where the last batch stopped, in batches of whole lines.

The position of a plain file is its byte offset and line number: a file that grows is continued.
A gzip stream cannot be entered in the middle, so its position is the number of lines consumed and
the lines before it are decompressed and skipped. A line without its newline at the end of a
plain file is left for later unless the file is ``final`` (no longer being written); a truncated
gzip stream gives its whole lines and then :class:`FeedUnavailable`, keeping the position.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from clonewatch.errors import FeedUnavailable

CHUNK = 1 << 20
HEAD_BYTES = 512
GZIP_MAGIC = b"\x1f\x8b"

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Position:
    """Where reading a file stopped: byte offset (plain files), line count, and the fingerprint of
    the file's first bytes (so a file replaced under the same name is read from the start)."""

    offset: int = 0
    line: int = 0
    head: str = ""
    done: bool = False

    def to_json(self) -> dict[str, object]:
        return {"offset": self.offset, "line": self.line, "head": self.head, "done": self.done}

    @classmethod
    def from_json(cls, value: object) -> Position:
        if not isinstance(value, dict):
            return cls()
        return cls(
            int(value.get("offset", 0)),
            int(value.get("line", 0)),
            str(value.get("head", "")),
            bool(value.get("done", False)),
        )


def fingerprint(head: bytes, offset: int) -> str:
    """A short hash of the file's first ``min(offset, HEAD_BYTES)`` bytes (``head`` holds them)."""
    return hashlib.sha256(head[: min(offset, HEAD_BYTES)]).hexdigest()[:16]


def read_head(handle: BinaryIO) -> bytes:
    handle.seek(0)
    head = handle.read(HEAD_BYTES)
    handle.seek(0)
    return head


def start_position(head: bytes, size: int, saved: Position) -> Position:
    """``saved``, or the start when the file was replaced (shorter, or different first bytes)."""
    if saved == Position():
        return saved
    if size < saved.offset or fingerprint(head, saved.offset) != saved.head:
        return Position()
    return saved


def read_batches(
    handle: BinaryIO, source: str, position: Position, size: int, *, final: bool
) -> Iterator[tuple[list[str], Position]]:
    """Batches of at most ``size`` lines after ``position``, each with the position after it.

    ``handle`` must be seekable and positioned anywhere; gzip is recognised by its magic bytes.
    """
    head = read_head(handle)
    handle.seek(0, 2)
    restart = start_position(head, handle.tell(), position)
    if restart != position:
        log.warning(
            "%s: the file was replaced (shorter, or new first bytes); reading it from the start", source
        )
        position = restart
    if head[:2] == GZIP_MAGIC:
        yield from _gzip_batches(handle, head, source, position, size)
    else:
        yield from _plain_batches(handle, head, position, size, final=final)


def _decode(raw: list[bytes]) -> list[str]:
    return b"\n".join(raw).decode("utf-8", "replace").split("\n")


def _raw_lines(stream: BinaryIO) -> Iterator[bytes | None]:
    """Complete lines (without newline); a trailing partial line is yielded last, after None."""
    carry = b""
    while block := stream.read(CHUNK):
        data = carry + block
        lines = data.split(b"\n")
        carry = lines.pop()
        yield from lines
    yield None
    if carry:
        yield carry


def _plain_batches(
    handle: BinaryIO, head: bytes, position: Position, size: int, *, final: bool
) -> Iterator[tuple[list[str], Position]]:
    offset, line = position.offset, position.line
    handle.seek(offset)
    batch: list[bytes] = []
    used = 0
    complete = True
    for raw in _raw_lines(handle):
        if raw is None:
            complete = False
            continue
        if not complete and not final:
            break
        batch.append(raw)
        used += len(raw) + (1 if complete else 0)
        if len(batch) >= size:
            offset, line = offset + used, line + len(batch)
            yield _decode(batch), Position(offset, line, fingerprint(head, offset))
            batch, used = [], 0
    if batch:
        offset, line = offset + used, line + len(batch)
        yield _decode(batch), Position(offset, line, fingerprint(head, offset))


def _gzip_batches(
    handle: BinaryIO, head: bytes, source: str, position: Position, size: int
) -> Iterator[tuple[list[str], Position]]:
    """Positions of a gzip file keep its compressed size in ``offset`` (how much of it was seen)."""
    handle.seek(0, 2)
    compressed = handle.tell()
    if position.done and compressed == position.offset:
        return
    handle.seek(0)
    mark = fingerprint(head, compressed)
    stream = gzip.GzipFile(fileobj=handle, mode="rb")
    skip = position.line
    line = 0
    batch: list[bytes] = []
    try:
        for raw in _raw_lines(stream):  # type: ignore[arg-type]
            if raw is None:
                continue
            line += 1
            if line <= skip:
                continue
            batch.append(raw)
            if len(batch) >= size:
                yield _decode(batch), Position(compressed, line, mark)
                batch = []
    except (OSError, EOFError, zlib.error) as exc:
        if batch:
            yield _decode(batch), Position(compressed, line, mark)
        raise FeedUnavailable(
            f"{source}: compressed file is truncated or corrupt after line {line} ({exc}); "
            "will retry from there"
        ) from None
    yield (_decode(batch) if batch else []), Position(compressed, max(line, skip), mark, True)
