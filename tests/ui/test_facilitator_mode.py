"""Click through facilitator mode: a facilitator profile behind a PIN, the module's facilitator
notes with a running session clock beside the text, and a learner on the same desktop who
sees none of it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt

from stepcampus.campus import SAMPLE_COURSE
from stepcampus.progress import activity
from tests.ui.test_app import WAIT, create_profile, open_window
from ui.app import MainWindow
from ui.facilitator_notes import WARNING
from ui.i18n import tr

LEFT = Qt.MouseButton.LeftButton
MODULE = "social-exclusion"


class FakeTime:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def notes_body(window: MainWindow, module: str = MODULE) -> str:
    """The first words of the module's facilitator notes, after the front matter."""
    text = window.ctx.course_view(SAMPLE_COURSE).read_text(f"en/facilitator/{module}.md")
    body = text.split("\n---\n", 1)[1]
    return next(line for line in body.splitlines() if line.startswith("- ")).removeprefix(
        "- ")[:50]


def create_facilitator(qtbot, window: MainWindow, name: str, pin: str) -> None:
    page = window.profiles
    qtbot.keyClicks(page.new_name, name)
    page.facilitator_check.setChecked(True)
    qtbot.keyClicks(page.new_pin, pin)
    qtbot.mouseClick(page.create_button, LEFT)
    qtbot.waitUntil(lambda: window.ctx.learner is not None, timeout=WAIT)


def open_in_reader(qtbot, window: MainWindow, module: str = MODULE) -> None:
    window.open_module(SAMPLE_COURSE, module, "")
    qtbot.waitUntil(lambda: window.reader.page is not None
                    and window.reader.page.module_id == module, timeout=WAIT)


