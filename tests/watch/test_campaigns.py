"""The monitor puts a newly probed domain into the stored campaign its evidence fits, and says so
once: campaigns found by the cluster stage on hand-built evidence, stored; names from a feed file;
the probe seam answering with evidence records of the same shape as `clonewatch probe`'s."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from clonewatch.cluster import cluster_records
from clonewatch.match import Matcher
from clonewatch.store import ProbeSchedule, Store
from clonewatch.watch.alerts import FileSink
from clonewatch.watch.feeds import FeedContext
from clonewatch.watch.monitor import Monitor
from clonewatch.watch.nrd import NrdDirectoryFeed
from clonewatch.watch.probing import ProbeOutcome
from tests.cluster.world import operation, record

RED = {
    "ns": ("ns1.red-dns.net", "ns2.red-dns.net"),
    "registrar": "BigReg Inc",
    "created": "2026-11-02T08:00:00+00:00",
    "template": "red-tpl",
}
EVIDENCE = {
    # a new clone on the red operation's name servers, template and registration batch
    "bildd.lol": record("bildd.lol", "clone", brand="Bild", a=("10.7.7.7",), **RED),
    # a look-alike of its own: shares nothing with either operation
    "spiegel.ltd": record("spiegel.ltd", "clone", brand="Der Spiegel", a=("192.0.2.200",)),
}


def probe_evidence(probed: list[str]) -> Any:
    def probe(domains: Sequence[str]) -> Iterator[ProbeOutcome]:
        for domain in domains:
            probed.append(domain)
            evidence = EVIDENCE[domain]
            yield ProbeOutcome(domain, evidence, evidence["verdict"], 0.9)

    return probe


@pytest.fixture
def red_id(store: Store) -> str:
    from clonewatch.watch.campaigns import save_campaigns

    found = cluster_records(
        operation("red", "10.1.1", ["Spiegel", "Welt"], day="2026-11-02")
        + operation("blue", "10.2.2", ["Pravda", "Walla"], day="2026-11-03")
    )
    saved, _ = save_campaigns(store, found)
    return next(c.id for c in saved if "Welt" in c.brands)


def monitor_for(
    store: Store, matcher: Matcher, context: FeedContext, tmp_path: Path, **options: Any
) -> Monitor:
    feed = tmp_path / "nrd"
    feed.mkdir(exist_ok=True)
    (feed / "2026-11-24.txt").write_text("bildd.lol\nspiegel.ltd\n")
    sink = FileSink(tmp_path / "alerts.jsonl")
    return Monitor(
        store,
        [(NrdDirectoryFeed(feed), 60.0)],
        matcher,
        context,
        alert_targets=[sink.target],
        sinks={sink.target: sink},
        **options,
    )


def alerts(tmp_path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]


def test_a_probed_domain_that_fits_a_campaign_joins_it_with_one_alert(
    store: Store, red_id: str, news_matcher: Matcher, context: FeedContext, tmp_path: Path
) -> None:
    probed: list[str] = []
    every_time = ProbeSchedule({}, timedelta(0))  # every domain is due again on every pass
    monitor = monitor_for(
        store, news_matcher, context, tmp_path, probe=probe_evidence(probed), schedule=every_time
    )
    monitor.run_once()
    assert sorted(probed) == ["bildd.lol", "spiegel.ltd"] and monitor.stats.joined == 1
    assert store.campaign_of("bildd.lol") == red_id and store.campaign_of("spiegel.ltd") is None
    red = store.campaign(red_id)
    assert red is not None
    member = next(m for m in red.active if m.domain == "bildd.lol")
    assert (member.role, member.brand) == ("clone", "Bild") and " with " in (member.via or "")
    (joined,) = [a for a in alerts(tmp_path) if a["event"] == f"campaign:{red_id}"]
    assert joined["domain"] == "bildd.lol"
    assert joined["text"].startswith(
        f"clonewatch: new member of campaign {red_id}: bildd.lol imitates bild.de"
    )
    assert joined["campaign"]["id"] == red_id and joined["campaign"]["role"] == "clone"
    assert joined["campaign"]["via"] == member.via and "Welt" in joined["campaign"]["brands"]
    # probed again: a member already, nothing new is stored or sent
    monitor.run_once()
    assert len(probed) == 4 and monitor.stats.joined == 1
    assert [a["event"] for a in alerts(tmp_path)].count(f"campaign:{red_id}") == 1
    assert [e.kind for e in store.history("bildd.lol")].count("campaign") == 1


def test_a_restarted_monitor_does_not_send_the_campaign_alert_twice(
    store: Store, red_id: str, news_matcher: Matcher, context: FeedContext, tmp_path: Path
) -> None:
    monitor_for(store, news_matcher, context, tmp_path, probe=probe_evidence([])).run_once()
    again = monitor_for(store, news_matcher, context, tmp_path, probe=probe_evidence([]))
    again.run_once()
    assert again.stats.alerts_sent == 0
    assert [a["event"] for a in alerts(tmp_path)].count(f"campaign:{red_id}") == 1


def test_no_campaigns_stored_or_matching_turned_off_joins_nothing(
    store: Store, news_matcher: Matcher, context: FeedContext, tmp_path: Path
) -> None:
    monitor = monitor_for(store, news_matcher, context, tmp_path, probe=probe_evidence([]))
    monitor.run_once()
    assert monitor.stats.probed == 2 and monitor.stats.joined == 0


def test_matching_can_be_turned_off(
    store: Store, red_id: str, news_matcher: Matcher, context: FeedContext, tmp_path: Path
) -> None:
    monitor = monitor_for(store, news_matcher, context, tmp_path, probe=probe_evidence([]), campaigns=None)
    monitor.run_once()
    assert monitor.stats.joined == 0 and store.campaign_of("bildd.lol") is None


def test_a_campaign_comes_back_from_the_store_as_the_cluster_stage_made_it(store: Store) -> None:
    from clonewatch.watch.campaigns import from_record, save_campaigns

    found = cluster_records(operation("red", "10.1.1", ["Spiegel", "Welt"], day="2026-11-02"))
    (saved,), result = save_campaigns(store, found)
    assert result.created == (saved.id,)
    back = from_record(store.campaign(saved.id))  # type: ignore[arg-type]
    assert set(back.members) == set(saved.members)
    assert [(e.a, e.b, e.shared) for e in back.edges] == [(e.a, e.b, e.shared) for e in saved.edges]
    assert [(v.pivot, v.members) for v in back.pivots] == [(v.pivot, v.members) for v in saved.pivots]
    assert all(abs(a.weight - b.weight) < 1e-4 for a, b in zip(back.pivots, saved.pivots, strict=True))
    assert (back.brands, back.confidence, back.registered) == (
        saved.brands,
        saved.confidence,
        saved.registered,
    )
    assert back.last_seen == saved.last_seen and back.first_seen == saved.first_seen
