"""Who is asking: the session user for pages, the bearer token's user for the API; and what they may do.

Pages without a session go to the login page; API calls without a valid token get 401 and no
data. Viewers read, analysts also decide, admins also manage users (403 otherwise).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from clonewatch.store import Store, User
from clonewatch.web.accounts import user_for_token
from clonewatch.web.app import LoginRequired, WebSettings
from clonewatch.web.sessions import CSRF_COOKIE, CSRF_FIELD, SESSION_COOKIE, Signer

bearer = HTTPBearer(auto_error=False, description="An API token from `clonewatch users token NAME`.")


def settings_of(request: Request) -> WebSettings:
    settings = request.app.state.settings
    assert isinstance(settings, WebSettings)
    return settings


def store_of(request: Request) -> Store:
    return settings_of(request).store


def signer_of(request: Request) -> Signer:
    signer = request.app.state.signer
    assert isinstance(signer, Signer)
    return signer


def session_user(request: Request) -> User | None:
    """The user of the request's session cookie, if it is valid and the user still exists."""
    name = signer_of(request).session_user(request.cookies.get(SESSION_COOKIE))
    return store_of(request).user(name) if name is not None else None


def page_user(request: Request) -> User:
    user = session_user(request)
    if user is None:
        raise LoginRequired(request.url.path)
    return user


def api_user(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> User:
    user = user_for_token(store_of(request), credentials.credentials) if credentials is not None else None
    if user is None:
        raise HTTPException(401, "an API token is needed", headers={"WWW-Authenticate": "Bearer"})
    return user


def require(user: User, role: str) -> None:
    """Refuse (403) a user below ``role``."""
    if not user.can(role):
        raise HTTPException(403, f"this needs the {role} role; {user.name} is a {user.role}")


def check_csrf(request: Request, token: str | None) -> None:
    """Refuse (403) a form whose CSRF token does not go with the browser's CSRF cookie."""
    if not signer_of(request).csrf_ok(request.cookies.get(CSRF_COOKIE), token):
        raise HTTPException(403, "the form's CSRF token is missing or wrong: reload the page and try again")


PageUser = Annotated[User, Depends(page_user)]
ApiUser = Annotated[User, Depends(api_user)]
__all__ = ["CSRF_FIELD", "ApiUser", "PageUser", "check_csrf", "require", "store_of"]
