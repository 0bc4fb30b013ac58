"""Fixtures: a real server process on a fresh SQLite or PostgreSQL database per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.lrs_server import Campus, PostgresCluster, postgres_cluster, start_campus


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresCluster]:
    """One PostgreSQL cluster for the session; skipped only when PostgreSQL is not installed
    and STEPCAMPUS_REQUIRE_POSTGRES is unset."""
    try:
        cluster = postgres_cluster(tmp_path_factory.mktemp("pg"))
    except RuntimeError as exc:
        if os.environ.get("STEPCAMPUS_REQUIRE_POSTGRES") or "not installed" not in str(exc):
            pytest.fail(f"PostgreSQL is required but unusable: {exc}")
        pytest.skip(f"PostgreSQL tests skipped: {exc} (set STEPCAMPUS_REQUIRE_POSTGRES=1 to "
                    "make this a failure)")
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def server_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL: a SQLite file in tmp_path, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite'}"
    cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database()


@pytest.fixture
def lrs(server_db: str) -> Iterator[Campus]:
    """A running server on server_db with an admin, two facilitators, two classes and three
    learners (see tests.lrs_server.Campus)."""
    campus = start_campus(server_db)
    yield campus
    campus.server.stop()
