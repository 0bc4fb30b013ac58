"""Alembic set up in code, for the learner store and the campus server alike: no alembic.ini
is shipped or read, and each migrations folder's env.py is one call to `run_environment`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import MetaData


def alembic_config(migrations_dir: Path) -> Config:
    from alembic.config import Config

    config = Config()
    # ConfigParser interpolates "%"; a user folder may contain one.
    config.set_main_option("script_location", str(migrations_dir).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    return config


def run_environment(metadata: MetaData) -> None:
    """The body of an env.py: migrate the connection the caller handed over in
    config.attributes or, from a developer's shell (`alembic revision`), the URL given as the
    option sqlalchemy.url."""
    from alembic import context
    from sqlalchemy import create_engine

    config = context.config

    def run(connection: object) -> None:
        # Batch mode: SQLite alters most tables only by copying them.
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()

    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url or pass a connection in config.attributes")
    with create_engine(url).connect() as conn:
        run(conn)
        conn.commit()
