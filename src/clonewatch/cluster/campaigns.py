"""From groups of the domain graph to campaigns: members with roles and the link that brought
each in, the values that hold the group together, the spanning evidence, a timeline, a confidence."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from clonewatch.cluster.graph import shared_values
from clonewatch.cluster.records import Campaign, DomainFacts, Edge, Member, Pivot, SharedValue

if TYPE_CHECKING:
    from clonewatch.cluster.graph import Floats, Ints

ROLE_OF_VERDICT = {
    "clone": "clone",
    "redirector": "redirector",
    "unrelated": "original",
}
TOP_PIVOTS = 25


def role_of(item: DomainFacts) -> str:
    """``clone`` (it copies a watched outlet), ``redirector`` (it sends visitors on),
    ``original`` (a live outlet of its own), else ``infra``. A cloaked site is a redirector when
    some visitor is sent to another host (the genuine site apart), else a clone of its brand (or an
    original outlet when it imitates none) that shows investigators something else."""
    if item.verdict == "cloaked":
        return "redirector" if item.hop_hosts else ("clone" if item.brand else "original")
    return ROLE_OF_VERDICT.get(item.verdict or "", "infra")


def assemble(
    facts: Sequence[DomainFacts],
    weights: Mapping[Pivot, float],
    groups: Ints,
    edges: tuple[Ints, Ints, Floats],
) -> list[Campaign]:
    """One campaign per group number in ``groups`` (-1: in none), best supported first; ``facts``
    holds at least one domain."""
    lo, hi, weight = edges
    inside = (groups[lo] >= 0) & (groups[lo] == groups[hi])
    lo, hi, weight = lo[inside], hi[inside], weight[inside]
    partner, best = _strongest_links(len(facts), lo, hi, weight)
    order = np.argsort(groups[lo], kind="stable")
    lo, hi, weight = lo[order], hi[order], weight[order]
    numbers = np.arange(int(groups.max()) + 2)  # group numbers and one past the last
    bounds = np.searchsorted(groups[lo], numbers)  # each group's edges
    by_group = np.argsort(groups, kind="stable")
    starts = np.searchsorted(groups[by_group], numbers)  # each group's members
    hosts = Counter(p for item in facts for p in item.pivots if p.kind == "host" and p in weights)
    campaigns = []
    for number in range(len(numbers) - 1):
        members = by_group[int(starts[number]) : int(starts[number + 1])]
        if len(members) < 2:
            continue
        span = slice(int(bounds[number]), int(bounds[number + 1]))
        tree = _spanning_tree(lo[span], hi[span], weight[span])
        campaigns.append(_campaign(facts, weights, members, partner, best, tree, hosts))
    campaigns.sort(key=lambda c: (-c.confidence * len(c.members), c.id))
    return campaigns


def _strongest_links(size: int, lo: Ints, hi: Ints, weight: Floats) -> tuple[Ints, Floats]:
    """For each node, the neighbour of its heaviest edge (-1 for none) and that edge's weight."""
    nodes = np.concatenate([lo, hi])
    others = np.concatenate([hi, lo])
    weights = np.concatenate([weight, weight])
    order = np.lexsort((-weights, nodes))
    first = np.ones(len(order), dtype=bool)
    first[1:] = nodes[order][1:] != nodes[order][:-1]
    chosen = order[first]
    partner = np.full(size, -1, dtype=np.int64)
    best = np.zeros(size, dtype=np.float64)
    partner[nodes[chosen]] = others[chosen]
    best[nodes[chosen]] = weights[chosen]
    return partner, best


def _spanning_tree(lo: Ints, hi: Ints, weight: Floats) -> list[tuple[int, int, float]]:
    """The heaviest edges that connect the group without a cycle (Kruskal)."""
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        while parent.get(node, node) != node:
            parent[node] = parent.get(parent[node], parent[node])
            node = parent[node]
        return node

    tree = []
    for index in np.argsort(-weight, kind="stable"):
        a, b = int(lo[index]), int(hi[index])
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
            tree.append((a, b, float(weight[index])))
    return tree


def _campaign(
    facts: Sequence[DomainFacts],
    weights: Mapping[Pivot, float],
    members: Ints,
    partner: Ints,
    best: Floats,
    tree: list[tuple[int, int, float]],
    hosts: Mapping[Pivot, int],
) -> Campaign:
    items = [facts[int(index)] for index in members]
    held: Counter[Pivot] = Counter(p for item in items for p in item.pivots if p in weights)
    shared = sorted(
        (SharedValue(p, weights[p], n) for p, n in held.items() if n >= 2),
        key=lambda v: (-v.weight * v.members, v.pivot),
    )
    people = []
    for index, item in zip(members, items, strict=True):
        other = int(partner[index])
        link = shared_values(item, facts[other], weights) if other >= 0 else ()
        via = f"{link[0]} with {facts[other].domain}" if link else None
        people.append(
            Member(item.domain, role_of(item), item.brand if role_of(item) == "clone" else None, via)
        )
    recorded = {item.domain for item in items}
    for value in shared:
        # a host the campaign's chains pass through is its infrastructure when the campaign holds
        # most of the chains through it (a shortener or tracker many others use is not)
        serves = value.members * 2 > hosts.get(value.pivot, 0)
        if value.pivot.kind == "host" and value.pivot.value not in recorded and serves:
            people.append(Member(value.pivot.value, "infra", None, f"{value.pivot} ({value.members} chains)"))
            recorded.add(value.pivot.value)
    people.sort(key=lambda m: (_ROLE_ORDER.get(m.role, 9), m.domain))
    edges = tuple(
        Edge(facts[a].domain, facts[b].domain, w, shared_values(facts[a], facts[b], weights)[:5])
        for a, b, w in tree
    )
    registered = sorted(item.registered for item in items if item.registered)
    probed = sorted(item.probed for item in items if item.probed)
    seen = sorted(registered[:1] + probed[:1])
    strength = float(np.median(best[members]))
    top = shared[:TOP_PIVOTS]
    key = "|".join(str(v.pivot) for v in top[:3]) + "|" + min(item.domain for item in items)
    return Campaign(
        id="C" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:11],
        members=tuple(people),
        pivots=tuple(top),
        edges=edges,
        brands=tuple(sorted({item.brand for item in items if item.brand and role_of(item) == "clone"})),
        first_seen=seen[0] if seen else None,
        last_seen=probed[-1] if probed else None,
        registered=(registered[0] if registered else None, registered[-1] if registered else None),
        confidence=round(1 - math.exp(-strength), 2),
    )


_ROLE_ORDER = {"clone": 0, "original": 1, "redirector": 2, "infra": 3}
