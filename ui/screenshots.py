"""Save a PNG of every main screen, with a throw-away data folder and the sample course.

    stepcampus screenshots DIR

Runs offscreen unless a display is set (e.g. under xvfb-run); look at the PNGs as a learner
would. The learner is made up, completes the course through the core (so the certificate
screen has something to show), and answers one quiz wrong to show its feedback; a made-up
facilitator then opens a module with its notes and session clock.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SAMPLE = "inclusive-social-protection"


def settle(app: Any, rounds: int = 5) -> None:
    """Let Qt finish layout and painting (offscreen there is no window manager to wait for)."""
    from PySide6.QtCore import QEventLoop

    for _ in range(rounds):
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def wait_for(app: Any, condition: Callable[[], Any], timeout: float = 30.0) -> None:
    from PySide6.QtCore import QEventLoop

    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the app did not get there in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    settle(app)


def take(window: Any, out: Path, name: str) -> Path:
    path = out / name
    if not window.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def capture(out: Path, data: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication, QScrollArea

    from stepcampus.campus import Campus
    from ui import theme
    from ui.app import MainWindow

    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    window = MainWindow(Campus(data))
    theme.apply(app, window.ctx.preferences)  # type: ignore[arg-type]
    window.resize(1200, 780)
    window.show()
    window.start()
    shots: list[Path] = []
    wait_for(app, lambda: window.ctx.store_ready)
    shots.append(take(window, out, "profiles.png"))
    window.profiles.new_name.setText("Ana Núñez")
    window.profiles.create()
    wait_for(app, lambda: window.ctx.learner is not None)
    learner = window.ctx.learner
    assert learner is not None
    _progress_through_core(window, learner.id)
    window.library.refresh()
    settle(app)
    shots.append(take(window, out, "library.png"))

    window.open_module(SAMPLE, "social-health-protection", "")
    wait_for(app, lambda: window.reader.page is not None
             and window.reader.page.module_id == "social-health-protection")
    window.reader.browser.scrollToAnchor("p-4")
    settle(app)
    shots.append(take(window, out, "reader.png"))

    window.open_quiz(SAMPLE, "social-integration")
    wait_for(app, lambda: window.current_page() == "quiz")
    shots.append(take(window, out, "quiz.png"))
    quiz = window.page("quiz")
    quiz.confirm = lambda _text: True  # submit with the unanswered questions, to show marks
    for widget in quiz.question_widgets[:3]:  # a few answers, some of them wrong
        buttons = list(getattr(widget, "buttons", {}).values())
        if buttons:
            buttons[-1].click()
    quiz.submit()
    settle(app, 10)
    shots.append(take(window, out, "quiz-feedback.png"))

    window.open_search()
    search = window.page("search")
    search.set_query("community health insurance")
    wait_for(app, lambda: search.results.count() > 0)
    shots.append(take(window, out, "search.png"))

    from stepcampus.progress import activity

    factory = window.campus.sessions
    attempt = activity.start_attempt(factory, learner.id, SAMPLE, "social-integration")
    activity.finish_attempt(factory, attempt, 0.9, 70)  # passed at the second try
    window.ctx.progress_changed.emit(SAMPLE)
    window.open_certificate(SAMPLE)
    certificate = window.page("certificate")
    certificate.get_certificate()
    wait_for(app, lambda: certificate.certificate is not None, timeout=60)
    shots.append(take(window, out, "certificate.png"))

    window.show_page("settings")
    settle(app)
    shots.append(take(window, out, "settings.png"))

    # Sync set up towards a server that does not answer: what a learner sees offline.
    box = window.settings_page.sync_box
    box.endpoint.setText("http://127.0.0.1:9/xapi/")
    box.username.setText("ana.nunez")
    box.password.setText("a-password")
    box.save()
    wait_for(app, lambda: window.sync.status.state == "offline", timeout=120)
    window.settings_page.findChild(QScrollArea).ensureWidgetVisible(box)
    settle(app)
    shots.append(take(window, out, "sync.png"))

    calendar = window.page("calendar")
    calendar.import_file(str(_sample_calendar(data)))
    window.show_page("calendar")
    wait_for(app, lambda: len(calendar.occurrences) >= 4)
    shots.append(take(window, out, "calendar.png"))
    shots += _webinar_screens(app, window, out)
    shots.append(_facilitator_screen(app, window, out))
    shots += _presenter_screens(app, window, out)
    shots.append(_classes_screen(app, window, out, data))
    shots.append(_report_screen(app, window, out))
    shots.append(_editor_screen(app, window, out))
    shots += _room_screens(app, window, out)
    window.close()
    return shots


# What the class answers to the first question of the social exclusion quiz in the room.
_ROOM_ANSWERS = {"Ana Núñez": 0, "Kofi Mensah": 1, "Amina Diallo": 0, "José Pérez": 0}


def _room_screens(app: Any, window: Any, out: Path) -> list[Path]:
    """A quiz with the room: the facilitator's chart after the reveal, four learners having
    answered from their own (here: in-process) clients of the real hub; and what a learner's
    desktop shows at the same moment."""
    from stepcampus.classroom import classes
    from stepcampus.classroom.room_client import LearnerClient
    from ui.room import room_accounts
    from ui.room_join import RoomAnswerPage

    page = window.page("room")
    page.hub_host, page.announce = "127.0.0.1", False  # nothing leaves this computer
    page.port_box.setValue(_free_port())
    window.show_page("room")
    page.open_room()
    wait_for(app, lambda: page.is_open, timeout=90)
    group = classes.list_classes(window.campus.sessions, window.ctx.learner.id)[0]
    given = {a.name: a for a in room_accounts(window.ctx, group.id, None)}  # type: ignore[arg-type]
    learners = [LearnerClient.sign_in(page.hub.url, given[name].username,
                                      str(given[name].password))
                for name in _ROOM_ANSWERS if name in given]
    learner_page = RoomAnswerPage(window.ctx)
    try:
        for client in learners:
            client.join()
        page.class_box.setCurrentIndex(page.class_box.findData(group.id))
        page.quiz_box.setCurrentIndex(next(i for i in range(page.quiz_box.count())
                                           if page.quiz_box.itemData(i)[1] == "social-exclusion"))
        page.start_quiz()
        wait_for(app, lambda: page.view.get("state") == "waiting" and not page.busy)
        learner_page.enter(learners[0], learners[0].view())
        page._act("release")
        wait_for(app, lambda: page.view.get("state") == "open" and not page.busy)
        for client, answer in zip(learners, _ROOM_ANSWERS.values(), strict=False):
            client.answer(1, answer)
        wait_for(app, lambda: page.view["tally"]["answered"] == len(learners))
        page._act("reveal")
        wait_for(app, lambda: page.view.get("state") == "revealed" and not page.busy)
        settle(app, 10)
        shots = [take(window, out, "room.png")]
        learner_page.resize(window.size())
        learner_page.show()
        wait_for(app, lambda: learner_page.view.get("state") == "revealed")
        settle(app, 10)
        shots.append(take(learner_page, out, "room-learner.png"))
    finally:
        learner_page.leave(quietly=True)
        learner_page.close()
        for client in learners[1:]:
            client.close()
        page.shutdown()
    return shots


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _editor_screen(app: Any, window: Any, out: Path) -> Path:
    """The course editor on an adaptation of the sample course: a local case study typed into
    a module, its preview beside it, and the problem saving found in it (a link to a website,
    which learners offline cannot follow)."""
    from PySide6.QtGui import QTextCursor

    editor = window.page("editor")
    editor.choose_adaptation = lambda plan: plan
    editor.open_installed(SAMPLE)
    wait_for(app, lambda: editor.folder is not None and editor.current is not None)
    window.show_page("editor")
    # Before the module's footnotes, where a trainer would put it.
    editor.editor.setTextCursor(editor.editor.document().find("[^1]:"))
    editor.editor.moveCursor(QTextCursor.MoveOperation.StartOfBlock)
    editor.editor.insertPlainText(
        "## Case study: market traders in Kisumu { .case-study }\n\n"
        "Market traders in Kisumu pooled a weekly contribution into a community health fund. "
        "The county matched it, and the fund now pays for **maternal care** at two clinics "
        "([the county's report](https://example.org/kisumu-report.pdf)).\n\n"
        "- Who was left out at first, and why?\n"
        "- What made the county join in?\n\n")
    editor.save()
    wait_for(app, lambda: bool(editor.problems)
             and "Kisumu" in editor.preview.toPlainText())
    editor.editor.centerCursor()
    settle(app, 10)
    editor.preview.scrollToAnchor("case-study-market-traders-in-kisumu")
    settle(app)
    return take(window, out, "editor.png")


def _classes_screen(app: Any, window: Any, out: Path, data: Path) -> Path:
    """A facilitator's class: two learners of this desktop, two sessions, attendance taken."""
    from datetime import datetime, timedelta

    from stepcampus.calendar.store import CalendarStore
    from stepcampus.classroom import classes
    from stepcampus.progress import activity

    factory = window.campus.sessions
    calendar = CalendarStore.for_data_dir(data)
    facilitator = window.ctx.learner.id
    learners = [p.id for p in activity.list_profiles(factory) if p.role == "learner"]
    kofi = activity.create_profile(factory, "Kofi Mensah").id
    group = classes.create_class(factory, "District officers, cohort 3", facilitator, SAMPLE)
    classes.enrol_profiles(factory, group.id, [*learners, kofi])
    monday = (datetime.now() + timedelta(days=7 - datetime.now().weekday())).replace(
        hour=9, minute=0, second=0, microsecond=0)
    first = classes.plan_session(
        factory, group.id, "Social exclusion and health protection", monday, "Africa/Nairobi",
        180, ["social-exclusion", "social-health-protection"], "Training room 2",
        calendar=calendar)
    classes.plan_session(factory, group.id, "Informal workers and solidarity",
                         monday + timedelta(days=7), "Africa/Nairobi", 180,
                         ["informal-workers-health", "solidarity-economy"], "Training room 2",
                         calendar=calendar)
    members = classes.list_members(factory, group.id)
    classes.record_attendance(factory, first.id, {m.id: status for m, status in zip(
        members, ("present", "late"), strict=False)})
    window.show_page("classes")
    page = window.page("classes")
    page.reload()
    wait_for(app, lambda: page.data is not None)
    page.tabs.setCurrentIndex(page.tabs.count() - 1)  # the attendance grid
    settle(app, 10)
    return take(window, out, "classes.png")


