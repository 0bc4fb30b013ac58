"""The classes page as a facilitator uses it: create a class following the installed course,
enrol two learner profiles of this desktop, plan a session covering two modules, take
attendance in the grid, see the "attended" statements queued, export the sessions as .ics;
a refused plan keeps the dialog open with what was typed and says why."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import QDialog

from stepcampus.calendar.ics import import_ics
from stepcampus.calendar.store import CalendarStore
from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.classroom import classes
from stepcampus.progress import activity
from tests.ui.test_app import WAIT
from ui.classes import ClassDialog, ClassesPage, PlanDialog, StatusBox
from ui.context import AppContext, Learner

MODULES = ["social-exclusion", "social-health-protection"]


def dialog_of(page: ClassesPage, name: str) -> QDialog:
    dialog = page.findChild(QDialog, name)
    assert dialog is not None and dialog.isVisible()
    return dialog


def closed(page: ClassesPage, name: str) -> bool:
    """The dialog was closed once saved (and freed)."""
    dialog = page.findChild(QDialog, name)
    return dialog is None or not dialog.isVisible()


def test_create_enrol_plan_take_attendance_and_export(qtbot, tmp_path: Path, campus: Campus,
                                                      sample_build) -> None:
    campus.install(str(sample_build.bundle))
    factory = campus.sessions
    maria = activity.create_profile(factory, "Maria", "2468", role="facilitator")
    ana = activity.create_profile(factory, "Ana Silva")
    bo = activity.create_profile(factory, "Bo Chen")
    ctx = AppContext(campus)
    ctx.store_ready = True
    ctx.sign_in(Learner(maria.id, maria.name, "facilitator"))
    page = ClassesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.empty_hint.isVisible(), timeout=WAIT)
    assert page.class_list.count() == 0 and not page.detail.isVisible()

    # A new class, following the installed course.
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = dialog_of(page, "new-class-dialog")
    assert isinstance(dialog, ClassDialog)
    assert dialog.course_box.currentData() == SAMPLE_COURSE
    qtbot.keyClicks(dialog.name, "Cohort 3")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(page, "new-class-dialog"), timeout=WAIT)
    qtbot.waitUntil(lambda: page.data is not None, timeout=WAIT)
    assert page.class_list.count() == 1 and page.class_list.currentItem().text() == "Cohort 3"
    assert page.class_title.text() == "Cohort 3"
    assert page.class_details.text() == ("Course: Inclusive social protection · "
                                         "0 learners · 0 sessions")
    assert page.message.text() == "Class Cohort 3 created"

    # Both learners of this desktop, one after the other; the facilitator is not offered.
    assert [page.learner_box.itemText(i) for i in range(page.learner_box.count())] == [
        "Ana Silva", "Bo Chen"]
    for expected in (1, 2):
        qtbot.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda n=expected: page.member_list.count() == n, timeout=WAIT)
    assert [page.member_list.item(i).text() for i in range(2)] == ["Ana Silva", "Bo Chen"]
    assert page.learner_box.count() == 0 and not page.enrol_button.isEnabled()
    assert page.no_candidates.isVisible()

    # A session of two modules: refused first (no title), said in the dialog, which keeps
    # what was typed; then planned.
    page.tabs.setCurrentIndex(1)
    qtbot.mouseClick(page.plan_button, Qt.MouseButton.LeftButton)
    plan = dialog_of(page, "plan-session-dialog")
    assert isinstance(plan, PlanDialog)
    assert list(plan.module_checks) == [
        "social-exclusion", "social-health-protection", "social-integration",
        "solidarity-economy", "informal-workers-health", "knowledge-sharing"]
    plan.date_edit.setDate(QDate(2026, 12, 10))
    plan.time_edit.setTime(QTime(9, 0))
    plan.zone_box.setCurrentText("Africa/Nairobi")
    plan.minutes.setValue(180)
    for module in MODULES:
        plan.module_checks[module].setChecked(True)
    qtbot.keyClicks(plan.location, "Room 4")
    qtbot.mouseClick(plan.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: plan.error.isVisible(), timeout=WAIT)
    assert plan.error.text() == "title: the session title is empty (type a title)"
    assert plan.isVisible() and plan.location.text() == "Room 4"
    assert plan.ok_button.isEnabled()
    qtbot.keyClicks(plan.title, "Day 1: exclusion and health protection")
    qtbot.mouseClick(plan.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.session_list.count() == 1, timeout=WAIT)
    qtbot.waitUntil(lambda: closed(page, "plan-session-dialog"), timeout=WAIT)
    assert page.session_list.item(0).text().endswith(
        "09:00–12:00 (Africa/Nairobi) · Day 1: exclusion and health protection · Room 4")
    [sitting] = classes.list_sessions(factory, page.class_id)
    assert classes.session_modules(sitting) == MODULES
    assert classes.local_start(sitting) == datetime(2026, 12, 10, 9,
                                                    tzinfo=ZoneInfo("Africa/Nairobi"))
    # ...and it is in this desktop's calendar.
    [event] = CalendarStore.for_data_dir(campus.data_dir).events()
    assert (event.title, event.kind, event.start) == (
        "Day 1: exclusion and health protection", "classroom", classes.local_start(sitting))

    # Attendance: a grid of the two learners by the session, each cell saved at once.
    page.tabs.setCurrentIndex(2)
    table = page.attendance
    assert (table.rowCount(), table.columnCount()) == (2, 1)
    assert [table.verticalHeaderItem(i).text() for i in range(2)] == ["Ana Silva", "Bo Chen"]
    assert table.horizontalHeaderItem(0).text() == (
        "2026-12-10 09:00\nDay 1: exclusion and health protection")
    grid = classes.attendance_grid(factory, page.class_id)
    members = {m.display_name: m.id for m in grid.members}
    cell = page.status_box(members["Ana Silva"], sitting.id)
    assert isinstance(cell, StatusBox) and cell.currentText() == "Not recorded"
    cell.setCurrentIndex(cell.findData("present"))
    qtbot.waitUntil(lambda: cell.status == "present", timeout=WAIT)
    assert cell.findData("") == -1  # taken: changed from now on, never blank again
    assert page.message.text() == ("Saved: Ana Silva · Day 1: exclusion and health "
                                   "protection, Present")
    other = page.status_box(members["Bo Chen"], sitting.id)
    assert other is not None
    other.setCurrentIndex(other.findData("late"))
    qtbot.waitUntil(lambda: other.status == "late", timeout=WAIT)
    grid = classes.attendance_grid(factory, page.class_id)
    assert grid.marks == {(members["Ana Silva"], sitting.id): "present",
                          (members["Bo Chen"], sitting.id): "late"}
    attended = [s for s in activity.pending_statements(factory, limit=1000)
                if s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/attended"]
    assert sorted(s["actor"]["account"]["name"] for s in attended) == sorted([ana.id, bo.id])
    assert all(s["object"]["definition"]["name"]["und"] == sitting.title for s in attended)

    # Read again (as after a restart): the grid shows what was saved.
    page.load()
    qtbot.waitUntil(lambda: page.status_box(members["Bo Chen"], sitting.id) is not other,
                    timeout=WAIT)
    box = page.status_box(members["Bo Chen"], sitting.id)
    assert box is not None and box.currentText() == "Late"

    # Export .ics: the sessions, readable by any calendar program.
    target = tmp_path / "cohort-3.ics"
    page.export_to(str(target))
    qtbot.waitUntil(lambda: target.exists(), timeout=WAIT)
    [exported] = import_ics(target.read_bytes(), str(target))
    assert exported.start == datetime(2026, 12, 10, 9, tzinfo=ZoneInfo("Africa/Nairobi"))
    assert exported.duration == timedelta(hours=3) and exported.location == "Room 4"
    qtbot.waitUntil(lambda: page.message.text() == f"Sessions exported to {target}",
                    timeout=WAIT)


def test_a_refused_change_is_said_and_the_page_shows_what_is_saved(qtbot, campus: Campus,
                                                                  tmp_path: Path) -> None:
    factory = campus.sessions
    maria = activity.create_profile(factory, "Maria", "2468", role="facilitator")
    ana = activity.create_profile(factory, "Ana Silva")
    group = classes.create_class(factory, "Cohort 3", maria.id)
    [member] = classes.enrol_profiles(factory, group.id, [ana.id])
    sitting = classes.plan_session(factory, group.id, "Day 1", "2026-12-10T09:00", "UTC", 60)
    ctx = AppContext(campus)
    ctx.store_ready = True
    ctx.sign_in(Learner(maria.id, maria.name, "facilitator"))
    page = ClassesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.data is not None, timeout=WAIT)
    assert page.class_details.text() == "Follows no course · 1 learners · 1 sessions"

    # The class is a course-less one: the plan dialog says there is no module to choose.
    page.plan()
    plan = dialog_of(page, "plan-session-dialog")
    assert isinstance(plan, PlanDialog) and plan.module_checks == {}
    plan.reject()

    # Someone attended: cancelling the session is refused, said on the message line.
    box = page.status_box(member.id, sitting.id)
    assert box is not None
    box.setCurrentIndex(box.findData("present"))
    qtbot.waitUntil(lambda: box.status == "present", timeout=WAIT)
    page.tabs.setCurrentIndex(1)
    page.session_list.setCurrentRow(0)
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.error.isVisible(), timeout=WAIT)
    assert page.error.text() == ("session: 'Day 1' took place: 1 learner(s) attended it (its "
                                 "attendance is kept; it cannot be cancelled)")
    assert page.session_list.count() == 1
    assert [s.id for s in classes.list_sessions(factory, group.id)] == [sitting.id]
    # ...and the page reads the class again, as it is saved.
    qtbot.waitUntil(lambda: page.status_box(member.id, sitting.id) is not box, timeout=WAIT)

    # A class deleted elsewhere (another window's CLI): marking says so, the cell goes back.
    classes.delete_class(factory, group.id)
    box = page.status_box(member.id, sitting.id)
    assert box is not None
    box.setCurrentIndex(box.findData("absent"))
    qtbot.waitUntil(lambda: "no planned session" in page.error.text(), timeout=WAIT)
    assert box.currentText() == "Present"
