"""Alembic environment of the hub's own tables: runs on the connection database.py hands over,
with its own version table, so the campus server's migrations and these never meet."""

from alembic import context

from stepcampus.hub.models import HubBase

VERSION_TABLE = "hub_alembic_version"


def _ours(_object: object, name: str | None, type_: str, _reflected: bool,
          _compare_to: object) -> bool:
    return type_ != "table" or bool(name and name.startswith("hub_"))


connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=HubBase.metadata,
                  version_table=VERSION_TABLE, include_object=_ours, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
