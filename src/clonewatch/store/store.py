"""The one API over the database: what the watch loop writes and what ``findings``/``history`` read."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, and_, insert, or_, select, update
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from clonewatch.errors import StoreUnavailable, UnknownDomain
from clonewatch.store import campaigns, queue, reads, reviews, writes
from clonewatch.store.campaigns import CampaignJoin, CampaignRecord, CampaignSave
from clonewatch.store.database import IMMEDIATE, display, make_engine, resolve_url
from clonewatch.store.migrate import ensure_current
from clonewatch.store.models import AlertRow, DomainRow, FeedRow, ProbeRow, VerdictRow
from clonewatch.store.queue import QueueFilter, QueuePage
from clonewatch.store.records import (
    ALERT_VERDICTS,
    Alert,
    Finding,
    HistoryEvent,
    IngestResult,
    MatchLike,
    ProbeSchedule,
)
from clonewatch.store.reviews import Decision, User
from clonewatch.store.types import as_utc


def _now() -> datetime:
    return datetime.now(UTC)


def _utc_filter(filters: QueueFilter) -> QueueFilter:
    since = None if filters.since is None else as_utc(filters.since)
    until = None if filters.until is None else as_utc(filters.until)
    return replace(filters, since=since, until=until)


def _lost(error: DBAPIError) -> bool:
    """Whether a database error means the database went away (restarted, unreachable, connection cut)."""
    return error.connection_invalidated or isinstance(error, OperationalError | InterfaceError)


def _due(when: datetime, plan: ProbeSchedule) -> ColumnElement[bool]:
    """Due for a probe at ``when``: never probed, a re-probe asked for, or past its verdict's interval."""
    known = list(plan.by_verdict)
    past = [
        and_(DomainRow.verdict == verdict, DomainRow.probed_at <= when - interval)
        for verdict, interval in plan.by_verdict.items()
    ]
    other = or_(DomainRow.verdict.is_(None), DomainRow.verdict.not_in(known))
    return or_(
        DomainRow.probed_at.is_(None),
        DomainRow.reprobe_at.is_not(None),
        *past,
        and_(other, DomainRow.probed_at <= when - plan.default),
    )


