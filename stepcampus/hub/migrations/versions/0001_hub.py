"""The hub's settings and forward queue

Revision ID: hub0001
Revises:
Create Date: 2026-12-01

Written to match stepcampus/hub/models.py at revision hub0001; frozen from now on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "hub0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Datetimes are fixed-width ISO 8601 UTC text (store.models.UTCDateTime).
_TIME = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "hub_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_hub_settings")),
    )
    op.create_table(
        "hub_forward_statements",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("statement_id", sa.String(length=36), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("queued_at", _TIME, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_hub_forward_statements")),
        sa.UniqueConstraint("statement_id",
                            name=op.f("uq_hub_forward_statements_statement_id")),
    )
    op.create_index("ix_hub_forward_statements_owner_seq", "hub_forward_statements",
                    ["owner", "seq"], unique=False)
    op.create_table(
        "hub_forward_state",
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_hub_forward_state")),
    )
    op.create_table(
        "hub_refusals",
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("owner", name=op.f("pk_hub_refusals")),
    )


def downgrade() -> None:
    op.drop_table("hub_refusals")
    op.drop_table("hub_forward_state")
    op.drop_index("ix_hub_forward_statements_owner_seq", table_name="hub_forward_statements")
    op.drop_table("hub_forward_statements")
    op.drop_table("hub_settings")
