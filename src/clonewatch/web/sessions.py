"""Signed session cookies and CSRF tokens (HMAC-SHA256 with the server's secret).

The session cookie names the user and when it expires, signed; the user is read from the store on
every request, so a changed role applies at once. CSRF: every browser gets a random ``cw_csrf``
cookie; each form carries the HMAC of that cookie, which a page of another site can neither read
nor compute, and a POST without the matching pair is refused (the double-submit pattern with a
signed token). Both cookies are HttpOnly and SameSite=Strict; Secure when served over TLS.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

SESSION_COOKIE = "cw_session"
CSRF_COOKIE = "cw_csrf"
CSRF_FIELD = "csrf"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class Signer:
    """Signs and checks session cookies and CSRF tokens with ``secret``; sessions last ``lifetime`` s."""

    secret: bytes
    lifetime: float = 12 * 3600

    def _mac(self, purpose: str, text: str) -> str:
        return _b64(hmac.new(self.secret, f"{purpose}|{text}".encode(), hashlib.sha256).digest())

    def session(self, user: str, *, now: float | None = None) -> str:
        """A session cookie value for ``user``."""
        expires = int((now or time.time()) + self.lifetime)
        body = f"{_b64(user.encode())}.{expires}.{secrets.token_urlsafe(8)}"
        return f"{body}.{self._mac('session', body)}"

    def session_user(self, value: str | None, *, now: float | None = None) -> str | None:
        """The user a session cookie names, when its signature holds and it has not expired."""
        if not value or value.count(".") != 3 or len(value) > 1000:
            return None
        body, _, signature = value.rpartition(".")
        if not hmac.compare_digest(signature, self._mac("session", body)):
            return None
        name, expires, _nonce = body.split(".")
        try:
            if int(expires) < (now or time.time()):
                return None
            return _unb64(name).decode()
        except (ValueError, UnicodeDecodeError):
            return None

    def csrf_token(self, cookie: str) -> str:
        """The form token that goes with the browser's CSRF cookie."""
        return self._mac("csrf", cookie)

    def csrf_ok(self, cookie: str | None, token: str | None) -> bool:
        """Whether a form's token matches the browser's CSRF cookie."""
        if not cookie or not token or len(cookie) > 200 or len(token) > 200:
            return False
        return hmac.compare_digest(token, self.csrf_token(cookie))


def new_csrf_cookie() -> str:
    return secrets.token_urlsafe(24)
