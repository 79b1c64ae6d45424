"""Every store test runs twice: on a SQLite file and on a fresh database in the real PostgreSQL server."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from clonewatch.match import Match
from clonewatch.store import Store
from clonewatch.store.models import Base

_databases = itertools.count()
T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    server = request.getfixturevalue("postgres")
    return str(server.create_database(f"test_{next(_databases)}"))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with Store.open(db_url) as opened:
        yield opened


def match(domain: str, genuine: str = "bild.de", brand: str = "Bild", score: float = 0.9) -> Match:
    return Match(domain, domain, brand, genuine, score, ("suffix",))


def count(store: Store, model: type[Base]) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())
