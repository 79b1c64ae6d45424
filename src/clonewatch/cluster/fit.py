"""Does one newly probed domain belong to a campaign found before?

The domain's evidence gives its pivot values the way clustering reads them (:func:`facts_of`,
with what it copied from a genuine outlet removed). A campaign's values are the ones that hold it
together, with the weights they had when it was found (rarity in everything clustered then, times
the strength of their kind), so a common value (a CDN address, a parking provider) that never
held the campaign together cannot bring a domain in. The domain fits a campaign as two domains are
joined in the graph: the lines of evidence it shares with the campaign (hosting, DNS, registration,
redirects, ...), each counted once at its strongest value, must reach ``min_weight``. Of several
campaigns it fits the heaviest. Defensive and unregistered names fit none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from clonewatch.cluster.build import LEFT_OUT
from clonewatch.cluster.campaigns import role_of
from clonewatch.cluster.pivots import copied_values, facts_of
from clonewatch.cluster.records import Campaign, Member, SharedValue
from clonewatch.cluster.weights import KIND_GROUP, ClusterSettings, ignored


@dataclass(frozen=True, slots=True)
class Fit:
    """A campaign a domain belongs to: the weight of what they share, the campaign's values the
    domain holds (strongest first), and the domain as a new member (role, brand, the link)."""

    campaign: str
    weight: float
    shared: tuple[SharedValue, ...]
    member: Member


def line_weight(values: Iterable[SharedValue]) -> float:
    """The sum, over lines of evidence, of each line's strongest value (as the domain graph sums)."""
    strongest: dict[str, float] = {}
    for value in values:
        line = KIND_GROUP.get(value.pivot.kind, value.pivot.kind)
        strongest[line] = max(strongest.get(line, 0.0), value.weight)
    return sum(strongest.values())


def campaign_fit(
    record: Mapping[str, Any],
    campaigns: Sequence[Campaign],
    settings: ClusterSettings | None = None,
    *,
    asn: Callable[[str], int | None] | None = None,
) -> Fit | None:
    """The campaign one probe evidence record fits best, or None (see the module docstring).
    Campaigns the domain is a member of already are passed over."""
    settings = settings or ClusterSettings()
    item = facts_of(record, window=settings.batch_window, asn=asn, genuine_hosts=settings.genuine_hosts)
    if item is None or item.verdict in LEFT_OUT:
        return None
    held = set(item.pivots) - copied_values(record)
    best: tuple[float, int, str] | None = None
    found: Fit | None = None
    for campaign in campaigns:
        if any(member.domain == item.domain for member in campaign.members):
            continue
        shared = tuple(
            sorted(
                (v for v in campaign.pivots if v.pivot in held and not ignored(v.pivot, settings.ignore)),
                key=lambda v: (-v.weight, v.pivot),
            )
        )
        weight = line_weight(shared)
        if weight < settings.min_weight - 1e-9:
            continue
        rank = (weight, len(shared), campaign.id)
        if best is None or rank[:2] > best[:2] or (rank[:2] == best[:2] and rank[2] < best[2]):
            best = rank
            role = role_of(item)
            brand = item.brand if role == "clone" else None
            found = Fit(
                campaign.id, weight, shared, Member(item.domain, role, brand, _via(shared[0], campaign))
            )
    return found


def _via(value: SharedValue, campaign: Campaign) -> str:
    """``VALUE with MEMBER`` naming a member the spanning evidence shows holding it (as the
    cluster's own members say), else ``VALUE (N members)``."""
    for edge in campaign.edges:
        if value.pivot in edge.shared:
            return f"{value.pivot} with {edge.a}"
    if value.pivot.kind == "host" and any(m.domain == value.pivot.value for m in campaign.members):
        return f"{value.pivot} with {value.pivot.value}"
    return f"{value.pivot} ({value.members} members)"
