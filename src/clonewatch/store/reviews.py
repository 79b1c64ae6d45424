"""People's decisions on domains, and the dashboard's accounts: the records and the statements.

A decision is one of :data:`DECISIONS`. Every decision is kept (with who made it, when, and an
optional comment). ``clone``, ``false-alarm`` and ``defensive`` stand until the next one of them
and are copied onto the domain (``domains.review``), so that the latest decision is a filter;
``reprobe`` leaves the standing decision alone and marks the domain for the watch loop to probe
again (:meth:`Store.due_for_probe` takes it first; the next probe stored clears the mark).

A ``false-alarm`` feeds back into alerting: pending alerts of the domain are dropped, and no alert
is queued for it again while it stands (see :func:`clonewatch.store.writes.queue_alerts`).

Passwords and tokens never reach the store: it keeps what the caller hashed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from clonewatch.errors import InputError, UnknownDomain
from clonewatch.store.models import AlertRow, ApiTokenRow, DomainRow, ReviewRow, UserRow
from clonewatch.store.records import iso

CLONE = "clone"
FALSE_ALARM = "false-alarm"
DEFENSIVE = "defensive"
REPROBE = "reprobe"
DECISIONS = (CLONE, FALSE_ALARM, DEFENSIVE, REPROBE)
"""What a reviewer can decide about a domain."""
STANDING = frozenset({CLONE, FALSE_ALARM, DEFENSIVE})
"""Decisions that stand on the domain until the next one (``reprobe`` asks for evidence instead)."""
UNREVIEWED = "unreviewed"
"""The review filter for domains with no standing decision."""
ROLES = ("viewer", "analyst", "admin")
"""Dashboard roles, least to most: viewers read, analysts decide, admins also manage users."""
COMMENT_LIMIT = 2000


class BadDecision(InputError):
    """A decision, role or user name the store does not take; the message lists what it does."""


class UserExists(InputError):
    """A user of that name is already stored."""


class UnknownUser(InputError):
    """No user of that name is stored."""


@dataclass(frozen=True, slots=True)
class Decision:
    """What ``who`` decided about ``domain`` at ``at``, and why (``comment``)."""

    domain: str
    decision: str
    comment: str | None
    who: str
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "decision": self.decision,
            "comment": self.comment,
            "who": self.who,
            "at": iso(self.at),
        }


@dataclass(frozen=True, slots=True)
class User:
    """A dashboard account (``password_hash`` as the caller hashed it)."""

    name: str
    role: str
    password_hash: str
    created_at: datetime

    def can(self, role: str) -> bool:
        """Whether this user holds ``role`` or a higher one."""
        return ROLES.index(self.role) >= ROLES.index(role)


def check_decision(decision: str) -> str:
    if decision not in DECISIONS:
        raise BadDecision(f"unknown decision {decision!r}: use one of {', '.join(DECISIONS)}")
    return decision


def check_role(role: str) -> str:
    if role not in ROLES:
        raise BadDecision(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return role


def check_user_name(name: str) -> str:
    if not name or len(name) > 100 or not name.isprintable() or name != name.strip():
        raise BadDecision(f"bad user name {name!r}: 1 to 100 printable characters, no surrounding spaces")
    return name


def record(
    connection: Connection, domain: str, decision: str, who: str, comment: str | None, at: datetime
) -> Decision:
    """Keep one decision; update the domain's standing decision or re-probe mark; drop its
    pending alerts on a false alarm."""
    check_decision(decision)
    text = (comment or "").strip()[:COMMENT_LIMIT] or None
    domain_id = connection.execute(
        select(DomainRow.id).where(DomainRow.name == domain).with_for_update()
    ).scalar_one_or_none()
    if domain_id is None:
        raise UnknownDomain(f"{domain} is not in the store")
    connection.execute(
        insert(ReviewRow),
        {"domain_id": domain_id, "decision": decision, "comment": text, "who": who, "at": at},
    )
    changes: dict[str, Any] = (
        {"review": decision, "reviewed_at": at} if decision in STANDING else {"reprobe_at": at}
    )
    connection.execute(update(DomainRow).where(DomainRow.id == domain_id).values(**changes))
    if decision == FALSE_ALARM:
        connection.execute(
            update(AlertRow)
            .where(AlertRow.domain_id == domain_id, AlertRow.status.in_(("pending", "failed")))
            .values(status="dropped", last_error=f"false alarm ({who})")
        )
    return Decision(domain, decision, text, who, at)


def of_domain(connection: Connection, domain: str) -> list[Decision]:
    """Every decision on ``domain``, oldest first."""
    query = (
        select(ReviewRow.decision, ReviewRow.comment, ReviewRow.who, ReviewRow.at)
        .join(DomainRow, DomainRow.id == ReviewRow.domain_id)
        .where(DomainRow.name == domain)
        .order_by(ReviewRow.at, ReviewRow.id)
    )
    return [Decision(domain, *row) for row in connection.execute(query)]


def standing(connection: Connection, decisions: Collection[str] | None) -> dict[str, Decision]:
    """The standing decision of every reviewed domain (only those decided one of ``decisions``)."""
    latest = (
        select(func.max(ReviewRow.id)).where(ReviewRow.decision.in_(STANDING)).group_by(ReviewRow.domain_id)
    )
    query = (
        select(DomainRow.name, ReviewRow.decision, ReviewRow.comment, ReviewRow.who, ReviewRow.at)
        .join(DomainRow, DomainRow.id == ReviewRow.domain_id)
        .where(ReviewRow.id.in_(latest))
        .order_by(DomainRow.name)
    )
    if decisions is not None:
        query = query.where(ReviewRow.decision.in_(list(decisions)))
    return {row[0]: Decision(*row) for row in connection.execute(query)}


def false_alarms(connection: Connection, domain_ids: Iterable[int]) -> set[int]:
    """Those of ``domain_ids`` whose standing decision is a false alarm."""
    ids = list(domain_ids)
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        query = select(DomainRow.id).where(
            DomainRow.id.in_(ids[start : start + 500]), DomainRow.review == FALSE_ALARM
        )
        found.update(connection.execute(query).scalars())
    return found


def add_user(connection: Connection, name: str, role: str, password_hash: str, at: datetime) -> User:
    check_user_name(name)
    check_role(role)
    if connection.execute(select(UserRow.id).where(UserRow.name == name)).first() is not None:
        raise UserExists(f"user {name!r} exists already")
    connection.execute(
        insert(UserRow), {"name": name, "role": role, "password_hash": password_hash, "created_at": at}
    )
    return User(name, role, password_hash, at)


def _user_id(connection: Connection, name: str) -> int:
    user_id = connection.execute(select(UserRow.id).where(UserRow.name == name)).scalar_one_or_none()
    if user_id is None:
        raise UnknownUser(f"no user {name!r}")
    return int(user_id)


def update_user(connection: Connection, name: str, *, role: str | None, password_hash: str | None) -> None:
    user_id = _user_id(connection, name)
    values: dict[str, Any] = {}
    if role is not None:
        values["role"] = check_role(role)
    if password_hash is not None:
        values["password_hash"] = password_hash
    if values:
        connection.execute(update(UserRow).where(UserRow.id == user_id).values(**values))


def users(connection: Connection, name: str | None = None) -> list[User]:
    query = select(UserRow.name, UserRow.role, UserRow.password_hash, UserRow.created_at).order_by(
        UserRow.name
    )
    if name is not None:
        query = query.where(UserRow.name == name)
    return [User(*row) for row in connection.execute(query)]


def add_token(connection: Connection, name: str, token_hash: str, at: datetime) -> None:
    user_id = _user_id(connection, name)
    connection.execute(insert(ApiTokenRow), {"user_id": user_id, "token_hash": token_hash, "created_at": at})


def user_by_token(connection: Connection, token_hash: str) -> User | None:
    query = (
        select(UserRow.name, UserRow.role, UserRow.password_hash, UserRow.created_at)
        .join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
        .where(ApiTokenRow.token_hash == token_hash)
    )
    row = connection.execute(query).first()
    return None if row is None else User(*row)
