from __future__ import annotations

from pathlib import Path

from clonewatch.watch.stream import StreamFeed


def test_a_file_feed_keeps_its_position(tmp_path: Path) -> None:
    path = tmp_path / "names.txt"
    path.write_text("spiegel.ltd\nexample.com")
    feed = StreamFeed(str(path))
    batches = list(feed.batches(None, 10))
    assert [n for b in batches for n in b.names] == ["spiegel.ltd", "example.com"]
    assert feed.name == f"file:{path}"
    assert list(feed.batches(batches[-1].cursor, 10)) == []