# What each learner of the report screen answers to the social exclusion quiz, by question:
# some right, some wrong, so every chart has something to show.
_EXCLUSION_ANSWERS: dict[str, dict[int, object]] = {
    "Ana Núñez": {0: 0, 1: [0, 1, 2, 3], 2: False, 3: True, 4: "social economy", 5: "1998",
                  6: "80", 7: 1, 8: {"0": "Listing significant experiences, documentary "
                                     "sources and actors"}},
    "Kofi Mensah": {0: 1, 1: [0, 1, 4], 2: True, 3: True, 4: "solidarity economy",
                    5: "1999", 6: "50", 7: 0},
    "Amina Diallo": {0: 0, 1: [0, 2, 3], 2: False, 3: False, 4: "social economy", 5: "1998",
                     6: "78", 7: 1},
    "José Pérez": {0: 1, 1: [1, 4, 5], 2: True, 3: True, 4: "Solidarity economy", 5: "1998",
                   7: 3},
}


def _report_screen(app: Any, window: Any, out: Path) -> Path:
    """The class's report: its learners (two more enrolled) answered the social exclusion quiz
    through the core, so the item analysis has answers to chart."""
    from stepcampus.classroom import classes
    from stepcampus.coursepack.gift import parse_gift
    from stepcampus.progress import activity
    from stepcampus.quiz import scoring

    factory = window.campus.sessions
    page = window.page("classes")
    group = classes.find_class(factory, "District officers, cohort 3")
    added = [activity.create_profile(factory, name).id for name in ("Amina Diallo",
                                                                    "José Pérez")]
    classes.enrol_profiles(factory, group.id, added)
    view = window.ctx.course_view(SAMPLE)
    module = "social-exclusion"
    questions = parse_gift(view.read_text(view.module(module).quiz or ""))
    profiles = {p.name: p.id for p in activity.list_profiles(factory)}
    for name, answers in _EXCLUSION_ANSWERS.items():
        activity.complete_module(factory, profiles[name], SAMPLE, module)
        attempt = activity.start_attempt(factory, profiles[name], SAMPLE, module)
        fractions = []
        for index, question in enumerate(questions):
            response = answers.get(index)
            # JSON keeps matching keys as text; scoring takes the stems' indexes.
            scored = {int(k): v for k, v in response.items()} \
                if isinstance(response, dict) else response
            fraction = scoring.score(question, scored)
            if fraction is None:
                continue
            fractions.append(fraction)
            if response is not None:
                activity.save_answer(factory, attempt, index, response, fraction)
        activity.finish_attempt(factory, attempt, sum(fractions) / len(fractions), 70)
    members = {m.display_name: m.id for m in classes.list_members(factory, group.id)}
    first = classes.list_sessions(factory, group.id)[0]
    classes.record_attendance(factory, first.id, {members["Amina Diallo"]: "present",
                                                  members["José Pérez"]: "excused"})
    page.reload()
    page.tabs.setCurrentWidget(page.report)
    wait_for(app, lambda: page.report.report is not None
             and len(page.report.report.learners) == 4)
    settle(app, 10)
    # The first question with its answers, as a facilitator scrolls to it.
    page.report.questions.parentWidget().parentWidget().ensureWidgetVisible(
        page.report.question_block(1), 0, 0)
    settle(app, 10)
    return take(window, out, "report.png")


