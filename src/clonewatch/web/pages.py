"""The HTML pages: login, the queue, a domain, campaigns, users; forms post back with a CSRF token."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from clonewatch.store import DECISIONS, ROLES, UNREVIEWED, BadDecision, User
from clonewatch.web import views
from clonewatch.web.accounts import add_user, authenticate
from clonewatch.web.auth import PageUser, check_csrf, require, session_user, settings_of, signer_of, store_of
from clonewatch.web.sessions import CSRF_COOKIE, CSRF_FIELD, SESSION_COOKIE, new_csrf_cookie

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
DECISION_LABELS = {
    "clone": ("Confirm clone", "c"),
    "false-alarm": ("False alarm", "f"),
    "defensive": ("Defensive", "d"),
    "reprobe": ("Re-probe", "r"),
}
Text = Annotated[str | None, Query(max_length=views.MAX_TEXT)]


def quote_path(path: str) -> str:
    return quote(path, safe="/")


def local_path(target: str | None, default: str) -> str:
    """``target`` when it is a path on this server (never another site's address), else ``default``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(ch) < 0x21 for ch in target):
        return default
    return target


def render(request: Request, template: str, user: User | None, status: int = 200, **context: Any) -> Response:
    """A page, with the CSRF token for its forms (a CSRF cookie is set on the first visit)."""
    cookie = request.cookies.get(CSRF_COOKIE) or new_csrf_cookie()
    context.update(
        user=user,
        csrf_field=CSRF_FIELD,
        csrf=signer_of(request).csrf_token(cookie),
        decisions=DECISION_LABELS,
    )
    response: Response = request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status
    )
    if request.cookies.get(CSRF_COOKIE) != cookie:
        _cookie(request, response, CSRF_COOKIE, cookie)
    return response


def _cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=settings_of(request).secure_cookies,
        path="/",
    )


@router.get("/login")
def login_page(request: Request, next: Text = None) -> Response:
    if session_user(request) is not None:
        return RedirectResponse(local_path(next, "/"), status_code=303)
    return render(request, "login.html", None, next=local_path(next, "/"), failed=False)


