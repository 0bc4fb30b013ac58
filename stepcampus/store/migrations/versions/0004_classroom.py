"""Classroom: facilitator profiles, classes with their learners, planned sessions, attendance.

Written by hand to match stepcampus/store/models.py at revision 0004; frozen from now on.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

_TIME = sa.String(32)  # models.UTCDateTime


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete="CASCADE")


def upgrade() -> None:
    # A new column with constraints: SQLite needs the table rebuilt (batch), which the migration
    # runner does with foreign keys off, so the profiles' rows and their children stay.
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("role", sa.String(20), nullable=False,
                                   server_default="learner"))
        batch.create_check_constraint("role_known", "role IN ('learner', 'facilitator')")
        batch.create_check_constraint("facilitator_pin",
                                      "role = 'learner' OR pin_hash IS NOT NULL")
    op.create_table(
        "classes",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("facilitator_id", sa.String(32), nullable=False),
        sa.Column("course_id", sa.String(100), nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classes")),
        sa.UniqueConstraint("name", name=op.f("uq_classes_name")),
        _fk("classes", "facilitator_id", "profiles"),
        sa.CheckConstraint("length(trim(name)) > 0", name=op.f("ck_classes_name_not_empty")),
    )
    op.create_index("ix_classes_facilitator_id", "classes", ["facilitator_id"])
    op.create_table(
        "class_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.String(32), nullable=False),
        sa.Column("profile_id", sa.String(32), nullable=True),
        sa.Column("campus_username", sa.String(200), nullable=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("joined_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_members")),
        _fk("class_members", "class_id", "classes"),
        _fk("class_members", "profile_id", "profiles"),
        sa.UniqueConstraint("class_id", "profile_id",
                            name=op.f("uq_class_members_class_id_profile_id")),
        sa.UniqueConstraint("class_id", "campus_username",
                            name=op.f("uq_class_members_class_id_campus_username")),
        sa.CheckConstraint("profile_id IS NOT NULL OR campus_username IS NOT NULL",
                           name=op.f("ck_class_members_someone")),
    )
    op.create_table(
        "class_sessions",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("class_id", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts_at", _TIME, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("modules", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_sessions")),
        _fk("class_sessions", "class_id", "classes"),
        sa.CheckConstraint("duration_minutes > 0",
                           name=op.f("ck_class_sessions_duration_positive")),
    )
    op.create_index("ix_class_sessions_class_id_starts_at", "class_sessions",
                    ["class_id", "starts_at"])
    op.create_table(
        "attendance",
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("recorded_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("session_id", "member_id", name=op.f("pk_attendance")),
        sa.ForeignKeyConstraint(["session_id"], ["class_sessions.id"],
                                name=op.f("fk_attendance_session_id_class_sessions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["class_members.id"],
                                name=op.f("fk_attendance_member_id_class_members"),
                                ondelete="CASCADE"),
        sa.CheckConstraint("status IN ('present', 'late', 'absent', 'excused')",
                           name=op.f("ck_attendance_status_known")),
    )


def downgrade() -> None:
    op.drop_table("attendance")
    op.drop_index("ix_class_sessions_class_id_starts_at", "class_sessions")
    op.drop_table("class_sessions")
    op.drop_table("class_members")
    op.drop_index("ix_classes_facilitator_id", "classes")
    op.drop_table("classes")
    with op.batch_alter_table("profiles") as batch:
        batch.drop_constraint("facilitator_pin", type_="check")
        batch.drop_constraint("role_known", type_="check")
        batch.drop_column("role")
