from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from clonewatch.store import IngestResult, Store
from clonewatch.store.models import AlertRow, BrandRow, DomainRow, FeedRow, MatchRow
from tests.store.conftest import T0, count, match

TABLES = (BrandRow, FeedRow, DomainRow, MatchRow, AlertRow)


def _counts(store: Store) -> dict[str, int]:
    return {model.__tablename__: count(store, model) for model in TABLES}


def test_reingesting_a_batch_adds_no_rows(store: Store) -> None:
    batch = [match("bildd.lol"), match("spiegel.ltd", "spiegel.de", "Der Spiegel"), match("bildd.lol")]
    first = store.ingest_batch("nrd", {"file": "a.txt", "line": 3}, batch, seen_at=T0, alert_targets=["log"])
    before = _counts(store)
    again = store.ingest_batch("nrd", {"file": "a.txt", "line": 3}, batch, seen_at=T0, alert_targets=["log"])
    assert first.new_domains == ("bildd.lol", "spiegel.ltd") and first.new_matches == 2
    assert again.new_domains == () and again.new_matches == 0
    assert _counts(store) == before == {"brands": 2, "feeds": 1, "domains": 2, "matches": 2, "alerts": 2}
    assert store.cursor("nrd") == {"file": "a.txt", "line": 3}


def test_rows_and_cursor_are_committed_together(store: Store) -> None:
    store.ingest_batch("nrd", {"line": 1}, [match("bildd.lol")], seen_at=T0, alert_targets=["log"])

    def crash(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("UPDATE feeds"):
            raise RuntimeError("killed after the rows were written")

    event.listen(store.engine, "before_cursor_execute", crash)
    with pytest.raises(RuntimeError, match="killed"):
        store.ingest_batch("nrd", {"line": 2}, [match("blld.live"), match("bild.cfd")], alert_targets=["log"])
    event.remove(store.engine, "before_cursor_execute", crash)

    assert store.cursor("nrd") == {"line": 1}
    assert [f.match.domain for f in store.findings()] == ["bildd.lol"]
    assert count(store, AlertRow) == 1
    replay = store.ingest_batch(
        "nrd", {"line": 2}, [match("blld.live"), match("bild.cfd")], alert_targets=["log"]
    )
    assert replay.new_domains == ("blld.live", "bild.cfd")
    assert store.cursor("nrd") == {"line": 2}


def test_first_sighting_is_kept_and_later_matches_added(store: Store) -> None:
    store.ingest_batch("nrd", {"line": 1}, [match("bild-spiegel.top")], seen_at=T0)
    later = T0 + timedelta(days=1)
    other = match("bild-spiegel.top", "spiegel.de", "Der Spiegel", 0.95)
    result = store.ingest_batch("ct:argon", 1234, [other], seen_at=later, kind="ct")
    assert result.new_domains == () and result.new_matches == 1
    (finding,) = store.findings()
    assert (finding.first_seen, finding.feed) == (T0, "nrd")
    best = finding.match  # the best match represents the domain
    assert (best.brand, best.score) == ("Der Spiegel", 0.95)
    assert [e.details["feed"] for e in store.history("bild-spiegel.top") if e.kind == "match"] == [
        "nrd",
        "ct:argon",
    ]
    assert store.cursor("ct:argon") == 1234


def test_a_large_batch_goes_in_whole(store: Store) -> None:
    batch = [match(f"bild{i}.lol") for i in range(3000)]
    result = store.ingest_batch("nrd", {"line": 3000}, batch, seen_at=T0)
    assert len(result.new_domains) == 3000 and result.new_matches == 3000
    again = store.ingest_batch("nrd", {"line": 3000}, [*batch[:10], match("new.lol")], seen_at=T0)
    assert again.new_domains == ("new.lol",)
    assert count(store, DomainRow) == 3001


def test_empty_batch_still_moves_the_cursor(store: Store) -> None:
    assert store.cursor("nrd") is None
    store.ingest_batch("nrd", {"line": 10_000}, [])
    assert store.cursor("nrd") == {"line": 10_000}


def test_concurrent_writers_with_overlapping_batches(store: Store) -> None:
    names = [f"bild{i}.lol" for i in range(200)]

    def writer(offset: int) -> IngestResult:
        batch = [match(name) for name in names[offset : offset + 120]]
        return store.ingest_batch(f"feed{offset}", offset, batch, alert_targets=["log"])

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(writer, [0, 40, 80, 60]))
    assert sorted(name for result in results for name in result.new_domains) == sorted(names)
    assert (count(store, DomainRow), count(store, MatchRow), count(store, AlertRow)) == (200, 200, 200)
