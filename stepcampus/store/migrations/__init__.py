"""Alembic migrations of the learner store, shipped inside the package (see store/database.py)."""
