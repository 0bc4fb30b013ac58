"""The calendar page as a learner uses it: import an organiser's .ics, see the sessions in
their own time, be told plainly when a file is broken, and be reminded before a session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.ui.test_app import WAIT, create_profile, open_window
from ui.calendar import SessionRow, day_name


def ics(*events: str) -> str:
    body = "".join(events)
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n" + body
            + "END:VCALENDAR\r\n")


def event(uid: str, title: str, start: datetime, minutes: int = 90, rule: str = "") -> str:
    stamp = start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    end = (start + timedelta(minutes=minutes)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    extra = f"RRULE:{rule}\r\n" if rule else ""
    return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:{stamp}\r\nDTSTART:{stamp}\r\n"
            f"DTEND:{end}\r\nSUMMARY:{title}\r\nLOCATION:Online\r\n{extra}END:VEVENT\r\n")


def test_import_a_calendar_and_see_the_sessions_in_local_time(qtbot, tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "data")
    create_profile(qtbot, window, "Ana Silva")
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "calendar"
    page = window.page("calendar")
    qtbot.waitUntil(lambda: "No session" in page.hint.text(), timeout=WAIT)

    start = (datetime.now(UTC) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    path = tmp_path / "series.ics"
    path.write_text(ics(event("weekly@test", "Cash transfers and safety nets", start,
                              rule="FREQ=WEEKLY;COUNT=3"),
                        event("once@test", "Q&A on social registries", start + timedelta(days=1))))
    page.import_file(str(path))
    qtbot.waitUntil(lambda: len(page.occurrences) == 4, timeout=WAIT)
    assert [o.title for o in page.occurrences] == [
        "Cash transfers and safety nets", "Q&A on social registries",
        "Cash transfers and safety nets", "Cash transfers and safety nets"]
    first = page.occurrences[0].start.astimezone()
    sessions = [row for row in page.rows if isinstance(row, SessionRow)]
    assert sessions[0].text.text() == "Cash transfers and safety nets · Online"
    assert sessions[0].when.text() == f"{first:%H:%M}–{first + timedelta(minutes=90):%H:%M}"
    headings = [row.text() for row in page.rows if not isinstance(row, SessionRow)]
    assert headings[0] == day_name(first.date())
    assert str(first.year) in headings[0]
    assert not page.hint.isVisible()

    # a broken file: said with its line, and the calendar keeps what it had
    broken = tmp_path / "broken.ics"
    broken.write_text("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026XX\r\nEND:VEVENT\r\n"
                      "END:VCALENDAR\r\n")
    page.import_file(str(broken))
    qtbot.waitUntil(lambda: page.error.isVisible(), timeout=WAIT)
    assert "broken.ics:3" in page.error.text() and "DTSTART" in page.error.text()
    assert len(page.occurrences) == 4


def test_a_reminder_comes_once_before_a_session_starts(qtbot, tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "data")
    create_profile(qtbot, window, "Ana Silva")
    soon = (datetime.now(UTC) + timedelta(minutes=10)).replace(second=0, microsecond=0)
    later = datetime.now(UTC) + timedelta(hours=5)
    path = tmp_path / "today.ics"
    path.write_text(ics(event("soon@test", "Adaptive social protection", soon),
                        event("later@test", "Not yet", later)))
    page = window.page("calendar")
    page.import_file(str(path))
    qtbot.waitUntil(lambda: len(page.occurrences) == 2, timeout=WAIT)

    window.check_reminders()
    expected = f"Adaptive social protection starts at {soon.astimezone():%H:%M}"
    qtbot.waitUntil(lambda: window.status.text() == expected, timeout=WAIT)
    boxes = [b for b in window.findChildren(QMessageBox) if b.objectName() == "reminder-box"]
    assert [b.text() for b in boxes] == [expected]

    window.check_reminders()  # the same sitting is not announced twice
    qtbot.wait(300)
    boxes = [b for b in window.findChildren(QMessageBox) if b.objectName() == "reminder-box"]
    assert len(boxes) == 1
