"""Newly-registered-domain lists: a directory of daily files, or one file at an HTTP(S) URL.

Files are plain or gzip, one name per line or CSV rows (the first field that is a name counts).
The cursor keeps, per file, where reading stopped (:class:`clonewatch.watch.lines.Position`), so
each line is ingested once, a growing file is continued and a truncated gzip file is retried from
the last whole line. A URL is fetched whole on each poll (``If-None-Match`` when the server gave
an ETag) and read the same way from the position saved for it.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clonewatch.errors import FeedUnavailable
from clonewatch.watch.checks import Checker, http_url, seconds, text
from clonewatch.watch.feeds import Batch, Feed, FeedContext, FeedKind, checked, checked_path
from clonewatch.watch.http import HttpClient
from clonewatch.watch.lines import Position, read_batches

log = logging.getLogger(__name__)
SETTLE = 2.0


def nrd_source(value: Any, checker: Checker) -> str:
    """An http(s) URL, or a directory (relative to the config file)."""
    given = text(value)
    if given.startswith(("http://", "https://")):
        return http_url(given)
    if "://" in given:
        raise ValueError("not a path or an http(s) URL")
    if given == "-":
        raise ValueError("standard input (-) is a file feed (--feed -)")
    path = checker.path(given)
    if not path.is_dir():
        raise ValueError(f"{path} is not a directory")
    return str(path)


@dataclass(frozen=True, slots=True)
class NrdOptions:
    """``[[feeds.nrd]]``: a directory of daily files or one list's URL; ``settle``: seconds a file
    must be unchanged before a last line without its newline counts."""

    source: str = field(metadata=checked_path(nrd_source))
    settle: float = field(default=SETTLE, metadata=checked(seconds))


def _files(cursor: Any) -> dict[str, Any]:
    if isinstance(cursor, dict) and isinstance(cursor.get("files"), dict):
        return dict(cursor["files"])
    return {}


class NrdDirectoryFeed:
    """Every regular, non-hidden file in a directory, in name order (daily files sort by date).

    A plain file's last line without a newline is read once the file has not changed for
    ``settle`` seconds (it may still be being written before that).
    """

    kind = "nrd"

    def __init__(self, directory: str | Path, *, settle: float = SETTLE) -> None:
        self.directory = Path(directory).expanduser().resolve()
        self.settle = settle

    @property
    def name(self) -> str:
        return f"nrd:{self.directory}"

    def batches(self, cursor: Any, size: int) -> Iterator[Batch]:
        files = _files(cursor)
        try:
            entries = sorted(p for p in self.directory.iterdir() if not p.name.startswith("."))
        except OSError as exc:
            raise FeedUnavailable(f"{self.directory}: cannot list the directory ({exc.strerror})") from None
        for path in entries:
            try:
                if not path.is_file():
                    continue
                handle = path.open("rb")
            except OSError as exc:
                log.warning("%s: cannot read (%s); will retry", path, exc.strerror)
                continue
            with handle:
                final = time.time() - path.stat().st_mtime >= self.settle
                saved = Position.from_json(files.get(path.name))
                for lines, position in read_batches(handle, str(path), saved, size, final=final):
                    if position == saved:
                        continue
                    files[path.name] = position.to_json()
                    saved = position
                    yield Batch.of_lines(lines, {"files": dict(files)}, str(path), position.line)


class NrdUrlFeed:
    """One list at an HTTP(S) URL, fetched whole each poll (bounded by the client's size cap)."""

    kind = "nrd"

    def __init__(self, url: str, client: HttpClient) -> None:
        self.url = url
        self.client = client

    @property
    def name(self) -> str:
        return f"nrd:{self.url}"

    def batches(self, cursor: Any, size: int) -> Iterator[Batch]:
        state = cursor if isinstance(cursor, dict) else {}
        etag = state.get("etag")
        response = self.client.get(self.url, {"If-None-Match": etag} if etag else None)
        if response.status == 304:
            return
        if response.status != 200:
            raise FeedUnavailable(f"{self.url}: HTTP {response.status}")
        saved = Position.from_json(state.get("position"))
        new_etag = response.headers.get("etag")
        for lines, position in read_batches(io.BytesIO(response.body), self.url, saved, size, final=True):
            saved = position
            cursor = {"position": position.to_json(), "etag": None}
            yield Batch.of_lines(lines, cursor, self.url, position.line)
        if new_etag != etag:  # read to the end: remember the version, so an unchanged list is not fetched
            yield Batch([], {"position": saved.to_json(), "etag": new_etag}, self.url)


def _build(options: NrdOptions, context: FeedContext) -> Feed:
    if options.source.startswith(("http://", "https://")):
        return NrdUrlFeed(options.source, context.client)
    return NrdDirectoryFeed(options.source, settle=options.settle)


NRD = FeedKind(
    "nrd",
    NrdOptions,
    _build,
    flag="--nrd",
    help="Newly-registered-domain lists: a directory of daily files or an http(s) URL.",
)
