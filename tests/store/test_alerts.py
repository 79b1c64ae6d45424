from __future__ import annotations

from datetime import timedelta

from clonewatch.store import Store
from tests.store.conftest import T0, match


def test_flagged_alert_per_target_once(store: Store) -> None:
    targets = ["stdout", "https://hooks.example/x"]
    store.ingest_batch("nrd", 1, [match("bildd.lol")], seen_at=T0, alert_targets=targets)
    store.ingest_batch("ct", 7, [match("bildd.lol", "spiegel.de", "Der Spiegel")], alert_targets=targets)
    pending = store.pending_alerts()
    assert [(a.domain, a.event, a.target) for a in pending] == [
        ("bildd.lol", "flagged", t) for t in sorted(targets)
    ]
    assert store.queue_alerts("bildd.lol", "flagged", targets) == 0


def test_a_sent_alert_is_never_sent_again(store: Store) -> None:
    store.ingest_batch("nrd", 1, [match("bildd.lol")], seen_at=T0, alert_targets=["hook"])
    (alert,) = store.pending_alerts()
    assert store.record_alert(alert.id, sent=False, error="HTTP 503", at=T0)
    (retry,) = store.pending_alerts()
    assert (retry.status, retry.attempts, retry.last_error) == ("failed", 1, "HTTP 503")
    assert store.pending_alerts(max_attempts=1) == []
    assert store.record_alert(alert.id, sent=True, at=T0 + timedelta(minutes=1))
    assert not store.record_alert(alert.id, sent=True)
    assert store.pending_alerts() == []
    (event,) = [e for e in store.history("bildd.lol") if e.kind == "alert"]
    assert event.at == T0 + timedelta(minutes=1)
    assert event.details == {"event": "flagged", "target": "hook", "status": "sent", "attempts": 2}


def test_verdict_alert_once_even_when_the_verdict_returns(store: Store) -> None:
    store.ingest_batch("nrd", 1, [match("bildd.lol")], seen_at=T0)
    for hours, verdict in enumerate(["parked", "clone", "parked", "clone", "redirector"], start=1):
        store.add_probe("bildd.lol", {}, verdict, 0.9, at=T0 + timedelta(hours=hours), alert_targets=["hook"])
    events = [a.event for a in store.pending_alerts()]
    assert events == ["verdict:clone", "verdict:redirector"]
