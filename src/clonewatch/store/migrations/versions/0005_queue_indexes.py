"""Indexes for the review queue: findings of one verdict, or one review state, newest first; and
each domain's brands, and each brand's domains, read from an index alone (the queue's counts per
brand, filtered and not).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision: str | None = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_domains_verdict_first_seen", "domains", ["verdict", "first_seen"])
    op.create_index("ix_domains_review_first_seen", "domains", ["review", "first_seen"])
    op.create_index("ix_matches_domain_id_brand_id", "matches", ["domain_id", "brand_id"])
    op.create_index("ix_matches_brand_id_domain_id", "matches", ["brand_id", "domain_id"])


def downgrade() -> None:
    op.drop_index("ix_matches_brand_id_domain_id", "matches")
    op.drop_index("ix_matches_domain_id_brand_id", "matches")
    op.drop_index("ix_domains_review_first_seen", "domains")
    op.drop_index("ix_domains_verdict_first_seen", "domains")
