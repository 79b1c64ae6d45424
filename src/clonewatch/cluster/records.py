"""The records of campaign clustering: what one domain offers to pivot on, and the campaigns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True, order=True)
class Pivot:
    """One shareable value of a domain: ``kind`` (``address``, ``ns``, ``analytics``, ...) and value."""

    kind: str
    value: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


@dataclass(frozen=True, slots=True)
class DomainFacts:
    """What clustering knows of one domain: who it imitates, the verdict, when it was registered
    and probed, and every pivot value its evidence carries."""

    domain: str
    verdict: str | None
    brand: str | None = None
    genuine: str | None = None
    registered: str | None = None
    probed: str | None = None
    pivots: tuple[Pivot, ...] = ()
    hop_hosts: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Edge:
    """Two domains joined by the values they share, and the weight those values carry."""

    a: str
    b: str
    weight: float
    shared: tuple[Pivot, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "weight": round(self.weight, 3),
            "via": [str(p) for p in self.shared],
        }


@dataclass(frozen=True, slots=True)
class Member:
    """A campaign member: its role (``clone``, ``redirector``, ``original``, ``infra``), the brand
    it imitates (clones), and the strongest link that brought it in."""

    domain: str
    role: str
    brand: str | None
    via: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"domain": self.domain, "role": self.role, "brand": self.brand, "via": self.via}


@dataclass(frozen=True, slots=True)
class SharedValue:
    """A pivot value held by several members, with its weight (rarity x kind strength)."""

    pivot: Pivot
    weight: float
    members: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.pivot.kind,
            "value": self.pivot.value,
            "weight": round(self.weight, 3),
            "members": self.members,
        }


@dataclass(frozen=True, slots=True)
class Campaign:
    """A community of the weighted domain graph: its members and roles, the values that hold it
    together, the evidence for each link (a maximum spanning tree of its edges), a timeline, the
    brands it targets and a confidence."""

    id: str
    members: tuple[Member, ...]
    pivots: tuple[SharedValue, ...]
    edges: tuple[Edge, ...]
    brands: tuple[str, ...]
    first_seen: str | None
    last_seen: str | None
    registered: tuple[str | None, str | None]
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "size": len(self.members),
            "members": [member.to_dict() for member in self.members],
            "pivots": [value.to_dict() for value in self.pivots],
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "registered": {"first": self.registered[0], "last": self.registered[1]},
            "brands": list(self.brands),
            "confidence": self.confidence,
            "edges": [edge.to_dict() for edge in self.edges],
        }
