"""Questions learners ask about webinars, and their answers

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Written to match stepcampus/server/models.py at revision 0002; frozen from now on.
Works on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

# Datetimes are fixed-width ISO 8601 UTC text (store.models.UTCDateTime).
_TIME = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "questions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.String(length=100), nullable=False),
        sa.Column("session_id", sa.String(length=100), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("asked_at", _TIME, nullable=False),
        sa.Column("received_at", _TIME, nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", _TIME, nullable=True),
        sa.CheckConstraint("length(trim(text)) > 0", name=op.f("ck_questions_text_not_empty")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_questions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["accounts.id"],
            name=op.f("fk_questions_answered_by_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
    )
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.create_index("ix_questions_account_id_asked_at", ["account_id", "asked_at"],
                              unique=False)
        batch_op.create_index("ix_questions_answered_at_received_at",
                              ["answered_at", "received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index("ix_questions_answered_at_received_at")
        batch_op.drop_index("ix_questions_account_id_asked_at")
    op.drop_table("questions")
