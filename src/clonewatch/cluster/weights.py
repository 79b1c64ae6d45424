"""How much a shared value says: its rarity in everything clustered, times the strength of its kind.

Rarity is inverse frequency, ``log(N / df) / log(N / 2)`` (1 for a value two domains share, 0 for
one all share), with N at least BACKGROUND so that a small, focused input (thirty suspects of one
operation) is judged against a world of domains, not against itself. A value held by more than
``max_members`` domains is a common (a CDN address, a parking provider's name server) and joins
nothing; so does a value the user lists in ``--ignore``. Kinds differ in what sharing proves: the
same certificate, body or analytics ID is the same operator; the same /24 or name server may be
the same hosting company. Two domains are joined by the sum, over the lines of evidence they
share (hosting, DNS, mail, registration, certificate, redirects, ...), of each line's strongest
value.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from clonewatch.cluster.records import DomainFacts, Pivot

BACKGROUND = 10_000
# Values of one group are one line of evidence: two domains sharing both name servers, or an
# address and its /24, or both batch buckets, count that line once, at its strongest value.
KIND_GROUP: Mapping[str, str] = {
    "address": "hosting",
    "net24": "hosting",
    "net48": "hosting",
    "asn": "hosting",
    "ns": "dns",
    "mx": "mail",
    "registrar-batch": "registration",
    "cert": "certificate",
    "issuer-serial": "certificate",
    "cert-name": "certificate",
    "host": "redirects",
    "hop-shape": "redirect-shape",
    "analytics": "analytics",
    "favicon": "site-kit",  # a theme brings its favicon and its template: one line of evidence
    "template": "site-kit",
    "text": "text",
    "body": "body",
}
KIND_STRENGTH: Mapping[str, float] = {
    "cert": 1.0,
    "issuer-serial": 1.0,
    "cert-name": 1.0,
    "body": 1.0,
    "analytics": 1.0,
    "host": 1.0,
    "text": 0.8,
    "hop-shape": 0.7,
    "favicon": 0.6,
    "template": 0.5,
    "address": 0.5,
    "ns": 0.5,
    "mx": 0.4,
    "registrar-batch": 0.4,
    "net24": 0.3,
    "net48": 0.3,
    "asn": 0.15,
}


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    """``min_weight``: the least total weight of shared values that joins two domains;
    ``max_members``: a value held by more domains is a common; ``ignore``: values (``kind:value``
    or a bare value) that never join; ``batch_window``: registrations this close are one batch;
    ``louvain_above``: components bigger than this are split into their communities;
    ``genuine_hosts``: the watched outlets' own domains (a TDS sends investigators there): a hop
    through them says nothing of who runs the chain."""

    min_weight: float = 0.8
    max_members: int = 1000
    ignore: frozenset[str] = field(default_factory=frozenset)
    batch_window: timedelta = timedelta(hours=48)
    louvain_above: int = 8
    genuine_hosts: frozenset[str] = field(default_factory=frozenset)


def value_weights(facts: Iterable[DomainFacts], settings: ClusterSettings) -> dict[Pivot, float]:
    """The weight of every value at least two domains share and that may join them."""
    counts: Counter[Pivot] = Counter()
    total = 0
    for item in facts:
        total += 1
        counts.update(item.pivots)
    size = max(total, BACKGROUND)
    scale = math.log(size / 2)
    weights: dict[Pivot, float] = {}
    for pivot, shared in counts.items():
        if shared < 2 or shared > settings.max_members or ignored(pivot, settings.ignore):
            continue
        strength = KIND_STRENGTH.get(pivot.kind, 0.0)
        if strength > 0:
            weights[pivot] = strength * max(0.0, math.log(size / shared) / scale)
    return weights


def ignored(pivot: Pivot, ignore: Collection[str]) -> bool:
    """Whether the user listed ``pivot`` (``kind:value`` or the bare value) as joining nothing."""
    return bool(ignore) and (pivot.value in ignore or str(pivot) in ignore)
