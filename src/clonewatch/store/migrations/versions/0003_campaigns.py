"""Campaigns found by `clonewatch cluster --save`, and their members with when each joined and left.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clonewatch.store.types import JsonDocument, UtcDateTime

revision = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("brands", JsonDocument, nullable=False),
        sa.Column("first_seen", UtcDateTime(), nullable=True),
        sa.Column("last_seen", UtcDateTime(), nullable=True),
        sa.Column("registered_first", UtcDateTime(), nullable=True),
        sa.Column("registered_last", UtcDateTime(), nullable=True),
        sa.Column("pivots", JsonDocument, nullable=False),
        sa.Column("edges", JsonDocument, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_campaigns"),
    )
    op.create_index("ix_campaigns_last_seen", "campaigns", ["last_seen"])
    op.create_table(
        "campaign_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.String(40), nullable=False),
        sa.Column("domain", sa.String(253), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("brand", sa.String(200), nullable=True),
        sa.Column("via", sa.Text(), nullable=True),
        sa.Column("joined_at", UtcDateTime(), nullable=False),
        sa.Column("left_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name="fk_campaign_members_campaign_id_campaigns"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_campaign_members"),
        sa.UniqueConstraint("campaign_id", "domain", name="uq_campaign_members_campaign_id_domain"),
    )
    op.create_index("ix_campaign_members_domain", "campaign_members", ["domain"])


def downgrade() -> None:
    op.drop_table("campaign_members")
    op.drop_table("campaigns")
