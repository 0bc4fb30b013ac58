"""Sync links: a profile's LRS account, its pull cursor and last outcome.

Written by hand to match stepcampus/store/models.py at revision 0002; frozen from now on.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_TIME = sa.String(32)  # models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "sync_links",
        sa.Column("profile_id", sa.String(32), nullable=False),
        sa.Column("endpoint", sa.String(500), nullable=False),
        sa.Column("username", sa.String(200), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("home_page", sa.String(500), nullable=True),
        sa.Column("pull_cursor", sa.String(40), nullable=True),
        sa.Column("synced_bookmarks", sa.Text(), nullable=True),
        sa.Column("last_sync_at", _TIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("profile_id", name=op.f("pk_sync_links")),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_sync_links_profile_id_profiles"),
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("sync_links")
