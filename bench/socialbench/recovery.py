"""Are the planted networks among clonewatch's groups (``--min-repeat K``)?

For each planted network, the group holding most of its members is its match. The network counts as
recovered when that group holds every *reachable* member and no other account. A member is reachable when
the reference count gives it at least one pair with another member of its network repeated K times or more:
a member that took part in fewer than K of its network's events with anyone cannot be found at that K by
any tool. Groups with no planted member are organic accounts that co-shared K times or more by chance.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from socialbench.dataset import PlantedNetwork
from socialbench.reference import Pair, RefEdge


@dataclass
class NetworkRecovery:
    name: str
    size: int
    events: int
    reachable: int
    best_group: int | None  # index in clonewatch's output
    found: int  # members in the best group
    extra: int  # accounts in the best group that are not members
    groups_touched: int  # groups that hold at least one member
    recovered: bool

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Recovery:
    min_repeat: int
    networks: list[NetworkRecovery] = field(default_factory=list)
    groups: int = 0
    organic_groups: int = 0
    organic_group_sizes: Counter[int] = field(default_factory=Counter)
    mixed_groups: int = 0  # groups holding members of two or more planted networks
    accounts_in_groups: int = 0
    planted_accounts_in_groups: int = 0

    @property
    def recovered(self) -> int:
        return sum(1 for n in self.networks if n.recovered)

    @property
    def members_found(self) -> int:
        return sum(n.found for n in self.networks)

    @property
    def members_reachable(self) -> int:
        return sum(n.reachable for n in self.networks)

    @property
    def members(self) -> int:
        return sum(n.size for n in self.networks)

    def as_json(self) -> dict[str, Any]:
        return {
            "min_repeat": self.min_repeat,
            "networks_planted": len(self.networks),
            "networks_recovered": self.recovered,
            "members": self.members,
            "members_reachable": self.members_reachable,
            "members_found_in_best_group": self.members_found,
            "groups": self.groups,
            "organic_groups": self.organic_groups,
            "organic_group_sizes": {str(k): v for k, v in sorted(self.organic_group_sizes.items())},
            "groups_mixing_networks": self.mixed_groups,
            "accounts_in_groups": self.accounts_in_groups,
            "planted_accounts_in_groups": self.planted_accounts_in_groups,
            "networks": [n.as_json() for n in self.networks],
        }


def reachable_members(net: PlantedNetwork, ref: dict[Pair, RefEdge], min_repeat: int) -> set[str]:
    members = sorted(net.accounts)
    out: set[str] = set()
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            edge = ref.get((a, b))
            if edge is not None and edge.post_pairs >= min_repeat:
                out.update((a, b))
    return out


def recovery(
    planted: list[PlantedNetwork],
    groups: list[dict[str, Any]],
    ref: dict[Pair, RefEdge],
    min_repeat: int,
) -> Recovery:
    out = Recovery(min_repeat=min_repeat, groups=len(groups))
    sets = [{str(a) for a in g.get("accounts", [])} for g in groups]
    network_of = {a: net.name for net in planted for a in net.accounts}
    for accounts in sets:
        nets = {network_of[a] for a in accounts if a in network_of}
        if not nets:
            out.organic_groups += 1
            out.organic_group_sizes[len(accounts)] += 1
        elif len(nets) > 1:
            out.mixed_groups += 1
    in_groups = set().union(*sets) if sets else set()
    out.accounts_in_groups = len(in_groups)
    out.planted_accounts_in_groups = len(in_groups & network_of.keys())
    for net in planted:
        members = set(net.accounts)
        reach = reachable_members(net, ref, min_repeat)
        overlaps = [len(members & accounts) for accounts in sets]
        touched = sum(1 for n in overlaps if n)
        best = max(range(len(sets)), key=lambda i: overlaps[i], default=None)
        if best is not None and overlaps[best] == 0:
            best = None
        found = overlaps[best] if best is not None else 0
        extra = len(sets[best] - members) if best is not None else 0
        recovered = best is not None and extra == 0 and reach <= sets[best] and bool(reach)
        out.networks.append(
            NetworkRecovery(
                name=net.name,
                size=len(members),
                events=net.events,
                reachable=len(reach),
                best_group=best,
                found=found,
                extra=extra,
                groups_touched=touched,
                recovered=recovered,
            )
        )
    return out
