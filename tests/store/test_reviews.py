"""Review decisions, the queue of findings, and dashboard accounts, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clonewatch.errors import UnknownDomain
from clonewatch.match import Match
from clonewatch.store import (
    BadDecision,
    CampaignMember,
    CampaignRecord,
    QueueFilter,
    Store,
    UnknownUser,
    UserExists,
)
from tests.store.conftest import T0, match


def test_decisions_are_kept_with_who_and_when_and_the_latest_stands(store: Store) -> None:
    store.ingest_batch("nrd", 1, [match("bildd.lol"), match("blld.live")], seen_at=T0)
    store.record_decision("bildd.lol", "defensive", who="ana", at=T0 + timedelta(hours=1))
    store.record_decision(
        "bildd.lol", "clone", who="bo", comment="  same template  ", at=T0 + timedelta(hours=2)
    )
    store.record_decision("bildd.lol", "reprobe", who="ana", at=T0 + timedelta(hours=3))
    decisions = store.decisions("bildd.lol")
    assert [(d.decision, d.who, d.comment, d.at) for d in decisions] == [
        ("defensive", "ana", None, T0 + timedelta(hours=1)),
        ("clone", "bo", "same template", T0 + timedelta(hours=2)),
        ("reprobe", "ana", None, T0 + timedelta(hours=3)),
    ]
    standing = store.standing_decisions()
    assert list(standing) == ["bildd.lol"]  # a re-probe request does not replace the decision
    assert (standing["bildd.lol"].decision, standing["bildd.lol"].who) == ("clone", "bo")
    assert list(store.standing_decisions(["clone"])) == ["bildd.lol"]
    assert store.standing_decisions(["false-alarm"]) == {}
    assert store.decisions("blld.live") == [] and store.decisions("never.seen") == []


def test_a_decision_on_an_unknown_domain_or_of_an_unknown_kind_is_refused(store: Store) -> None:
    store.ingest_batch("nrd", 1, [match("bildd.lol")], seen_at=T0)
    with pytest.raises(UnknownDomain):
        store.record_decision("never.seen", "clone", who="ana")
    with pytest.raises(BadDecision, match="use one of clone, false-alarm, defensive, reprobe"):
        store.record_decision("bildd.lol", "maybe", who="ana")
    assert store.decisions("bildd.lol") == []


def test_a_false_alarm_drops_pending_alerts_and_is_not_raised_again(store: Store) -> None:
    store.ingest_batch("nrd", 1, [match("bildd.lol"), match("blld.live")], seen_at=T0, alert_targets=["hook"])
    store.record_decision("bildd.lol", "false-alarm", who="ana", at=T0)
    assert [a.domain for a in store.pending_alerts()] == ["blld.live"]
    for name in ("bildd.lol", "blld.live"):
        store.add_probe(name, {}, "clone", 0.9, at=T0 + timedelta(hours=1), alert_targets=["hook"])
    assert [(a.domain, a.event) for a in store.pending_alerts()] == [
        ("blld.live", "flagged"),
        ("blld.live", "verdict:clone"),
    ]
    assert store.queue_alerts("bildd.lol", "campaign:c1", ["hook"]) == 0
    (dropped,) = [e for e in store.history("bildd.lol") if e.kind == "alert"]
    assert dropped.details["status"] == "dropped"
    # a later decision that the domain is a clone after all lets its alerts through again
    store.record_decision("bildd.lol", "clone", who="bo", at=T0 + timedelta(hours=2))
    assert store.queue_alerts("bildd.lol", "campaign:c1", ["hook"]) == 1


def test_a_reprobe_request_makes_the_domain_due_until_it_is_probed(store: Store) -> None:
    store.ingest_batch("nrd", 1, [match("fresh.lol"), match("new.lol")], seen_at=T0)
    store.add_probe("fresh.lol", {}, "clone", 0.9, at=T0)
    now = T0 + timedelta(hours=1)
    assert store.due_for_probe(now) == ["new.lol"]
    store.record_decision("fresh.lol", "reprobe", who="ana", at=now)
    assert store.due_for_probe(now) == ["new.lol", "fresh.lol"]
    (item,) = store.queue(QueueFilter(review="reprobe")).items
    assert (item.finding.match.domain, item.reprobe_at) == ("fresh.lol", now)
    store.add_probe("fresh.lol", {}, "clone", 0.9, at=now + timedelta(minutes=1))
    assert store.due_for_probe(now + timedelta(minutes=2)) == ["new.lol"]
    assert store.queue(QueueFilter(review="reprobe")).items == []


def test_the_queue_searches_the_unicode_form_and_an_unknown_feed_holds_nothing(store: Store) -> None:
    idn = Match("xn--bld-jhd.lol", "bіld.lol", "Bild", "bild.de", 0.9, ("homoglyph",))  # Cyrillic і
    store.ingest_batch("nrd", 1, [idn, match("bild-news.lol")], seen_at=T0)

    def names(**filters: object) -> list[str]:
        return [i.finding.match.domain for i in store.queue(QueueFilter(**filters)).items]  # type: ignore[arg-type]

    assert names(search="BІLD") == ["xn--bld-jhd.lol"]  # the Unicode form, any case
    assert names(search="jhd") == ["xn--bld-jhd.lol"]  # the ASCII form
    assert names(search="bild-") == ["bild-news.lol"]
    assert sorted(names(search="ld", feed="nrd")) == ["bild-news.lol", "xn--bld-jhd.lol"]
    nowhere = store.queue(QueueFilter(feed="no-such-feed"))
    assert (nowhere.items, nowhere.total, nowhere.by_brand) == ([], 0, {})


def _queue_world(store: Store) -> None:
    store.ingest_batch("nrd", 1, [match("bildd.lol"), match("blld.live")], seen_at=T0)
    spiegel = [match("spiegel.ltd", "spiegel.de", "Der Spiegel"), match("bild-spiegel.top", score=0.5)]
    store.ingest_batch("ct:argon", 2, spiegel, seen_at=T0 + timedelta(days=1), kind="ct")
    store.ingest_batch(
        "ct:argon", 3, [match("bild-spiegel.top", "spiegel.de", "Der Spiegel", 0.95)], kind="ct"
    )
    store.add_probe("bildd.lol", {}, "clone", 0.9, at=T0)
    store.add_probe("spiegel.ltd", {}, "clone", 0.9, at=T0)
    store.add_probe("blld.live", {}, "parked", 0.9, at=T0)
    store.record_decision("spiegel.ltd", "clone", who="ana")
    store.record_decision("blld.live", "false-alarm", who="ana")
    member = CampaignMember("bildd.lol", "clone", "Bild", "seed")
    store.save_campaigns([CampaignRecord("c-1", 0.8, ("Bild",), (member,))], at=T0)


def test_the_queue_is_newest_first_filtered_and_counted(store: Store) -> None:
    _queue_world(store)
    everything = store.queue()
    assert [i.finding.match.domain for i in everything.items] == [
        "spiegel.ltd",
        "bild-spiegel.top",
        "blld.live",
        "bildd.lol",
    ]
    assert everything.total == 4
    assert everything.by_verdict == {"clone": 2, "parked": 1, None: 1}
    assert everything.by_brand == {"Bild": 3, "Der Spiegel": 2}  # bild-spiegel.top counts for both
    top = everything.items[1]
    assert (top.finding.match.brand, top.finding.match.score) == ("Der Spiegel", 0.95)
    assert everything.items[3].campaign == "c-1"

    def names(**filters: object) -> list[str]:
        return [i.finding.match.domain for i in store.queue(QueueFilter(**filters)).items]  # type: ignore[arg-type]

    assert names(brand="bild", verdict="clone") == ["bildd.lol"]
    assert names(brand="SPIEGEL.DE") == ["spiegel.ltd", "bild-spiegel.top"]
    assert names(feed="nrd") == ["blld.live", "bildd.lol"]
    assert names(since=T0 + timedelta(hours=1)) == ["spiegel.ltd", "bild-spiegel.top"]
    assert names(until=T0 + timedelta(hours=1)) == ["blld.live", "bildd.lol"]
    assert names(campaign="c-1") == ["bildd.lol"]
    assert names(review="unreviewed") == ["bild-spiegel.top", "bildd.lol"]
    assert names(review="false-alarm") == ["blld.live"]
    assert names(search="SPIEGEL") == ["spiegel.ltd", "bild-spiegel.top"]
    assert names(search="%") == [] and names(search="_") == []
    clones = store.queue(QueueFilter(verdict="clone"))
    assert (clones.total, clones.by_brand) == (2, {"Bild": 1, "Der Spiegel": 1})
    second = store.queue(offset=1, limit=2)
    assert [i.finding.match.domain for i in second.items] == ["bild-spiegel.top", "blld.live"]
    assert (second.total, second.offset, second.limit) == (4, 1, 2)
    facets = store.facets()
    assert facets == {
        "brands": ["Bild", "Der Spiegel"],
        "verdicts": ["clone", "parked"],
        "feeds": ["ct:argon", "nrd"],
        "campaigns": ["c-1"],
    }


def test_users_and_tokens(store: Store) -> None:
    ana = store.add_user("ana", "analyst", "$argon2id$hash", at=T0)
    assert ana.can("viewer") and ana.can("analyst") and not ana.can("admin")
    with pytest.raises(UserExists):
        store.add_user("ana", "viewer", "x")
    with pytest.raises(BadDecision, match="unknown role 'root'"):
        store.add_user("bo", "root", "x")
    with pytest.raises(BadDecision, match="bad user name"):
        store.add_user(" bo", "viewer", "x")
    store.add_token("ana", "a" * 64)
    with pytest.raises(UnknownUser):
        store.add_token("nobody", "b" * 64)
    found = store.user_by_token("a" * 64)
    assert found is not None and (found.name, found.role, found.created_at) == ("ana", "analyst", T0)
    assert store.user_by_token("c" * 64) is None
    store.update_user("ana", role="admin", password_hash="$argon2id$new")
    assert store.user("ana") == found.__class__("ana", "admin", "$argon2id$new", T0)
    assert [u.name for u in store.users()] == ["ana"]
    assert store.user("nobody") is None
