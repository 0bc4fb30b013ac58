"""Open the learner database: SQLite in WAL mode, its schema brought to head on the way.

Start-up reads the schema revision with plain sqlite3 and imports Alembic (~0.3 s) only when a
migration is due.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from stepcampus.errors import StepCampusError
from stepcampus.store.schema_version import HEAD
from stepcampus.store.snapshot import read_revision

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 5000

SessionFactory = sessionmaker[Session]


def open_database(path: Path) -> Engine:
    """Open (creating if need be) the database at path, migrated to HEAD.

    Raises StepCampusError, changing nothing, for a file that is not a STEP Campus database or
    whose schema is newer than this program.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if read_revision(path) != HEAD:
        _migrate(path)
    engine = create_engine(_url(path))
    event.listen(engine, "connect", _configure_connection)
    with engine.connect():  # fail here, not at the first click, if the file cannot be used
        pass
    return engine


def session_factory(engine: Engine) -> SessionFactory:
    # Objects stay readable after commit: the UI keeps them once the session is gone.
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def write_session(factory: SessionFactory) -> Iterator[Session]:
    """A session whose transaction takes SQLite's write lock at once, committed on exit.

    The Python driver would otherwise read outside any transaction and begin only at the first
    write, so read-then-write actions (never lower a percent, one statement per completion)
    could interleave with another writer such as sync. busy_timeout makes the lock wait.

    A database file deleted under an open connection still accepts writes, into a file no one
    will ever open again; so a write first checks that the file is still where it was.
    """
    bind = factory.kw.get("bind")
    path = bind.url.database if bind is not None else None
    if path and not Path(path).exists():
        raise StepCampusError(
            f"the learner database {path} was deleted or its drive disconnected; nothing was "
            "saved (put the data folder back and restart STEP Campus)")
    with factory() as session, session.begin():
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield session


def alembic_config() -> Config:
    from stepcampus.store.alembic_setup import alembic_config as config_for

    return config_for(MIGRATIONS_DIR)


def _migrate(path: Path) -> None:
    from alembic import command
    from alembic.util import CommandError

    # A throwaway engine with SQLite's default foreign_keys=OFF: batch migrations copy and drop
    # tables, and dropping a parent with foreign keys ON would cascade-delete its children.
    engine = create_engine(_url(path), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            # One transaction for the whole upgrade: SQLite DDL is transactional, so a failed
            # migration leaves the file as it was.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, HEAD)
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StepCampusError(
                    f"migrating {path} to schema {HEAD} broke {len(broken)} references; "
                    "the database was left unchanged"
                )
            conn.commit()
    except CommandError as exc:
        raise StepCampusError(f"cannot migrate {path} to schema {HEAD}: {exc}") from exc
    finally:
        engine.dispose()


def _url(path: Path) -> URL:
    return URL.create("sqlite", database=str(path))


def _configure_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # first: WAL needs a lock
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # A shared desktop: what is replaced or deleted (a sync password once swapped for a
        # token, a deleted profile) is overwritten on disk, not left in free space.
        cursor.execute("PRAGMA secure_delete=ON")
    finally:
        cursor.close()
