"""The built brand index is kept on disk between runs, and a bad cache never changes a result."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import CLONEWATCH

NAMES = "spiegel.ltd\nwashingtonpost.pm\nbildd.lol\nexample.org\nfox-news.top\n"


def match(feed: Path, cache: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLONEWATCH_CACHE_DIR": str(cache)}
    return subprocess.run(
        [str(CLONEWATCH), "match", str(feed), "--format", "jsonl", *extra],
        capture_output=True, text=True, env=env, check=False, timeout=120,
    )  # fmt: skip


def test_a_second_run_loads_the_index_the_first_built(tmp_path: Path) -> None:
    feed, cache = tmp_path / "feed.txt", tmp_path / "cache"
    feed.write_text(NAMES, encoding="utf-8")
    first = match(feed, cache)
    assert first.returncode == 0, first.stderr
    (built,) = cache.glob("index-*.pickle")
    inode = built.stat().st_ino
    second = match(feed, cache)
    assert second.returncode == 0 and second.stdout == first.stdout
    assert built.stat().st_ino == inode  # read, not written again
    assert {"spiegel.ltd", "washingtonpost.pm", "bildd.lol"} <= {
        line.split('"domain": "')[1].split('"')[0] for line in first.stdout.splitlines()
    }


def test_a_few_brands_are_built_each_time_and_not_stored(tmp_path: Path) -> None:
    feed, cache, brands = tmp_path / "feed.txt", tmp_path / "cache", tmp_path / "brands.txt"
    feed.write_text(NAMES, encoding="utf-8")
    brands.write_text("spiegel.de\n", encoding="utf-8")
    mine = match(feed, cache, "--brands", str(brands))
    assert mine.returncode == 0 and mine.stdout.count("\n") == 1 and "spiegel.ltd" in mine.stdout
    assert not list(cache.glob("index-*"))


def test_a_spoiled_or_unwritable_cache_costs_only_the_build(tmp_path: Path) -> None:
    feed, cache = tmp_path / "feed.txt", tmp_path / "cache"
    feed.write_text(NAMES, encoding="utf-8")
    good = match(feed, cache)
    (built,) = cache.glob("index-*.pickle")
    built.write_bytes(b"not a pickle at all")
    spoiled = match(feed, cache)
    assert spoiled.returncode == 0 and spoiled.stdout == good.stdout
    assert built.stat().st_size > 1_000_000  # built again and stored over the spoiled file
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    unwritable = match(feed, blocked / "cache")
    assert unwritable.returncode == 0 and unwritable.stdout == good.stdout
    assert not list(tmp_path.glob(".index-*")) and not list(cache.glob(".index-*"))
