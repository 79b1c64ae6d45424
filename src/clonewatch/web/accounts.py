"""Dashboard accounts: passwords hashed with Argon2id, API tokens as random strings kept hashed.

A token is shown once, when it is issued; the store keeps its SHA-256 (a token is 256 random
bits, so a fast hash is enough, and a lookup by hash needs no scan). Passwords are checked with
argon2-cffi's defaults (RFC 9106's low-memory profile) and re-hashed when those defaults change.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from clonewatch.store import BadDecision, Store, User

TOKEN_PREFIX = "cw_"
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("a password nobody has")  # so that an unknown name costs as much as a wrong password


def hash_password(password: str) -> str:
    """The Argon2id hash of ``password``; refuses one shorter than MIN_PASSWORD characters."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise BadDecision(f"a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    try:
        return _hasher.verify(password_hash, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    """What the store keeps of an API token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def add_user(store: Store, name: str, role: str, password: str) -> User:
    """Store a new account with ``password`` hashed."""
    return store.add_user(name, role, hash_password(password))


def issue_token(store: Store, name: str) -> str:
    """A new API token for user ``name`` (shown to the caller once; only its hash is stored)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    store.add_token(name, token_hash(token))
    return token


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The user when ``password`` is theirs, else None (in about the same time either way)."""
    user = store.user(name) if name else None
    if user is None:
        verify_password(_DUMMY, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        store.update_user(name, password_hash=_hasher.hash(password))
    return user


def user_for_token(store: Store, token: str) -> User | None:
    """The user holding ``token``, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    return store.user_by_token(token_hash(token))
