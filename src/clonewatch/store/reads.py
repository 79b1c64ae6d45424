"""Queries behind ``findings`` and ``history``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, or_, select
from sqlalchemy.orm import aliased

from clonewatch.match.records import Match
from clonewatch.store.campaigns import memberships
from clonewatch.store.models import AlertRow, BrandRow, DomainRow, FeedRow, MatchRow, ProbeRow, VerdictRow
from clonewatch.store.records import Finding, HistoryEvent

_KIND_ORDER = {"first_seen": 0, "match": 1, "probe": 2, "verdict": 3, "campaign": 4, "alert": 5}
EVIDENCE_BATCH = 500


def findings(
    connection: Connection,
    *,
    since: datetime | None,
    verdict: str | None,
    brand: str | None,
    domain: str | None = None,
) -> list[Finding]:
    """One finding per flagged domain (its best-scoring match), oldest first."""
    first_feed = aliased(FeedRow)
    query = (
        select(
            DomainRow.name,
            DomainRow.unicode,
            BrandRow.name,
            MatchRow.genuine,
            MatchRow.score,
            MatchRow.reasons,
            DomainRow.first_seen,
            first_feed.name,
            DomainRow.verdict,
            DomainRow.confidence,
            DomainRow.probed_at,
        )
        .join(MatchRow, MatchRow.domain_id == DomainRow.id)
        .join(BrandRow, BrandRow.id == MatchRow.brand_id)
        .outerjoin(first_feed, first_feed.id == DomainRow.first_feed_id)
        .order_by(DomainRow.first_seen, DomainRow.name, MatchRow.score.desc(), MatchRow.genuine)
    )
    if since is not None:
        query = query.where(DomainRow.first_seen >= since)
    if domain is not None:
        query = query.where(DomainRow.name == domain)
    if verdict is not None:
        query = query.where(DomainRow.verdict == verdict)
    if brand is not None:
        wanted = brand.strip().lower()
        query = query.where(or_(func.lower(BrandRow.name) == wanted, MatchRow.genuine == wanted))
    found: dict[str, Finding] = {}
    for row in connection.execute(query):
        name, unicode, brand_name, genuine, score, reasons, first_seen, feed, verdict_, confidence, probed = (
            row
        )
        if name not in found:
            match = Match(name, unicode, brand_name, genuine, score, tuple(reasons))
            found[name] = Finding(match, first_seen, feed, verdict_, confidence, probed)
    return list(found.values())


def history(connection: Connection, domain: str) -> list[HistoryEvent]:
    """Everything recorded about ``domain``, oldest first; empty when the store has never seen it."""
    row = connection.execute(
        select(DomainRow.id, DomainRow.unicode, DomainRow.first_seen, FeedRow.name)
        .outerjoin(FeedRow, FeedRow.id == DomainRow.first_feed_id)
        .where(DomainRow.name == domain)
    ).first()
    if row is None:
        return []
    domain_id, unicode, first_seen, feed = row
    events = [HistoryEvent(first_seen, "first_seen", {"domain": domain, "unicode": unicode, "feed": feed})]
    events += _matches(connection, domain_id)
    events += [
        HistoryEvent(at, "probe", {"probe": probe_id, "evidence": evidence})
        for probe_id, at, evidence in connection.execute(
            select(ProbeRow.id, ProbeRow.probed_at, ProbeRow.evidence).where(ProbeRow.domain_id == domain_id)
        )
    ]
    events += _verdicts(connection, domain_id)
    events += _campaigns(connection, domain)
    events += _alerts(connection, domain_id)
    events.sort(key=lambda event: (event.at, _KIND_ORDER[event.kind]))
    return events


def _matches(connection: Connection, domain_id: int) -> list[HistoryEvent]:
    query = (
        select(
            MatchRow.seen_at, BrandRow.name, MatchRow.genuine, MatchRow.score, MatchRow.reasons, FeedRow.name
        )
        .join(BrandRow, BrandRow.id == MatchRow.brand_id)
        .outerjoin(FeedRow, FeedRow.id == MatchRow.feed_id)
        .where(MatchRow.domain_id == domain_id)
        .order_by(MatchRow.id)
    )
    return [
        HistoryEvent(
            at,
            "match",
            {"brand": brand, "genuine": genuine, "score": score, "reasons": reasons, "feed": feed},
        )
        for at, brand, genuine, score, reasons, feed in connection.execute(query)
    ]


def _verdicts(connection: Connection, domain_id: int) -> list[HistoryEvent]:
    query = (
        select(VerdictRow.decided_at, VerdictRow.verdict, VerdictRow.confidence, VerdictRow.probe_id)
        .where(VerdictRow.domain_id == domain_id)
        .order_by(VerdictRow.id)
    )
    events: list[HistoryEvent] = []
    previous: str | None = None
    for at, verdict, confidence, probe_id in connection.execute(query):
        details: dict[str, Any] = {
            "verdict": verdict,
            "confidence": confidence,
            "previous": previous,
            "probe": probe_id,
        }
        events.append(HistoryEvent(at, "verdict", details))
        previous = verdict
    return events


def _campaigns(connection: Connection, domain: str) -> list[HistoryEvent]:
    """Joining a campaign, and leaving it."""
    events = []
    for campaign, member in memberships(connection, domain):
        details = {"campaign": campaign, "role": member.role, "via": member.via}
        if member.joined_at is not None:
            events.append(HistoryEvent(member.joined_at, "campaign", {**details, "change": "joined"}))
        if member.left_at is not None:
            events.append(HistoryEvent(member.left_at, "campaign", {**details, "change": "left"}))
    return events


def latest_evidence(connection: Connection) -> Iterator[dict[str, Any]]:
    """Each probed domain's latest evidence (the last probe stored), with the domain's name, its
    verdict (the latest probe's) and the probe time filled in where the document lacks them."""
    latest = select(func.max(ProbeRow.id)).group_by(ProbeRow.domain_id)
    query = (
        select(DomainRow.name, DomainRow.verdict, ProbeRow.probed_at, ProbeRow.evidence)
        .join(ProbeRow, ProbeRow.domain_id == DomainRow.id)
        .where(ProbeRow.id.in_(latest))
        .order_by(ProbeRow.id)
        .execution_options(yield_per=EVIDENCE_BATCH)
    )
    for name, verdict, probed_at, evidence in connection.execute(query):
        record = dict(evidence) if isinstance(evidence, dict) else {}
        record["domain"] = name
        record.setdefault("verdict", verdict)
        record.setdefault("probed_at", probed_at.isoformat())
        yield record


def _alerts(connection: Connection, domain_id: int) -> list[HistoryEvent]:
    query = (
        select(
            AlertRow.created_at,
            AlertRow.sent_at,
            AlertRow.event,
            AlertRow.target,
            AlertRow.status,
            AlertRow.attempts,
        )
        .where(AlertRow.domain_id == domain_id)
        .order_by(AlertRow.id)
    )
    return [
        HistoryEvent(
            sent_at or created_at,
            "alert",
            {"event": event, "target": target, "status": status, "attempts": attempts},
        )
        for created_at, sent_at, event, target, status, attempts in connection.execute(query)
    ]
