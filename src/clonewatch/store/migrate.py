"""Schema revisions: the Alembic migrations shipped in this package, run from code (no alembic.ini).

A database with no clonewatch tables is created at the newest revision on first use. One at an
older revision is left alone and :class:`SchemaMismatch` says which command upgrades it; one at a
revision this clonewatch does not know was written by a newer clonewatch, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, inspect

from clonewatch.errors import SchemaMismatch
from clonewatch.store.database import display

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True, slots=True)
class Upgrade:
    """What ``upgrade`` did: the revision before (None for a new database) and after."""

    before: str | None
    after: str


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migrations (and at ``connection``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision this clonewatch knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The database's revision, or None when it has never been migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> Upgrade:
    """Migrate the database to ``revision`` (the newest by default) in one transaction."""
    before = current_revision(engine)
    _refuse_unknown(engine, before)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)
    after = current_revision(engine)
    return Upgrade(before, after or "")


def ensure_current(engine: Engine) -> None:
    """Create a new database at the newest revision; refuse one at any other revision."""
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
    if revision is None:
        return
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except CommandError:
        raise SchemaMismatch(
            f"database at {display(engine.url)} is at revision {revision}, which this clonewatch does not "
            f"know (its newest is {head_revision()}): a newer clonewatch wrote it; upgrade clonewatch"
        ) from None


def _has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())
