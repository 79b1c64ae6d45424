"""The review queue: flagged domains newest first, filtered, a page at a time, with counts.

Every filter narrows the same set of domains; the counts per brand and per verdict are taken over
that set (so they say how the current selection splits), the page is ``limit`` rows from ``offset``.
A domain matched against several brands shows its best-scoring match and counts once per brand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    String,
    and_,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from clonewatch.match.records import Match
from clonewatch.store.models import BrandRow, CampaignMemberRow, DomainRow, FeedRow, MatchRow
from clonewatch.store.records import Finding, iso
from clonewatch.store.reviews import REPROBE, UNREVIEWED

MAX_LIMIT = 500


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue shows: every field given narrows it (all of them together)."""

    brand: str | None = None  # brand name or genuine domain, any case
    verdict: str | None = None
    feed: str | None = None  # the feed the domain was first seen in
    since: datetime | None = None  # first seen at or after
    until: datetime | None = None  # first seen before
    campaign: str | None = None  # an active member of this campaign
    review: str | None = None  # a standing decision, "unreviewed", or "reprobe" (a re-probe pending)
    search: str | None = None  # part of the name, ASCII or Unicode, any case


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A finding in the queue, with its standing review decision and whether a re-probe is pending."""

    finding: Finding
    review: str | None
    reviewed_at: datetime | None
    reprobe_at: datetime | None
    campaign: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.finding.to_dict(),
            "review": self.review,
            "reviewed_at": iso(self.reviewed_at),
            "reprobe_requested_at": iso(self.reprobe_at),
            "campaign": self.campaign,
        }


@dataclass(frozen=True, slots=True)
class QueuePage:
    """One page of the queue: its items, how many match in all, and the counts per brand and verdict
    (``None`` as a verdict: not probed yet)."""

    items: list[QueueItem]
    total: int
    offset: int
    limit: int
    by_brand: dict[str, int] = field(default_factory=dict)
    by_verdict: dict[str | None, int] = field(default_factory=dict)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conditions(connection: Connection, filters: QueueFilter) -> list[ColumnElement[bool]]:
    """The WHERE clauses on ``domains`` that ``filters`` asks for. A brand is looked up first: by
    name (any case) it selects the look-alikes of all its domains, else as a genuine domain those
    of that domain; either way the domains come from an index of matches, not one lookup each."""
    where: list[ColumnElement[bool]] = []
    if filters.verdict is not None:
        where.append(DomainRow.verdict == filters.verdict)
    if filters.brand is not None:
        wanted = filters.brand.strip().lower()
        brand_ids = list(
            connection.execute(select(BrandRow.id).where(func.lower(BrandRow.name) == wanted)).scalars()
        )
        matching = MatchRow.brand_id.in_(brand_ids) if brand_ids else MatchRow.genuine == wanted
        where.append(DomainRow.id.in_(select(MatchRow.domain_id).where(matching)))
    if filters.feed is not None:
        # the feed's id first, so that the planner can test it before anything costlier (a name
        # search); through a sub-query PostgreSQL ran the search on every domain, then the join
        feed_ids = list(connection.execute(select(FeedRow.id).where(FeedRow.name == filters.feed)).scalars())
        where.append(DomainRow.first_feed_id.in_(feed_ids))
    if filters.since is not None:
        where.append(DomainRow.first_seen >= filters.since)
    if filters.until is not None:
        where.append(DomainRow.first_seen < filters.until)
    if filters.campaign is not None:
        members = select(CampaignMemberRow.domain).where(
            CampaignMemberRow.campaign_id == filters.campaign, CampaignMemberRow.left_at.is_(None)
        )
        where.append(DomainRow.name.in_(members))
    if filters.review == UNREVIEWED:
        where.append(DomainRow.review.is_(None))
    elif filters.review == REPROBE:
        where.append(DomainRow.reprobe_at.is_not(None))
    elif filters.review is not None:
        where.append(DomainRow.review == filters.review)
    if filters.search:
        pattern = _like(filters.search.strip().lower())
        where.append(
            or_(
                DomainRow.name.like(pattern, escape="\\"),
                # the Unicode form only where it differs from the (lower-case ASCII) name: most
                # names are ASCII, and lower() on each of them doubled the cost of a search
                and_(
                    DomainRow.unicode != DomainRow.name,
                    func.lower(DomainRow.unicode).like(pattern, escape="\\"),
                ),
            )
        )
    return where


def page(connection: Connection, filters: QueueFilter, *, offset: int, limit: int) -> QueuePage:
    """The queue's page from ``offset`` (at most ``MAX_LIMIT`` rows), newest first."""
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    where = conditions(connection, filters)
    first_feed = aliased(FeedRow)
    rows = connection.execute(
        select(
            DomainRow.id,
            DomainRow.name,
            DomainRow.first_seen,
            first_feed.name,
            DomainRow.verdict,
            DomainRow.confidence,
            DomainRow.probed_at,
            DomainRow.review,
            DomainRow.reviewed_at,
            DomainRow.reprobe_at,
        )
        .outerjoin(first_feed, first_feed.id == DomainRow.first_feed_id)
        .where(*where)
        .order_by(DomainRow.first_seen.desc(), DomainRow.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    ids = [row[0] for row in rows]
    best = _best_matches(connection, ids)
    names = [row[1] for row in rows]
    campaigns = _campaigns(connection, names)
    items = []
    for domain_id, name, first_seen, feed, verdict, confidence, probed, review, reviewed, reprobe in rows:
        match = best.get(domain_id)
        if match is None:  # a domain with no match row is not a finding
            continue
        finding = Finding(match, first_seen, feed, verdict, confidence, probed)
        items.append(QueueItem(finding, review, reviewed, reprobe, campaigns.get(name)))
    by_verdict, by_brand = _counts(connection, where)
    total = sum(by_verdict.values())
    return QueuePage(items, int(total), offset, limit, by_brand, by_verdict)


def _counts(
    connection: Connection, where: list[ColumnElement[bool]]
) -> tuple[dict[str | None, int], dict[str, int]]:
    """Domains per verdict and per brand among those ``where`` selects. Unfiltered, each grouping
    reads its own table; filtered, one statement evaluates the selection once (a materialised CTE)
    and both groupings read it."""
    by_verdict: dict[str | None, int] = {}
    if not where:
        by_verdict = {
            v: int(n)
            for v, n in connection.execute(
                select(DomainRow.verdict, func.count()).group_by(DomainRow.verdict)
            )
        }
        every = select(MatchRow.brand_id, func.count(func.distinct(MatchRow.domain_id))).group_by(
            MatchRow.brand_id
        )
        return by_verdict, _brand_names(connection, {int(b): int(n) for b, n in connection.execute(every)})
    chosen = select(DomainRow.id, DomainRow.verdict).where(*where).cte("chosen").prefix_with("MATERIALIZED")
    verdicts = select(
        literal("v").label("what"),
        chosen.c.verdict.label("verdict"),
        literal(None, Integer).label("brand"),
        func.count().label("n"),
    ).group_by(chosen.c.verdict)
    brands = (
        select(
            literal("b").label("what"),
            literal(None, String).label("verdict"),
            MatchRow.brand_id.label("brand"),
            func.count(func.distinct(MatchRow.domain_id)).label("n"),
        )
        # the matches of the selected domains: SQLite looks each selected id up in the matches'
        # (domain, brand) index; PostgreSQL hashes the selection and reads the matches once
        # (a join from the selection made it hash every match instead: 2 to 4 times slower)
        .where(MatchRow.domain_id.in_(select(chosen.c.id)))
        .group_by(MatchRow.brand_id)
    )
    counted: dict[int, int] = {}
    for what, verdict, brand, n in connection.execute(union_all(verdicts, brands)):
        if what == "v":
            by_verdict[verdict] = int(n)
        elif brand is not None:  # (every domain has a match: the None group is empty)
            counted[int(brand)] = int(n)
    return by_verdict, _brand_names(connection, counted)


def _brand_names(connection: Connection, counted: dict[int, int]) -> dict[str, int]:
    """Counts by brand id as counts by brand name, in name order."""
    names = dict(
        connection.execute(select(BrandRow.id, BrandRow.name).where(BrandRow.id.in_(list(counted)))).all()
    )
    return {names[i]: n for i, n in sorted(counted.items(), key=lambda kv: names[kv[0]])}


def _best_matches(connection: Connection, ids: list[int]) -> dict[int, Match]:
    if not ids:
        return {}
    query = (
        select(
            MatchRow.domain_id,
            DomainRow.name,
            DomainRow.unicode,
            BrandRow.name,
            MatchRow.genuine,
            MatchRow.score,
            MatchRow.reasons,
        )
        .join(DomainRow, DomainRow.id == MatchRow.domain_id)
        .join(BrandRow, BrandRow.id == MatchRow.brand_id)
        .where(MatchRow.domain_id.in_(ids))
        .order_by(MatchRow.domain_id, MatchRow.score.desc(), MatchRow.genuine)
    )
    best: dict[int, Match] = {}
    for domain_id, name, unicode, brand, genuine, score, reasons in connection.execute(query):
        if domain_id not in best:
            best[domain_id] = Match(name, unicode, brand, genuine, score, tuple(reasons))
    return best


def _campaigns(connection: Connection, names: list[str]) -> dict[str, str]:
    if not names:
        return {}
    query = select(CampaignMemberRow.domain, CampaignMemberRow.campaign_id).where(
        and_(CampaignMemberRow.domain.in_(names), CampaignMemberRow.left_at.is_(None))
    )
    return {domain: campaign for domain, campaign in connection.execute(query)}


def facets(connection: Connection) -> dict[str, list[str]]:
    """The values the queue's filters can take: brands, verdicts, feeds and campaigns stored."""
    return {
        "brands": list(connection.execute(select(BrandRow.name).order_by(BrandRow.name)).scalars()),
        "verdicts": [
            v
            for v in connection.execute(
                select(DomainRow.verdict)
                .where(DomainRow.verdict.is_not(None))
                .distinct()
                .order_by(DomainRow.verdict)
            ).scalars()
            if v is not None
        ],
        "feeds": list(connection.execute(select(FeedRow.name).order_by(FeedRow.name)).scalars()),
        "campaigns": list(
            connection.execute(
                select(CampaignMemberRow.campaign_id).distinct().order_by(CampaignMemberRow.campaign_id)
            ).scalars()
        ),
    }
