"""The records every export is made from: the domains chosen, with their evidence and campaigns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from clonewatch.brands import BrandKind
from clonewatch.report.facts import DomainFacts
from clonewatch.report.sightings import PostSighting
from clonewatch.store import CampaignRecord, Finding, HistoryEvent
from clonewatch.store.reviews import CLONE, DEFENSIVE, FALSE_ALARM

MALICIOUS = frozenset({"clone", "cloaked", "redirector"})
"""Verdicts an export states as indicators: the domain works for the operation."""
IMPERSONATING = frozenset({"clone", "cloaked"})
CONFIRMED = CLONE
"""The review decision that confirms a domain as a clone."""
OVERRULED = frozenset({FALSE_ALARM, DEFENSIVE})
"""Review decisions that overrule a verdict: the domain is not the adversary's."""


@dataclass(frozen=True, slots=True)
class Selection:
    """Which findings to export: the ``findings`` filters, one campaign's members, reviewed ones only."""

    since: datetime | None = None
    verdict: str | None = None
    brand: str | None = None
    campaign: str | None = None
    reviewed: bool = False  # only domains an analyst confirmed as clones


@dataclass(frozen=True, slots=True)
class DomainReport:
    """One exported domain: its finding, latest evidence (as stored and as read), history,
    the campaign it is an active member of (and its role there), and the brand's kind."""

    finding: Finding
    evidence: Mapping[str, Any] | None
    facts: DomainFacts
    history: tuple[HistoryEvent, ...] = ()
    campaign: str | None = None
    role: str | None = None
    brand_kind: BrandKind = BrandKind.CUSTOM
    review: str | None = None

    @property
    def domain(self) -> str:
        return self.finding.match.domain

    @property
    def verdict(self) -> str | None:
        return self.finding.verdict

    @property
    def malicious(self) -> bool:
        """Stated as an indicator: an analyst's confirmation, or a clone, cloaked or redirector
        verdict that no analyst overruled."""
        return self.review == CONFIRMED or (self.verdict in MALICIOUS and self.review not in OVERRULED)

    @property
    def impersonating(self) -> bool:
        """Serves an imitation of the outlet: confirmed by an analyst, or a clone or cloaked verdict
        that no analyst overruled."""
        return self.review == CONFIRMED or (self.verdict in IMPERSONATING and self.review not in OVERRULED)

    @property
    def redirector(self) -> bool:
        return self.verdict == "redirector" or self.role == "redirector"

    @property
    def government(self) -> bool:
        return self.brand_kind is BrandKind.GOVERNMENT


@dataclass(frozen=True, slots=True)
class ReportSet:
    """Everything one export holds: domains (oldest first), the campaigns they belong to, and
    the posts that linked them (by domain, when posts were given)."""

    domains: tuple[DomainReport, ...]
    campaigns: tuple[CampaignRecord, ...] = ()
    selection: Selection = field(default_factory=Selection)
    posts: Mapping[str, tuple[PostSighting, ...]] = field(default_factory=dict)

    def campaign(self, campaign_id: str) -> CampaignRecord | None:
        return next((c for c in self.campaigns if c.id == campaign_id), None)
