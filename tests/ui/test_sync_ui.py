"""Sync as a learner sees it: set up the account in Settings, see the indicator say what
happened (synced, offline, sign-in refused), sync again with F9; and pause and resume a
course download from a catalog."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from stepcampus.campus import Campus
from stepcampus.coursepack.build import build
from stepcampus.coursepack.keys import generate_key, load_private_key
from stepcampus.coursepack.packagesource import FolderPackage
from stepcampus.coursepack.publish import publish
from stepcampus.progress import activity
from stepcampus.settings import Settings, save_settings
from tests.lrs_server import RunningServer, start_server
from tests.ui.test_app import WAIT, create_profile, open_window
from tests.webserver import serve
from ui.app import MainWindow


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = start_server(f"sqlite:///{tmp_path / 'server.sqlite'}")
    running.admin("create-learner", "ana", "--name", "Ana Silva", "--password", "right-pw")
    yield running
    running.stop()


def server_statement_count(server: RunningServer) -> int:
    with server.client(auth=("ana", "right-pw")) as client:
        answer = client.get("/xapi/statements", params={"limit": 500})
        answer.raise_for_status()
        return len(answer.json()["statements"])


def set_up_sync(qtbot, window: MainWindow, endpoint: str, password: str) -> None:
    window.go_settings.trigger()
    box = window.settings_page.sync_box
    qtbot.keyClicks(box.endpoint, endpoint)
    qtbot.keyClicks(box.username, "ana")
    qtbot.keyClicks(box.password, password)
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)


def indicator_state(window: MainWindow) -> str:
    return str(window.sync_indicator.property("state"))


def test_set_up_sync_in_settings_then_the_indicator_shows_it_synced(qtbot, tmp_path: Path,
                                                                    server) -> None:
    window = open_window(qtbot, tmp_path / "data")
    create_profile(qtbot, window, "Ana Silva")
    assert indicator_state(window) == "off"
    assert "Sync off" in window.sync_indicator.text()
    # reading starts the course: a statement waits in the outbox
    qtbot.mouseClick(window.library.cards[0].continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: activity.pending_statements(window.campus.sessions) != [],
                    timeout=WAIT)

    set_up_sync(qtbot, window, server.xapi, "right-pw")
    qtbot.waitUntil(lambda: indicator_state(window) == "idle", timeout=WAIT)
    assert "Synced" in window.sync_indicator.text()
    assert "all sent" in window.sync_indicator.text()
    assert activity.pending_statements(window.campus.sessions) == []
    sent = server_statement_count(server)
    assert sent >= 1
    box = window.settings_page.sync_box
    assert box.password.text() == "" and "saved" in box.password.placeholderText()

    # more learning (a module read to the end), then F9: it goes too
    assert window.ctx.learner is not None
    activity.complete_module(window.campus.sessions, window.ctx.learner.id,
                             "inclusive-social-protection", "social-exclusion")
    assert activity.pending_statements(window.campus.sessions) != []
    qtbot.keyClick(window, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: activity.pending_statements(window.campus.sessions) == []
                    and indicator_state(window) == "idle", timeout=WAIT)
    assert server_statement_count(server) > sent


def test_a_wrong_password_and_a_stopped_server_are_told_plainly_and_nothing_is_lost(
        qtbot, tmp_path: Path, server) -> None:
    window = open_window(qtbot, tmp_path / "data")
    create_profile(qtbot, window, "Ana Silva")
    qtbot.mouseClick(window.library.cards[0].continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: activity.pending_statements(window.campus.sessions) != [],
                    timeout=WAIT)
    queued = len(activity.pending_statements(window.campus.sessions))

    set_up_sync(qtbot, window, server.xapi, "wrong-pw")
    qtbot.waitUntil(lambda: indicator_state(window) == "unauthorised", timeout=WAIT)
    assert "Sign-in refused" in window.sync_indicator.text()
    assert f"{queued} to send" in window.sync_indicator.text()
    assert len(activity.pending_statements(window.campus.sessions)) == queued

    box = window.settings_page.sync_box
    qtbot.keyClicks(box.password, "right-pw")
    server.stop()
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: indicator_state(window) == "offline", timeout=WAIT)
    assert "Offline" in window.sync_indicator.text()
    assert len(activity.pending_statements(window.campus.sessions)) == queued
    assert window.sync.timer.isActive()  # it will try again by itself

    server.start()
    window.sync_indicator.click()  # clicking the indicator syncs now
    qtbot.waitUntil(lambda: indicator_state(window) == "idle", timeout=WAIT)
    assert activity.pending_statements(window.campus.sessions) == []


def test_settings_refuse_an_address_that_is_not_a_web_address(qtbot, tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "data")
    create_profile(qtbot, window, "Ana Silva")
    set_up_sync(qtbot, window, "campus.example.org", "pw")
    box = window.settings_page.sync_box
    assert "http://" in box.state.text()
    assert indicator_state(window) == "off"


def publish_another_course(tmp_path: Path, course_copy: Path) -> tuple[Path, Path]:
    """A second course whose every module differs from the sample's (which the app installs
    on first start, and whose files would otherwise be shared), published by a publisher the
    data folder trusts: (the tree, the data folder)."""
    manifest = course_copy / "course.yaml"
    manifest.write_text(manifest.read_text().replace("id: inclusive-social-protection",
                                                     "id: another-course"))
    for module in course_copy.rglob("*.md"):
        module.write_text(module.read_text() + "\n\nA note added for the other course.\n")
    public = generate_key(tmp_path / "publisher.key", name="another-publisher")
    tree = tmp_path / "tree"
    publish(FolderPackage(build(course_copy, tmp_path / "build",
                                load_private_key(tmp_path / "publisher.key")).package_dir), tree)
    data = tmp_path / "data"
    Campus(data).trust.trust(public)
    return tree, data


def test_pause_and_resume_a_course_download(qtbot, tmp_path: Path, course_copy: Path) -> None:
    tree, data = publish_another_course(tmp_path, course_copy)
    package_size = json.loads((tree / "catalog.json").read_text())["courses"][0][
        "versions"][0]["size"]
    with serve(tree) as web:
        # slow enough to pause mid-way: the package is a few hundred KB
        save_settings(data, Settings(catalogs=[web.url], download_cap_kib=48))
        window = open_window(qtbot, data)
        create_profile(qtbot, window, "Ana Silva")
        qtbot.waitUntil(lambda: window.library.available != [], timeout=WAIT)
        row = window.library.available[0]
        qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
        bar = window.long_work
        qtbot.waitUntil(lambda: bar.pause_button.isVisible() and bar.bar.value() > 0,
                        timeout=WAIT)
        qtbot.mouseClick(bar.pause_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Paused" in bar.label.text(), timeout=WAIT)
        assert bar.label.text() == f"Paused: Installing {row.name}"
        assert bar.pause_button.text() == "Resume" and not bar.bar.isVisible()
        assert [r.course_id for r in window.ctx.installed_rows()] == [
            "inclusive-social-protection"]
        assert 0 < web.bytes_sent < package_size

        qtbot.mouseClick(bar.pause_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(window.ctx.installed_rows()) == 2
                        or bool(window.last_error), timeout=60000)
        assert window.last_error == "", window.last_error
        qtbot.waitUntil(lambda: not bar.isVisible(), timeout=WAIT)
        # resumed, not restarted: about one copy crossed the wire
        assert web.bytes_sent < package_size * 1.1


def test_cancelling_a_paused_download_offers_the_course_again(qtbot, tmp_path: Path,
                                                             course_copy: Path) -> None:
    tree, data = publish_another_course(tmp_path, course_copy)
    with serve(tree) as web:
        save_settings(data, Settings(catalogs=[web.url], download_cap_kib=48))
        window = open_window(qtbot, data)
        create_profile(qtbot, window, "Ana Silva")
        qtbot.waitUntil(lambda: window.library.available != [], timeout=WAIT)
        qtbot.mouseClick(window.library.available[0].button, Qt.MouseButton.LeftButton)
        bar = window.long_work
        # the bar counts bytes: it moves inside a file, not only between files
        qtbot.waitUntil(lambda: bar.pause_button.isVisible() and bar.bar.maximum() > 10_000
                        and bar.bar.value() > 0, timeout=WAIT)
        qtbot.mouseClick(bar.pause_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Paused" in bar.label.text(), timeout=WAIT)
        qtbot.mouseClick(bar.cancel_button, Qt.MouseButton.LeftButton)
        assert not bar.isVisible()
        qtbot.waitUntil(lambda: window.library.available != []
                        and window.library.available[0].button.isEnabled(), timeout=WAIT)
        assert len(window.ctx.installed_rows()) == 1
