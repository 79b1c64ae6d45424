"""Where the database is, and an engine for it with the settings each dialect needs.

The URL comes from ``--db``, else the ``CLONEWATCH_DB`` environment variable, else a SQLite file in
the platform's user data directory (``~/.local/share/clonewatch/clonewatch.db`` on Linux). A bare
file path is accepted as SQLite. PostgreSQL is reached through ``postgresql+psycopg://`` (psycopg 3).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from clonewatch.errors import BadDatabaseUrl, StoreUnavailable

ENV_VAR = "CLONEWATCH_DB"
SQLITE_BUSY_TIMEOUT_MS = 10_000
IMMEDIATE = "clonewatch_write"  # execution option: this SQLite transaction writes, take the lock first


def default_path() -> Path:
    """The SQLite file used when no URL is given."""
    return Path(platformdirs.user_data_dir("clonewatch", appauthor=False)) / "clonewatch.db"


def resolve_url(db: str | None = None, environ: Mapping[str, str] | None = None) -> URL:
    """The database URL: ``db`` if given, else ``CLONEWATCH_DB``, else the default SQLite file."""
    env = os.environ if environ is None else environ
    text = db or env.get(ENV_VAR) or ""
    if not text:
        return URL.create("sqlite", database=str(default_path()))
    if "://" not in text:
        return URL.create("sqlite", database=str(Path(text).expanduser()))
    try:
        url = make_url(text)
    except (ArgumentError, ValueError) as exc:
        raise BadDatabaseUrl(f"cannot parse database URL {text!r}: {exc}") from None
    if url.drivername in ("postgresql", "postgres"):  # no driver named: psycopg 3, the one installed
        url = url.set(drivername="postgresql+psycopg")
    return url


def display(url: URL) -> str:
    """The URL as shown to the user, password hidden."""
    return url.render_as_string(hide_password=True)


def make_engine(url: URL) -> Engine:
    """An engine for ``url``; SQLite files (and their directory) are created on demand."""
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BadDatabaseUrl(
            f"unsupported database {display(url)}: use sqlite:///PATH or postgresql+psycopg://"
        )
    options: dict[str, Any] = {}
    if backend == "sqlite" and url.database and url.database != ":memory:":
        try:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(
                f"cannot create the directory for {display(url)}: {exc.strerror}"
            ) from None
    try:
        engine = create_engine(url, **options)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise BadDatabaseUrl(f"cannot use database URL {display(url)}: {exc}") from None
    if backend == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, a busy timeout, and transactions that SQLite itself begins.

    pysqlite begins transactions lazily (before the first write), so reads ahead of a write would
    not be part of it; SQLAlchemy's documented recipe hands transaction control back to SQLite.
    Writing transactions take the write lock up front (BEGIN IMMEDIATE) so that two writers wait
    for each other (busy timeout) instead of failing on a lock upgrade.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        writes = connection.get_execution_options().get(IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
