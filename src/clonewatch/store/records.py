"""Records the store hands out (and the shape of what it takes in)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from clonewatch.match.records import Match

ALERT_VERDICTS = frozenset({"clone", "redirector", "cloaked"})
"""Verdicts whose arrival raises a ``verdict:<name>`` alert (issue 7)."""

FLAGGED = "flagged"
"""The alert event raised when a domain is first flagged."""


class MatchLike(Protocol):
    """What ``ingest_batch`` needs of a match; :class:`clonewatch.match.Match` is one."""

    @property
    def domain(self) -> str: ...
    @property
    def unicode(self) -> str: ...
    @property
    def brand(self) -> str: ...
    @property
    def genuine(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def reasons(self) -> Sequence[str]: ...


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What one batch added: the domains flagged for the first time, and new match rows."""

    new_domains: tuple[str, ...]
    new_matches: int


@dataclass(frozen=True, slots=True)
class Finding:
    """A flagged domain: its best match, where it was first seen, and its latest verdict."""

    match: Match
    first_seen: datetime
    feed: str | None
    verdict: str | None
    confidence: float | None
    probed_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        """The match's fields, then where and when it was first seen and the latest verdict."""
        return {
            **self.match.to_dict(),
            "first_seen": iso(self.first_seen),
            "feed": self.feed,
            "verdict": self.verdict,
            "confidence": self.confidence,
            "probed_at": iso(self.probed_at),
        }


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One thing that happened to a domain: ``first_seen``, ``match``, ``probe``, ``verdict`` or ``alert``."""

    at: datetime
    kind: str
    details: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"at": iso(self.at), "kind": self.kind, **self.details}


@dataclass(frozen=True, slots=True)
class Alert:
    """An alert in the outbox: ``pending``, ``sent`` or ``failed`` (failed ones are retried)."""

    id: int
    domain: str
    event: str
    target: str
    status: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    last_error: str | None


def _default_intervals() -> dict[str, timedelta]:
    day = timedelta(days=1)
    return {"unregistered": day, "no-website": day, "parked": day}


@dataclass(frozen=True, slots=True)
class ProbeSchedule:
    """How long a verdict stands before the domain is probed again; unprobed domains are due at once."""

    by_verdict: Mapping[str, timedelta] = field(default_factory=_default_intervals)
    default: timedelta = timedelta(days=7)

    def interval(self, verdict: str | None) -> timedelta:
        if verdict is None:
            return self.default
        return self.by_verdict.get(verdict, self.default)

    def shortest(self) -> timedelta:
        return min([self.default, *self.by_verdict.values()])
