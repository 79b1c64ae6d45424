"""Probe leases: which monitor process is probing a domain, and until when its claim holds (so that
several processes on one PostgreSQL never probe the same domain at once, and a crashed one's
claims lapse).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clonewatch.store.types import UtcDateTime

revision = "0006"
down_revision: str | None = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("domains") as domains:
        domains.add_column(sa.Column("lease_holder", sa.String(200), nullable=True))
        domains.add_column(sa.Column("lease_until", UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("domains") as domains:
        domains.drop_column("lease_until")
        domains.drop_column("lease_holder")
