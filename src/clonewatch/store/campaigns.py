"""Campaigns in the store: the records it takes and hands out, and the statements behind them.

The store knows nothing of the cluster stage: a campaign comes in as a :class:`CampaignRecord`
(plain values; ``clonewatch.watch.campaigns`` translates the cluster's records). Saving a run:

- each campaign found continues a stored one: the one with its id (the cluster's ids are stable
  while a campaign's strongest values and first member stay), else the stored campaign holding
  more than half the members of the smaller of the two (largest overlaps first; a stored campaign
  is continued by one found campaign at most); it takes the stored id, so ids stay put across runs;
- a continued campaign is updated in place (``updated_at`` only when something changed: weights
  alone drifting are written but are no change, as a value's rarity moves whenever other
  domains' evidence does); a member no longer found in it is marked as left (``left_at``),
  never deleted; one that comes back is active again;
- a domain is an active member of one campaign at a time: joining one marks it as left in another;
- stored campaigns the run did not find are left as they are (a run over part of the evidence
  says nothing about the rest).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, text, update

from clonewatch.store.models import CampaignMemberRow, CampaignRow
from clonewatch.store.records import iso

CAMPAIGN_EVENT = "campaign:"
"""Alert events for a domain joining a campaign are ``campaign:<id>``."""
ROLE_ORDER = {"clone": 0, "original": 1, "redirector": 2, "infra": 3}


@dataclass(frozen=True, slots=True)
class CampaignMember:
    """A domain in a campaign: role, the brand it imitates, the link that brought it in, and (as
    read back) when it joined and, if it is no longer there, when it left."""

    domain: str
    role: str
    brand: str | None = None
    via: str | None = None
    joined_at: datetime | None = None
    left_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "role": self.role,
            "brand": self.brand,
            "via": self.via,
            "joined_at": iso(self.joined_at),
            "left_at": iso(self.left_at),
        }


@dataclass(frozen=True, slots=True)
class CampaignValue:
    """A value holding a campaign together: kind, value, weight, and how many members hold it."""

    kind: str
    value: str
    weight: float
    members: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "value": self.value,
            "weight": round(self.weight, 3),
            "members": self.members,
        }


@dataclass(frozen=True, slots=True)
class CampaignEdge:
    """Evidence for one link of a campaign: two members, the weight, the values shared (``kind:value``)."""

    a: str
    b: str
    weight: float
    via: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "weight": round(self.weight, 3), "via": list(self.via)}


@dataclass(frozen=True, slots=True)
class CampaignRecord:
    """A campaign as stored: members (those that left included), values, edges, timeline and
    confidence; ``created_at``/``updated_at`` are set by the store."""

    id: str
    confidence: float
    brands: tuple[str, ...]
    members: tuple[CampaignMember, ...]
    pivots: tuple[CampaignValue, ...] = ()
    edges: tuple[CampaignEdge, ...] = ()
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    registered: tuple[datetime | None, datetime | None] = (None, None)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def active(self) -> tuple[CampaignMember, ...]:
        """The members still in the campaign."""
        return tuple(m for m in self.members if m.left_at is None)

    def roles(self) -> dict[str, int]:
        """How many active members have each role, in role order."""
        counts = Counter(m.role for m in self.active)
        return {role: counts[role] for role in sorted(counts, key=lambda r: (ROLE_ORDER.get(r, 9), r))}

    def summary(self) -> dict[str, Any]:
        """The campaign without its members, values and edges (for lists)."""
        return {
            "id": self.id,
            "size": len(self.active),
            "left": len(self.members) - len(self.active),
            "confidence": self.confidence,
            "brands": list(self.brands),
            "roles": self.roles(),
            "first_seen": iso(self.first_seen),
            "last_seen": iso(self.last_seen),
            "registered": {"first": iso(self.registered[0]), "last": iso(self.registered[1])},
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "members": [member.to_dict() for member in self.members],
            "pivots": [value.to_dict() for value in self.pivots],
            "edges": [edge.to_dict() for edge in self.edges],
        }


@dataclass(frozen=True, slots=True)
class CampaignJoin:
    """A probed domain found to belong to a known campaign (recorded with its probe)."""

    campaign: str
    role: str
    brand: str | None
    via: str | None


@dataclass(frozen=True, slots=True)
class CampaignSave:
    """What saving a run did: the stored id of each campaign given (by its own id), which were
    created, changed or left as they were, and how many members joined and left."""

    ids: Mapping[str, str]
    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    joined: int = 0
    left: int = 0


@dataclass(slots=True)
class _Tally:
    ids: dict[str, str] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    joined: int = 0
    left: int = 0

    def done(self) -> CampaignSave:
        return CampaignSave(
            self.ids, tuple(self.created), tuple(self.updated), tuple(self.unchanged), self.joined, self.left
        )


def _fields(record: CampaignRecord) -> dict[str, Any]:
    """The columns a campaign's content sets (what a later run may change)."""
    return {
        "confidence": float(record.confidence),
        "brands": list(record.brands),
        "first_seen": record.first_seen,
        "last_seen": record.last_seen,
        "registered_first": record.registered[0],
        "registered_last": record.registered[1],
        "pivots": [
            {"kind": v.kind, "value": v.value, "weight": round(v.weight, 4), "members": v.members}
            for v in record.pivots
        ],
        "edges": [
            {"a": e.a, "b": e.b, "weight": round(e.weight, 4), "via": list(e.via)} for e in record.edges
        ],
    }


