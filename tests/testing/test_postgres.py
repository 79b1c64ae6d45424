from __future__ import annotations

import psycopg
import pytest

from clonewatch.testing.postgres import LocalPostgres


def test_server_listens_on_loopback_without_durability(postgres: LocalPostgres) -> None:
    conninfo = postgres.url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(conninfo) as connection:
        settings = dict(
            connection.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'listen_addresses')"
            )
        )
    assert settings == {"fsync": "off", "listen_addresses": "127.0.0.1"}


def test_database_names_are_checked(postgres: LocalPostgres) -> None:
    with pytest.raises(ValueError, match="not a plain database name"):
        postgres.create_database('x"; DROP DATABASE clonewatch; --')
