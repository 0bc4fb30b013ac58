"""Initial learner store: profiles, installed courses, progress, bookmarks, quizzes, outbox.

Written by hand to match stepcampus/store/models.py at revision 0001; frozen from now on.

Revision ID: 0001
Revises:
Create Date: 2024-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Names are wrapped in op.f() so that the models' naming convention, which Alembic applies to
# these operations, leaves them as written.
# Datetimes are fixed-width ISO 8601 UTC text (models.UTCDateTime).
_TIME = sa.String(32)


def _profile_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["profile_id"],
        ["profiles.id"],
        name=op.f(f"fk_{table}_profile_id_profiles"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "profiles",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("pin_hash", sa.String(200), nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("last_used_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profiles")),
        sa.UniqueConstraint("name", name=op.f("uq_profiles_name")),
        sa.CheckConstraint("length(trim(name)) > 0", name=op.f("ck_profiles_name_not_empty")),
    )
    op.create_table(
        "installed_courses",
        sa.Column("course_id", sa.String(100), nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("manifest", sa.Text(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(100), nullable=False),
        sa.Column("installed_at", _TIME, nullable=False),
        sa.Column("previous_version", sa.String(40), nullable=True),
        sa.Column("previous_manifest", sa.Text(), nullable=True),
        sa.Column("previous_signature", sa.Text(), nullable=True),
        sa.Column("previous_key_id", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("course_id", name=op.f("pk_installed_courses")),
    )
    op.create_table(
        "module_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.String(32), nullable=False),
        sa.Column("course_id", sa.String(100), nullable=False),
        sa.Column("module_id", sa.String(100), nullable=False),
        sa.Column("position", sa.String(200), nullable=True),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("completed_at", _TIME, nullable=True),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_module_progress")),
        _profile_fk("module_progress"),
        sa.UniqueConstraint(
            "profile_id",
            "course_id",
            "module_id",
            name=op.f("uq_module_progress_profile_id_course_id_module_id"),
        ),
        sa.CheckConstraint(
            "percent BETWEEN 0 AND 100", name=op.f("ck_module_progress_percent_range")
        ),
    )
    op.create_table(
        "bookmarks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.String(32), nullable=False),
        sa.Column("course_id", sa.String(100), nullable=False),
        sa.Column("module_id", sa.String(100), nullable=False),
        sa.Column("anchor", sa.String(200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookmarks")),
        _profile_fk("bookmarks"),
    )
    op.create_index(
        op.f("ix_bookmarks_profile_id_course_id"), "bookmarks", ["profile_id", "course_id"]
    )
    op.create_table(
        "quiz_attempts",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("profile_id", sa.String(32), nullable=False),
        sa.Column("course_id", sa.String(100), nullable=False),
        sa.Column("quiz_id", sa.String(100), nullable=False),
        sa.Column("started_at", _TIME, nullable=False),
        sa.Column("finished_at", _TIME, nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_attempts")),
        _profile_fk("quiz_attempts"),
        sa.CheckConstraint(
            "state IN ('in_progress', 'finished')", name=op.f("ck_quiz_attempts_state_known")
        ),
        sa.CheckConstraint(
            "score IS NULL OR score BETWEEN 0 AND 1", name=op.f("ck_quiz_attempts_score_range")
        ),
    )
    op.create_index(
        op.f("ix_quiz_attempts_profile_id_course_id_quiz_id"),
        "quiz_attempts",
        ["profile_id", "course_id", "quiz_id"],
    )
    op.create_table(
        "quiz_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.String(32), nullable=False),
        sa.Column("question_index", sa.Integer(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("fraction", sa.Float(), nullable=True),
        sa.Column("answered_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_answers")),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["quiz_attempts.id"],
            name=op.f("fk_quiz_answers_attempt_id_quiz_attempts"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "attempt_id", "question_index", name=op.f("uq_quiz_answers_attempt_id_question_index")
        ),
    )
    op.create_table(
        "outbox_statements",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("profile_id", sa.String(32), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("sent_at", _TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_statements")),
    )
    op.create_index(
        op.f("ix_outbox_statements_sent_at_created_at"),
        "outbox_statements",
        ["sent_at", "created_at"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_statements_sent_at_created_at"), table_name="outbox_statements")
    op.drop_table("outbox_statements")
    op.drop_table("quiz_answers")
    op.drop_index(op.f("ix_quiz_attempts_profile_id_course_id_quiz_id"), table_name="quiz_attempts")
    op.drop_table("quiz_attempts")
    op.drop_index(op.f("ix_bookmarks_profile_id_course_id"), table_name="bookmarks")
    op.drop_table("bookmarks")
    op.drop_table("module_progress")
    op.drop_table("installed_courses")
    op.drop_table("profiles")
