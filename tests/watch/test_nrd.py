from __future__ import annotations

import gzip
import os
import time
from pathlib import Path
from typing import Any

import pytest

from clonewatch.errors import FeedUnavailable
from clonewatch.testing.receivers import FileServer
from clonewatch.watch.feeds import Batch, FeedContext
from clonewatch.watch.nrd import NrdDirectoryFeed, NrdUrlFeed


def _read(feed: Any, cursor: Any, size: int = 3) -> tuple[list[str], Any, list[Batch]]:
    batches = list(feed.batches(cursor, size))
    return [n for b in batches for n in b.names], (batches[-1].cursor if batches else cursor), batches


def _age(path: Path, seconds: float = 10.0) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_daily_files_are_read_once_and_a_growing_file_is_continued(tmp_path: Path) -> None:
    (tmp_path / "2026-11-24.txt").write_text("spiegel.ltd\nexample.com\nbild-news.live,2026-11-24\n")
    with gzip.open(tmp_path / "2026-11-25.txt.gz", "wt") as handle:
        handle.write("bildd.lol\nfoo.com\n")
    (tmp_path / ".hidden").write_text("ignored.com\n")
    feed = NrdDirectoryFeed(tmp_path, settle=60)
    names, cursor, _batches = _read(feed, None, size=2)
    assert names == ["spiegel.ltd", "example.com", "bild-news.live,2026-11-24", "bildd.lol", "foo.com"]
    assert cursor["files"]["2026-11-25.txt.gz"]["done"]
    assert _read(feed, cursor)[2] == []
    with (tmp_path / "2026-11-24.txt").open("a") as handle:
        handle.write("walla.com.co\npartial")
    names, cursor, _ = _read(feed, cursor)
    assert names == ["walla.com.co"]  # the unended line waits until the file settles
    _age(tmp_path / "2026-11-24.txt", 120)
    names, cursor, _ = _read(feed, cursor)
    assert names == ["partial"]
    assert _read(feed, cursor)[2] == []


def test_a_truncated_gzip_file_is_retried_from_its_last_whole_line(tmp_path: Path) -> None:
    lines = [f"name{i}.example.com" for i in range(5000)]
    whole = gzip.compress("\n".join(lines).encode() + b"\n")
    path = tmp_path / "today.txt.gz"
    path.write_bytes(whole[: len(whole) // 2])
    feed = NrdDirectoryFeed(tmp_path)
    batches: list[Batch] = []
    with pytest.raises(FeedUnavailable, match="truncated"):
        for batch in feed.batches(None, 1000):
            batches.append(batch)
    got = [n for b in batches for n in b.names]
    assert got and got == lines[: len(got)]
    path.write_bytes(whole)
    rest, _cursor, _ = _read(feed, batches[-1].cursor, size=1000)
    assert got + rest == lines


def test_a_replaced_file_is_read_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("one.example.com\ntwo.example.com\n")
    feed = NrdDirectoryFeed(tmp_path)
    _, cursor, _ = _read(feed, None)
    path.write_text("new.example.com\n")
    assert _read(feed, cursor)[0] == ["new.example.com"]


def test_a_missing_directory_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(FeedUnavailable, match="cannot list"):
        _read(NrdDirectoryFeed(tmp_path / "nope"), None)


def test_a_list_over_http_is_fetched_again_only_when_it_changed(tmp_path: Path, context: FeedContext) -> None:
    (tmp_path / "nrd.txt.gz").write_bytes(gzip.compress(b"spiegel.ltd\nexample.org\n"))
    with FileServer(tmp_path) as server:
        feed = NrdUrlFeed(server.url("nrd.txt.gz"), context.client)
        names, cursor, _ = _read(feed, None)
        assert names == ["spiegel.ltd", "example.org"]
        assert _read(feed, cursor)[2] == [] and server.sent == ["nrd.txt.gz"]  # 304 the second time
        (tmp_path / "nrd.txt.gz").write_bytes(gzip.compress(b"spiegel.ltd\nexample.org\nbildd.lol\n"))
        names, cursor, _ = _read(feed, cursor)
        assert names == ["bildd.lol"]
        with pytest.raises(FeedUnavailable, match="HTTP 404"):
            _read(NrdUrlFeed(server.url("missing.txt"), context.client), None)


def test_batches_say_which_lines_they_hold(tmp_path: Path, context: FeedContext) -> None:
    """Line numbers count from 1 per file, across batches, polls and compression."""
    (tmp_path / "a.txt").write_text("l1.example.com\nl2.example.com\nl3.example.com\n")
    with gzip.open(tmp_path / "b.txt.gz", "wt") as handle:
        handle.write("g1.example.com\ng2.example.com\n")
    feed = NrdDirectoryFeed(tmp_path, settle=0)
    _, cursor, batches = _read(feed, None, size=2)
    where = [(b.lines.at(0), len(b.names)) for b in batches if b.lines and b.names]
    a, b = tmp_path / "a.txt", tmp_path / "b.txt.gz"
    assert where == [(f"{a}:1", 2), (f"{a}:3", 1), (f"{b}:1", 2)]
    with (tmp_path / "a.txt").open("a") as handle:
        handle.write("l4.example.com\n")
    _, _, batches = _read(feed, cursor, size=2)
    assert [(x.lines.at(0), x.names) for x in batches if x.lines] == [(f"{a}:4", ["l4.example.com"])]
    with FileServer(tmp_path) as server:
        url = server.url("a.txt")
        _, _, batches = _read(NrdUrlFeed(url, context.client), None, size=3)
    assert batches[0].lines is not None and batches[0].lines.at(2) == f"{url}:3"
