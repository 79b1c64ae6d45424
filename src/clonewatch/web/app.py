"""The application: settings, security headers, templates, and the two routers (pages and API).

Every response carries a strict Content-Security-Policy (no script at all, styles and images from
this server only, forms post only here, no framing), ``nosniff``, no referrer and no caching of
pages. Jinja2 escapes every value, and control characters (terminal escapes in a page title) are
shown as visible ``\\xNN`` codes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clonewatch.errors import ClonewatchError, InputError
from clonewatch.inert import inert
from clonewatch.store import BlobStore, Store
from clonewatch.web.sessions import Signer

HERE = Path(__file__).resolve().parent
CSP = (
    "default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


@dataclass(frozen=True, slots=True)
class WebSettings:
    """What the dashboard serves: the store, the blob store of screenshots, the files of posts for
    the campaign pages, the signing secret (random per start unless given: sessions then end when
    the server restarts), and whether cookies are marked Secure (behind a TLS proxy)."""

    store: Store
    blobs: BlobStore
    posts: tuple[Path, ...] = ()
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    secure_cookies: bool = False
    session_hours: float = 12.0


class LoginRequired(Exception):
    """A page was asked for without a valid session: go to the login page."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def visible(value: Any) -> Any:
    """Jinja2's finalize: strings with their control and bidirectional characters made visible."""
    return inert(value) if isinstance(value, str) else value


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.finalize = visible
    templates.env.autoescape = True
    return templates


SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """ASGI middleware: the security headers on every response, and no caching unless the
    response says otherwise (screenshots may be cached by the browser that fetched them)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS]
                headers += SECURITY_HEADERS
                if not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


_OURS = {name for name, _ in SECURITY_HEADERS}


def create_app(settings: WebSettings) -> FastAPI:
    """The dashboard and API over ``settings.store``."""
    from clonewatch.web import api, pages, views

    app = FastAPI(
        title="clonewatch",
        summary="Look-alike domains of news outlets and government sites: findings, evidence, decisions.",
        version="1",
        openapi_url="/api/openapi.json",
        docs_url=None,  # the interactive docs load scripts from a CDN: not served
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.signer = Signer(settings.secret, settings.session_hours * 3600)
    app.state.templates = make_templates()
    app.state.spreaders = views.Spreaders(settings.posts)
    app.state.facets = views.Facets()
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={pages.quote_path(exc.path)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
        page = app.state.templates.TemplateResponse(
            request,
            "error.html",
            {"status": exc.status_code, "detail": str(exc.detail), "user": None},
            status_code=exc.status_code,
        )
        assert isinstance(page, HTMLResponse)
        return page

    @app.exception_handler(ClonewatchError)
    async def _clonewatch_error(request: Request, exc: ClonewatchError) -> Response:
        status = 400 if isinstance(exc, InputError) else 503
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status)
        return app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
            request, "error.html", {"status": status, "detail": str(exc), "user": None}, status_code=status
        )

    return app
