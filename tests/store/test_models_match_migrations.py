"""The hand-written migrations must build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import CheckConstraint, Engine, inspect

from stepcampus.store.database import SessionFactory
from stepcampus.store.models import Base


def _engine(factory: SessionFactory) -> Engine:
    return factory.kw["bind"]


def test_autogenerate_finds_no_difference(factory: SessionFactory) -> None:
    with _engine(factory).connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_check_constraints_match(factory: SessionFactory) -> None:
    # Autogenerate ignores CHECK constraints; compare their names and SQL directly.
    inspector = inspect(_engine(factory))
    for table in Base.metadata.sorted_tables:
        expected = {
            (c.name, str(c.sqltext)) for c in table.constraints if isinstance(c, CheckConstraint)
        }
        found = {(c["name"], c["sqltext"]) for c in inspector.get_check_constraints(table.name)}
        assert found == expected, table.name
