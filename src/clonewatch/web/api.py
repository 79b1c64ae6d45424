"""The JSON API: what the pages show, for scripts; every route needs an API token (401 without).

Lists are paginated (``offset``, ``limit`` up to 500, ``total`` and ``next``). The OpenAPI
description is at ``/api/openapi.json``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field, field_validator

from clonewatch.store import Decision, QueuePage
from clonewatch.store.queue import MAX_LIMIT
from clonewatch.web import views
from clonewatch.web.auth import ApiUser, require, store_of

router = APIRouter(prefix="/api", tags=["api"])
Text = Annotated[str | None, Query(max_length=views.MAX_TEXT)]
CampaignId = Annotated[str, Path(max_length=40)]
DomainName = Annotated[str, Path(max_length=253, description="ASCII (punycode) name")]


class FindingOut(BaseModel):
    """A flagged domain in the queue: its best match, first sighting, latest verdict and review."""

    domain: str
    unicode: str
    brand: str
    genuine: str
    score: float
    reasons: list[str]
    first_seen: str | None
    feed: str | None
    verdict: str | None
    confidence: float | None
    probed_at: str | None
    review: str | None
    reviewed_at: str | None
    reprobe_requested_at: str | None
    campaign: str | None


class FindingsOut(BaseModel):
    """One page of findings, newest first, with counts per brand and verdict over every page."""

    items: list[FindingOut]
    total: int
    offset: int
    limit: int
    next: int | None = Field(description="the offset of the next page, or null on the last")
    by_brand: dict[str, int]
    by_verdict: dict[str, int] = Field(description='counts per latest verdict ("none": not probed yet)')


class DecisionIn(BaseModel):
    decision: Literal["clone", "false-alarm", "defensive", "reprobe"]
    comment: str | None = Field(default=None, max_length=2000)

    @field_validator("comment")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError("no NUL characters")
        return value


class DecisionOut(BaseModel):
    domain: str
    decision: str
    comment: str | None
    who: str
    at: str | None


def _findings(found: QueuePage) -> FindingsOut:
    following = found.offset + found.limit
    return FindingsOut(
        items=[FindingOut(**item.to_dict()) for item in found.items],
        total=found.total,
        offset=found.offset,
        limit=found.limit,
        next=following if following < found.total else None,
        by_brand=found.by_brand,
        by_verdict={verdict or "none": n for verdict, n in found.by_verdict.items()},
    )


def _decision(decision: Decision) -> DecisionOut:
    return DecisionOut(**decision.to_dict())


@router.get("/findings", response_model=FindingsOut)
def findings(
    request: Request,
    user: ApiUser,
    brand: Text = None,
    verdict: Text = None,
    feed: Text = None,
    since: datetime | None = None,
    until: datetime | None = None,
    campaign: Text = None,
    review: Text = None,
    q: Text = None,
    offset: Annotated[int, Query(ge=0, le=100_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> FindingsOut:
    """The queue: flagged domains newest first; every filter given narrows it (review: a standing
    decision, ``unreviewed`` or ``reprobe``; q: part of the name)."""
    filters = views.queue_filter(
        brand=brand,
        verdict=verdict,
        feed=feed,
        since=since,
        until=until,
        campaign=campaign,
        review=review,
        search=q,
    )
    return _findings(store_of(request).queue(filters, offset=offset, limit=limit))


@router.get("/facets")
def facets(request: Request, user: ApiUser) -> dict[str, list[str]]:
    """The brands, verdicts, feeds and campaigns stored: the values the queue's filters take."""
    return store_of(request).facets()


@router.get("/domains/{name}")
def domain(request: Request, user: ApiUser, name: DomainName) -> dict[str, Any]:
    """One flagged domain: its finding, the latest evidence as stored, its record and decisions."""
    return views.domain_record(store_of(request), name).to_dict()


@router.get("/domains/{name}/decisions", response_model=list[DecisionOut])
def decisions(request: Request, user: ApiUser, name: DomainName) -> list[DecisionOut]:
    """Every decision on the domain, oldest first."""
    record = views.domain_record(store_of(request), name)
    return [_decision(d) for d in record.decisions]


@router.post("/domains/{name}/decisions", response_model=DecisionOut, status_code=201)
def decide(request: Request, user: ApiUser, name: DomainName, body: DecisionIn) -> DecisionOut:
    """Record a decision as the token's user (analysts and admins)."""
    require(user, "analyst")
    store = store_of(request)
    record = views.domain_record(store, name)
    return _decision(
        store.record_decision(record.finding.match.domain, body.decision, who=user.name, comment=body.comment)
    )


@router.get("/campaigns")
def campaigns(
    request: Request,
    user: ApiUser,
    offset: Annotated[int, Query(ge=0, le=100_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> dict[str, Any]:
    """Stored campaigns, most recently seen first (summaries)."""
    every = store_of(request).campaigns()
    page = every[offset : offset + limit]
    following = offset + limit
    return {
        "items": [c.summary() for c in page],
        "total": len(every),
        "offset": offset,
        "limit": limit,
        "next": following if following < len(every) else None,
    }


@router.get("/campaigns/{campaign_id}")
def campaign(
    request: Request, user: ApiUser, campaign_id: Annotated[str, Path(max_length=40)]
) -> dict[str, Any]:
    """One campaign: members (those that left included), pivots, edges, timeline and spreaders."""
    store = store_of(request)
    found = views.campaign_record(store, campaign_id)
    return {
        **found.to_dict(),
        "timeline": [{"at": at.isoformat(), "event": what} for at, what in views.timeline(found)],
        "accounts": request.app.state.spreaders.of(store, found.id),
    }


@router.get("/me")
def me(user: ApiUser) -> dict[str, str]:
    """The token's user and role."""
    return {"name": user.name, "role": user.role}
