"""`stepcampus sync`: linking, syncing, what it prints and its exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from stepcampus.campus import Campus
from stepcampus.cli import main
from stepcampus.progress import activity
from stepcampus.sync.accounts import get_link
from stepcampus.sync.engine import queued_count
from tests.lrs_server import free_port
from tests.sync.conftest import Desktop, new_learner, record_some, server_ids


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    campus = Campus(tmp_path / "d")
    profile_id = activity.create_profile(campus.sessions, "Amina").id
    record_some(Desktop(campus, profile_id))
    campus.close()
    return tmp_path / "d"


def _run(data_dir: Path, *args: str) -> int:
    return main(["--data-dir", str(data_dir), "sync", *args])


def test_link_and_sync_then_sync_again_without_options(lrs, data_dir, capsys) -> None:
    learner = new_learner(lrs)
    # A bare server address is the campus server: /xapi/ is added.
    assert _run(data_dir, "--endpoint", lrs.url, "--user", learner.username,
                "--password", learner.password) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "sent 8 statements" and out[1] == "received 0 statements from other " \
        "computers"
    assert len(server_ids(lrs, learner.username)) == 8

    assert _run(data_dir, "--json") == 0
    [outcome] = json.loads(capsys.readouterr().out)
    assert (outcome["profile"], outcome["ok"], outcome["sent"], outcome["queued"]) == (
        "Amina", True, 0, 0)
    campus = Campus(data_dir)
    [profile] = activity.list_profiles(campus.sessions)
    link = get_link(campus.sessions, profile.id)
    campus.close()
    assert link is not None and link.endpoint == lrs.xapi


def test_password_from_stdin(lrs, data_dir, capsys, monkeypatch) -> None:
    learner = new_learner(lrs)
    monkeypatch.setattr("sys.stdin", io.StringIO(learner.password + "\n"))
    assert _run(data_dir, "--endpoint", lrs.xapi, "--user", learner.username,
                "--password-stdin", "--profile", "amina") == 0
    assert capsys.readouterr().out.startswith("sent 8 statements")


def test_offline_exits_1_and_keeps_the_outbox(data_dir, capsys) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}/xapi/"
    assert _run(data_dir, "--endpoint", endpoint, "--user", "u", "--password", "p") == 1
    err = capsys.readouterr().err
    assert err.startswith("error: offline: the server at " + endpoint)
    campus = Campus(data_dir)
    assert queued_count(campus.sessions) == 8
    campus.close()


def test_wrong_password_exits_1(lrs, data_dir, capsys) -> None:
    learner = new_learner(lrs)
    assert _run(data_dir, "--endpoint", lrs.xapi, "--user", learner.username,
                "--password", "wrong") == 1
    assert capsys.readouterr().err.startswith("error: unauthorised: ")


@pytest.mark.parametrize(("args", "says"), [
    ((), "no profile is linked"),
    (("--profile", "Nobody"), "no profile named 'Nobody'"),
    (("--profile", "Amina"), "is not linked"),
    (("--endpoint", "ftp://x", "--user", "u", "--password", "p"), "endpoint"),
    (("--endpoint", "http://x/xapi/", "--user", "u"), "--password: is needed"),
])
def test_bad_input_exits_2_and_saves_nothing(data_dir, capsys, args, says) -> None:
    assert _run(data_dir, *args) == 2
    assert says in capsys.readouterr().err
    campus = Campus(data_dir)
    [profile] = activity.list_profiles(campus.sessions)
    assert get_link(campus.sessions, profile.id) is None
    campus.close()


def test_two_profiles_need_a_profile_name(data_dir, capsys) -> None:
    campus = Campus(data_dir)
    activity.create_profile(campus.sessions, "Kofi")
    campus.close()
    assert _run(data_dir, "--endpoint", "http://x/", "--user", "u", "--password", "p") == 2
    assert "--profile NAME" in capsys.readouterr().err
