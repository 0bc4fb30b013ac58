"""Faults on the way: connections cut mid-request and mid-response, the syncing process killed,
the server killed and restarted. Whatever happens, the server ends with every statement exactly
once and the desktop with an empty outbox and a sound database."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from stepcampus.campus import Campus
from stepcampus.progress import activity
from stepcampus.sync.accounts import save_link
from stepcampus.sync.engine import queued_count, sync_profile
from stepcampus.sync.errors import SyncError
from stepcampus.sync.retry import RetryPolicy
from tests.faultproxy import Cut, FaultProxy
from tests.lrs_server import ROOT
from tests.sync.conftest import COURSE, new_learner, no_wait, outbox_ids, server_ids


def _learn(factory, profile_id: str, statements: int) -> None:
    """A realistic mix: reading in steps, completions, quiz answers and results."""
    made = 0
    module = 0
    while made < statements:
        name = f"module-{module}"
        for percent in (25, 50, 75):
            activity.record_progress(factory, profile_id, COURSE, name, f"p-{percent}", percent)
        activity.complete_module(factory, profile_id, COURSE, name)
        attempt = activity.start_attempt(factory, profile_id, COURSE, name)
        for question in range(3):
            activity.save_answer(factory, attempt, question, [question], 1.0)
        activity.finish_attempt(factory, attempt, 0.9, 70)
        made += 9
        module += 1


def _assert_exactly_once(server, username: str, desk_ids: list[str]) -> None:
    held = server_ids(server, username)
    assert len(held) == len(set(held)) == len(desk_ids)
    assert set(held) == set(desk_ids)


def test_cuts_mid_request_and_mid_response_lose_and_duplicate_nothing(any_lrs,
                                                                      desktops) -> None:
    learner = new_learner(any_lrs)
    desk = desktops()
    _learn(desk.factory, desk.profile_id, 120)
    seeded = random.Random(20261123)
    cuts = [Cut(seeded.choice(["up", "down"]), seeded.randint(1, 6000)) for _ in range(40)]
    with FaultProxy(any_lrs.port) as proxy:
        proxy.plan(*cuts)
        link = desk.link(proxy.url + "/xapi/", learner)
        failures = rounds = 0
        synced = False
        # Until a dozen cuts have struck (a connection may end before its cut is reached) and a
        # sync has finished: learn a little more after each finished sync.
        while proxy.cuts_done < 12 or not synced:
            assert rounds < 100, "the sync never completed"
            rounds += 1
            try:
                sync_profile(desk.factory, desk.profile_id, link, batch_size=10,
                             retry=no_wait(attempts=2))
                synced = True
                if proxy.cuts_done < 12:
                    _learn(desk.factory, desk.profile_id, 18)
            except SyncError as exc:
                assert exc.kind in ("offline", "server"), exc
                failures += 1
                synced = False
        assert failures > 0 and proxy.planned > 0
    assert queued_count(desk.factory) == 0
    _assert_exactly_once(any_lrs, learner.username, outbox_ids(desk))


def test_server_restart_mid_sync(any_lrs, desktops) -> None:
    learner = new_learner(any_lrs)
    desk = desktops()
    _learn(desk.factory, desk.profile_id, 300)
    total = queued_count(desk.factory)
    outcome: dict[str, object] = {}
    with FaultProxy(any_lrs.port, bytes_per_s=40_000) as proxy:
        link = desk.link(proxy.url + "/xapi/", learner)
        patient = RetryPolicy(attempts=40, base=0.05, cap=0.5)

        def run() -> None:
            try:
                outcome["report"] = sync_profile(desk.factory, desk.profile_id, link,
                                                 batch_size=20, retry=patient)
            except BaseException as exc:
                outcome["error"] = exc

        worker = threading.Thread(target=run)
        worker.start()
        _wait(lambda: 0 < total - queued_count(desk.factory) < total - 40, 60, "some batches")
        any_lrs.kill()
        any_lrs.start()
        worker.join(timeout=120)
    assert not worker.is_alive() and "error" not in outcome, outcome
    assert queued_count(desk.factory) == 0
    _assert_exactly_once(any_lrs, learner.username, outbox_ids(desk))


def _wait(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def test_sigkill_of_the_syncing_process_at_random_moments(lrs, tmp_path: Path) -> None:
    learner = new_learner(lrs)
    data_dir = tmp_path / "desktop"
    campus = Campus(data_dir)
    profile_id = activity.create_profile(campus.sessions, "Amina").id
    _learn(campus.sessions, profile_id, 1500)
    made = outbox_ids_of(campus)
    campus.close()
    seeded = random.Random(7)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with FaultProxy(lrs.port, bytes_per_s=60_000) as proxy:
        cmd = [sys.executable, "-m", "stepcampus.cli", "--data-dir", str(data_dir), "sync",
               "--endpoint", proxy.url + "/xapi/", "--user", learner.username,
               "--password", learner.password]
        kills = 0
        for _ in range(5):
            process = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE)
            try:
                process.wait(timeout=seeded.uniform(0.8, 3.0))
            except subprocess.TimeoutExpired:
                process.kill()
                kills += 1
            process.wait()
        assert kills >= 3, "the syncs finished too fast to be interrupted"
        done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True,
                              timeout=300)
    assert done.returncode == 0, done.stderr
    assert "still queued" not in done.stdout
    _assert_exactly_once(lrs, learner.username, made)
    with sqlite3.connect(data_dir / "campus.sqlite") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute(
            "SELECT count(*) FROM outbox_statements WHERE sent_at IS NULL").fetchone() == (0,)
    conn.close()


def outbox_ids_of(campus: Campus) -> list[str]:
    return [s["id"] for s in activity.pending_statements(campus.sessions, limit=100_000)]


def test_links_are_saved_by_the_cli(lrs, tmp_path: Path) -> None:
    # The SIGKILL test relies on the CLI saving and reusing the link: check it does.
    campus = Campus(tmp_path / "d")
    profile_id = activity.create_profile(campus.sessions, "Amina").id
    learner = new_learner(lrs)
    save_link(campus.sessions, profile_id, lrs.xapi, learner.username, learner.password)
    campus.close()
    done = subprocess.run([sys.executable, "-m", "stepcampus.cli", "--data-dir",
                           str(tmp_path / "d"), "sync"], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "sent 0 statements"
