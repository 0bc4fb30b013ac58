"""The campus server's tables: accounts, classes, codes, tokens, statements, state, questions.

Its own MetaData, apart from the learner store; any change needs a migration in
migrations/versions/ (a test compares these models with the migrations).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from stepcampus.store.models import NAMING_CONVENTION, UTCDateTime, utcnow

ROLES = ("admin", "facilitator", "learner")
# A token's scope: None signs in as the account; "hub" is a facilitator's delegated token for a
# LAN hub (stepcampus hub), good for the LRS only (their classes' learners' records).
HUB_SCOPE = "hub"


class ServerBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Account(ServerBase):
    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("role IN ('admin', 'facilitator', 'learner')",
                                      name="role_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    # "scrypt$n$r$p$salt$hash"; never the password itself.
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClassGroup(ServerBase):
    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="RESTRICT"),
                                                index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClassMember(ServerBase):
    __tablename__ = "class_members"

    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"),
                                          primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)


class EnrolmentCode(ServerBase):
    __tablename__ = "enrolment_codes"

    # Stored without the grouping dashes, upper case.
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"),
                                          index=True)
    max_uses: Mapped[int] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Token(ServerBase):
    __tablename__ = "tokens"

    # SHA-256 hex of the bearer token: a stolen database holds no usable token.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                            index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    scope: Mapped[str | None] = mapped_column(String(16))  # None or HUB_SCOPE
    label: Mapped[str | None] = mapped_column(String(200))  # a hub token's name, shown in lists


class StoredStatement(ServerBase):
    __tablename__ = "statements"
    __table_args__ = (
        Index("ix_statements_stored_id", "stored", "id"),
        Index("ix_statements_owner_stored", "owner", "stored"),
        Index("ix_statements_actor_key_stored", "actor_key", "stored"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # lower-case UUID
    stored: Mapped[datetime] = mapped_column(UTCDateTime)
    # The username whose learner identity is the actor; None for actors from elsewhere.
    owner: Mapped[str | None] = mapped_column(String(64))
    actor_key: Mapped[str] = mapped_column(Text)
    verb_id: Mapped[str] = mapped_column(Text, index=True)
    activity_id: Mapped[str | None] = mapped_column(Text, index=True)
    registration: Mapped[str | None] = mapped_column(String(36))
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    # The statement this one voids, when it is a voiding statement.
    voids: Mapped[str | None] = mapped_column(String(36), index=True)
    authority_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)  # the statement as JSON, stored/authority included


class StateDocument(ServerBase):
    __tablename__ = "state_documents"
    __table_args__ = (UniqueConstraint("activity_id", "agent_key", "registration", "state_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[str] = mapped_column(Text)
    agent_key: Mapped[str] = mapped_column(Text)
    registration: Mapped[str] = mapped_column(String(36))  # "" when none was given
    state_id: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(200))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    etag: Mapped[str] = mapped_column(String(40))  # SHA-1 hex of the body
    updated: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Question(ServerBase):
    """A learner's question about a webinar, sent by their desktop, and its answer."""

    __tablename__ = "questions"
    __table_args__ = (
        Index("ix_questions_account_id_asked_at", "account_id", "asked_at"),
        Index("ix_questions_answered_at_received_at", "answered_at", "received_at"),
        CheckConstraint("length(trim(text)) > 0", name="text_not_empty"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # the desktop's uuid hex
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    series_id: Mapped[str] = mapped_column(String(100))
    session_id: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the desktop's clock
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
