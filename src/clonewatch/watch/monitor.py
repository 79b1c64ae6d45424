"""The watch loop: read feeds batch by batch into the store, probe what is due, deliver alerts.

Each batch's matches and the feed's cursor after it are committed in one transaction
(:meth:`Store.ingest_batch`), and a feed is asked for its next batch only after that commit; so
a crash loses nothing and a restart replays at most one batch, which adds nothing. A feed that is
down is logged and retried later (sooner at first, then backing off up to its poll interval)
while the others go on. What a feed cannot read (a certificate, a line that holds no name) is
counted, logged with its position and skipped. Stopping (the ``stop`` event) takes effect between batches.

Alerts a person can keep up with: a flag alone goes to the store, the review queue; an alert fires
when a probe's verdict is clone, redirector or cloaked (see :meth:`Store.add_probe`), and on a
flag alone only when its score reaches ``alert_min_score`` (None, the default: never).

Several monitors on one PostgreSQL never probe the same domain at once: each round's domains are
leased to this monitor (:meth:`Store.claim_for_probe`, ``FOR UPDATE SKIP LOCKED``) for ``lease``,
and storing a probe ends its lease, so a crashed monitor's leases lapse by themselves. On SQLite one
monitor takes what is due, as before.

A store that goes away (PostgreSQL restarted, the connection cut) pauses the monitor: it waits and
tries again (STORE_FIRST_RETRY seconds, doubling up to STORE_LONGEST_RETRY), then resumes the pass
from the feeds' committed cursors. What the lost transaction held is read again and stored once
(batches are idempotent); a probe whose evidence was not stored is probed again.

A probed domain whose evidence fits a campaign the store holds (``campaigns``: how strong a fit
must be; see :mod:`clonewatch.watch.campaigns`) joins it with its probe, in the same transaction,
and a ``campaign:<id>`` alert goes out once.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from clonewatch.cluster import ClusterSettings
from clonewatch.errors import ClonewatchError, FeedUnavailable, StoreUnavailable
from clonewatch.match import Match, Matcher
from clonewatch.names import DomainName, default_psl, parse_feed_line
from clonewatch.store import ProbeSchedule, Store
from clonewatch.watch.alerts import AlertSink, deliver_pending
from clonewatch.watch.campaigns import KnownCampaigns, joining
from clonewatch.watch.feeds import Batch, Feed, FeedContext, Lines
from clonewatch.watch.probing import ProbeFn

log = logging.getLogger(__name__)
FIRST_RETRY = 5.0
PROGRESS_EVERY = 5.0
IDLE_CHECK = 60.0  # longest sleep, so that re-probes come due on time
LOG_UNREADABLE_LINES = 5  # per batch, then one line with the count
STORE_FIRST_RETRY = 0.5
STORE_LONGEST_RETRY = 30.0
DEFAULT_LEASE = timedelta(minutes=15)


def lease_holder() -> str:
    """A name for this monitor process in the leases it takes: host, process id and a random part."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(slots=True)
class WatchStats:
    """Counts since the monitor started."""

    names: int = 0
    skipped: int = 0  # entries the feeds could not read, passed over
    matched: int = 0
    new_domains: int = 0
    batches: int = 0
    feed_errors: int = 0
    probed: int = 0
    store_outages: int = 0  # times the store went away and the monitor paused until it came back
    joined: int = 0  # probed domains that joined a stored campaign
    alerts_sent: int = 0


@dataclass(slots=True)
class _FeedState:
    feed: Feed
    poll: float
    due: float = 0.0
    failures: int = 0


