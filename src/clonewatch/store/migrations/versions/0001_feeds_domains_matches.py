"""Feeds and their cursors, brands, flagged domains and their matches.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clonewatch.store.types import JsonDocument, UtcDateTime

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "brands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_brands"),
        sa.UniqueConstraint("name", name="uq_brands_name"),
    )
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("cursor", JsonDocument, nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feeds"),
        sa.UniqueConstraint("name", name="uq_feeds_name"),
    )
    op.create_table(
        "domains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(253), nullable=False),
        sa.Column("unicode", sa.String(253), nullable=False),
        sa.Column("first_seen", UtcDateTime(), nullable=False),
        sa.Column("first_feed_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["first_feed_id"], ["feeds.id"], name="fk_domains_first_feed_id_feeds"),
        sa.PrimaryKeyConstraint("id", name="pk_domains"),
        sa.UniqueConstraint("name", name="uq_domains_name"),
    )
    op.create_index("ix_domains_first_seen", "domains", ["first_seen"])
    op.create_table(
        "matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("genuine", sa.String(253), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", JsonDocument, nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=True),
        sa.Column("seen_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["domain_id"], ["domains.id"], name="fk_matches_domain_id_domains"),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"], name="fk_matches_brand_id_brands"),
        sa.ForeignKeyConstraint(["feed_id"], ["feeds.id"], name="fk_matches_feed_id_feeds"),
        sa.PrimaryKeyConstraint("id", name="pk_matches"),
        sa.UniqueConstraint("domain_id", "genuine", name="uq_matches_domain_id_genuine"),
    )
    op.create_index("ix_matches_brand_id", "matches", ["brand_id"])


def downgrade() -> None:
    op.drop_table("matches")
    op.drop_table("domains")
    op.drop_table("feeds")
    op.drop_table("brands")
