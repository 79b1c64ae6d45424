from __future__ import annotations

from datetime import timedelta

import pytest

from clonewatch.errors import UnknownDomain
from clonewatch.store import ProbeSchedule, Store
from clonewatch.store.models import ProbeRow, VerdictRow
from tests.store.conftest import T0, count, match


def test_verdict_rows_only_on_change_and_every_probe_kept(store: Store) -> None:
    store.ingest_batch("nrd", 1, [match("bildd.lol")], seen_at=T0)
    steps = [("parked", {"http": 1}), ("parked", {"http": 2}), ("clone", {"http": 3}), ("clone", {"http": 4})]
    changed = [
        store.add_probe("bildd.lol", evidence, verdict, 0.8, at=T0 + timedelta(hours=i))
        for i, (verdict, evidence) in enumerate(steps, start=1)
    ]
    assert changed == [True, False, True, False]
    assert (count(store, ProbeRow), count(store, VerdictRow)) == (4, 2)
    history = store.history("bildd.lol")
    assert [e.details["evidence"] for e in history if e.kind == "probe"] == [
        {"http": n} for n in (1, 2, 3, 4)
    ]
    verdicts = [(e.details["previous"], e.details["verdict"]) for e in history if e.kind == "verdict"]
    assert verdicts == [(None, "parked"), ("parked", "clone")]
    (finding,) = store.findings(verdict="clone")
    assert finding.probed_at == T0 + timedelta(hours=4)


def test_probing_an_unknown_domain_is_refused(store: Store) -> None:
    with pytest.raises(UnknownDomain, match=r"never-seen\.lol is not in the store"):
        store.add_probe("never-seen.lol", {}, "parked", 0.5)


def test_due_for_probe_follows_the_schedule_by_verdict(store: Store) -> None:
    names = ["new.lol", "parked-old.lol", "clone-old.lol", "parked-fresh.lol", "clone-stale.lol"]
    store.ingest_batch("nrd", 1, [match(name) for name in names], seen_at=T0)
    now = T0 + timedelta(days=10)
    store.add_probe("parked-old.lol", {}, "parked", 0.9, at=now - timedelta(days=2))
    store.add_probe("clone-old.lol", {}, "clone", 0.9, at=now - timedelta(days=2))
    store.add_probe("parked-fresh.lol", {}, "parked", 0.9, at=now - timedelta(hours=1))
    store.add_probe("clone-stale.lol", {}, "clone", 0.9, at=now - timedelta(days=8))
    assert store.due_for_probe(now) == ["new.lol", "clone-stale.lol", "parked-old.lol"]
    assert store.due_for_probe(now, limit=2) == ["new.lol", "clone-stale.lol"]
    hourly = ProbeSchedule(by_verdict={}, default=timedelta(minutes=30))
    assert len(store.due_for_probe(now, hourly)) == 5
