"""Campaigns in the store: saved, continued by later runs under the same id, members that leave
marked, domains joining from the watch loop with one alert, and the latest evidence read back."""

from __future__ import annotations

from datetime import timedelta

from clonewatch.store import (
    CampaignEdge,
    CampaignJoin,
    CampaignMember,
    CampaignRecord,
    CampaignValue,
    Store,
)
from tests.store.conftest import T0, match


def campaign(
    cid: str, *domains: str, confidence: float = 0.7, brands: tuple[str, ...] = ("Bild",)
) -> CampaignRecord:
    members = tuple(
        CampaignMember(
            d, "clone" if i == 0 else "redirector", "Bild" if i == 0 else None, f"ns:ns1.x with {d}"
        )
        for i, d in enumerate(domains)
    )
    return CampaignRecord(
        id=cid,
        confidence=confidence,
        brands=brands,
        members=members,
        pivots=(CampaignValue("ns", "ns1.red-dns.net", 0.5, len(domains)),),
        edges=(CampaignEdge(domains[0], domains[1], 1.25, ("ns:ns1.red-dns.net", "host:tds.top")),),
        first_seen=T0 - timedelta(days=3),
        last_seen=T0,
        registered=(T0 - timedelta(days=3), T0 - timedelta(days=2)),
    )


def active(record: CampaignRecord | None) -> list[str]:
    assert record is not None
    return sorted(m.domain for m in record.active)


def test_a_saved_campaign_reads_back_whole(store: Store) -> None:
    saved = store.save_campaigns([campaign("C1", "bildd.lol", "x1.click", "x2.click")], at=T0)
    assert saved.ids == {"C1": "C1"} and saved.created == ("C1",) and saved.joined == 3
    (stored,) = store.campaigns()
    assert stored.id == "C1" and stored.confidence == 0.7 and stored.brands == ("Bild",)
    assert stored.created_at == stored.updated_at == T0
    assert stored.first_seen == T0 - timedelta(days=3) and stored.registered[1] == T0 - timedelta(days=2)
    assert stored.pivots == (CampaignValue("ns", "ns1.red-dns.net", 0.5, 3),)
    assert stored.edges[0].via == ("ns:ns1.red-dns.net", "host:tds.top") and stored.edges[0].weight == 1.25
    clone = stored.members[0]
    assert (clone.domain, clone.role, clone.brand, clone.joined_at, clone.left_at) == (
        "bildd.lol", "clone", "Bild", T0, None,
    )  # fmt: skip
    assert stored.summary()["roles"] == {"clone": 1, "redirector": 2}
    assert store.campaign("C1") == stored and store.campaign("C404") is None


def test_the_same_run_again_changes_nothing(store: Store) -> None:
    found = [campaign("C1", "bildd.lol", "x1.click"), campaign("C2", "spiegel.ltd", "y1.click")]
    store.save_campaigns(found, at=T0)
    again = store.save_campaigns(found, at=T0 + timedelta(days=1))
    assert again.unchanged == ("C1", "C2") and not again.updated and not again.created
    assert [c.updated_at for c in store.campaigns()] == [T0, T0]


def test_a_changed_campaign_keeps_its_id_and_marks_the_member_that_left(store: Store) -> None:
    store.save_campaigns([campaign("C1", "bildd.lol", "x1.click", "x2.click")], at=T0)
    later = T0 + timedelta(days=1)
    # the cluster stage names it anew (its strongest values changed); most members are the same
    saved = store.save_campaigns(
        [campaign("C9", "bildd.lol", "x1.click", "x3.click", confidence=0.9, brands=("Bild", "Welt"))],
        at=later,
    )
    assert saved.ids == {"C9": "C1"} and saved.updated == ("C1",) and (saved.joined, saved.left) == (1, 1)
    (stored,) = store.campaigns()
    assert stored.id == "C1" and stored.confidence == 0.9 and stored.brands == ("Bild", "Welt")
    assert (stored.created_at, stored.updated_at) == (T0, later)
    assert active(stored) == ["bildd.lol", "x1.click", "x3.click"]
    gone = next(m for m in stored.members if m.domain == "x2.click")
    assert gone.left_at == later and gone.joined_at == T0
    assert stored.summary()["left"] == 1
    # it comes back
    store.save_campaigns(
        [campaign("C1", "bildd.lol", "x1.click", "x2.click", "x3.click")], at=later + timedelta(days=1)
    )
    assert active(store.campaign("C1")) == ["bildd.lol", "x1.click", "x2.click", "x3.click"]


def test_a_domain_is_active_in_one_campaign_and_untouched_campaigns_stay(store: Store) -> None:
    store.save_campaigns(
        [campaign("C1", "bildd.lol", "x1.click", "x2.click"), campaign("C2", "spiegel.ltd", "y1.click")],
        at=T0,
    )
    later = T0 + timedelta(hours=5)
    # a run over part of the evidence: C1's x2.click now sits with a new campaign; C2 is not found
    saved = store.save_campaigns([campaign("C3", "welt.lol", "x2.click", "z1.click")], at=later)
    assert saved.created == ("C3",) and saved.updated == ("C1",)
    assert active(store.campaign("C1")) == ["bildd.lol", "x1.click"]
    assert store.campaign("C1").updated_at == later  # type: ignore[union-attr]
    assert active(store.campaign("C2")) == ["spiegel.ltd", "y1.click"]
    assert active(store.campaign("C3")) == ["welt.lol", "x2.click", "z1.click"]
    assert store.campaign_of("x2.click") == "C3" and store.campaign_of("nothing.lol") is None


