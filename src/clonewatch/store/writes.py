"""Statements that write, each run inside a transaction the :class:`Store` opens.

Inserts go through the dialect's own ``INSERT ... ON CONFLICT DO NOTHING`` (SQLite and PostgreSQL
spell it the same), as executemany batches of plain rows, so that replaying a batch after a crash
adds nothing and a large batch costs a few statements rather than one per row.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from clonewatch.store import reviews
from clonewatch.store.models import AlertRow, Base, BrandRow, DomainRow, FeedRow, MatchRow
from clonewatch.store.records import FLAGGED, IngestResult, MatchLike

LOOKUP_CHUNK = 500  # names per IN (...) lookup, well under SQLite's bound-parameter limit


def insert_ignoring(connection: Connection, table: type[Base], *keys: str) -> Insert:
    """``INSERT ... ON CONFLICT (keys) DO NOTHING`` for the connection's dialect."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement: Insert = dialect.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    return statement


def ensure_feed(connection: Connection, name: str, kind: str, at: datetime) -> int:
    connection.execute(
        insert_ignoring(connection, FeedRow, "name"), [{"name": name, "kind": kind, "updated_at": at}]
    )
    return connection.execute(select(FeedRow.id).where(FeedRow.name == name)).scalar_one()


def set_cursor(connection: Connection, feed_id: int, cursor: Any, at: datetime) -> None:
    connection.execute(update(FeedRow).where(FeedRow.id == feed_id).values(cursor=cursor, updated_at=at))


def ensure_brands(connection: Connection, names: Collection[str]) -> dict[str, int]:
    if not names:
        return {}
    connection.execute(insert_ignoring(connection, BrandRow, "name"), [{"name": name} for name in names])
    query = select(BrandRow.name, BrandRow.id).where(BrandRow.name.in_(names))
    return {name: brand_id for name, brand_id in connection.execute(query)}


def domain_ids(connection: Connection, names: Iterable[str]) -> dict[str, int]:
    """Ids of the named domains that exist."""
    wanted = list(names)
    found: dict[str, int] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        query = select(DomainRow.name, DomainRow.id).where(DomainRow.name.in_(chunk))
        found.update((name, domain_id) for name, domain_id in connection.execute(query))
    return found


def ingest(
    connection: Connection,
    feed_id: int,
    matches: Sequence[MatchLike],
    seen_at: datetime,
    alert_targets: Collection[str],
    flag_alerts_from: float | None = 0.0,
) -> IngestResult:
    """New domains, their matches and their ``flagged`` alerts (for those whose best match scores at
    least ``flag_alerts_from``; None: none); what exists already is left as it is.

    Rows go in sorted by their keys, so that concurrent writers on PostgreSQL lock in one order.
    """
    first: dict[str, MatchLike] = {}
    for match in matches:
        first.setdefault(match.domain, match)
    if not first:
        return IngestResult((), 0)
    brands = ensure_brands(connection, sorted({match.brand for match in matches}))
    new = _insert_domains(connection, [first[name] for name in sorted(first)], feed_id, seen_at)
    ids = dict(new)
    ids.update(domain_ids(connection, (name for name in first if name not in ids)))
    match_rows = {
        (match.domain, match.genuine): {
            "domain_id": ids[match.domain],
            "brand_id": brands[match.brand],
            "genuine": match.genuine,
            "score": float(match.score),
            "reasons": list(match.reasons),
            "feed_id": feed_id,
            "seen_at": seen_at,
        }
        for match in matches
    }
    statement = insert_ignoring(connection, MatchRow, "domain_id", "genuine").returning(MatchRow.id)
    added = len(connection.execute(statement, [match_rows[key] for key in sorted(match_rows)]).all())
    if flag_alerts_from is not None:
        best: dict[str, float] = {}
        for match in matches:
            best[match.domain] = max(best.get(match.domain, 0.0), float(match.score))
        loud = sorted(ids[name] for name in new if best[name] >= flag_alerts_from)
        queue_alerts(connection, loud, FLAGGED, alert_targets, seen_at)
    return IngestResult(tuple(name for name in first if name in new), added)


def _insert_domains(
    connection: Connection, matches: Iterable[MatchLike], feed_id: int, seen_at: datetime
) -> dict[str, int]:
    rows = [
        {"name": m.domain, "unicode": m.unicode, "first_seen": seen_at, "first_feed_id": feed_id}
        for m in matches
    ]
    statement = insert_ignoring(connection, DomainRow, "name").returning(DomainRow.name, DomainRow.id)
    return {name: domain_id for name, domain_id in connection.execute(statement, rows)}


def queue_alerts(
    connection: Connection, domain_ids: Iterable[int], event: str, targets: Collection[str], at: datetime
) -> int:
    """Pending alerts for each domain and target, unless that (domain, event, target) exists already
    or the domain's standing review decision is a false alarm (it is not raised again)."""
    domain_ids = list(domain_ids)
    if not targets or not domain_ids:
        return 0
    silenced = reviews.false_alarms(connection, domain_ids)
    rows = [
        {
            "domain_id": domain_id,
            "event": event,
            "target": target,
            "status": "pending",
            "attempts": 0,
            "created_at": at,
        }
        for domain_id in domain_ids
        if domain_id not in silenced
        for target in sorted(targets)
    ]
    if not rows:
        return 0
    statement = insert_ignoring(connection, AlertRow, "domain_id", "event", "target")
    return len(connection.execute(statement.returning(AlertRow.id), rows).all())
