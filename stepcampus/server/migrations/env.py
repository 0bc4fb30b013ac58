"""Alembic environment for the server: runs on the connection database.py hands over.

Developers can also run it from a shell (`alembic revision`), giving the database URL as the
option sqlalchemy.url; nothing reads an alembic.ini at run time.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from stepcampus.server.models import ServerBase

config = context.config
target_metadata = ServerBase.metadata


def _run(connection: object) -> None:
    # Batch mode: SQLite alters most tables only by copying them.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url or pass a connection in config.attributes")
    with create_engine(url).connect() as conn:
        _run(conn)
        conn.commit()
