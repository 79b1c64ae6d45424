"""Campaigns against the planted operations. For each operation, its campaigns are those holding one of
its two seeds: recall is the share of its members found in them, false members are the other domains in
them (its own name-server and TDS hosts excepted), and a campaign holding seeds of two operations merges
them. The same scoring serves clonewatch and the naive baseline."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from clusterbench.world import OperationTruth, World

# A member's situations that explain a role other than its planted one: a cloaked clone shows the plain
# visitor a white page, a stub-page redirector's script was never followed.
SHOWN_IN_ROLES = ("white-page", "stub-page", "plain-cloaked")


@dataclass(frozen=True, slots=True)
class Member:
    role: str | None
    via: str | None  # the kind of link that brought it in ("host", "analytics", ...), when the tool says


@dataclass
class Campaign:
    id: str
    members: dict[str, Member | None]


@dataclass
class OperationScore:
    name: str
    planted: int
    found: int
    members: int  # distinct domains in its campaigns, its own infrastructure hosts left out
    false: int
    campaigns: int  # campaigns that hold one of its seeds (0: both seeds missing, 2: split)
    seeds_found: int
    infra_found: int
    merged_with: list[str]
    by_role: dict[str, tuple[int, int]]  # role -> (found, planted)
    missed_tags: Counter[str] = field(default_factory=Counter)  # link tags of the members it missed
    false_kinds: Counter[str] = field(default_factory=Counter)  # what the false members really are
    false_via: Counter[str] = field(default_factory=Counter)  # the link kinds that brought them in
    roles_wrong: Counter[str] = field(default_factory=Counter)  # "redirector as infra" for found members
    outsiders: Counter[str] = field(default_factory=Counter)  # false members that are no evidence record

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 0.0

    @property
    def false_share(self) -> float | None:
        return self.false / self.members if self.members else None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "planted": self.planted,
            "found": self.found,
            "recall": round(self.recall, 4),
            "members": self.members,
            "false": self.false,
            "false_share": None if self.false_share is None else round(self.false_share, 4),
            "campaigns": self.campaigns,
            "seeds_found": self.seeds_found,
            "infra_found": self.infra_found,
            "merged_with": self.merged_with,
            "by_role": {role: {"found": f, "planted": p} for role, (f, p) in self.by_role.items()},
            "missed_tags": dict(self.missed_tags.most_common()),
            "false_kinds": dict(self.false_kinds.most_common()),
            "false_via": dict(self.false_via.most_common()),
            "roles_wrong": dict(self.roles_wrong.most_common()),
            "outsiders": dict(self.outsiders.most_common()),
        }


@dataclass
class Score:
    tool: str
    operations: list[OperationScore]
    campaigns: int  # campaigns the tool reported in all

    @property
    def planted(self) -> int:
        return sum(op.planted for op in self.operations)

    @property
    def recall(self) -> float:
        return sum(op.found for op in self.operations) / self.planted if self.planted else 0.0

    @property
    def members(self) -> int:
        return sum(op.members for op in self.operations)

    @property
    def false(self) -> int:
        return sum(op.false for op in self.operations)

    @property
    def false_share(self) -> float | None:
        return self.false / self.members if self.members else None

    @property
    def merged(self) -> list[str]:
        """Operations that share a campaign with another."""
        return [op.name for op in self.operations if op.merged_with]

    def total(self, attribute: str) -> Counter[str]:
        out: Counter[str] = Counter()
        for op in self.operations:
            out.update(getattr(op, attribute))
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "campaigns": self.campaigns,
            "planted": self.planted,
            "recall": round(self.recall, 4),
            "members": self.members,
            "false": self.false,
            "false_share": None if self.false_share is None else round(self.false_share, 4),
            "operations_merged": self.merged,
            "operations": [op.as_json() for op in self.operations],
        }


def score(tool: str, world: World, campaigns: list[Campaign]) -> Score:
    seed_of = {seed: op.name for op in world.operations for seed in op.seeds}
    held: dict[str, list[Campaign]] = {op.name: [] for op in world.operations}
    for campaign in campaigns:
        for name in {seed_of[d] for d in campaign.members if d in seed_of}:
            held[name].append(campaign)
    label = _labeller(world)
    results = []
    for op in world.operations:
        mine = held[op.name]
        merged = sorted({seed_of[d] for c in mine for d in c.members if d in seed_of} - {op.name})
        results.append(_operation(op, mine, merged, label))
    return Score(tool, results, len(campaigns))


def _labeller(world: World) -> dict[str, str]:
    """Domain -> what it really is, for the false members: a noise kind, or another operation's role."""
    label = {domain: ":".join(kind.split(":")[:2]) for domain, kind in world.noise.items()}
    for op in world.operations:
        label.update({domain: f"other operation: {role}" for domain, role in op.members.items()})
        label.update({host: "other operation: infra host" for host in op.infra})
    return label


def _operation(
    op: OperationTruth, mine: list[Campaign], merged: list[str], label: dict[str, str]
) -> OperationScore:
    members: dict[str, Member | None] = {}
    for campaign in mine:
        for domain, member in campaign.members.items():
            members.setdefault(domain, member)
    infra = set(op.infra)
    found = [d for d in op.members if d in members]
    false = [d for d in members if d not in op.members and d not in infra]
    planted_roles = Counter(op.members.values())
    found_roles = Counter(op.members[d] for d in found)
    result = OperationScore(
        name=op.name,
        planted=len(op.members),
        found=len(found),
        members=len(members) - sum(1 for d in members if d in infra),
        false=len(false),
        campaigns=len(mine),
        seeds_found=sum(1 for s in op.seeds if s in members),
        infra_found=sum(1 for d in members if d in infra),
        merged_with=merged,
        by_role={role: (found_roles[role], n) for role, n in sorted(planted_roles.items())},
    )
    for domain, role in op.members.items():
        if domain not in members:
            result.missed_tags[f"{role}: {' '.join(sorted(op.tags.get(domain, [])))}"] += 1
        else:
            given = members[domain]
            if given is not None and given.role is not None and given.role != role:
                shown = [t for t in op.tags.get(domain, []) if t in SHOWN_IN_ROLES]
                result.roles_wrong[
                    f"{role} as {given.role}" + (f" ({', '.join(shown)})" if shown else "")
                ] += 1
    for domain in false:
        kind = label.get(domain, "not in the evidence")
        result.false_kinds[kind] += 1
        if kind == "not in the evidence":
            result.outsiders[domain] += 1
        given = members[domain]
        if given is not None and given.via is not None:
            result.false_via[given.via] += 1
    return result