@dataclass(slots=True)
class Monitor:
    """Feeds in, store and alerts out. ``probe`` None means no probing (``--no-probe``)."""

    store: Store
    feeds: Sequence[tuple[Feed, float]]
    matcher: Matcher
    context: FeedContext
    batch_size: int = 1000
    alert_targets: Sequence[str] = ()
    alert_min_score: float | None = None
    sinks: Mapping[str, AlertSink] = field(default_factory=dict)
    probe: ProbeFn | None = None
    probe_batch: int = 50
    schedule: ProbeSchedule = field(default_factory=ProbeSchedule)
    max_attempts: int = 10
    campaigns: ClusterSettings | None = field(default_factory=ClusterSettings)
    lease: timedelta = DEFAULT_LEASE
    holder: str = field(default_factory=lease_holder)
    stats: WatchStats = field(default_factory=WatchStats)
    _states: list[_FeedState] = field(default_factory=list)
    _known: KnownCampaigns | None = None
    _last_progress: float = 0.0

    def __post_init__(self) -> None:
        self._states = [_FeedState(feed, poll) for feed, poll in self.feeds]
        if self.campaigns is not None:
            self._known = KnownCampaigns(self.store, self.campaigns)

    @property
    def stopping(self) -> bool:
        return self.context.stop.is_set()

    def run_once(self) -> int:
        """Read every feed to what it holds now, then probe and alert; returns how many feeds failed."""

        def everything() -> int:
            failed = sum(not self._drain(state) for state in self._states if not self.stopping)
            self._after_feeds()
            return failed

        return self._with_store(everything) or 0

    def run_forever(self) -> None:
        """Poll each feed on its interval until ``stop`` is set."""
        while not self.stopping:
            self._with_store(self._pass)
            next_due = min((state.due for state in self._states), default=time.monotonic() + IDLE_CHECK)
            self.context.stop.wait(max(0.05, min(next_due - time.monotonic(), IDLE_CHECK)))

    def _pass(self) -> None:
        for state in self._states:
            if self.stopping:
                break
            if state.due <= time.monotonic():
                self._drain(state)
        self._after_feeds()

    def _with_store(self, step: Callable[[], int | None]) -> int | None:
        """Run ``step``; while the store is away, wait with backoff and run it again (see the
        module docstring). None when stopped while waiting."""
        failures = 0
        progress = (-1, -1)
        while not self.stopping:
            try:
                result = step()
            except StoreUnavailable as exc:
                now = (self.stats.batches, self.stats.probed)
                failures = 1 if now != progress else failures + 1  # work got done: a new outage
                progress = now
                if failures == 1:
                    self.stats.store_outages += 1
                delay = min(STORE_LONGEST_RETRY, STORE_FIRST_RETRY * 2 ** (failures - 1))
                log.warning("the store is unavailable, pausing %.1fs: %s", delay, exc)
                self.context.stop.wait(delay)
                continue
            if failures:
                log.info("the store is back after %d tries; resuming from the feeds' cursors", failures)
            return result
        return None

    def _after_feeds(self) -> None:
        if self.probe is not None and not self.stopping:
            self._probe_due()
        self._deliver()
        self._progress(force=True)

    def _drain(self, state: _FeedState) -> bool:
        """Read one feed until it is caught up (or stop is set); False when it failed.

        A feed that raises anything but FeedUnavailable has a bug: it is logged with its traceback
        and retried like a feed that is down, so that the other feeds are still read.
        """
        feed = state.feed
        batches = feed.batches(self.store.cursor(feed.name), self.batch_size)
        while not self.stopping:
            try:
                batch = next(batches, None)
            except FeedUnavailable as exc:
                return self._failed(state, f"{feed.name} is unavailable", exc)
            except Exception as exc:  # a feed's bug must not stop the others (see the docstring)
                log.exception("%s failed", feed.name)
                return self._failed(state, f"{feed.name} failed", exc)
            if batch is None:
                break
            self._ingest(feed, batch)
        state.failures = 0
        state.due = time.monotonic() + state.poll
        return True

    def _failed(self, state: _FeedState, what: str, error: Exception) -> bool:
        self.stats.feed_errors += 1
        state.failures += 1
        delay = min(state.poll, FIRST_RETRY * 2 ** (state.failures - 1))
        log.warning("%s, retrying in %.0fs: %s", what, delay, error)
        state.due = time.monotonic() + delay
        return False

    def _ingest(self, feed: Feed, batch: Batch) -> None:
        """Store one batch's matches with the feed's cursor after it (one transaction)."""
        matches = self.match(batch.names, batch.lines)
        result = self.store.ingest_batch(
            feed.name,
            batch.cursor,
            matches,
            kind=feed.kind,
            alert_targets=self.alert_targets,
            flag_alerts_from=self.alert_min_score,
        )
        self.stats.batches += 1
        self.stats.skipped += batch.skipped
        self.stats.matched += len(matches)
        self.stats.new_domains += len(result.new_domains)
        if result.new_domains:
            for domain in result.new_domains:
                log.info("new look-alike %s (from %s)", domain, batch.source or feed.name)
            self._deliver()
        self._progress()

    def match(self, names: Sequence[str], lines: Lines | None = None) -> list[Match]:
        """The look-alikes among ``names`` (raw feed lines or DNS names).

        With ``lines`` (the names are lines of a file), a line that holds no domain name is
        counted as skipped and logged with its position (the first few of a batch one by one).
        """
        psl = default_psl()
        match = self.matcher.match
        hits: list[Match] = []
        read = 0
        unreadable = 0
        for index, text in enumerate(names):
            name = parse_feed_line(text, psl)
            if name is None:
                continue
            read += 1
            if isinstance(name, DomainName):
                hit = match(name)
                if hit is not None:
                    hits.append(hit)
            elif lines is not None:
                unreadable += 1
                if unreadable <= LOG_UNREADABLE_LINES:
                    log.warning("%s: skipping a line with no domain name: %s", lines.at(index), name.reason)
        if unreadable > LOG_UNREADABLE_LINES and lines is not None:
            log.warning(
                "%s: skipped %d more lines with no domain name in lines %d-%d",
                lines.origin,
                unreadable - LOG_UNREADABLE_LINES,
                lines.first,
                lines.first + len(names) - 1,
            )
        self.stats.names += read
        self.stats.skipped += unreadable
        return hits

    def _next_round(self, tried: set[str]) -> list[str]:
        """The next domains to probe: leased to this monitor on PostgreSQL, taken as due on SQLite."""
        now = datetime.now(UTC)
        if not self.store.leases:
            due = [d for d in self.store.due_for_probe(now, self.schedule) if d not in tried]
            return due[: self.probe_batch]
        return self.store.claim_for_probe(
            self.holder,
            limit=self.probe_batch,
            lease=self.lease,
            now=now,
            schedule=self.schedule,
            exclude=tried,
        )

    def _probe_due(self) -> None:
        """Probe every domain due now (new ones first), a round of ``probe_batch`` at a time."""
        assert self.probe is not None
        tried: set[str] = set()
        while not self.stopping:
            round_ = self._next_round(tried)
            if not round_:
                return
            tried.update(round_)
            if self._known is not None:
                self._known.refresh()
            try:
                for outcome in self.probe(round_):
                    fit = self._known.fit(outcome) if self._known is not None else None
                    self.store.add_probe(
                        outcome.domain,
                        outcome.evidence,
                        outcome.verdict,
                        outcome.confidence,
                        alert_targets=self.alert_targets,
                        campaign=joining(fit) if fit is not None else None,
                    )
                    self.stats.probed += 1
                    if fit is not None:
                        self.stats.joined += 1
                        log.info("%s joins campaign %s (%s)", outcome.domain, fit.campaign, fit.member.via)
            except StoreUnavailable:
                raise
            except ClonewatchError as exc:
                log.warning("probing %d domain(s) failed: %s", len(round_), exc)
            if self.store.leases:
                self.store.release(self.holder, round_)  # those left unprobed, for another monitor
            self._deliver()

    def _deliver(self) -> None:
        if self.sinks:
            self.stats.alerts_sent += deliver_pending(self.store, self.sinks, max_attempts=self.max_attempts)

    def _progress(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_progress < PROGRESS_EVERY:
            return
        self._last_progress = now
        s = self.stats
        log.info(
            "read %d names, %d matches, %d new look-alikes, %d probed, %d joined campaigns, %d alerts sent, "
            "%d feed errors, %d unreadable entries skipped",
            s.names,
            s.matched,
            s.new_domains,
            s.probed,
            s.joined,
            s.alerts_sent,
            s.feed_errors,
            s.skipped,
        )
