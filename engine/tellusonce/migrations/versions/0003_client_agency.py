"""The agency whose caseworkers serve a client (None: a client registered outside any agency).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("agency_id", sa.String(64), nullable=True))
    op.create_index("ix_clients_agency", "clients", ["agency_id"])


def downgrade() -> None:
    op.drop_index("ix_clients_agency", "clients")
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("agency_id")
