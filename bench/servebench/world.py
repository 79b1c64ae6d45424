"""A store of N findings for the serve benchmark: look-alikes of 40 brands from 6 feeds over 90 days,
most probed (verdicts in realistic shares), a tenth reviewed, 200 campaigns of 5 members.

Matches go in through ``Store.ingest_batch`` (as the watch loop writes them); probes, verdicts and
review decisions, which the loop and reviewers write one domain at a time, are written in bulk
straight into the same tables (one evidence document shared by all: the queue never reads it), so
that building 100,000 findings takes a minute, not an hour. On PostgreSQL the tables are then
vacuumed and analysed, as autovacuum does on its own within minutes of such writes (measured right
after a bulk load, PostgreSQL plans without statistics and its index-only scans visit the table:
the unfiltered queue page cost twice the CPU). SQLite is left as the store leaves it (clonewatch
never runs ANALYZE there). Seeded: the same store every run."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, insert, select, update

from clonewatch.match import Match
from clonewatch.store import CampaignMember, CampaignRecord, Store
from clonewatch.store.models import DomainRow, ProbeRow, ReviewRow, VerdictRow

BRANDS = [(f"Outlet {i:02d}", f"outlet{i:02d}.de") for i in range(40)]
FEEDS = ["nrd", "ct:argon", "ct:xenon", "ct:nimbus", "x-links", "manual"]
VERDICTS = [
    ("unregistered", 30),
    ("parked", 25),
    ("no-website", 15),
    ("live-unrelated", 10),
    ("defensive", 5),
    ("redirector", 5),
    ("clone", 5),
    (None, 5),
]
DECISIONS = ["clone", "false-alarm", "defensive"]
SUFFIXES = ["lol", "live", "top", "click", "shop", "online", "site", "pm", "ltd", "rest"]
START = datetime(2026, 9, 1, tzinfo=UTC)
BATCH = 2000


def build(url: str, size: int, seed: int = 7) -> Store:
    """Fill the (new) store at ``url`` with ``size`` findings."""
    rng = random.Random(seed)
    store = Store.open(url)
    names = [
        f"{BRANDS[i % len(BRANDS)][1].split('.')[0]}-{i:06d}.{SUFFIXES[i % len(SUFFIXES)]}"
        for i in range(size)
    ]
    rng.shuffle(names)
    for start in range(0, size, BATCH):
        chunk = names[start : start + BATCH]
        seen = START + timedelta(days=90 * start / size)
        feed = FEEDS[(start // BATCH) % len(FEEDS)]
        matches = []
        for name in chunk:
            brand, genuine = BRANDS[int(name.split("-")[1].split(".")[0]) % len(BRANDS)]
            matches.append(Match(name, name, brand, genuine, round(rng.uniform(0.5, 1.0), 3), ("suffix",)))
        store.ingest_batch(feed, {"line": start + len(chunk)}, matches, seen_at=seen)
    _probe_and_review(store, rng)
    _campaigns(store, names, rng)
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    return store


def _probe_and_review(store: Store, rng: random.Random) -> None:
    kinds = [v for v, _ in VERDICTS]
    weights = [w for _, w in VERDICTS]
    with store.engine.begin() as connection:
        rows = connection.execute(select(DomainRow.id, DomainRow.first_seen)).all()
        probes, verdicts, domains, reviews = [], [], [], []
        for domain_id, first_seen in rows:
            verdict = rng.choices(kinds, weights)[0]
            if verdict is None:
                continue
            at = first_seen + timedelta(hours=rng.randint(1, 48))
            probes.append({"domain_id": domain_id, "probed_at": at, "evidence": {"dns": {"exists": True}}})
            domains.append({"id_": domain_id, "verdict": verdict, "confidence": 0.9, "at": at})
            if rng.random() < 0.1:
                decision = rng.choice(DECISIONS)
                reviews.append({"domain_id": domain_id, "decision": decision, "who": "ana", "at": at})
        ids = connection.execute(
            insert(ProbeRow).returning(ProbeRow.id, sort_by_parameter_order=True), probes
        )
        for (probe_id,), probe, domain in zip(ids, probes, domains, strict=True):
            verdicts.append(
                {
                    "domain_id": probe["domain_id"],
                    "verdict": domain["verdict"],
                    "confidence": 0.9,
                    "decided_at": probe["probed_at"],
                    "probe_id": probe_id,
                }
            )
        connection.execute(insert(VerdictRow), verdicts)
        connection.execute(
            update(DomainRow)
            .where(DomainRow.id == bindparam("id_"))
            .values(
                verdict=bindparam("verdict"),
                confidence=bindparam("confidence"),
                verdict_at=bindparam("at"),
                probed_at=bindparam("at"),
            ),
            domains,
        )
        if reviews:
            connection.execute(insert(ReviewRow), reviews)
            connection.execute(
                update(DomainRow)
                .where(DomainRow.id == bindparam("id_"))
                .values(review=bindparam("decision"), reviewed_at=bindparam("at")),
                [{"id_": r["domain_id"], "decision": r["decision"], "at": r["at"]} for r in reviews],
            )


def _campaigns(store: Store, names: list[str], rng: random.Random) -> None:
    picked = rng.sample(names, min(len(names), 1000))
    found = []
    for index in range(0, len(picked), 5):
        members = tuple(
            CampaignMember(name, "clone", None, "ns:ns1.bench.lol") for name in picked[index : index + 5]
        )
        found.append(CampaignRecord(f"c-{index // 5:03d}", 0.8, ("Outlet 00",), members))
    store.save_campaigns(found)
