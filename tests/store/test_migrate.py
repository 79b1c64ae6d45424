from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from clonewatch.errors import SchemaMismatch
from clonewatch.store import Store, current_revision, head_revision, upgrade
from clonewatch.store.database import make_engine, resolve_url
from clonewatch.store.migrate import REVISIONS, alembic_config
from clonewatch.store.models import Base


def test_a_new_database_is_created_at_the_newest_revision(store: Store) -> None:
    assert current_revision(store.engine) == head_revision()


def test_migrations_build_exactly_the_models(store: Store) -> None:
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_an_old_database_says_which_command_upgrades_it(db_url: str) -> None:
    engine = make_engine(resolve_url(db_url))
    try:
        upgrade(engine, "0001")
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO feeds (name, kind, updated_at) VALUES ('nrd', 'names', '2026-11-01')")
            )
    finally:
        engine.dispose()
    with pytest.raises(SchemaMismatch) as raised:
        Store.open(db_url)
    message = str(raised.value)
    assert f"is at revision 0001, this clonewatch needs {head_revision()}" in message
    assert "run `clonewatch db upgrade --db " in message
    engine = make_engine(resolve_url(db_url))
    try:
        done = upgrade(engine)
    finally:
        engine.dispose()
    assert (done.before, done.after) == ("0001", head_revision())
    with Store.open(db_url) as store:
        assert store.cursor("nrd") is None
        store.ingest_batch("nrd", {"line": 1}, [])
        assert store.cursor("nrd") == {"line": 1}


def test_a_database_from_a_newer_clonewatch_says_so(store: Store, db_url: str) -> None:
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    with pytest.raises(SchemaMismatch, match="revision f00d, which this clonewatch does not know"):
        Store.open(db_url)


def test_the_revision_list_is_the_migrations_directory() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    chain = [script.revision for script in scripts.walk_revisions()]
    assert tuple(reversed(chain)) == REVISIONS
