"""What the pages and the API show, read from the store once for both: the queue's filters, a
domain's evidence and record, a campaign with its spreaders."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

from fastapi import HTTPException

from clonewatch.store import CampaignRecord, Decision, Finding, HistoryEvent, QueueFilter, Store
from clonewatch.web import evidence

MAX_TEXT = 500


def clean(value: str | None, what: str) -> str | None:
    """A query or form value as given (None when empty); refuses NUL characters and very long text."""
    if value is None:
        return None
    if "\x00" in value or len(value) > MAX_TEXT:
        raise HTTPException(400, f"{what}: no NUL characters, at most {MAX_TEXT} characters")
    value = value.strip()
    return value or None


def parse_day(value: str | None, what: str) -> datetime | None:
    """A date (2026-11-24) or a date and time; naive values are UTC."""
    text = clean(value, what)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text) if "T" in text or " " in text else None
        if moment is None:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
    except ValueError:
        raise HTTPException(400, f"{what}: not a date (2026-11-24): {text!r}") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def queue_filter(
    *,
    brand: str | None = None,
    verdict: str | None = None,
    feed: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    campaign: str | None = None,
    review: str | None = None,
    search: str | None = None,
) -> QueueFilter:
    return QueueFilter(
        brand=clean(brand, "brand"),
        verdict=clean(verdict, "verdict"),
        feed=clean(feed, "feed"),
        since=since,
        until=until,
        campaign=clean(campaign, "campaign"),
        review=clean(review, "review"),
        search=clean(search, "search"),
    )


@dataclass(frozen=True, slots=True)
class DomainRecord:
    """Everything the domain page shows."""

    finding: Finding
    evidence: Mapping[str, Any]
    shown: dict[str, Any]
    history: list[HistoryEvent]
    decisions: list[Decision]
    campaign: str | None

    @property
    def probes(self) -> list[HistoryEvent]:
        return [e for e in self.history if e.kind == "probe"]

    @property
    def standing(self) -> Decision | None:
        standing = [d for d in self.decisions if d.decision != "reprobe"]
        return standing[-1] if standing else None

    def to_dict(self) -> dict[str, Any]:
        """For the API: the finding, the latest evidence as stored, the record without old evidence."""
        events = []
        for event in self.history:
            record = event.to_dict()
            if event.kind == "probe":
                record.pop("evidence", None)
            events.append(record)
        shown = self.shown
        return {
            **self.finding.to_dict(),
            "review": self.standing.decision if self.standing else None,
            "campaign": self.campaign,
            "screenshot": shown["screenshot"],
            "genuine_screenshot": shown["genuine_screenshot"],
            "evidence": dict(self.evidence),
            "history": events,
            "decisions": [d.to_dict() for d in self.decisions],
        }


def domain_record(store: Store, name: str) -> DomainRecord:
    """The record of one flagged domain; 404 when the store has none."""
    name = (clean(name, "domain") or "").lower()
    finding = store.finding(name)
    if finding is None:
        raise HTTPException(404, f"no finding for {name!r}")
    history = store.history(name)
    probes = [e for e in history if e.kind == "probe"]
    latest = probes[-1].details.get("evidence") if probes else None
    doc = latest if isinstance(latest, Mapping) else {}
    return DomainRecord(
        finding, doc, evidence.summary(doc), history, store.decisions(name), store.campaign_of(name)
    )


def campaign_record(store: Store, campaign_id: str) -> CampaignRecord:
    found = store.campaign(clean(campaign_id, "campaign") or "")
    if found is None:
        raise HTTPException(404, f"no campaign {campaign_id!r}")
    return found


def timeline(campaign: CampaignRecord) -> list[tuple[datetime, str]]:
    """When the campaign's domains were registered, first seen, joined and left, oldest first."""
    events: list[tuple[datetime, str]] = []
    first, last = campaign.registered
    if first is not None:
        events.append((first, "first member registered"))
    if last is not None and last != first:
        events.append((last, "last member registered"))
    for member in campaign.members:
        if member.joined_at is not None:
            events.append((member.joined_at, f"{member.domain} joined as {member.role}"))
        if member.left_at is not None:
            events.append((member.left_at, f"{member.domain} left"))
    return sorted(events, key=lambda e: e[0])


@dataclass
class Facets:
    """The values the queue's filters offer (brands, verdicts, feeds, campaigns), read from the
    store at most every ``ttl`` seconds: options for the drop-down lists, not results."""

    ttl: float = 10.0
    _value: dict[str, list[str]] | None = None
    _read_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, store: Store) -> dict[str, list[str]]:
        with self._lock:
            now = time.monotonic()
            if self._value is None or now - self._read_at > self.ttl:
                self._value, self._read_at = store.facets(), now
            return self._value


@dataclass
class Spreaders:
    """The accounts that posted links to each campaign's members, from the ``--posts`` files, read
    once on first use (spread.campaign_posts, two passes over the files)."""

    files: tuple[Path, ...]
    _found: dict[str, Any] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, store: Store, campaign_id: str) -> list[dict[str, Any]]:
        if not self.files:
            return []
        with self._lock:
            if self._found is None:
                from clonewatch.social import ReadReport
                from clonewatch.spread import campaign_posts

                # campaign_posts reads only each campaign's id and its members' domains
                campaigns = cast(Any, store.campaigns())
                self._found = campaign_posts(campaigns, list(self.files), ReadReport())
        posts = self._found.get(campaign_id)
        return [poster.to_dict() for poster in posts.accounts] if posts is not None else []
