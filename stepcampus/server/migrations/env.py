"""Alembic environment of the campus server: runs on the connection database.py hands over."""

from stepcampus.server.models import ServerBase
from stepcampus.store.alembic_setup import run_environment

run_environment(ServerBase.metadata)
