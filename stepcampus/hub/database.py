"""The hub's database: a campus server database (accounts, statements, state: the server's own
code and migrations) in the data folder, plus the hub's tables (models.py), and the hook that
queues every statement and state change for the campus in the transaction that stores it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, insert, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from stepcampus.hub.models import ForwardState, ForwardStatement, HubSetting
from stepcampus.server.database import (
    open_server_database,
    session_factory,
    write_session,
)
from stepcampus.server.models import StateDocument, StoredStatement
from stepcampus.store.models import utcnow

HUB_FILE = "hub.sqlite"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSION_TABLE = "hub_alembic_version"


def hub_database_path(data_dir: Path) -> Path:
    return Path(data_dir) / HUB_FILE


class HubDatabase:
    """The hub's engine and sessions; `queued` is set whenever something was queued for the
    campus (in this process), so the forwarder wakes at once."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.engine = open_server_database(self.path)
        try:
            upgrade_hub_tables(self.engine)
        except BaseException:
            self.engine.dispose()
            raise
        self.factory: sessionmaker[Session] = session_factory(self.engine)
        self.queued = threading.Event()
        queue_for_upstream(self.factory, self.queued.set)

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> HubDatabase:
        return cls(hub_database_path(data_dir))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> HubDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- settings ----------------------------------------------------------------------------
    def setting(self, key: str) -> str | None:
        with self.factory() as session:
            row = session.get(HubSetting, key)
            return row.value if row is not None else None

    def settings(self) -> dict[str, str]:
        with self.factory() as session:
            return {row.key: row.value for row in session.scalars(select(HubSetting))}

    def set_settings(self, values: dict[str, str | None]) -> None:
        """Set (or, given None, remove) several settings in one transaction."""
        with write_session(self.factory) as session:
            for key, value in values.items():
                row = session.get(HubSetting, key)
                if value is None:
                    if row is not None:
                        session.delete(row)
                elif row is None:
                    session.add(HubSetting(key=key, value=value))
                else:
                    row.value = value


def queue_for_upstream(factory: sessionmaker[Session], wake: Callable[[], None]) -> None:
    """Queue, in the same flush, every new learner statement and every written state document.

    The LRS code stays the campus server's, unchanged: it adds rows, and this listener adds a
    queue row beside each, so a statement is stored and queued together or not at all. A batch
    sent again stores nothing new and so queues nothing twice.
    """

    @event.listens_for(factory, "after_flush")
    def _enqueue(session: Session, _context: Any) -> None:
        now: datetime = utcnow()
        rows = [{"statement_id": item.id, "owner": item.owner, "queued_at": now}
                for item in session.new
                # Records of identities from elsewhere are not a learner's: nothing to relay.
                if isinstance(item, StoredStatement) and item.owner is not None]
        documents = {item.id for item in (*session.new, *session.dirty)
                     if isinstance(item, StateDocument) and item.owner is not None}
        if not rows and not documents:
            return
        connection = session.connection()
        if rows:
            connection.execute(insert(ForwardStatement), rows)
        for document_id in sorted(documents):
            connection.execute(
                sqlite_insert(ForwardState).values(document_id=document_id, changes=1)
                .on_conflict_do_update(index_elements=["document_id"],
                                       set_={"changes": ForwardState.changes + 1}))
        session.info["hub_queued"] = True

    @event.listens_for(factory, "after_commit")
    def _wake(session: Session) -> None:
        if session.info.pop("hub_queued", False):
            wake()

    @event.listens_for(factory, "after_rollback")
    def _forget(session: Session) -> None:
        session.info.pop("hub_queued", None)


def upgrade_hub_tables(engine: Engine) -> None:
    from stepcampus.server.database import upgrade_schema
    from stepcampus.store.alembic_setup import alembic_config

    upgrade_schema(engine, alembic_config(MIGRATIONS_DIR), "the hub database", "hub schema",
                   VERSION_TABLE)
