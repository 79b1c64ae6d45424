"""Campaigns between the cluster stage and the store, and the watch loop's question about each
domain it probes: does it belong to a campaign the store holds?

The store keeps campaigns as its own plain records (it knows nothing of clustering); this module
translates both ways. :func:`save_campaigns` stores a clustering run and hands the campaigns back
under their stored ids (a campaign continued from an earlier run keeps its id). :class:`KnownCampaigns`
holds the stored campaigns for the monitor, read again each probe round, and asks the cluster stage
(:func:`clonewatch.cluster.fit.campaign_fit`) whether a probe's evidence fits one: a domain that is
already a member of a campaign stays where it is (only a clustering run moves it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from clonewatch.cluster import Campaign, ClusterSettings, Edge, Member, Pivot, SharedValue
from clonewatch.cluster.fit import Fit, campaign_fit
from clonewatch.store import (
    CampaignEdge,
    CampaignJoin,
    CampaignMember,
    CampaignRecord,
    CampaignSave,
    CampaignValue,
    Store,
)
from clonewatch.watch.probing import ProbeOutcome


def to_record(campaign: Campaign) -> CampaignRecord:
    """The store's record of a campaign (times read from the evidence's ISO text; unreadable: None)."""
    return CampaignRecord(
        id=campaign.id,
        confidence=campaign.confidence,
        brands=campaign.brands,
        members=tuple(CampaignMember(m.domain, m.role, m.brand, m.via) for m in campaign.members),
        pivots=tuple(
            CampaignValue(v.pivot.kind, v.pivot.value, v.weight, v.members) for v in campaign.pivots
        ),
        edges=tuple(
            CampaignEdge(e.a, e.b, e.weight, tuple(str(p) for p in e.shared)) for e in campaign.edges
        ),
        first_seen=_moment(campaign.first_seen),
        last_seen=_moment(campaign.last_seen),
        registered=(_moment(campaign.registered[0]), _moment(campaign.registered[1])),
    )


def from_record(record: CampaignRecord) -> Campaign:
    """The cluster stage's record of a stored campaign: its active members only."""
    return Campaign(
        id=record.id,
        members=tuple(Member(m.domain, m.role, m.brand, m.via) for m in record.active),
        pivots=tuple(SharedValue(Pivot(v.kind, v.value), v.weight, v.members) for v in record.pivots),
        edges=tuple(Edge(e.a, e.b, e.weight, tuple(_pivot(text) for text in e.via)) for e in record.edges),
        brands=record.brands,
        first_seen=_iso(record.first_seen),
        last_seen=_iso(record.last_seen),
        registered=(_iso(record.registered[0]), _iso(record.registered[1])),
        confidence=record.confidence,
    )


def save_campaigns(
    store: Store, campaigns: Sequence[Campaign], *, at: datetime | None = None
) -> tuple[list[Campaign], CampaignSave]:
    """Store a clustering run; the campaigns come back under their stored ids, with what changed."""
    saved = store.save_campaigns([to_record(c) for c in campaigns], at=at)
    return [replace(c, id=saved.ids.get(c.id, c.id)) for c in campaigns], saved


@dataclass(slots=True)
class KnownCampaigns:
    """The store's campaigns as the monitor matches probes against them. ``settings``: how strong
    a fit must be (``min_weight``) and which values never join (``ignore``)."""

    store: Store
    settings: ClusterSettings = field(default_factory=ClusterSettings)
    _campaigns: list[Campaign] = field(default_factory=list)
    _members: set[str] = field(default_factory=set)

    def refresh(self) -> None:
        """Read the stored campaigns again (a clustering run may have saved new ones)."""
        self._campaigns = [from_record(record) for record in self.store.campaigns()]
        self._members = {m.domain for c in self._campaigns for m in c.members}

    def fit(self, probed: ProbeOutcome) -> Fit | None:
        """The campaign a probed domain belongs to, unless it is a member of one already."""
        if not self._campaigns or probed.domain in self._members:
            return None
        record = {**probed.evidence, "domain": probed.domain, "verdict": probed.verdict}
        found = campaign_fit(record, self._campaigns, self.settings)
        if found is not None:
            self._members.add(probed.domain)
        return found


def joining(fit: Fit) -> CampaignJoin:
    """What the store records of a fit."""
    return CampaignJoin(fit.campaign, fit.member.role, fit.member.brand, fit.member.via)


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _pivot(text: str) -> Pivot:
    kind, _, value = text.partition(":")
    return Pivot(kind, value)
