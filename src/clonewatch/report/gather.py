"""Read what an export holds from the store: the findings chosen, each with its latest evidence,
history and campaign, and the campaigns they belong to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from clonewatch.brands import Brand, BrandKind, bundled_watchlist
from clonewatch.errors import UnknownCampaign
from clonewatch.report.facts import read_facts
from clonewatch.report.records import CONFIRMED, DomainReport, ReportSet, Selection
from clonewatch.report.sightings import sightings
from clonewatch.social import ReadReport
from clonewatch.store import CampaignMember, CampaignRecord, Finding, HistoryEvent, Store
from clonewatch.store.reviews import FALSE_ALARM

PER_DOMAIN_READS = 500
"""Up to this many domains, each one's history is read on its own (a few queries each); past it,
the latest evidence of every probed domain is streamed in one query instead."""
EXPORTED_ROLES = frozenset({"clone", "redirector", "infra"})
"""Campaign members an export names: not the genuine outlets (role ``original``) a campaign imitates."""


def gather(
    store: Store,
    selection: Selection,
    *,
    watchlist: Sequence[Brand] | None = None,
    posts: Sequence[Path] = (),
    posts_read: ReadReport | None = None,
    history: bool = False,
) -> ReportSet:
    """The domains ``selection`` picks (oldest first), with their evidence, standing review
    decision and campaigns. A domain an analyst called a false alarm is never exported; with
    ``reviewed``, only domains an analyst confirmed as clones are.

    ``posts`` (files of posts, as `clonewatch social links` reads them) adds the posts that
    linked each domain; ``posts_read`` counts what was read and skipped. ``history``: each domain
    with its whole history (a dossier's timeline), else with its latest evidence at least.

    UnknownCampaign when ``selection.campaign`` names no stored campaign.
    """
    findings = store.findings(since=selection.since, verdict=selection.verdict, brand=selection.brand)
    stored = store.campaigns()
    membership = _memberships(stored)
    chosen: list[CampaignRecord] = []
    if selection.campaign is not None:
        wanted = next((c for c in stored if c.id == selection.campaign), None)
        if wanted is None:
            raise UnknownCampaign(f"no campaign {selection.campaign!r} in the store at {store.url}")
        members = {m.domain for m in wanted.active if m.role in EXPORTED_ROLES}
        findings = [f for f in findings if f.match.domain in members]
        chosen.append(wanted)
    decisions = {name: decision.decision for name, decision in store.standing_decisions().items()}
    findings = [f for f in findings if decisions.get(f.match.domain) != FALSE_ALARM]
    if selection.reviewed:
        findings = [f for f in findings if decisions.get(f.match.domain) == CONFIRMED]
    kinds = _brand_kinds(watchlist if watchlist is not None else bundled_watchlist())
    if history or len(findings) <= PER_DOMAIN_READS:
        events = {f.match.domain: store.history(f.match.domain) for f in findings}
        evidence = {domain: latest_evidence(found) for domain, found in events.items()}
    else:
        names = {f.match.domain for f in findings}
        events = {}
        evidence = {doc["domain"]: doc for doc in store.latest_evidence() if doc["domain"] in names}
    domains = []
    for finding in findings:
        name = finding.match.domain
        domains.append(
            _report(
                finding,
                evidence.get(name),
                events.get(name, []),
                membership.get(name),
                kinds.get(finding.match.genuine, BrandKind.CUSTOM),
                decisions.get(name),
            )
        )
    used = {report.campaign for report in domains if report.campaign is not None}
    chosen += [c for c in stored if c.id in used and c.id != selection.campaign]
    seen = sightings(posts, [d.domain for d in domains], posts_read or ReadReport()) if posts else {}
    return ReportSet(tuple(domains), tuple(chosen), selection, seen)


def _report(
    finding: Finding,
    evidence: Mapping[str, Any] | None,
    history: list[HistoryEvent],
    member: tuple[str, CampaignMember] | None,
    kind: BrandKind,
    review: str | None,
) -> DomainReport:
    return DomainReport(
        finding=finding,
        evidence=evidence,
        facts=read_facts(evidence),
        history=tuple(history),
        campaign=member[0] if member else None,
        role=member[1].role if member else None,
        brand_kind=kind,
        review=review,
    )


def latest_evidence(history: Sequence[HistoryEvent]) -> Mapping[str, Any] | None:
    """The evidence of the last probe in a domain's history, or None when it was never probed."""
    for event in reversed(history):
        if event.kind == "probe":
            evidence = event.details.get("evidence")
            return evidence if isinstance(evidence, Mapping) else None
    return None


def _memberships(campaigns: Sequence[CampaignRecord]) -> dict[str, tuple[str, CampaignMember]]:
    """Each domain's active campaign and its membership (a domain is active in one at most)."""
    return {m.domain: (c.id, m) for c in campaigns for m in c.active if m.role in EXPORTED_ROLES}


def _brand_kinds(watchlist: Sequence[Brand]) -> dict[str, BrandKind]:
    return {domain: brand.kind for brand in watchlist for domain in brand.domains}
