"""Alembic environment: migrations always run on the connection clonewatch hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from clonewatch.store.models import Base


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("clonewatch migrations run through clonewatch.store.migrate, not the alembic CLI")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
