"""Monitor fixtures: the store on SQLite and PostgreSQL (as in tests/store), a CT cert factory, names."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from clonewatch.testing.ctlog import CertFactory
from clonewatch.watch.feeds import FeedContext
from clonewatch.watch.http import HttpClient
from tests.store.conftest import db_url, store

__all__ = ["db_url", "store"]


@pytest.fixture(scope="session")
def certs() -> CertFactory:
    return CertFactory()


@pytest.fixture
def context() -> Iterator[FeedContext]:
    """Feeds may reach loopback; backoff waits are short so that fault tests stay fast."""
    stop = threading.Event()
    yield FeedContext(
        HttpClient(allow_private=True, timeout=5.0), stop, max_retry_after=1.0, retries=3, backoff=0.05
    )
    stop.set()
