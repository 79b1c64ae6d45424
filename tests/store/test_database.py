from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import text

from clonewatch.errors import BadDatabaseUrl, StoreUnavailable
from clonewatch.store import Store, default_path, resolve_url


def test_url_from_option_then_environment_then_user_data_dir(tmp_path: Path) -> None:
    env = {"CLONEWATCH_DB": "sqlite:///from-env.db"}
    assert resolve_url("sqlite:///given.db", env).database == "given.db"
    assert resolve_url(None, env).database == "from-env.db"
    assert resolve_url(None, {}).database == str(default_path())
    assert default_path().name == "clonewatch.db" and "clonewatch" in default_path().parent.parts
    assert resolve_url(str(tmp_path / "plain.db"), {}).database == str(tmp_path / "plain.db")
    assert resolve_url("postgresql://u@db.example/cw", {}).drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    "url", ["mysql://u@h/db", "sqlite+nosuchdriver:///x.db", "postgresql://u@h:notaport/x"]
)
def test_unusable_urls_are_input_errors(url: str) -> None:
    with pytest.raises(BadDatabaseUrl):
        Store.open(url)


def test_a_server_that_is_not_there_is_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: connections are refused
        with pytest.raises(StoreUnavailable, match=f"127.0.0.1:{port}"):
            Store.open(f"postgresql+psycopg://clonewatch@127.0.0.1:{port}/clonewatch")


def test_sqlite_settings(tmp_path: Path) -> None:
    with (
        Store.open(f"sqlite:///{tmp_path / 'deep' / 'dir' / 'w.db'}") as store,
        store.engine.connect() as conn,
    ):
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar_one() == 10_000


def test_a_sqlite_file_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(StoreUnavailable, match="cannot create the directory"):
        Store.open(f"sqlite:///{tmp_path / 'file' / 'w.db'}")