def test_a_facilitator_needs_a_pin_then_sees_notes_and_runs_the_clock(qtbot,
                                                                      tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "data")
    page = window.profiles
    assert page.new_pin_label.text() == "PIN (optional)"
    assert "needs a PIN" in page.facilitator_check.text()

    # Facilitator without a PIN: refused, with the reason, and nothing is created.
    qtbot.keyClicks(page.new_name, "Fatou Diop")
    box = page.facilitator_check
    qtbot.mouseClick(box, LEFT, pos=QPoint(30, box.height() // 2))  # on its words
    assert page.facilitator_check.isChecked()
    assert page.new_pin_label.text() == "PIN (required)"
    assert page.facilitator_hint.isVisibleTo(page) and "PIN" in page.facilitator_hint.text()
    qtbot.mouseClick(page.create_button, LEFT)
    assert page.create_error.text() == tr("A facilitator profile needs a PIN: type 4 or more "
                                          "digits.")
    assert page.new_pin.hasFocus() or not window.isActiveWindow()
    assert window.ctx.learner is None
    assert activity.list_profiles(window.campus.sessions) == []

    # With a PIN it is made, and signs in as a facilitator.
    qtbot.keyClicks(page.new_pin, "2580")
    qtbot.mouseClick(page.create_button, LEFT)
    qtbot.waitUntil(lambda: window.ctx.learner is not None, timeout=WAIT)
    assert window.ctx.learner.role == "facilitator" and window.ctx.facilitator_mode
    [stored] = activity.list_profiles(window.campus.sessions)
    assert stored.role == "facilitator" and activity.check_pin(stored, "2580")

    reader = window.reader
    fake = FakeTime()
    reader.facilitator.clock_time = fake
    open_in_reader(qtbot, window)
    panel = reader.facilitator
    assert reader.facilitator_button.isVisibleTo(window) and reader.facilitator_button.isChecked()
    qtbot.waitUntil(lambda: panel.notes is not None, timeout=WAIT)
    assert panel.isVisibleTo(window)
    assert notes_body(window) in panel.browser.toPlainText()
    assert notes_body(window) not in reader.browser.toPlainText()  # beside, not in, the module
    assert "timings" not in panel.browser.toPlainText()  # front matter stripped
    assert "<script" not in panel.browser.toHtml()

    # The timings, the first activity current, the clock at zero.
    clock_view = panel.clock_view
    assert clock_view.isVisibleTo(window)
    timings = panel.notes.timings
    assert len(timings) >= 3 and clock_view.activities.count() == len(timings)
    first, second = clock_view.activities.item(0), clock_view.activities.item(1)
    assert timings[0].activity in first.text() and first.text().startswith("▶ 1.")
    assert f"{timings[0].minutes} min" in first.text() and first.font().bold()
    assert not second.text().startswith("▶") and not second.font().bold()
    planned = f"{timings[0].minutes}:00"
    assert clock_view.elapsed_label.text() == f"0:00 / {planned}"
    assert clock_view.start_button.text() == "Start"
    total = sum(t.minutes for t in timings)
    assert clock_view.total_label.text().endswith(f"{total // 60}:{total % 60:02d}:00"
                                                  if total >= 60 else f"{total}:00")

    # Start, and time passes.
    qtbot.mouseClick(clock_view.start_button, LEFT)
    assert clock_view.start_button.text() == "Pause"
    fake.now += 65
    qtbot.waitUntil(lambda: clock_view.elapsed_label.text() == f"1:05 / {planned}",
                    timeout=WAIT)
    assert clock_view.total_label.text().startswith("Session: 1:05 of")
    assert WARNING not in clock_view.elapsed_label.styleSheet()

    # Over the planned minutes: a warning colour and how much over.
    fake.now += timings[0].minutes * 60
    qtbot.waitUntil(lambda: "over" in clock_view.activity_label.text(), timeout=WAIT)
    assert "1:05 over" in clock_view.activity_label.text()
    assert WARNING in clock_view.elapsed_label.styleSheet()

    # Pause with the keyboard: time stops.
    qtbot.keyClick(reader.browser, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert clock_view.clock is not None and not clock_view.clock.running
    assert clock_view.start_button.text() == "Resume"
    shown = clock_view.elapsed_label.text()
    fake.now += 30
    clock_view.refresh()
    assert clock_view.elapsed_label.text() == shown

    # Next activity highlights the second, which starts at zero.
    qtbot.mouseClick(clock_view.next_button, LEFT)
    first, second = clock_view.activities.item(0), clock_view.activities.item(1)
    assert second.text().startswith("▶ 2.") and second.font().bold()
    assert not first.text().startswith("▶") and not first.font().bold()
    assert "so far" in first.text()  # what the first activity took stays listed
    assert clock_view.elapsed_label.text() == f"0:00 / {timings[1].minutes}:00"
    assert clock_view.activity_label.text() == f"Activity 2 of {len(timings)}"
    qtbot.keyClick(reader.browser, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    fake.now += 12
    qtbot.waitUntil(lambda: clock_view.elapsed_label.text().startswith("0:12 /"),
                    timeout=WAIT)
    qtbot.keyClick(reader.browser, Qt.Key.Key_N,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert clock_view.clock.index == 2
    # A Next pressed too soon is undone by double-clicking the activity the room is on.
    view = clock_view.activities
    where = view.visualItemRect(view.item(1)).center()
    qtbot.mouseClick(view.viewport(), LEFT, pos=where)
    assert clock_view.clock.index == 2  # one click alone moves nothing
    qtbot.mouseDClick(view.viewport(), LEFT, pos=where)  # (Qt sends press, release, double)
    assert clock_view.clock.index == 1 and view.item(1).text().startswith("▶ 2.")
    assert clock_view.elapsed_label.text().startswith("0:12 /")  # its time was kept

    # Reset: back to the first activity, paused, at zero.
    qtbot.mouseClick(clock_view.reset_button, LEFT)
    assert clock_view.clock.index == 0 and not clock_view.clock.running
    assert clock_view.elapsed_label.text() == f"0:00 / {planned}"

    # The toggle hides and shows the panel.
    qtbot.mouseClick(reader.facilitator_button, LEFT)
    assert not panel.isVisibleTo(window)
    qtbot.mouseClick(reader.facilitator_button, LEFT)
    assert panel.isVisibleTo(window) and notes_body(window) in panel.browser.toPlainText()

    # The next module shows its own notes.
    qtbot.mouseClick(reader.next_button, LEFT)
    qtbot.waitUntil(lambda: panel.notes is not None
                    and panel.notes.module_id == "social-health-protection", timeout=WAIT)
    assert notes_body(window, "social-health-protection") in panel.browser.toPlainText()

    # A learner on the same desktop opens the same module: no notes, no panel, no button.
    window.sign_out()
    create_profile(qtbot, window, "Ana Silva")
    assert not window.ctx.facilitator_mode and window.ctx.learner.role == "learner"
    open_in_reader(qtbot, window)
    qtbot.wait(200)  # give a stray notes job the time it would need
    assert not panel.isVisibleTo(window) and not reader.facilitator_button.isVisibleTo(window)
    assert panel.browser.toPlainText() == "" and panel.notes is None
    assert notes_body(window) not in reader.browser.toPlainText()
    qtbot.keyClick(reader.browser, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert not panel.isVisibleTo(window)
    window.close()


def test_the_picker_marks_facilitators_and_their_pin_opens_facilitator_mode(
        qtbot, tmp_path: Path) -> None:
    from ui.profiles import _BADGE

    data = tmp_path / "data"
    window = open_window(qtbot, data)
    create_profile(qtbot, window, "Ana Silva")
    window.sign_out()
    create_facilitator(qtbot, window, "Fatou Diop", "2580")
    window.close()

    again = open_window(qtbot, data)
    page = again.profiles
    assert again.ctx.learner is None  # a facilitator never opens without the PIN
    names = [page.list.item(i).text() for i in range(page.list.count())]
    badges = [page.list.item(i).data(_BADGE) for i in range(page.list.count())]
    assert names == ["Ana Silva", "Fatou Diop  🔒"] and badges == ["", "Facilitator"]
    assert "Facilitator" in page.list.item(1).toolTip()
    page.list.setCurrentRow(1)
    qtbot.keyClicks(page.pin, "2580")
    qtbot.mouseClick(page.open_button, LEFT)
    qtbot.waitUntil(lambda: again.ctx.learner is not None, timeout=WAIT)
    assert again.ctx.facilitator_mode

    # In French, the module is translated but its notes are not: the English notes show.
    from stepcampus.settings import Preferences

    prefs = again.ctx.preferences
    again.ctx.set_preferences(Preferences("fr", prefs.text_size, prefs.high_contrast))
    open_in_reader(qtbot, again)
    panel = again.reader.facilitator
    qtbot.waitUntil(lambda: panel.notes is not None, timeout=WAIT)
    assert again.reader.page is not None and again.reader.page.language == "fr"
    assert panel.notes.language == "en" and notes_body(again) in panel.browser.toPlainText()
    assert panel.clock_view.next_button.text() == "Activité suivante"
    again.close()
