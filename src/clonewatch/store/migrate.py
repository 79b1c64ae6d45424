"""Schema revisions: the Alembic migrations shipped in this package, run from code (no alembic.ini).

A database with no clonewatch tables is created at the newest revision on first use. One at an
older revision is left alone and :class:`SchemaMismatch` says which command upgrades it; one at a
revision this clonewatch does not know was written by a newer clonewatch, and says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import OperationalError

from clonewatch.errors import SchemaMismatch, StoreUnavailable
from clonewatch.store.database import display

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006")
"""Every revision in ``migrations/versions``, oldest first (a test holds this to the files), so that
opening a current database needs no Alembic import."""


@dataclass(frozen=True, slots=True)
class Upgrade:
    """What ``upgrade`` did: the revision before (None for a new database) and after."""

    before: str | None
    after: str


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migrations (and at ``connection``)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision this clonewatch knows."""
    return REVISIONS[-1]


def current_revision(engine: Engine) -> str | None:
    """The database's revision, or None when it has never been migrated."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()


def upgrade(engine: Engine, revision: str = "head") -> Upgrade:
    """Migrate the database to ``revision`` (the newest by default) in one transaction.

    Raises :class:`StoreUnavailable` when the database cannot be reached, :class:`SchemaMismatch`
    when it was written by a newer clonewatch."""
    from alembic import command

    try:
        before = current_revision(engine)
        _refuse_unknown(engine, before)
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
        after = current_revision(engine)
    except OperationalError as exc:
        raise StoreUnavailable(f"cannot open database at {display(engine.url)}: {exc.orig or exc}") from None
    return Upgrade(before, after or "")


def ensure_current(engine: Engine) -> None:
    """Create a new database at the newest revision; refuse one at any other revision. Processes
    opening one new PostgreSQL database at once create it one after the other."""
    if current_revision(engine) == head_revision():
        return
    with _schema_lock(engine):
        _ensure_current(engine)


# pg_advisory_lock key of the schema check and creation ("clonewatch" in ASCII, cut to 63 bits)
SCHEMA_LOCK = 0x636C6F6E65776174


@contextmanager
def _schema_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SCHEMA_LOCK})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEMA_LOCK})
            connection.commit()


def _ensure_current(engine: Engine) -> None:
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if current is None and not _has_tables(engine):
        upgrade(engine)
        return
    _refuse_unknown(engine, current)
    where = display(engine.url)
    raise SchemaMismatch(
        f"database at {where} is at revision {current or 'none'}, this clonewatch needs {head}: "
        f"run `clonewatch db upgrade --db {where}`"
    )


def _refuse_unknown(engine: Engine, revision: str | None) -> None:
    if revision is not None and revision not in REVISIONS:
        raise SchemaMismatch(
            f"database at {display(engine.url)} is at revision {revision}, which this clonewatch does not "
            f"know (its newest is {head_revision()}): a newer clonewatch wrote it; upgrade clonewatch"
        )


def _has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())
