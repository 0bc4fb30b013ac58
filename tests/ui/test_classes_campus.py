"""Campus learners on the classes page, with a real campus server: the facilitator is told to
link the desktop first, links it in Settings, opens Campus learners… and reads the code out; a
learner on their own desktop joins with it in Settings (an unreachable server, a wrong code
and differing passwords are said in the dialog, which keeps what was typed, and link
nothing); the facilitator fetches, and the learner is in the class."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QWidget

from stepcampus.campus import Campus
from stepcampus.classroom import classes
from stepcampus.progress import activity
from stepcampus.sync.accounts import get_link
from tests.lrs_server import Campus as CampusServer
from tests.lrs_server import free_port, start_campus
from tests.ui.test_app import WAIT
from ui.campus_enrolment import CampusCodeDialog, JoinDialog
from ui.classes import ClassesPage
from ui.context import AppContext, Learner
from ui.settings_page import SettingsPage

LEFT = Qt.MouseButton.LeftButton
CODE_SHAPE = re.compile(r"^[A-Z2-7]{5}-[A-Z2-7]{5}$")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[CampusServer]:
    running = start_campus(f"sqlite:///{tmp_path / 'campus.sqlite'}")
    yield running
    running.server.stop()


def signed_in(campus: Campus, profile: object, role: str = "learner") -> AppContext:
    ctx = AppContext(campus)
    ctx.store_ready = True
    ctx.sign_in(Learner(profile.id, profile.name, role))  # type: ignore[attr-defined]
    return ctx


def settings_of(qtbot, ctx: AppContext) -> SettingsPage:  # type: ignore[no-untyped-def]
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    ctx.learner_changed.emit()  # as when signing in: the sync box reads the saved link
    return page


def dialog_of(parent: QWidget, name: str) -> QDialog:
    dialog = parent.findChild(QDialog, name)
    assert dialog is not None and dialog.isVisible()
    return dialog


def closed(parent: QWidget, name: str) -> bool:
    """The dialog was closed (and freed)."""
    dialog = parent.findChild(QDialog, name)
    return dialog is None or not dialog.isVisible()


def retype(qtbot, field: QLineEdit, text: str) -> None:  # type: ignore[no-untyped-def]
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def test_a_code_for_the_room_a_learner_joins_with_it_and_is_fetched_into_the_class(
        qtbot, tmp_path: Path, server: CampusServer) -> None:  # type: ignore[no-untyped-def]
    desk = Campus(tmp_path / "desk")
    maria = activity.create_profile(desk.sessions, "Maria", "2468", role="facilitator")
    group = classes.create_class(desk.sessions, "Evening group", maria.id)
    ctx = signed_in(desk, maria, "facilitator")
    page = ClassesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.data is not None, timeout=WAIT)
    assert page.campus_button.text() == "Campus learners…"

    # Not linked yet: the page says what to do, and opens nothing.
    qtbot.mouseClick(page.campus_button, LEFT)
    assert page.error.isVisible() and page.error.text().startswith(
        "Link this desktop to the campus first: in Settings, under Sync with your campus")
    assert page.findChild(QDialog, "campus-code-dialog") is None

    # The facilitator links the desktop in Settings with their campus account...
    settings = settings_of(qtbot, ctx)
    box = settings.sync_box
    qtbot.keyClicks(box.endpoint, server.url)
    qtbot.keyClicks(box.username, server.facilitator)
    qtbot.keyClicks(box.password, server.passwords[server.facilitator])
    qtbot.mouseClick(box.save_button, LEFT)
    qtbot.waitUntil(lambda: get_link(desk.sessions, maria.id) is not None, timeout=WAIT)
    settings.hide()
    # ...comes back to the classes page, and makes a code for the room.
    page.hide()
    page.show()
    qtbot.waitUntil(lambda: page.data is not None and page.data.campus_server == server.url,
                    timeout=WAIT)
    qtbot.mouseClick(page.campus_button, LEFT)
    shown = dialog_of(page, "campus-code-dialog")
    assert isinstance(shown, CampusCodeDialog)
    assert shown.heading.text() == "Enrolment code for Evening group"
    qtbot.waitUntil(lambda: CODE_SHAPE.match(shown.code.text()) is not None, timeout=WAIT)
    assert shown.code.font().pointSizeF() >= 36  # large enough to read across the room
    assert shown.details.text().startswith(f"Server address: {server.url}\nUp to 30 learners "
                                           "may use it, until ")
    code = shown.code.text()

    # A learner on their own desktop joins with it, in Settings.
    own = Campus(tmp_path / "learner-desk")
    dara = activity.create_profile(own.sessions, "Dara")
    learner_ctx = signed_in(own, dara)
    learner_settings = settings_of(qtbot, learner_ctx)
    sync_box = learner_settings.sync_box
    assert sync_box.join_button.text() == "Join with an enrolment code…"
    qtbot.mouseClick(sync_box.join_button, LEFT)
    join = dialog_of(sync_box, "join-campus-dialog")
    assert isinstance(join, JoinDialog)
    assert join.name.text() == "Dara"  # the profile's name, to change if she likes
    offline = f"http://127.0.0.1:{free_port()}"
    qtbot.keyClicks(join.server, offline)
    qtbot.keyClicks(join.code, code.lower())
    qtbot.keyClicks(join.username, "dara")
    retype(qtbot, join.name, "Dara Okafor")
    qtbot.keyClicks(join.password, "dara-password")
    qtbot.keyClicks(join.again, "dara-passwrod")
    qtbot.mouseClick(join.ok_button, LEFT)
    assert join.error.text() == "The two passwords differ: type the same password twice."
    retype(qtbot, join.again, "dara-password")
    # The server cannot be reached: said, nothing linked, what was typed kept.
    qtbot.mouseClick(join.ok_button, LEFT)
    qtbot.waitUntil(lambda: join.error.isVisible() and join.ok_button.isEnabled(),
                    timeout=WAIT)
    assert join.error.text().startswith(f"server: the campus server at {offline} cannot be "
                                        "reached to enrol you")
    assert join.isVisible() and join.username.text() == "dara"
    # A wrong code: said too.
    retype(qtbot, join.server, server.url)
    retype(qtbot, join.code, "AAAAA-BBBBB")
    qtbot.mouseClick(join.ok_button, LEFT)
    qtbot.waitUntil(lambda: "no such enrolment code" in join.error.text()
                    and join.ok_button.isEnabled(), timeout=WAIT)
    assert join.error.text() == ("code: no such enrolment code (check it with your "
                                 "facilitator)")
    assert get_link(own.sessions, dara.id) is None
    # The right one: enrolled, the profile syncs with the new account.
    retype(qtbot, join.code, code)
    qtbot.mouseClick(join.ok_button, LEFT)
    qtbot.waitUntil(lambda: closed(sync_box, "join-campus-dialog"), timeout=WAIT)
    qtbot.waitUntil(lambda: sync_box.username.text() == "dara", timeout=WAIT)
    assert sync_box.endpoint.text() == server.server.xapi
    assert sync_box.state.text() == "You are enrolled in Evening group as dara. Syncing…"
    link = get_link(own.sessions, dara.id)
    assert link is not None and link.secret.startswith("token:")

    # The facilitator fetches: Dara is a learner of the class.
    assert shown.isVisible()
    qtbot.mouseClick(shown.fetch_button, LEFT)
    qtbot.waitUntil(lambda: shown.state.text() == "Enrolled in the class: Dara Okafor",
                    timeout=WAIT)
    qtbot.waitUntil(lambda: page.member_list.count() == 1, timeout=WAIT)
    assert page.member_list.item(0).text() == "Dara Okafor (campus account dara)"
    assert page.message.text() == "Enrolled in the class: Dara Okafor"
    [member] = classes.list_members(desk.sessions, group.id)
    assert (member.campus_username, member.display_name) == ("dara", "Dara Okafor")
    # Again: no one new.
    qtbot.mouseClick(shown.fetch_button, LEFT)
    qtbot.waitUntil(lambda: shown.state.text().startswith("No new learner"), timeout=WAIT)
    assert len(classes.list_members(desk.sessions, group.id)) == 1
    shown.reject()
    own.close()
    desk.close()


def test_a_refused_code_is_said_in_the_dialog(qtbot, tmp_path: Path,
                                             server: CampusServer) -> None:  # type: ignore[no-untyped-def]
    """The facilitator's link is a learner's account: the campus refuses, the dialog says
    why, and no campus class is made."""
    from stepcampus.sync.accounts import save_link

    desk = Campus(tmp_path / "desk")
    maria = activity.create_profile(desk.sessions, "Maria", "2468", role="facilitator")
    classes.create_class(desk.sessions, "Evening group", maria.id)
    save_link(desk.sessions, maria.id, server.url, server.learner,
              server.passwords[server.learner])
    page = ClassesPage(signed_in(desk, maria, "facilitator"))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.data is not None, timeout=WAIT)
    qtbot.mouseClick(page.campus_button, LEFT)
    shown = dialog_of(page, "campus-code-dialog")
    assert isinstance(shown, CampusCodeDialog)
    qtbot.waitUntil(lambda: shown.error.isVisible(), timeout=WAIT)
    assert shown.error.text() == ("campus account: amina is a learner; only facilitators and "
                                  "admins manage classes")
    assert shown.code.text() == "—" and shown.new_button.isEnabled()
    with server.client(server.admin) as admin:
        assert "Evening group" not in {c["name"] for c in admin.get("/api/classes").json()}
    shown.reject()
    desk.close()
