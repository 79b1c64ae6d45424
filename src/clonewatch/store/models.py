"""The tables, as typed SQLAlchemy models. The migrations under ``migrations/versions`` create them.

Reading order: a *feed* (with its cursor) brings *domains*; each domain has one or more *matches*
against watched *brands*; *probes* keep every evidence snapshot; *verdicts* keep one row per change
of a domain's verdict (the latest one is also copied onto the domain); *alerts* are an outbox with
one row per (domain, event, target), so that an alert is never sent twice. *Campaigns* are what
``clonewatch cluster --save`` found (updated in place by a later run); their *campaign members* keep
when each domain joined and, once it is no longer found in the campaign, when it left.
*Reviews* keep every decision a person made on a domain (the latest standing one is also copied
onto the domain, and a requested re-probe marks it); *users* and their *API tokens* (both hashed)
are the dashboard's accounts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Float, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from clonewatch.store.types import JsonDocument, UtcDateTime

NAME = 253  # the longest DNS name

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime(), dict[str, Any]: JsonDocument}


class BrandRow(Base):
    """A watched brand by name (the watchlist itself stays in brands/)."""

    __tablename__ = "brands"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class FeedRow(Base):
    """A source of names and how far it has been read (a JSON cursor: file and line, CT tree index...)."""

    __tablename__ = "feeds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(500), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    cursor: Mapped[Any | None] = mapped_column(JsonDocument)
    updated_at: Mapped[datetime]


class DomainRow(Base):
    """A flagged name: when and in which feed it was first seen, and its latest verdict."""

    __tablename__ = "domains"
    __table_args__ = (
        Index("ix_domains_verdict_first_seen", "verdict", "first_seen"),  # the queue, by verdict
        Index("ix_domains_review_first_seen", "review", "first_seen"),  # the queue, by review state
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME), unique=True)
    unicode: Mapped[str] = mapped_column(String(NAME))
    first_seen: Mapped[datetime] = mapped_column(index=True)
    first_feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id"))
    verdict: Mapped[str | None] = mapped_column(String(40), index=True)
    confidence: Mapped[float | None] = mapped_column(Float)
    verdict_at: Mapped[datetime | None]
    probed_at: Mapped[datetime | None]
    review: Mapped[str | None] = mapped_column(String(20), index=True)
    reviewed_at: Mapped[datetime | None]
    reprobe_at: Mapped[datetime | None]
    lease_holder: Mapped[str | None] = mapped_column(String(200))  # the monitor probing it now
    lease_until: Mapped[datetime | None]  # until when that claim holds


class MatchRow(Base):
    """Why a domain looks like a brand's genuine domain (one row per domain and genuine domain)."""

    __tablename__ = "matches"
    __table_args__ = (
        UniqueConstraint("domain_id", "genuine"),
        Index("ix_matches_domain_id_brand_id", "domain_id", "brand_id"),  # the queue's counts per brand
        Index("ix_matches_brand_id_domain_id", "brand_id", "domain_id"),  # ... of every finding
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("domains.id"))
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    genuine: Mapped[str] = mapped_column(String(NAME))
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JsonDocument)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id"))
    seen_at: Mapped[datetime]


class ProbeRow(Base):
    """One probe's evidence snapshot; rows are only ever added."""

    __tablename__ = "probes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("domains.id"), index=True)
    probed_at: Mapped[datetime]
    evidence: Mapped[dict[str, Any]]


class VerdictRow(Base):
    """A change of a domain's verdict, and the probe that decided it."""

    __tablename__ = "verdicts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("domains.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(40))
    confidence: Mapped[float] = mapped_column(Float)
    decided_at: Mapped[datetime]
    probe_id: Mapped[int] = mapped_column(ForeignKey("probes.id"))


class AlertRow(Base):
    """An alert to send or sent: pending, sent or failed, with the attempts made."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("domain_id", "event", "target"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("domains.id"))
    event: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), index=True)
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class CampaignRow(Base):
    """A campaign: how sure, which brands, when seen, the values that hold it together and the
    spanning edges as evidence (JSON), when it was first stored and last changed."""

    __tablename__ = "campaigns"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    confidence: Mapped[float] = mapped_column(Float)
    brands: Mapped[list[str]] = mapped_column(JsonDocument)
    first_seen: Mapped[datetime | None]
    last_seen: Mapped[datetime | None] = mapped_column(index=True)
    registered_first: Mapped[datetime | None]
    registered_last: Mapped[datetime | None]
    pivots: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument)
    edges: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CampaignMemberRow(Base):
    """A domain in a campaign: its role, brand and the link that brought it in; ``left_at`` is set
    when a later run no longer finds it there (the row stays)."""

    __tablename__ = "campaign_members"
    __table_args__ = (UniqueConstraint("campaign_id", "domain"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    domain: Mapped[str] = mapped_column(String(NAME), index=True)
    role: Mapped[str] = mapped_column(String(20))
    brand: Mapped[str | None] = mapped_column(String(200))
    via: Mapped[str | None] = mapped_column(Text)
    joined_at: Mapped[datetime]
    left_at: Mapped[datetime | None]


class ReviewRow(Base):
    """A person's decision on a domain (clone, false-alarm, defensive, reprobe), with a comment."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("domains.id"), index=True)
    decision: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]


class UserRow(Base):
    """A dashboard account: its role and its password's hash (the store never sees the password)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class ApiTokenRow(Base):
    """An API token of a user, kept as its SHA-256 only."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