def _unweighted(values: Mapping[str, Any]) -> dict[str, Any]:
    """A campaign's columns with the weights of its values and edges left out."""
    return {
        **values,
        "pivots": [{k: v for k, v in item.items() if k != "weight"} for item in values["pivots"]],
        "edges": [{k: v for k, v in item.items() if k != "weight"} for item in values["edges"]],
    }


def lock(connection: Connection) -> None:
    """Campaign writers take turns: on PostgreSQL a lock on the campaigns table held to the end of
    the transaction (SQLite's writers already take turns: BEGIN IMMEDIATE)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("LOCK TABLE campaigns IN SHARE ROW EXCLUSIVE MODE"))


@dataclass(slots=True)
class _Member:
    """A stored member row as this save sees it (kept current as the save writes)."""

    role: str
    brand: str | None
    via: str | None
    left: bool


@dataclass(slots=True)
class _Saving:
    """One save's view of the stored campaigns and members, and the statements it issues."""

    connection: Connection
    at: datetime
    stored: dict[str, Any]
    members: dict[str, dict[str, _Member]]
    tally: _Tally = field(default_factory=_Tally)
    active: dict[str, str] = field(default_factory=dict)  # domain -> the campaign it is active in

    def __post_init__(self) -> None:
        for campaign, rows in self.members.items():
            self.active.update((domain, campaign) for domain, row in rows.items() if not row.left)

    def active_campaign(self, domain: str) -> str | None:
        return self.active.get(domain)

    def targets(self, campaigns: Sequence[CampaignRecord]) -> list[str | None]:
        """The stored campaign each found one continues (None: a new one). First the one with its
        id; then, largest overlaps first, the one holding more than half the members of the smaller
        of the two; each stored campaign is continued once."""
        chosen: list[str | None] = [None] * len(campaigns)
        taken: set[str] = set()
        for index, record in enumerate(campaigns):
            if record.id in self.stored and record.id not in taken:
                chosen[index] = record.id
                taken.add(record.id)
        sizes = Counter(self.active.values())
        pairs = []
        for index, record in enumerate(campaigns):
            if chosen[index] is not None:
                continue
            overlap = Counter(self.active[m.domain] for m in record.members if m.domain in self.active)
            for campaign, shared in overlap.items():
                if 2 * shared > min(sizes[campaign], len(record.members)):
                    pairs.append((-shared, index, campaign))
        for _, index, campaign in sorted(pairs):
            if chosen[index] is None and campaign not in taken:
                chosen[index] = campaign
                taken.add(campaign)
        return chosen

    def create(self, record: CampaignRecord) -> str:
        number, target = 2, record.id
        while target in self.stored:
            target, number = f"{record.id}-{number}", number + 1
        self.connection.execute(
            insert(CampaignRow),
            {"id": target, **_fields(record), "created_at": self.at, "updated_at": self.at},
        )
        self.stored[target] = None
        self.tally.created.append(target)
        return target

    def update_fields(self, target: str, record: CampaignRecord) -> bool:
        """Write what changed; whether the campaign changed. Weights alone drifting (a value's
        rarity moves whenever other domains' evidence does) are written but are no change."""
        row = self.stored[target]
        values = _fields(record)
        if row is None:
            return False
        old = {key: getattr(row, key) for key in values}
        if old == values:
            return False
        changed = _unweighted(old) != _unweighted(values)
        stamp = {"updated_at": self.at} if changed else {}
        self.connection.execute(update(CampaignRow).where(CampaignRow.id == target).values(**values, **stamp))
        return changed

    def sync_members(self, target: str, record: CampaignRecord) -> bool:
        """Members in, back, changed and out; a member active elsewhere leaves there. Whether any changed."""
        rows = self.members[target]
        found = {m.domain: m for m in record.members}
        changed = False
        for domain, member in sorted(found.items()):
            elsewhere = self.active_campaign(domain)
            if elsewhere is not None and elsewhere != target:
                self.leave(elsewhere, domain)
                self.touch(elsewhere)
            values = {"role": member.role, "brand": member.brand, "via": member.via}
            row = rows.get(domain)
            if row is None:
                self.connection.execute(
                    insert(CampaignMemberRow),
                    {"campaign_id": target, "domain": domain, **values, "joined_at": self.at},
                )
                self.tally.joined += 1
            elif row.left:
                _set_member(self.connection, target, domain, **values, joined_at=self.at, left_at=None)
                self.tally.joined += 1
            elif (row.role, row.brand, row.via) != (member.role, member.brand, member.via):
                _set_member(self.connection, target, domain, **values)
            else:
                continue
            rows[domain] = _Member(member.role, member.brand, member.via, left=False)
            self.active[domain] = target
            changed = True
        for domain, row in sorted(rows.items()):
            if not row.left and domain not in found:
                self.leave(target, domain)
                changed = True
        return changed

    def leave(self, campaign: str, domain: str) -> None:
        _set_member(self.connection, campaign, domain, left_at=self.at)
        self.members[campaign][domain].left = True
        if self.active.get(domain) == campaign:
            del self.active[domain]
        self.tally.left += 1

    def touch(self, campaign: str) -> None:
        self.connection.execute(
            update(CampaignRow).where(CampaignRow.id == campaign).values(updated_at=self.at)
        )
        if campaign in self.tally.unchanged:
            self.tally.unchanged.remove(campaign)
        if campaign not in self.tally.updated and campaign not in self.tally.created:
            self.tally.updated.append(campaign)