def test_a_run_that_splits_a_campaign_continues_it_once(store: Store) -> None:
    store.save_campaigns([campaign("C1", "a.lol", "b.lol", "c.lol", "d.lol", "e.lol")], at=T0)
    later = T0 + timedelta(days=1)
    saved = store.save_campaigns(
        [campaign("C7", "a.lol", "b.lol", "c.lol"), campaign("C8", "d.lol", "e.lol")], at=later
    )
    assert saved.ids == {"C7": "C1", "C8": "C8"} and saved.created == ("C8",)
    assert active(store.campaign("C1")) == ["a.lol", "b.lol", "c.lol"]
    assert active(store.campaign("C8")) == ["d.lol", "e.lol"]


def test_a_probed_domain_joins_a_campaign_with_one_alert(store: Store) -> None:
    store.ingest_batch("nrd", 1, [match("bild-neu.lol")], seen_at=T0)
    store.save_campaigns([campaign("C1", "bildd.lol", "x1.click")], at=T0)
    joining = CampaignJoin("C1", "clone", "Bild", "ns:ns1.red-dns.net (2 members)")
    at = T0 + timedelta(hours=1)
    store.add_probe(
        "bild-neu.lol", {"dns": {}}, "clone", 0.9, at=at, alert_targets=["hook"], campaign=joining
    )
    store.add_probe(
        "bild-neu.lol", {"dns": {}}, "clone", 0.9, at=at + timedelta(hours=1), alert_targets=["hook"],
        campaign=joining,
    )  # fmt: skip
    events = sorted(a.event for a in store.pending_alerts())
    assert events == ["campaign:C1", "verdict:clone"]
    stored = store.campaign("C1")
    assert stored is not None and stored.updated_at == at and stored.last_seen == at
    joined = next(m for m in stored.members if m.domain == "bild-neu.lol")
    assert (joined.role, joined.via, joined.joined_at) == ("clone", "ns:ns1.red-dns.net (2 members)", at)
    history = [e for e in store.history("bild-neu.lol") if e.kind == "campaign"]
    assert [(e.at, e.details["campaign"], e.details["change"]) for e in history] == [(at, "C1", "joined")]
    # a campaign that is not stored is not joined
    store.add_probe("bild-neu.lol", {}, "clone", 0.9, campaign=CampaignJoin("C404", "clone", None, None))
    assert store.campaign_of("bild-neu.lol") == "C1"


def test_history_shows_a_member_leaving(store: Store) -> None:
    store.ingest_batch("nrd", 1, [match("bildd.lol")], seen_at=T0)
    store.save_campaigns([campaign("C1", "bildd.lol", "x1.click")], at=T0)
    store.save_campaigns([campaign("C1", "x1.click", "x2.click")], at=T0 + timedelta(days=2))
    changes = [(e.details["change"], e.at) for e in store.history("bildd.lol") if e.kind == "campaign"]
    assert changes == [("joined", T0), ("left", T0 + timedelta(days=2))]


def test_latest_evidence_is_each_domains_last_probe(store: Store) -> None:
    store.ingest_batch("nrd", 1, [match("bildd.lol"), match("blld.live"), match("never.lol")], seen_at=T0)
    store.add_probe("bildd.lol", {"dns": {"a": ["10.0.0.1"]}}, "parked", 0.5, at=T0)
    store.add_probe("bildd.lol", {"dns": {"a": ["10.0.0.2"]}, "verdict": "clone"}, "clone", 0.9, at=T0)
    store.add_probe(
        "blld.live", {"domain": "blld.live", "probed_at": "2026-11-01T00:00:00+00:00"}, "parked", 0.6
    )
    records = sorted(store.latest_evidence(), key=lambda r: r["domain"])
    assert [r["domain"] for r in records] == ["bildd.lol", "blld.live"]
    assert records[0]["dns"] == {"a": ["10.0.0.2"]} and records[0]["verdict"] == "clone"
    assert records[0]["probed_at"] == T0.isoformat()
    assert records[1]["verdict"] == "parked" and records[1]["probed_at"] == "2026-11-01T00:00:00+00:00"


def test_weights_drifting_alone_are_written_but_no_change(store: Store) -> None:
    from dataclasses import replace

    first = campaign("C1", "bildd.lol", "x1.click")
    store.save_campaigns([first], at=T0)
    drifted = replace(first, pivots=(CampaignValue("ns", "ns1.red-dns.net", 0.47, 2),))
    saved = store.save_campaigns([drifted], at=T0 + timedelta(days=1))
    assert saved.unchanged == ("C1",)
    stored = store.campaign("C1")
    assert stored is not None and stored.updated_at == T0 and stored.pivots[0].weight == 0.47
