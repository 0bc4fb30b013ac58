"""Sync fixtures: a real campus server process, learner accounts on it, desktops (Campus data
folders) with a profile, and helpers to ask the server what it holds."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from stepcampus.campus import Campus
from stepcampus.progress import activity
from stepcampus.sync.accounts import SyncLink, save_link
from stepcampus.sync.retry import RetryPolicy
from tests.lrs_server import RunningServer, postgres_cluster, start_server

ADMIN = ("root", "root-secret-1")
HOME = "urn:stepcampus:campus"
COURSE = "inclusive-social-protection"
_learners = itertools.count(1)


def no_wait(attempts: int = 6) -> RetryPolicy:
    """Retries without sleeping: the waits are the policy's business, tested on their own."""
    return RetryPolicy(attempts=attempts, sleep=lambda _s: None)


def start_with_admin(database_url: str) -> RunningServer:
    server = start_server(database_url)
    server.admin("create-admin", ADMIN[0], "--password", ADMIN[1])
    return server


@pytest.fixture(scope="module")
def lrs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One server per test module, on SQLite; tests use their own learner accounts."""
    folder = tmp_path_factory.mktemp("lrs")
    server = start_with_admin(f"sqlite:///{folder / 'server.sqlite'}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    try:
        cluster = postgres_cluster(tmp_path_factory.mktemp("pg"))
    except RuntimeError as exc:
        if os.environ.get("STEPCAMPUS_REQUIRE_POSTGRES"):
            raise
        pytest.skip(f"PostgreSQL is not available: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_lrs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningServer]:
    """A fresh server on each database the server supports."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    else:
        url = request.getfixturevalue("pg_cluster").create_database()
    server = start_with_admin(url)
    yield server
    server.stop()


@dataclass(frozen=True)
class Learner:
    username: str
    password: str


def new_learner(server: RunningServer) -> Learner:
    learner = Learner(f"learner{next(_learners)}", "learner-secret-1")
    server.admin("create-learner", learner.username, "--password", learner.password)
    return learner


@dataclass
class Desktop:
    """One computer's data folder with one profile on it."""

    campus: Campus
    profile_id: str

    @property
    def factory(self) -> Any:
        return self.campus.sessions

    def link(self, server: RunningServer | str, learner: Learner) -> SyncLink:
        endpoint = server if isinstance(server, str) else server.xapi
        return save_link(self.factory, self.profile_id, endpoint, learner.username,
                         learner.password)


@pytest.fixture
def desktops(tmp_path: Path) -> Iterator[Any]:
    made: list[Campus] = []

    def make(name: str = "one", profile: str = "Amina") -> Desktop:
        campus = Campus(tmp_path / f"desktop-{name}")
        made.append(campus)
        return Desktop(campus, activity.create_profile(campus.sessions, profile).id)

    yield make
    for campus in made:
        campus.close()


def server_statements(server: RunningServer, username: str) -> list[dict[str, Any]]:
    """Every statement the server holds for the learner, asked as an admin, following `more`."""
    agent = json.dumps({"objectType": "Agent", "account": {"homePage": HOME, "name": username}})
    found: list[dict[str, Any]] = []
    with server.client(auth=ADMIN) as client:
        answer = client.get("/xapi/statements", params={"agent": agent, "limit": "500"})
        while True:
            answer.raise_for_status()
            data = answer.json()
            found += data["statements"]
            if not data.get("more"):
                return found
            answer = client.get(data["more"])


def server_ids(server: RunningServer, username: str) -> list[str]:
    return [s["id"] for s in server_statements(server, username)]


def outbox_ids(desktop: Desktop) -> list[str]:
    with desktop.factory() as session:
        return list(session.scalars(
            text("SELECT id FROM outbox_statements ORDER BY id")))


def record_some(desktop: Desktop, modules: int = 3) -> None:
    """A little realistic learning: a launch, reading, a completed module, a finished quiz."""
    f, p = desktop.factory, desktop.profile_id
    activity.record_launch(f, p, COURSE)
    for i in range(modules):
        activity.record_progress(f, p, COURSE, f"module-{i}", f"p-{i}", 50)
    activity.complete_module(f, p, COURSE, "module-0")
    attempt = activity.start_attempt(f, p, COURSE, "module-0")
    activity.save_answer(f, attempt, 0, [1], 1.0)
    activity.finish_attempt(f, attempt, 0.75, 70)