@router.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf: Annotated[str | None, Form()] = None,
    next: Annotated[str | None, Form(max_length=views.MAX_TEXT)] = None,
) -> Response:
    check_csrf(request, csrf)
    user = authenticate(store_of(request), name, password) if "\x00" not in name else None
    if user is None:
        return render(request, "login.html", None, 401, next=local_path(next, "/"), failed=True)
    response = RedirectResponse(local_path(next, "/"), status_code=303)
    signer = signer_of(request)
    _cookie(request, response, SESSION_COOKIE, signer.session(user.name), int(signer.lifetime))
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str | None, Form()] = None) -> Response:
    check_csrf(request, csrf)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def queue_page(
    request: Request,
    user: PageUser,
    brand: Text = None,
    verdict: Text = None,
    feed: Text = None,
    since: Text = None,
    until: Text = None,
    campaign: Text = None,
    review: Text = None,
    q: Text = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    store = store_of(request)
    filters = views.queue_filter(
        brand=brand,
        verdict=verdict,
        feed=feed,
        since=views.parse_day(since, "since"),
        until=views.parse_day(until, "until"),
        campaign=campaign,
        review=review,
        search=q,
    )
    found = store.queue(filters, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    chosen = {
        "brand": brand or "",
        "verdict": verdict or "",
        "feed": feed or "",
        "since": since or "",
        "until": until or "",
        "campaign": campaign or "",
        "review": review or "",
        "q": q or "",
    }
    kept = {key: value for key, value in chosen.items() if value}
    here = "/?" + urlencode({**kept, "page": page}) if kept or page > 1 else "/"
    pages = max(1, -(-found.total // PAGE_SIZE))
    return render(
        request,
        "queue.html",
        user,
        found=found,
        facets=request.app.state.facets.of(store),
        chosen=chosen,
        reviews=[UNREVIEWED, "clone", "false-alarm", "defensive", "reprobe"],
        page=page,
        pages=pages,
        prev_url="/?" + urlencode({**kept, "page": page - 1}) if page > 1 else None,
        next_url="/?" + urlencode({**kept, "page": page + 1}) if page < pages else None,
        here=here,
        filter_url=lambda **changes: "/?" + urlencode({**kept, **changes}),
    )


@router.get("/domains/{name}")
def domain_page(request: Request, user: PageUser, name: str) -> Response:
    record = views.domain_record(store_of(request), name)
    return render(request, "domain.html", user, record=record, shown=record.shown)


@router.post("/domains/{name}/decision")
def decide(
    request: Request,
    user: PageUser,
    name: str,
    decision: Annotated[str, Form(max_length=20)],
    comment: Annotated[str | None, Form(max_length=2000)] = None,
    csrf: Annotated[str | None, Form()] = None,
    next: Annotated[str | None, Form(max_length=views.MAX_TEXT)] = None,
) -> Response:
    check_csrf(request, csrf)
    require(user, "analyst")
    if decision not in DECISIONS:
        raise HTTPException(400, f"unknown decision {decision!r}")
    store = store_of(request)
    record = views.domain_record(store, name)
    store.record_decision(
        record.finding.match.domain,
        decision,
        who=user.name,
        comment=comment.replace("\x00", "") if comment else None,
    )
    default = f"/domains/{quote_path(record.finding.match.domain)}"
    return RedirectResponse(local_path(next, default), status_code=303)


@router.get("/campaigns")
def campaigns_page(request: Request, user: PageUser) -> Response:
    return render(request, "campaigns.html", user, campaigns=store_of(request).campaigns())


@router.get("/campaigns/{campaign_id}")
def campaign_page(request: Request, user: PageUser, campaign_id: str) -> Response:
    store = store_of(request)
    campaign = views.campaign_record(store, campaign_id)
    by_role: dict[str, list[Any]] = {}
    for member in campaign.active:
        by_role.setdefault(member.role, []).append(member)
    spreaders = request.app.state.spreaders.of(store, campaign.id)
    return render(
        request,
        "campaign.html",
        user,
        campaign=campaign,
        by_role=by_role,
        left=[m for m in campaign.members if m.left_at is not None],
        timeline=views.timeline(campaign),
        spreaders=spreaders,
        posts_loaded=bool(settings_of(request).posts),
    )


@router.get("/users")
def users_page(request: Request, user: PageUser) -> Response:
    require(user, "admin")
    return render(request, "users.html", user, users=store_of(request).users(), roles=ROLES, error=None)


@router.post("/users")
def users_change(
    request: Request,
    user: PageUser,
    name: Annotated[str, Form(max_length=100)],
    role: Annotated[str, Form(max_length=20)],
    password: Annotated[str | None, Form(max_length=1024)] = None,
    csrf: Annotated[str | None, Form()] = None,
) -> Response:
    """Add a user (with a password) or change an existing user's role (without one)."""
    check_csrf(request, csrf)
    require(user, "admin")
    store = store_of(request)
    try:
        if password:
            add_user(store, name, role, password)
        else:
            store.update_user(name, role=role)
    except BadDecision as exc:
        return render(request, "users.html", user, 400, users=store.users(), roles=ROLES, error=str(exc))
    return RedirectResponse("/users", status_code=303)


@router.get("/blobs/{sha}")
def blob(request: Request, user: PageUser, sha: str) -> Response:
    """A screenshot from the blob store, by its SHA-256; only PNG images are served."""
    blobs = settings_of(request).blobs
    if sha not in blobs:
        raise HTTPException(404, "no such image")
    data = blobs.get(sha)
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise HTTPException(404, "no such image")
    return Response(
        data,
        media_type="image/png",
        headers={"Cache-Control": "private, max-age=86400, immutable", "Content-Disposition": "inline"},
    )
