"""The hub's own tables, beside the campus server's in the hub database: its settings, and the
forward queue of what learners sent that the campus has not acknowledged yet.

Their own MetaData and migrations (version table `hub_alembic_version`), so a campus server's
database never holds them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from stepcampus.store.models import NAMING_CONVENTION, UTCDateTime, utcnow


class HubBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class HubSetting(HubBase):
    """One setting: the home page, the upstream link and its token, the forwarder's status."""

    __tablename__ = "hub_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ForwardStatement(HubBase):
    """A stored statement still to be sent upstream; deleted once the campus acknowledged it.

    Written in the transaction that stores the statement, so none is stored and not queued.
    """

    __tablename__ = "hub_forward_statements"
    __table_args__ = (Index("ix_hub_forward_statements_owner_seq", "owner", "seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    owner: Mapped[str] = mapped_column(String(64))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the campus holds this id with other content (409): kept, shown, not resent.
    error: Mapped[str | None] = mapped_column(Text)


class ForwardState(HubBase):
    """A state document changed since it was last sent upstream.

    `changes` counts writes: the forwarder removes the row only if no write came in while it
    was sending, so the last version always goes up.
    """

    __tablename__ = "hub_forward_state"

    document_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    changes: Mapped[int] = mapped_column(Integer, default=1)


class Refusal(HubBase):
    """The campus refused a learner's records (not in the facilitator's classes there, say):
    their queue waits and is tried again now and then, the others go on."""

    __tablename__ = "hub_refusals"

    owner: Mapped[str] = mapped_column(String(64), primary_key=True)
    message: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