def save(connection: Connection, campaigns: Sequence[CampaignRecord], at: datetime) -> CampaignSave:
    """Store one run's campaigns (see the module docstring for how they meet the stored ones)."""
    lock(connection)
    members: dict[str, dict[str, _Member]] = defaultdict(dict)
    for row in connection.execute(select(CampaignMemberRow)):
        members[row.campaign_id][row.domain] = _Member(row.role, row.brand, row.via, row.left_at is not None)
    saving = _Saving(
        connection, at, {row.id: row for row in connection.execute(select(CampaignRow))}, members
    )
    for record, target in zip(campaigns, saving.targets(campaigns), strict=True):
        new = target is None
        if target is None:
            target = saving.create(record)
        saving.tally.ids[record.id] = target
        changed = saving.update_fields(target, record)
        changed = saving.sync_members(target, record) or changed
        if new or target in saving.tally.updated:
            continue
        if changed:
            saving.touch(target)
        else:
            saving.tally.unchanged.append(target)
    return saving.tally.done()


def _set_member(connection: Connection, campaign: str, domain: str, **values: Any) -> None:
    connection.execute(
        update(CampaignMemberRow)
        .where(CampaignMemberRow.campaign_id == campaign, CampaignMemberRow.domain == domain)
        .values(**values)
    )