def _presenter_screens(app: Any, window: Any, out: Path) -> list[Path]:
    """The presenter console on the facilitator's screen and what the room sees."""
    window.reader.present_button.click()
    presenter = window.page("presenter")
    presenter.go(2)
    settle(app, 10)
    console = take(window, out, "presenter.png")
    room = out / "presenter-room.png"
    presenter.audience.resize(1280, 720)
    settle(app, 10)
    presenter.audience.grab().save(str(room))
    presenter.end()
    return [console, room]


def _facilitator_screen(app: Any, window: Any, out: Path) -> Path:
    """The reader in facilitator mode: notes beside the module, the session clock running on
    its second activity, the first one done."""
    window.sign_out()
    page = window.profiles
    page.new_name.setText("Moussa Traoré")
    page.facilitator_check.setChecked(True)
    page.new_pin.setText("2580")
    page.create()
    wait_for(app, lambda: window.ctx.facilitator_mode)
    reader = window.reader
    moment = [0.0]
    reader.facilitator.clock_time = lambda: moment[0]  # a session under way, without waiting
    module = "informal-workers-health"
    window.open_module(SAMPLE, module, "")
    wait_for(app, lambda: reader.facilitator.notes is not None
             and reader.facilitator.notes.module_id == module)
    clock = reader.facilitator.clock_view
    clock.toggle()
    moment[0] += 11 * 60 + 20  # the welcome ran a little over its ten minutes
    clock.next()
    moment[0] += 7 * 60 + 35
    clock.refresh()
    settle(app)
    return take(window, out, "facilitator.png")


