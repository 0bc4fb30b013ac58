"""Webinars: where a package came from (for variants fetched on demand) and the questions
learners ask, queued until the campus server has them.

Written by hand to match stepcampus/store/models.py at revision 0003; frozen from now on.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

_TIME = sa.String(32)  # models.UTCDateTime


def upgrade() -> None:
    op.add_column("installed_courses", sa.Column("source", sa.String(1000), nullable=True))
    op.create_table(
        "asked_questions",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("profile_id", sa.String(32), nullable=False),
        sa.Column("series_id", sa.String(100), nullable=False),
        sa.Column("session_id", sa.String(100), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("asked_at", _TIME, nullable=False),
        sa.Column("sent_at", _TIME, nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(200), nullable=True),
        sa.Column("answered_at", _TIME, nullable=True),
        sa.Column("answer_seen_at", _TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asked_questions")),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_asked_questions_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("length(trim(text)) > 0",
                           name=op.f("ck_asked_questions_text_not_empty")),
    )
    op.create_index("ix_asked_questions_profile_id_asked_at", "asked_questions",
                    ["profile_id", "asked_at"])


def downgrade() -> None:
    op.drop_index("ix_asked_questions_profile_id_asked_at", "asked_questions")
    op.drop_table("asked_questions")
    with op.batch_alter_table("installed_courses") as batch:
        batch.drop_column("source")