def read(connection: Connection, ids: Sequence[str] | None = None) -> list[CampaignRecord]:
    """Stored campaigns (all, or those with ``ids``), most recently seen first, with every member."""
    query = select(CampaignRow)
    members = select(CampaignMemberRow)
    if ids is not None:
        query = query.where(CampaignRow.id.in_(ids))
        members = members.where(CampaignMemberRow.campaign_id.in_(ids))
    found: dict[str, list[CampaignMember]] = defaultdict(list)
    for row in connection.execute(members):
        found[row.campaign_id].append(
            CampaignMember(row.domain, row.role, row.brand, row.via, row.joined_at, row.left_at)
        )
    records = [_record(row, found[row.id]) for row in connection.execute(query)]
    records.sort(key=lambda r: (r.last_seen is None, -(r.last_seen.timestamp() if r.last_seen else 0), r.id))
    return records


def _record(row: Any, members: list[CampaignMember]) -> CampaignRecord:
    members.sort(key=lambda m: (m.left_at is not None, ROLE_ORDER.get(m.role, 9), m.domain))
    return CampaignRecord(
        id=row.id,
        confidence=row.confidence,
        brands=tuple(row.brands),
        members=tuple(members),
        pivots=tuple(CampaignValue(v["kind"], v["value"], v["weight"], v["members"]) for v in row.pivots),
        edges=tuple(CampaignEdge(e["a"], e["b"], e["weight"], tuple(e["via"])) for e in row.edges),
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        registered=(row.registered_first, row.registered_last),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def active_campaign(connection: Connection, domain: str) -> str | None:
    """The campaign ``domain`` is an active member of, if any."""
    query = select(CampaignMemberRow.campaign_id).where(
        CampaignMemberRow.domain == domain, CampaignMemberRow.left_at.is_(None)
    )
    return connection.execute(query.limit(1)).scalar_one_or_none()


def join(connection: Connection, domain: str, joining: CampaignJoin, at: datetime) -> bool:
    """Make ``domain`` an active member of a stored campaign (leaving any other); False when the
    campaign is not stored or the domain is in it already."""
    lock(connection)
    known = connection.execute(
        select(CampaignRow.last_seen).where(CampaignRow.id == joining.campaign)
    ).first()
    if known is None:
        return False
    rows = {
        row.campaign_id: row
        for row in connection.execute(select(CampaignMemberRow).where(CampaignMemberRow.domain == domain))
    }
    here = rows.get(joining.campaign)
    if here is not None and here.left_at is None:
        return False
    for campaign, row in rows.items():
        if campaign != joining.campaign and row.left_at is None:
            _set_member(connection, campaign, domain, left_at=at)
            connection.execute(update(CampaignRow).where(CampaignRow.id == campaign).values(updated_at=at))
    values = {"role": joining.role, "brand": joining.brand, "via": joining.via, "joined_at": at}
    if here is None:
        connection.execute(
            insert(CampaignMemberRow), {"campaign_id": joining.campaign, "domain": domain, **values}
        )
    else:
        _set_member(connection, joining.campaign, domain, **values, left_at=None)
    last_seen = at if known.last_seen is None else max(known.last_seen, at)
    connection.execute(
        update(CampaignRow)
        .where(CampaignRow.id == joining.campaign)
        .values(updated_at=at, last_seen=last_seen)
    )
    return True


def memberships(connection: Connection, domain: str) -> list[tuple[str, CampaignMember]]:
    """Every campaign ``domain`` was a member of, with its membership (for its history)."""
    query = select(CampaignMemberRow).where(CampaignMemberRow.domain == domain).order_by(CampaignMemberRow.id)
    return [
        (
            row.campaign_id,
            CampaignMember(row.domain, row.role, row.brand, row.via, row.joined_at, row.left_at),
        )
        for row in connection.execute(query)
    ]
