"""Agency inboxes (delivery at least once, kept once per idempotency key), delivery attempts,
the audit log by record, and when a member joined or left the household.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")
_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("joined", sa.Date, nullable=True))
        batch.add_column(sa.Column("left", sa.Date, nullable=True))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
    op.create_index("ix_outbox_pending", "outbox", ["delivered_at", "id"])
    op.create_table(
        "inbox",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("client_id", sa.String(36), nullable=False),
        sa.Column("agreement_id", sa.String(64), nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("queued_at", _WHEN, nullable=False),
        sa.Column("received_at", _WHEN, nullable=False),
        sa.Column("deliveries", sa.Integer, nullable=False, server_default="1"),
        sa.Column("acked_at", _WHEN, nullable=True),
        sa.UniqueConstraint("agency_id", "idempotency_key", name="uq_inbox_key"),
    )
    op.create_index("ix_inbox_agency", "inbox", ["agency_id", "acked_at", "id"])
    op.create_index("ix_audit_subject", "audit", ["subject", "seq"])


def downgrade() -> None:
    op.drop_index("ix_audit_subject", "audit")
    op.drop_index("ix_inbox_agency", "inbox")
    op.drop_table("inbox")
    op.drop_index("ix_outbox_pending", "outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("attempts")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("left")
        batch.drop_column("joined")