class Store:
    """A clonewatch database. Open with :meth:`open`; every method is one transaction.

    Timestamps are timezone-aware UTC on the way out; naive ones given in are taken as UTC. A
    database that goes away in the middle (a PostgreSQL restart, a cut connection) raises
    :class:`StoreUnavailable` from the method that met it, whose transaction is then not committed;
    the next call connects afresh.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | URL | None = None) -> Store:
        """Open (and on first use create) the database at ``url`` (see :func:`resolve_url`).

        Raises :class:`SchemaMismatch` when the database is at another schema revision,
        :class:`BadDatabaseUrl` for an unusable URL and :class:`StoreUnavailable` when it cannot be reached.
        """
        resolved = url if isinstance(url, URL) else resolve_url(url)
        engine = make_engine(resolved)
        try:
            ensure_current(engine)
        except OperationalError as exc:
            engine.dispose()
            reason = str(exc.orig or exc).strip().splitlines()[0]
            raise StoreUnavailable(f"cannot open database at {display(resolved)}: {reason}") from None
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return display(self.engine.url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    @property
    def leases(self) -> bool:
        """Whether monitors lease the domains they probe (PostgreSQL, which several monitors may
        share); on SQLite one monitor takes what is due, as before."""
        return self.engine.dialect.name == "postgresql"

    def _lost(self, error: DBAPIError) -> StoreUnavailable:
        """The error to raise for a lost database, its pooled connections dropped first (each would
        fail once more after a restart): the next call connects afresh."""
        self.engine.dispose()
        return StoreUnavailable(f"lost the database at {self.url}: {_reason(error)}")

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        try:
            with (
                self.engine.connect().execution_options(**{IMMEDIATE: True}) as connection,
                connection.begin(),
            ):
                yield connection
        except DBAPIError as exc:
            if not _lost(exc):
                raise
            raise self._lost(exc) from exc

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as connection, connection.begin():
                yield connection
        except DBAPIError as exc:
            if not _lost(exc):
                raise
            raise self._lost(exc) from exc

    def ingest_batch(
        self,
        feed: str,
        cursor: Any,
        matches: Sequence[MatchLike],
        *,
        seen_at: datetime | None = None,
        kind: str = "names",
        alert_targets: Collection[str] = (),
        flag_alerts_from: float | None = 0.0,
    ) -> IngestResult:
        """Store a batch of matches from ``feed`` and the feed's new ``cursor`` in one transaction.

        Domains and matches already stored are left untouched, so replaying a batch after a crash
        adds nothing. Each newly flagged domain whose match scores at least ``flag_alerts_from``
        gets a pending ``flagged`` alert per target (None: no flag raises an alert by itself).
        ``cursor`` is any JSON value (file and line, a CT tree index...).
        """
        at = as_utc(seen_at or _now())
        with self._write() as connection:
            feed_id = writes.ensure_feed(connection, feed, kind, at)
            result = writes.ingest(connection, feed_id, matches, at, alert_targets, flag_alerts_from)
            writes.set_cursor(connection, feed_id, cursor, at)
        return result

    def cursor(self, feed: str) -> Any:
        """The cursor last committed for ``feed`` (None for a feed never read)."""
        with self._read() as connection:
            return connection.execute(select(FeedRow.cursor).where(FeedRow.name == feed)).scalar_one_or_none()

    def add_probe(
        self,
        domain: str,
        evidence: Mapping[str, Any],
        verdict: str,
        confidence: float,
        *,
        at: datetime | None = None,
        alert_targets: Collection[str] = (),
        alert_verdicts: Collection[str] = ALERT_VERDICTS,
        campaign: CampaignJoin | None = None,
    ) -> bool:
        """Keep a probe's evidence; record the verdict only if it changed. Returns whether it changed.

        A change to one of ``alert_verdicts`` queues a ``verdict:<name>`` alert per target, once ever.
        With ``campaign`` (the probe showed the domain belongs to a stored campaign) the domain joins
        it in the same transaction and a ``campaign:<id>`` alert is queued per target, once ever.
        """
        when = as_utc(at or _now())
        with self._write() as connection:
            row = connection.execute(
                select(DomainRow.id, DomainRow.verdict).where(DomainRow.name == domain).with_for_update()
            ).first()
            if row is None:
                raise UnknownDomain(f"{domain} is not in the store at {self.url}")
            domain_id, previous = row
            probe_id = connection.execute(
                insert(ProbeRow).returning(ProbeRow.id),
                {"domain_id": domain_id, "probed_at": when, "evidence": dict(evidence)},
            ).scalar_one()
            changes: dict[str, Any] = {
                "probed_at": when,
                "reprobe_at": None,
                "lease_holder": None,
                "lease_until": None,
            }
            changed = verdict != previous
            if changed:
                connection.execute(
                    insert(VerdictRow),
                    {
                        "domain_id": domain_id,
                        "verdict": verdict,
                        "confidence": confidence,
                        "decided_at": when,
                        "probe_id": probe_id,
                    },
                )
                changes.update(verdict=verdict, confidence=confidence, verdict_at=when)
                if verdict in alert_verdicts:
                    writes.queue_alerts(connection, [domain_id], f"verdict:{verdict}", alert_targets, when)
            connection.execute(update(DomainRow).where(DomainRow.id == domain_id).values(**changes))
            if campaign is not None and campaigns.join(connection, domain, campaign, when):
                event = f"{campaigns.CAMPAIGN_EVENT}{campaign.campaign}"
                writes.queue_alerts(connection, [domain_id], event, alert_targets, when)
        return changed

    def latest_evidence(self) -> Iterator[dict[str, Any]]:
        """The evidence of each domain's latest probe, with its ``domain``, ``verdict`` and
        ``probed_at`` filled in where the document lacks them; read in batches as it is consumed."""
        with self._read() as connection:
            yield from reads.latest_evidence(connection)

    def save_campaigns(self, found: Sequence[CampaignRecord], *, at: datetime | None = None) -> CampaignSave:
        """Store one clustering run's campaigns: each continues the stored campaign with its id or
        most of its members (keeping that id), members no longer found are marked as left; see
        :mod:`clonewatch.store.campaigns`."""
        with self._write() as connection:
            return campaigns.save(connection, found, as_utc(at or _now()))

    def campaigns(self) -> list[CampaignRecord]:
        """Every stored campaign, most recently seen first, members that left included."""
        with self._read() as connection:
            return campaigns.read(connection)

    def campaign(self, campaign_id: str) -> CampaignRecord | None:
        """One stored campaign, or None."""
        with self._read() as connection:
            found = campaigns.read(connection, [campaign_id])
        return found[0] if found else None

    def campaign_of(self, domain: str) -> str | None:
        """The campaign ``domain`` is an active member of, if any."""
        with self._read() as connection:
            return campaigns.active_campaign(connection, domain)

    def due_for_probe(
        self, now: datetime | None = None, schedule: ProbeSchedule | None = None, *, limit: int | None = None
    ) -> list[str]:
        """Domains to probe now: never probed first, then those a reviewer asked to re-probe (oldest
        request first), then the longest-waiting past their interval."""
        when = as_utc(now or _now())
        plan = schedule or ProbeSchedule()
        query = (
            select(DomainRow.name, DomainRow.verdict, DomainRow.probed_at, DomainRow.reprobe_at)
            .where(
                or_(
                    DomainRow.probed_at.is_(None),
                    DomainRow.reprobe_at.is_not(None),
                    DomainRow.probed_at <= when - plan.shortest(),
                )
            )
            .order_by(
                DomainRow.probed_at.is_not(None),
                DomainRow.reprobe_at.is_(None),
                DomainRow.reprobe_at,
                DomainRow.probed_at,
                DomainRow.id,
            )
        )
        due: list[str] = []
        with self._read() as connection:
            for name, verdict, probed_at, reprobe_at in connection.execute(query):
                if probed_at is None or reprobe_at is not None or probed_at + plan.interval(verdict) <= when:
                    due.append(name)
                    if limit is not None and len(due) >= limit:
                        break
        return due

    def claim_for_probe(
        self,
        holder: str,
        *,
        limit: int,
        lease: timedelta,
        now: datetime | None = None,
        schedule: ProbeSchedule | None = None,
        exclude: Collection[str] = (),
    ) -> list[str]:
        """Lease up to ``limit`` due domains (in :meth:`due_for_probe`'s order) to ``holder`` until
        ``now + lease``: none that another holder's unexpired lease holds, none another claim is
        taking at this moment (``FOR UPDATE SKIP LOCKED``), and again those ``holder`` already
        holds (a monitor resuming after the database came back); never those in ``exclude``.
        Storing a probe ends its lease."""
        when = as_utc(now or _now())
        plan = schedule or ProbeSchedule()
        free = or_(
            DomainRow.lease_until.is_(None), DomainRow.lease_until <= when, DomainRow.lease_holder == holder
        )
        query = (
            select(DomainRow.id, DomainRow.name)
            .where(_due(when, plan), free)
            .order_by(
                DomainRow.probed_at.is_not(None),
                DomainRow.reprobe_at.is_(None),
                DomainRow.reprobe_at,
                DomainRow.probed_at,
                DomainRow.id,
            )
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        if exclude:
            query = query.where(DomainRow.name.not_in(list(exclude)))
        with self._write() as connection:
            rows = connection.execute(query).all()
            if rows:
                connection.execute(
                    update(DomainRow)
                    .where(DomainRow.id.in_([row.id for row in rows]))
                    .values(lease_holder=holder, lease_until=when + lease)
                )
        return [row.name for row in rows]

    def release(self, holder: str, domains: Collection[str]) -> int:
        """End ``holder``'s leases on ``domains`` (claimed but not probed); returns how many."""
        if not domains:
            return 0
        with self._write() as connection:
            result = connection.execute(
                update(DomainRow)
                .where(DomainRow.name.in_(list(domains)), DomainRow.lease_holder == holder)
                .values(lease_holder=None, lease_until=None)
            )
            return int(result.rowcount)

    def findings(
        self, *, since: datetime | None = None, verdict: str | None = None, brand: str | None = None
    ) -> list[Finding]:
        """Flagged domains, oldest first: first seen at or after ``since``, with the latest ``verdict``,
        matching ``brand`` (its name or genuine domain, any case)."""
        with self._read() as connection:
            return reads.findings(
                connection, since=None if since is None else as_utc(since), verdict=verdict, brand=brand
            )

    def finding(self, domain: str) -> Finding | None:
        """The finding for one flagged domain (ASCII/punycode), or None when it is not in the store."""
        with self._read() as connection:
            found = reads.findings(connection, since=None, verdict=None, brand=None, domain=domain)
        return found[0] if found else None

    def history(self, domain: str) -> list[HistoryEvent]:
        """Everything recorded about ``domain`` (ASCII/punycode), oldest first; empty if never seen."""
        with self._read() as connection:
            return reads.history(connection, domain)

    def record_decision(
        self, domain: str, decision: str, *, who: str, comment: str | None = None, at: datetime | None = None
    ) -> Decision:
        """Keep a reviewer's decision on ``domain`` (one of ``DECISIONS``); see
        :mod:`clonewatch.store.reviews`. Raises :class:`UnknownDomain` for a domain never stored and
        :class:`BadDecision` for an unknown decision."""
        with self._write() as connection:
            return reviews.record(connection, domain, decision, who, comment, as_utc(at or _now()))

    def decisions(self, domain: str) -> list[Decision]:
        """Every decision on ``domain``, oldest first (empty when none, or the domain is unknown)."""
        with self._read() as connection:
            return reviews.of_domain(connection, domain)

    def standing_decisions(self, decisions: Collection[str] | None = None) -> dict[str, Decision]:
        """The standing decision (latest clone, false-alarm or defensive) of each reviewed domain, by
        domain name; only domains whose standing decision is one of ``decisions`` when given
        (``standing_decisions(["clone"])``: the confirmed clones)."""
        with self._read() as connection:
            return reviews.standing(connection, decisions)

    def queue(self, filters: QueueFilter | None = None, *, offset: int = 0, limit: int = 50) -> QueuePage:
        """A page of the review queue, newest first, with counts per brand and verdict (see
        :mod:`clonewatch.store.queue`)."""
        when = filters or QueueFilter()
        with self._read() as connection:
            return queue.page(connection, _utc_filter(when), offset=offset, limit=limit)

    def facets(self) -> dict[str, list[str]]:
        """The stored brands, verdicts, feeds and campaigns (what the queue's filters can take)."""
        with self._read() as connection:
            return queue.facets(connection)

    def add_user(self, name: str, role: str, password_hash: str, *, at: datetime | None = None) -> User:
        """Store a dashboard account; raises :class:`UserExists`, or :class:`BadDecision` for a bad
        role or name."""
        with self._write() as connection:
            return reviews.add_user(connection, name, role, password_hash, as_utc(at or _now()))

    def update_user(self, name: str, *, role: str | None = None, password_hash: str | None = None) -> None:
        """Change a user's role or password hash; raises :class:`UnknownUser`."""
        with self._write() as connection:
            reviews.update_user(connection, name, role=role, password_hash=password_hash)

    def user(self, name: str) -> User | None:
        with self._read() as connection:
            found = reviews.users(connection, name)
        return found[0] if found else None

    def users(self) -> list[User]:
        """Every dashboard account, by name."""
        with self._read() as connection:
            return reviews.users(connection)

    def add_token(self, name: str, token_hash: str, *, at: datetime | None = None) -> None:
        """Keep the hash of a new API token for user ``name``; raises :class:`UnknownUser`."""
        with self._write() as connection:
            reviews.add_token(connection, name, token_hash, as_utc(at or _now()))

    def user_by_token(self, token_hash: str) -> User | None:
        """The user holding the API token with this hash, or None."""
        with self._read() as connection:
            return reviews.user_by_token(connection, token_hash)

    def queue_alerts(
        self, domain: str, event: str, targets: Collection[str], *, at: datetime | None = None
    ) -> int:
        """Queue an alert per target unless that (domain, event, target) was ever queued; returns how many."""
        with self._write() as connection:
            ids = writes.domain_ids(connection, [domain])
            if domain not in ids:
                raise UnknownDomain(f"{domain} is not in the store at {self.url}")
            return writes.queue_alerts(connection, [ids[domain]], event, targets, as_utc(at or _now()))

    def pending_alerts(self, *, max_attempts: int | None = None, limit: int | None = None) -> list[Alert]:
        """Alerts not yet sent (pending, or failed under ``max_attempts`` times), oldest first; alerts
        dropped by a false-alarm decision are not among them."""
        query = (
            select(
                AlertRow.id,
                DomainRow.name,
                AlertRow.event,
                AlertRow.target,
                AlertRow.status,
                AlertRow.attempts,
                AlertRow.created_at,
                AlertRow.sent_at,
                AlertRow.last_error,
            )
            .join(DomainRow, DomainRow.id == AlertRow.domain_id)
            .where(AlertRow.status.in_(("pending", "failed")))
            .order_by(AlertRow.id)
            .limit(limit)
        )
        if max_attempts is not None:
            query = query.where(AlertRow.attempts < max_attempts)
        with self._read() as connection:
            return [Alert(*row) for row in connection.execute(query)]

    def record_alert(
        self, alert_id: int, *, sent: bool, at: datetime | None = None, error: str | None = None
    ) -> bool:
        """Record an attempt to send an alert: sent, or failed with ``error``.

        Returns False (and changes nothing) when the alert was already sent: never twice.
        """
        values: dict[str, Any] = {"attempts": AlertRow.attempts + 1, "last_error": error}
        if sent:
            values.update(status="sent", sent_at=as_utc(at or _now()))
        else:
            values.update(status="failed")
        with self._write() as connection:
            result = connection.execute(
                update(AlertRow).where(AlertRow.id == alert_id, AlertRow.status != "sent").values(**values)
            )
            return bool(result.rowcount)


def _reason(error: DBAPIError) -> str:
    lines = str(error.orig or error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
