"""The index cache keeps the builds in use and drops the oldest."""

from __future__ import annotations

import os
from pathlib import Path

from clonewatch.brands import bundled_watchlist
from clonewatch.match.cache import KEEP, cached_index


def test_the_builds_in_use_are_kept_and_the_oldest_dropped(tmp_path: Path) -> None:
    old = []
    for number in range(KEEP + 2):
        stale = tmp_path / f"index-stale{number:02d}.pickle"
        stale.write_bytes(b"")
        os.utime(stale, (1_000_000 + number, 1_000_000 + number))
        old.append(stale)
    brands = list(bundled_watchlist())
    built = cached_index(brands, cache_dir=tmp_path)
    (mine,) = set(tmp_path.glob("index-*.pickle")) - set(old)
    kept = set(tmp_path.glob("index-*.pickle"))
    assert len(kept) == KEEP and mine in kept and old[-1] in kept and old[0] not in kept
    os.utime(mine, (1_000, 1_000))  # as if last used long ago
    again = cached_index(brands, cache_dir=tmp_path)
    assert mine.stat().st_mtime > 1_000_000 + KEEP  # loading marks it as used
    assert again.lookup("spiegel") == built.lookup("spiegel") and len(again.targets) == len(built.targets)
