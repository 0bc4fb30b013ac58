"""Initial campus server schema: accounts, classes, codes, tokens, statements, state

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Written to match stepcampus/server/models.py at revision 0001; frozen from now on.
Works on SQLite and PostgreSQL: the server upgrades both to head at start.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Datetimes are fixed-width ISO 8601 UTC text (store.models.UTCDateTime).
_TIME = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.CheckConstraint(
            "role IN ('admin', 'facilitator', 'learner')", name=op.f("ck_accounts_role_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("username", name=op.f("uq_accounts_username")),
    )
    op.create_table(
        "state_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Text(), nullable=False),
        sa.Column("agent_key", sa.Text(), nullable=False),
        sa.Column("registration", sa.String(length=36), nullable=False),
        sa.Column("state_id", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("etag", sa.String(length=40), nullable=False),
        sa.Column("updated", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_state_documents")),
        sa.UniqueConstraint(
            "activity_id",
            "agent_key",
            "registration",
            "state_id",
            name=op.f("uq_state_documents_activity_id_agent_key_registration_state_id"),
        ),
    )
    op.create_table(
        "classes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["facilitator_id"],
            ["accounts.id"],
            name=op.f("fk_classes_facilitator_id_accounts"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classes")),
        sa.UniqueConstraint("name", name=op.f("uq_classes_name")),
    )
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_classes_facilitator_id"), ["facilitator_id"], unique=False
        )

    op.create_table(
        "statements",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("stored", _TIME, nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=True),
        sa.Column("actor_key", sa.Text(), nullable=False),
        sa.Column("verb_id", sa.Text(), nullable=False),
        sa.Column("activity_id", sa.Text(), nullable=True),
        sa.Column("registration", sa.String(length=36), nullable=True),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("voids", sa.String(length=36), nullable=True),
        sa.Column("authority_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["accounts.id"],
            name=op.f("fk_statements_authority_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statements")),
    )
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statements_activity_id"), ["activity_id"], unique=False
        )
        batch_op.create_index(
            "ix_statements_actor_key_stored", ["actor_key", "stored"], unique=False
        )
        batch_op.create_index("ix_statements_owner_stored", ["owner", "stored"], unique=False)
        batch_op.create_index("ix_statements_stored_id", ["stored", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_statements_verb_id"), ["verb_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_statements_voids"), ["voids"], unique=False)

    op.create_table(
        "tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_tokens_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_tokens")),
    )
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tokens_account_id"), ["account_id"], unique=False)

    op.create_table(
        "class_members",
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_class_members_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["classes.id"],
            name=op.f("fk_class_members_class_id_classes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("class_id", "account_id", name=op.f("pk_class_members")),
    )
    with op.batch_alter_table("class_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_class_members_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "enrolment_codes",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["classes.id"],
            name=op.f("fk_enrolment_codes_class_id_classes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_enrolment_codes")),
    )
    with op.batch_alter_table("enrolment_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolment_codes_class_id"), ["class_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("enrolment_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolment_codes_class_id"))

    op.drop_table("enrolment_codes")
    with op.batch_alter_table("class_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_class_members_account_id"))

    op.drop_table("class_members")
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tokens_account_id"))

    op.drop_table("tokens")
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statements_voids"))
        batch_op.drop_index(batch_op.f("ix_statements_verb_id"))
        batch_op.drop_index("ix_statements_stored_id")
        batch_op.drop_index("ix_statements_owner_stored")
        batch_op.drop_index("ix_statements_actor_key_stored")
        batch_op.drop_index(batch_op.f("ix_statements_activity_id"))

    op.drop_table("statements")
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_classes_facilitator_id"))

    op.drop_table("classes")
    op.drop_table("state_documents")
    op.drop_table("accounts")