def _webinar_screens(app: Any, window: Any, out: Path) -> list[Path]:
    """The webinar list, the player following a slide, and the Q&A archive searched."""
    from stepcampus.campus import SAMPLE_SERIES
    from stepcampus.webinar.questions import ask_question

    shots: list[Path] = []
    learner = window.ctx.learner
    session = "linking-cash-and-safety-nets"
    window.show_page("webinars")
    webinars = window.page("webinars")
    wait_for(app, lambda: bool(webinars.rows))
    shots.append(take(window, out, "webinars.png"))
    ask_question(window.campus.sessions, learner.id, SAMPLE_SERIES, session,
                 "Can a social registry be updated quickly after a flood?")
    window.open_webinar(SAMPLE_SERIES, session, -1.0)
    player = window.page("player")
    player.seek_to(player.session.slides[2].at + 17.0)  # a slide with its caption showing
    player.tabs.setCurrentWidget(player.transcript)
    settle(app, 10)
    shots.append(take(window, out, "player.png"))
    player.tabs.setCurrentWidget(player.questions)
    settle(app)
    shots.append(take(window, out, "player-questions.png"))
    window.show_page("questions")
    archive = window.page("questions")
    archive.set_query("registry")
    wait_for(app, lambda: bool(archive.hits))
    shots.append(take(window, out, "questions.png"))
    return shots


def _sample_calendar(folder: Path) -> Path:
    """A weekly webinar series (Thursdays, 14:00 in Berlin) and a one-off Q&A session."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    today = datetime.now(berlin).replace(hour=14, minute=0, second=0, microsecond=0)
    thursday = today + timedelta(days=(3 - today.weekday()) % 7 or 7)
    qa = thursday + timedelta(days=5, hours=-4)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//STEP Campus//Screenshots//EN",
             "BEGIN:VEVENT", "UID:series@screenshots", f"DTSTAMP:{thursday:%Y%m%dT%H%M%S}Z",
             f"DTSTART;TZID=Europe/Berlin:{thursday:%Y%m%dT%H%M%S}",
             f"DTEND;TZID=Europe/Berlin:{thursday + timedelta(minutes=90):%Y%m%dT%H%M%S}",
             "RRULE:FREQ=WEEKLY;COUNT=6",
             "SUMMARY:Linking humanitarian cash transfers and social safety nets",
             "LOCATION:Online webinar", "END:VEVENT",
             "BEGIN:VEVENT", "UID:qa@screenshots", f"DTSTAMP:{thursday:%Y%m%dT%H%M%S}Z",
             f"DTSTART;TZID=Europe/Berlin:{qa:%Y%m%dT%H%M%S}",
             f"DTEND;TZID=Europe/Berlin:{qa + timedelta(minutes=60):%Y%m%dT%H%M%S}",
             "SUMMARY:Questions and answers: adaptive social protection",
             "LOCATION:Training room 2", "END:VEVENT", "END:VCALENDAR"]
    path = folder / "sample-sessions.ics"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _progress_through_core(window: Any, profile_id: str) -> None:
    """Read every module and pass every quiz but one, so each screen has something to show."""
    from stepcampus.progress import activity

    factory = window.campus.sessions
    view = window.ctx.course_view(SAMPLE)
    for module_id in view.module_ids:
        activity.complete_module(factory, profile_id, SAMPLE, module_id)
        if module_id != "social-integration":
            attempt = activity.start_attempt(factory, profile_id, SAMPLE, module_id)
            activity.finish_attempt(factory, attempt, 0.9, 70)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as data:
        for path in capture(out, Path(data)):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
