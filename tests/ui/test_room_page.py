"""A quiz with the room as people run it: the facilitator opens the room (a real hub process
started by the page), gives the class its room accounts, and two learners' real `stepcampus
room join` processes answer on 127.0.0.1; the chart fills, the reveal marks the right answer,
hands are counted for a question nobody answered on a device, the quiz is finished and the
room closed. And a learner's side: join by typed address (a wrong password said and
refused), answer by clicking, see the reveal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.classroom import classes
from stepcampus.classroom.room_client import FacilitatorClient
from stepcampus.progress import activity
from tests.hub.conftest import COURSE, HUB_PASSWORD, ROOT, env
from tests.lrs_server import free_port
from tests.ui.test_app import WAIT
from ui.context import AppContext, Learner
from ui.room import AccountsDialog, HandsDialog, RoomPage
from ui.room_join import JoinRoomDialog, RoomAnswerPage

MODULE = "social-exclusion"  # 1: one of four (the first right); 2: several right; 3: true/false
HUB_START = 90_000  # a cold hub start imports the server and opens two stores


def join(url: str, user: str, password: str, *answers: str) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "stepcampus.cli", "room", "join", url, "--user", user,
           "--password-stdin", *[arg for a in answers for arg in ("--answer", a)]]
    process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env(), cwd=ROOT)
    assert process.stdin is not None
    process.stdin.write(password + "\n")
    process.stdin.close()
    process.stdin = None
    return process


def press(qtbot, page: RoomPage, button) -> None:  # type: ignore[no-untyped-def]
    """Click once the page is ready for it, as a person waits for a greyed button."""
    qtbot.waitUntil(lambda: not page.busy and button.isEnabled() and button.isVisible(),
                    timeout=WAIT)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def facilitator_page(qtbot, campus: Campus) -> tuple[RoomPage, str]:  # type: ignore[no-untyped-def]
    factory = campus.sessions
    maria = activity.create_profile(factory, "Maria", "2468", role="facilitator")
    ana = activity.create_profile(factory, "Ana Silva")
    bo = activity.create_profile(factory, "Bo Chen")
    group = classes.create_class(factory, "Cohort 3", maria.id, SAMPLE_COURSE)
    classes.enrol_profiles(factory, group.id, [ana.id, bo.id])
    ctx = AppContext(campus)
    ctx.store_ready = True
    ctx.sign_in(Learner(maria.id, maria.name, "facilitator"))
    page = RoomPage(ctx)
    page.hub_host, page.announce = "127.0.0.1", False
    page.port_box.setValue(free_port())
    qtbot.addWidget(page)
    page.resize(1000, 900)
    page.show()
    return page, group.id


def test_the_facilitator_runs_a_room_quiz_with_two_learner_processes(
        qtbot, campus: Campus, sample_build) -> None:  # type: ignore[no-untyped-def]
    campus.install(str(sample_build.bundle))
    page, class_id = facilitator_page(qtbot, campus)
    assert not page.start_box.isVisible() and not page.accounts_button.isEnabled()
    assert page.open_button.text() == "Open the room"
    learners: list[subprocess.Popen[str]] = []
    try:
        qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.is_open and page.start_box.isVisible(), timeout=HUB_START)
        assert page.hub.running and page.open_button.text() == "Close the room"
        assert page.hub_state.text().startswith(f"The room is open at {page.hub.url}")
        assert page.hub_state.text().endswith("Not linked to a campus: the results stay on "
                                              "this desktop. Link it in Settings, under sync, "
                                              "to send them on.")
        quizzes = [page.quiz_box.itemData(i) for i in range(page.quiz_box.count())]
        assert (COURSE, MODULE, "en") in quizzes
        assert [page.class_box.itemText(i) for i in range(page.class_box.count())] == [
            "No class", "Cohort 3"]
        page.class_box.setCurrentIndex(1)

        # The class's room accounts: a one-time password each, shown once.
        qtbot.mouseClick(page.accounts_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.findChild(AccountsDialog) is not None, timeout=WAIT)
        dialog = page.findChild(AccountsDialog)
        rows = {dialog.table.item(r, 1).text(): dialog.table.item(r, 2).text()
                for r in range(dialog.table.rowCount())}
        assert set(rows) == {"ana.silva", "bo.chen"}
        assert all(len(p) == 14 and p.count("-") == 2 for p in rows.values())
        qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
        assert "ana.silva\t" + rows["ana.silva"] in QApplication.clipboard().text()
        dialog.reject()

        learners = [join(page.hub.url, "ana.silva", rows["ana.silva"], "1=1", "2=1,2,3,4"),
                    join(page.hub.url, "bo.chen", rows["bo.chen"], "1=2", "2=1,5")]
        qtbot.waitUntil(lambda: page.view.get("joined") == 2, timeout=HUB_START)
        assert page.people.text() == "In the room: Ana Silva, Bo Chen"

        page.quiz_box.setCurrentIndex(quizzes.index((COURSE, MODULE, "en")))
        press(qtbot, page, page.start_button)
        qtbot.waitUntil(lambda: page.view.get("state") == "waiting", timeout=WAIT)
        assert page.quiz_panel.isVisible() and not page.start_box.isVisible()
        assert page.view["class_name"] == "Cohort 3" and page.view["class_id"] == class_id
        assert page.release_button.text() == "Release the first question"

        # Question 1: both answer; the chart shows one each, no mark before the reveal.
        press(qtbot, page, page.release_button)
        qtbot.waitUntil(lambda: page.view.get("tally", {}).get("answered") == 2, timeout=WAIT)
        assert page.counter.text() == "Question 1 of 8 · 2 of 2 answered"
        assert [(b.text, b.right) for b in page.chart.bars] == [
            ("1 · 50%", False), ("1 · 50%", False), ("0 · 0%", False), ("0 · 0%", False)]
        assert page.chart.isVisible() and page.reveal_button.isVisible()
        press(qtbot, page, page.reveal_button)
        qtbot.waitUntil(lambda: page.view.get("state") == "revealed", timeout=WAIT)
        assert [b.right for b in page.chart.bars] == [True, False, False, False]
        assert page.feedback.text().startswith("The answer: A situation")
        assert "Right. Both halves matter" in page.feedback.text()
        assert not page.reveal_button.isVisible()

        # Question 2, several right answers.
        press(qtbot, page, page.release_button)
        qtbot.waitUntil(lambda: page.view.get("number") == 2
                        and page.view.get("tally", {}).get("answered") == 2, timeout=WAIT)
        assert [int(b.text.split()[0]) for b in page.chart.bars] == [2, 1, 1, 1, 1, 0]
        press(qtbot, page, page.reveal_button)
        qtbot.waitUntil(lambda: page.view.get("state") == "revealed", timeout=WAIT)

        # Question 3 (true or false) has no scripted answers: the room raises hands.
        press(qtbot, page, page.release_button)
        qtbot.waitUntil(lambda: page.view.get("number") == 3, timeout=WAIT)
        assert page.hands_button.isVisible()

        def fill_hands() -> None:
            hands = page.findChild(HandsDialog)
            assert hands is not None and len(hands.boxes) == 2
            hands.boxes[0].setValue(9)
            hands.boxes[1].setValue(3)
            hands.ok_button.click()

        QTimer.singleShot(300, fill_hands)
        press(qtbot, page, page.hands_button)
        qtbot.waitUntil(lambda: (page.view.get("tally") or {}).get("show_of_hands") is True,
                        timeout=WAIT)
        assert page.counter.text() == "Question 3 of 8 · 12 hands counted"
        assert [b.text for b in page.chart.bars] == ["9 · 75%", "3 · 25%"]

        press(qtbot, page, page.finish_button)
        # Two answers each to questions 1 and 2, a completion each; hands belong to nobody.
        # (The finish shows at once; the count follows once they are stored.)
        qtbot.waitUntil(lambda: page.view.get("state") == "finished"
                        and page.view.get("statements") == 6, timeout=WAIT)
        assert page.counter.text().startswith("Finished: 6 results stored")
        for process in learners:
            out, err = process.communicate(timeout=60)
            assert process.returncode == 0, err
            assert out.rstrip().endswith("the room quiz is over: thank you")
        press(qtbot, page, page.new_button)
        assert page.start_box.isVisible() and not page.quiz_panel.isVisible()

        hub = page.hub
        qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not page.is_open and not page.busy, timeout=WAIT)
        assert not hub.running and page.open_button.text() == "Open the room"
        assert page.message.text() == "The room is closed"
    finally:
        for process in learners:
            if process.poll() is None:
                process.kill()
        page.shutdown()


def test_a_port_in_use_is_said_and_the_room_stays_closed(qtbot, campus: Campus,
                                                          sample_build) -> None:  # type: ignore[no-untyped-def]
    import socket

    campus.install(str(sample_build.bundle))
    page, _ = facilitator_page(qtbot, campus)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        page.port_box.setValue(taken.getsockname()[1])
        qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not page.busy, timeout=HUB_START)
    assert not page.is_open and not page.hub.running
    assert page.message.text().startswith("the hub did not start:")
    assert "address already in use" in page.message.text().casefold()
    assert page.open_button.isEnabled() and page.open_button.text() == "Open the room"
    page.shutdown()


def test_a_learner_joins_by_address_answers_and_sees_the_reveal(
        qtbot, campus: Campus, facilitator: Path, hubs) -> None:  # type: ignore[no-untyped-def]
    hub = hubs(facilitator)
    assert hub.cli("admin", "create-facilitator", "fatou", "--password",
                   HUB_PASSWORD).returncode == 0
    hub.cli("admin", "create-learner", "ana", "--name", "Ana Silva", "--password",
            HUB_PASSWORD)
    ana = activity.create_profile(campus.sessions, "Ana Silva")
    ctx = AppContext(campus)
    ctx.store_ready = True
    ctx.sign_in(Learner(ana.id, ana.name))
    page = RoomAnswerPage(ctx)
    qtbot.addWidget(page)
    page.show()
    dialog = JoinRoomDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    desk = FacilitatorClient.sign_in(hub.url, "fatou", HUB_PASSWORD)
    try:
        qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
        assert dialog.error.text() == "Type the room's address" and dialog.isVisible()
        qtbot.keyClicks(dialog.address, f"127.0.0.1:{hub.port}")
        qtbot.keyClicks(dialog.username, "ana")
        qtbot.keyClicks(dialog.password, "not-it")
        qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.error.isVisible() and dialog.join_button.isEnabled(),
                        timeout=WAIT)
        assert "password" in dialog.error.text().casefold() and dialog.joined is None
        dialog.password.clear()
        qtbot.keyClicks(dialog.password, HUB_PASSWORD)
        qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.joined is not None, timeout=WAIT)
        page.enter(*dialog.joined)
        assert page.where.text() == f"In the room at {hub.url} as Ana Silva"
        assert page.state.text() == "Waiting for the facilitator to start a quiz…"
        assert desk.view()["names"] == ["Ana Silva"]

        qtbot.waitUntil(dialog.find_button.isEnabled, timeout=WAIT)  # the look around ended
        desk.start(COURSE, MODULE)
        qtbot.waitUntil(lambda: page.state.text() == "Waiting for the first question…",
                        timeout=WAIT)
        desk.release()
        qtbot.waitUntil(lambda: len(page.choices) == 4, timeout=WAIT)
        assert page.counter.text() == "Question 1 of 8" and page.send_button.isVisible()
        qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
        assert page.state.text() == "Choose or type an answer first"
        page.choices[2].click()
        qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.state.text().startswith("Your answer is in"), timeout=WAIT)
        page.choices[0].click()  # changed before the reveal: the later answer counts
        qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.view.get("your_answer") == 0, timeout=WAIT)
        assert desk.view()["tally"]["counts"] == [1, 0, 0, 0]

        desk.reveal()
        qtbot.waitUntil(lambda: page.state.text().startswith("Right!"), timeout=WAIT)
        assert page.choices[0].text().startswith("✓ ")
        assert page.choices[0].testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        assert page.choices[0].font().bold() and not page.choices[1].font().bold()
        assert not page.send_button.isVisible()
        assert page.feedback.text().startswith("Right. Both halves matter")
        desk.finish()
        qtbot.waitUntil(lambda: page.state.text() == "The quiz is over. Thank you!",
                        timeout=WAIT)
        with qtbot.waitSignal(page.left, timeout=WAIT):
            qtbot.mouseClick(page.leave_button, Qt.MouseButton.LeftButton)
        assert page.client is None
    finally:
        desk.close()
        page.leave(quietly=True)
