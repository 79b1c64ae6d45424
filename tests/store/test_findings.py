from __future__ import annotations

from datetime import timedelta

from clonewatch.store import Store
from tests.store.conftest import T0, match


def _fill(store: Store) -> None:
    store.ingest_batch(
        "nrd", 1, [match("bildd.lol"), match("spiegel.ltd", "spiegel.de", "Der Spiegel")], seen_at=T0
    )
    store.ingest_batch("ct", 2, [match("blld.live", score=0.7)], seen_at=T0 + timedelta(days=5))
    store.add_probe("spiegel.ltd", {"title": "Der Spiegel"}, "clone", 0.95, at=T0 + timedelta(days=6))


def test_findings_filters(store: Store) -> None:
    _fill(store)
    assert [f.match.domain for f in store.findings()] == ["bildd.lol", "spiegel.ltd", "blld.live"]
    assert [f.match.domain for f in store.findings(since=T0 + timedelta(days=1))] == ["blld.live"]
    assert [f.match.domain for f in store.findings(verdict="clone")] == ["spiegel.ltd"]
    assert [f.match.domain for f in store.findings(brand="BILD")] == ["bildd.lol", "blld.live"]
    assert [f.match.domain for f in store.findings(brand="spiegel.de")] == ["spiegel.ltd"]
    (unprobed,) = store.findings(since=T0 + timedelta(days=1))
    assert unprobed.to_dict() == {
        "domain": "blld.live",
        "unicode": "blld.live",
        "brand": "Bild",
        "genuine": "bild.de",
        "score": 0.7,
        "reasons": ["suffix"],
        "first_seen": "2026-11-25T12:00:00+00:00",
        "feed": "ct",
        "verdict": None,
        "confidence": None,
        "probed_at": None,
    }
    # the finding holds its best match and flattens it first, in the match record's own order
    assert list(unprobed.to_dict())[:6] == list(unprobed.match.to_dict())


def test_history_is_oldest_first(store: Store) -> None:
    _fill(store)
    kinds = [(e.at - T0, e.kind) for e in store.history("spiegel.ltd")]
    assert kinds == [
        (timedelta(0), "first_seen"),
        (timedelta(0), "match"),
        (timedelta(days=6), "probe"),
        (timedelta(days=6), "verdict"),
    ]
    assert store.history("unknown.lol") == []
