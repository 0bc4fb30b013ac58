"""Open the server's database (SQLite or PostgreSQL), upgraded to the newest schema on the way.

SQLite runs in WAL mode with a busy timeout, and every write takes the write lock at once
(BEGIN IMMEDIATE) so read-then-write requests never deadlock on a lock upgrade.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from stepcampus.errors import StepCampusError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 10000
DEFAULT_FILE = "server.sqlite"


class DatabaseError(StepCampusError):
    """The database cannot be used: bad URL, unreachable, or a schema newer than the program."""


def database_url(value: str | Path) -> URL:
    """A SQLAlchemy URL from what a person typed: a URL, or a path to a SQLite file."""
    text = str(value)
    if "://" not in text:
        return URL.create("sqlite", database=str(Path(text).resolve()))
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise DatabaseError(f"bad database URL {text!r}: {exc}") from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(f"bad database URL {shown(url)}: use sqlite:///FILE or "
                            "postgresql+psycopg://USER@HOST:PORT/NAME")
    return url


def shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def open_server_database(value: str | Path) -> Engine:
    """An engine on the database, its schema upgraded to head; DatabaseError if it cannot be."""
    url = database_url(value)
    sqlite = url.get_backend_name() == "sqlite"
    if sqlite and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {}
    if not sqlite:
        kwargs = {"pool_size": 10, "max_overflow": 20, "pool_pre_ping": True}
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseError(f"bad database URL {shown(url)}: {exc}") from exc
    if sqlite:
        event.listen(engine, "connect", _configure_sqlite)
    try:
        _upgrade(engine)
    except DBAPIError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseError(f"cannot open the database {shown(url)}: {reason}") from exc
    except BaseException:
        engine.dispose()
        raise
    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def write_session(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session in one transaction, committed on exit; on SQLite it holds the write lock."""
    with factory() as session, session.begin():
        bind = session.get_bind()
        if bind.dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield session


def alembic_config() -> Config:
    from stepcampus.store.alembic_setup import alembic_config as config_for

    return config_for(MIGRATIONS_DIR)


def _upgrade(engine: Engine) -> None:
    upgrade_schema(engine, alembic_config(), "the database", "schema")


def upgrade_schema(engine: Engine, config: Config, what: str, schema: str,
                   version_table: str | None = None) -> None:
    """Migrate to the newest revision of `config`'s scripts, one starter at a time; a schema
    newer than this program is refused, naming `what` ("the database") and its `schema`."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(config)
    known = {rev.revision for rev in script.walk_revisions()}
    head = script.get_current_head()
    options = {"version_table": version_table} if version_table else {}
    with engine.connect() as conn:
        current = MigrationContext.configure(conn, opts=options).get_current_heads()
        unknown = [rev for rev in current if rev not in known]
        if unknown:
            raise DatabaseError(
                f"{what} {shown(engine.url)} has {schema} {', '.join(unknown)}, newer than "
                f"this program knows (newest {head}); upgrade STEP Campus to use it")
        if current == (head,):
            return
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            # Two servers starting at once on one PostgreSQL database take turns.
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7716504)")
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; fewer fsyncs
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()
