"""LAN hub tokens: a token's scope (none, or "hub") and a label

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Written to match stepcampus/server/models.py at revision 0003; frozen from now on.
Works on SQLite and PostgreSQL. Two nullable columns: ADD COLUMN on both, no table copy.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("tokens", sa.Column("scope", sa.String(length=16), nullable=True))
    op.add_column("tokens", sa.Column("label", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.drop_column("label")
        batch_op.drop_column("scope")
