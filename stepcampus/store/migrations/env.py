"""Alembic environment of the learner store: runs on the connection open_database hands over."""

from stepcampus.store.alembic_setup import run_environment
from stepcampus.store.models import Base

run_environment(Base.metadata)
