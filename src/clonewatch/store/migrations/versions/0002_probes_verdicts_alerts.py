"""Probes (evidence snapshots), verdict history, the latest verdict on each domain, and alerts.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clonewatch.store.types import JsonDocument, UtcDateTime

revision = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("domains") as domains:
        domains.add_column(sa.Column("verdict", sa.String(40), nullable=True))
        domains.add_column(sa.Column("confidence", sa.Float(), nullable=True))
        domains.add_column(sa.Column("verdict_at", UtcDateTime(), nullable=True))
        domains.add_column(sa.Column("probed_at", UtcDateTime(), nullable=True))
        domains.create_index("ix_domains_verdict", ["verdict"])
    op.create_table(
        "probes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.Column("probed_at", UtcDateTime(), nullable=False),
        sa.Column("evidence", JsonDocument, nullable=False),
        sa.ForeignKeyConstraint(["domain_id"], ["domains.id"], name="fk_probes_domain_id_domains"),
        sa.PrimaryKeyConstraint("id", name="pk_probes"),
    )
    op.create_index("ix_probes_domain_id", "probes", ["domain_id"])
    op.create_table(
        "verdicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(40), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("decided_at", UtcDateTime(), nullable=False),
        sa.Column("probe_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["domain_id"], ["domains.id"], name="fk_verdicts_domain_id_domains"),
        sa.ForeignKeyConstraint(["probe_id"], ["probes.id"], name="fk_verdicts_probe_id_probes"),
        sa.PrimaryKeyConstraint("id", name="pk_verdicts"),
    )
    op.create_index("ix_verdicts_domain_id", "verdicts", ["domain_id"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(60), nullable=False),
        sa.Column("target", sa.String(500), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["domain_id"], ["domains.id"], name="fk_alerts_domain_id_domains"),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
        sa.UniqueConstraint("domain_id", "event", "target", name="uq_alerts_domain_id_event_target"),
    )
    op.create_index("ix_alerts_status", "alerts", ["status"])


def downgrade() -> None:
    op.drop_table("alerts")
    op.drop_table("verdicts")
    op.drop_table("probes")
    with op.batch_alter_table("domains") as domains:
        domains.drop_index("ix_domains_verdict")
        domains.drop_column("probed_at")
        domains.drop_column("verdict_at")
        domains.drop_column("confidence")
        domains.drop_column("verdict")
