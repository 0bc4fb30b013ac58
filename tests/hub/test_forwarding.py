"""Learners' records through the hub to a real campus server, exactly once, whatever happens:
learners, the hub and the campus each SIGKILLed mid-transfer and restarted, connections cut;
a learner device refused for another learner's records; a learner the campus does not let the
facilitator relay waits without holding up the others."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

from stepcampus.campus import Campus
from stepcampus.progress import activity
from tests.faultproxy import Cut, FaultProxy
from tests.hub.conftest import HUB_PASSWORD, ROOT, env, learn, query_sqlite, wait_for
from tests.lrs_server import HOME_PAGE, start_campus

LEARNERS = ("amina", "bilal", "dara")  # all three in fatou's class on the campus
PER_LEARNER = 900  # two batches each


def _sync(folder: Path, endpoint: str, user: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "stepcampus.cli", "--data-dir", str(folder), "sync",
         "--endpoint", endpoint, "--user", user, "--password", HUB_PASSWORD],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(), cwd=ROOT)


def _count(path: Path, where: str = "") -> int:
    return int(query_sqlite(path, f"SELECT count(*) FROM statements {where}")[0][0])  # type: ignore[call-overload]


def _unsent(folder: Path) -> int:
    return int(query_sqlite(folder / "campus.sqlite", "SELECT count(*) FROM outbox_statements "  # type: ignore[call-overload]
                            "WHERE sent_at IS NULL")[0][0])


def _outbox(folder: Path) -> list[str]:
    return [row[0] for row in query_sqlite(folder / "campus.sqlite",  # type: ignore[misc]
                                           "SELECT id FROM outbox_statements")]


def test_three_learners_reach_the_campus_exactly_once_through_kills(
        tmp_path: Path, facilitator: Path, hubs) -> None:  # type: ignore[no-untyped-def]
    campus_db = tmp_path / "campus.sqlite"
    campus = start_campus(f"sqlite:///{campus_db}")
    campus.server.admin("create-learner", "dara", "--class", campus.class_name,
                        "--password", "dara-secret-pw")
    desks: dict[str, Path] = {}
    for name in LEARNERS:
        folder = tmp_path / f"desk-{name}"
        desk = Campus(folder)
        learn(desk.sessions, activity.create_profile(desk.sessions, name.title()).id,
              PER_LEARNER)
        desk.close()
        desks[name] = folder
    made = {name: _outbox(folder) for name, folder in desks.items()}
    total = sum(len(ids) for ids in made.values())
    try:
        with FaultProxy(campus.server.port, bytes_per_s=60_000) as up:
            hub = hubs(facilitator, "--upstream", up.url, "--user", campus.facilitator,
                       "--password-stdin", stdin=campus.passwords[campus.facilitator] + "\n")
            for name in LEARNERS:
                hub.add_learner(name)
            hub_db = facilitator / "hub.sqlite"
            with FaultProxy(hub.port, bytes_per_s=30_000) as down:
                endpoint = down.url + "/xapi/"
                syncs = {name: _sync(desks[name], endpoint, name) for name in LEARNERS}
                # A learner's computer dies between its two batches' acknowledgements.
                wait_for(lambda: _count(hub_db, "WHERE owner = 'amina'") > 0, 60,
                         "amina's first batch on the hub")
                syncs["amina"].kill()
                assert _unsent(desks["amina"]) > 0, "amina's sync ended before the kill"
                # The hub dies while learners push and it forwards.
                wait_for(lambda: _count(campus_db) > 0, 60, "forwarding to begin")
                hub.kill()
                for process in syncs.values():
                    process.communicate(timeout=60)
                assert _count(hub_db) < total, "the learners finished before the hub died"
                hub.start()  # the link (a hub token) is remembered; no password again
                # The campus dies mid-forwarding, and connections to it are cut.
                up.plan(Cut("up", 2500), Cut("down", 300), Cut("up", 9000))
                syncs = {name: _sync(desks[name], endpoint, name) for name in LEARNERS}
                before = _count(campus_db)
                wait_for(lambda: _count(campus_db) > before, 60, "forwarding after the restart")
                campus.server.kill()
                assert _count(campus_db) < total, "forwarding ended before the campus died"
                time.sleep(0.5)
                campus.server.start()
                # Every learner's sync ends (again, if it failed meanwhile).
                for name in LEARNERS:
                    out, err = syncs[name].communicate(timeout=120)
                    for _ in range(5):
                        if syncs[name].returncode == 0 and "still queued" not in out:
                            break
                        syncs[name] = _sync(desks[name], endpoint, name)
                        out, err = syncs[name].communicate(timeout=120)
                    assert syncs[name].returncode == 0, err
            wait_for(lambda: hub.waiting() == 0 and _count(campus_db) >= total
                     and hub.sql("SELECT count(*) FROM hub_forward_state") == [(0,)], 120,
                     f"the hub to forward everything ({hub.log[-2000:]})")
            assert up.cuts_done >= 1
            hub.stop()
        # Exactly once: each learner's statements, each once, with the learner as actor.
        with campus.client(campus.facilitator) as client:
            for name in LEARNERS:
                held = _all(client, name)
                ids = [s["id"] for s in held]
                assert len(ids) == len(set(ids)) == len(made[name]), name
                assert set(ids) == set(made[name])
                assert {s["actor"]["account"]["name"] for s in held} == {name}
                assert {s["authority"]["account"]["name"] for s in held} == {campus.facilitator}
                # State came along: the course index the learner's sync wrote on the hub.
                index = client.get("/xapi/activities/state", params={
                    "activityId": "urn:stepcampus:courses", "stateId": "courses",
                    "agent": json.dumps(campus.agent(name))})
                assert index.status_code == 200 and "inclusive-social-protection" in index.json()
        assert _count(campus_db) == total
        for folder in (*desks.values(), facilitator):
            name = "hub.sqlite" if folder == facilitator else "campus.sqlite"
            with sqlite3.connect(folder / name) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            conn.close()
        assert all(_unsent(folder) == 0 for folder in desks.values())
    finally:
        campus.server.stop()


def _all(client: httpx.Client, username: str) -> list[dict[str, object]]:
    agent = json.dumps({"objectType": "Agent", "account": {"homePage": HOME_PAGE,
                                                           "name": username}})
    found: list[dict[str, object]] = []
    answer = client.get("/xapi/statements", params={"agent": agent, "limit": "500"})
    while True:
        answer.raise_for_status()
        data = answer.json()
        found += data["statements"]
        if not data.get("more"):
            return found
        answer = client.get(data["more"])
