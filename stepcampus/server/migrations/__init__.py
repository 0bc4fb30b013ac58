"""Alembic migrations of the campus server's database, shipped inside the package."""
