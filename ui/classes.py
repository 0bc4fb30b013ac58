"""Classes, for facilitators: their classes, each with its learners, its planned sessions,
the attendance grid (learners by sessions) and its report (`ui.class_report`).

Every change is saved at once off the UI thread, through the core. What the core refuses is
said on the page's message line, or in the open dialog, which stays open with what was typed.
Planned sessions go into this desktop's calendar as they are saved. Learners of the campus
server join a class with an enrolment code the page makes there (`ui.campus_enrolment`), and
are then fetched into it as campus accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from stepcampus.tasks import Task
from ui import jobs
from ui.class_report import ClassReportView
from ui.context import AppContext
from ui.i18n import tr
from ui.widgets import label, scroll_area

STATUSES = ("present", "late", "absent", "excused")
DEFAULT_MINUTES = 120


def status_label(status: str) -> str:
    return {"present": tr("Present"), "late": tr("Late"), "absent": tr("Absent"),
            "excused": tr("Excused")}[status]


# Reading, off the UI thread ---------------------------------------------------------------------


@dataclass(frozen=True)
class ClassData:
    """What the page shows of one class."""

    grid: Any  # stepcampus.classroom.classes.AttendanceGrid
    candidates: list[tuple[str, str]]  # (profile id, name): learners here not in the class
    modules: list[tuple[str, str]]  # (module id, title) of its course; none without one
    course_title: str
    # The campus server its facilitator's profile syncs with; None when not linked.
    campus_server: str | None = None


def load_classes(ctx: AppContext, facilitator_id: str, _task: Task) -> list[Any]:
    from stepcampus.classroom.classes import list_classes

    return list_classes(ctx.campus.sessions, facilitator_id)


def load_class(ctx: AppContext, class_id: str, language: str, _task: Task) -> ClassData:
    from stepcampus.classroom.campus_enrolment import link_server
    from stepcampus.classroom.classes import attendance_grid, course_modules, local_learners
    from stepcampus.store.courses import get_installed
    from stepcampus.sync.accounts import get_link

    factory = ctx.campus.sessions
    grid = attendance_grid(factory, class_id)
    enrolled = {m.profile_id for m in grid.members}
    candidates = [(p.id, p.name) for p in local_learners(factory) if p.id not in enrolled]
    course_id = grid.group.course_id
    modules = (course_modules(factory, course_id, language) or []) if course_id else []
    row = get_installed(factory, course_id) if course_id else None
    title = row.title if row is not None else (course_id or "")
    link = get_link(factory, grid.group.facilitator_id)
    return ClassData(grid, candidates, modules, title, link_server(link) if link else None)


@cache
def zone_names() -> tuple[str, ...]:
    """IANA zones a facilitator may pick, without the legacy and POSIX aliases."""
    from zoneinfo import available_timezones

    return tuple(sorted({n for n in available_timezones() if "/" in n and not n.startswith(
        ("posix/", "right/", "Etc/", "SystemV/"))} | {"UTC"}))


def _calendar(ctx: AppContext) -> Any:
    from stepcampus.calendar.store import CalendarStore

    return CalendarStore.for_data_dir(ctx.campus.data_dir)


def session_text(sitting: Any) -> str:
    """When (in the zone where it takes place), what and where: "Thursday 10 December 2026,
    09:00–12:00 (Africa/Nairobi) · Day 1 · Room 4"."""
    from stepcampus.classroom.classes import local_start
    from ui.calendar import day_name

    start = local_start(sitting)
    end = start + timedelta(minutes=sitting.duration_minutes)
    parts = [f"{day_name(start.date())}, {start:%H:%M}–{end:%H:%M} ({sitting.timezone})",
             sitting.title]
    if sitting.location:
        parts.append(sitting.location)
    return " · ".join(parts)


# Dialogs ----------------------------------------------------------------------------------------


class _FormDialog(QDialog):
    """A dialog whose OK asks the page to save (`submitted`); the page closes it once saved,
    or shows the error in it, keeping what was typed."""

    submitted = Signal()

    def __init__(self, parent: QWidget, title: str, ok: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = label(name="error")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addLayout(self.form)
        column.addWidget(self.error)
        column.addWidget(self.buttons)

    def submit(self) -> None:
        self.error.hide()
        self.ok_button.setEnabled(False)  # one save at a time: a double click saves once
        self.submitted.emit()

    def failed(self, message: str) -> None:
        self.ok_button.setEnabled(True)
        self.error.setText(message)
        self.error.show()


class ClassDialog(_FormDialog):
    """A new class: its name and the installed course it follows."""

    def __init__(self, parent: QWidget, courses: list[tuple[str, str]]) -> None:
        super().__init__(parent, tr("New class"), tr("Create"))
        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.course_box = QComboBox()
        self.course_box.addItem(tr("No course"), "")
        for course_id, title in courses:
            self.course_box.addItem(title, course_id)
        if courses:
            self.course_box.setCurrentIndex(1)
        self.form.addRow(tr("Name of the class"), self.name)
        self.form.addRow(tr("Course"), self.course_box)
        self.resize(460, 160)


class PlanDialog(_FormDialog):
    """A session: title, date and time where it takes place, time zone, length, modules of
    the class's course, location."""

    def __init__(self, parent: QWidget, modules: list[tuple[str, str]], zones: list[str],
                 zone: str) -> None:
        super().__init__(parent, tr("Plan a session"), tr("Plan"))
        self.title = QLineEdit()
        self.title.setMaxLength(200)
        self.date_edit = QDateEdit(QDate.currentDate().addDays(1))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        # Date and time apart: one QDateTimeEdit would follow this computer's clock changes,
        # not those of the session's zone.
        self.time_edit = QTimeEdit(QTime(9, 0))
        self.time_edit.setDisplayFormat("HH:mm")
        self.zone_box = QComboBox()
        self.zone_box.setEditable(True)
        self.zone_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone_box.addItems(zones)
        self.zone_box.setCurrentText(zone)
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 24 * 60)
        self.minutes.setSingleStep(15)
        self.minutes.setValue(DEFAULT_MINUTES)
        self.minutes.setSuffix(tr(" min"))
        self.location = QLineEdit()
        self.location.setMaxLength(500)
        self.module_checks: dict[str, QCheckBox] = {}
        box = QWidget()
        checks = QVBoxLayout(box)
        for module_id, title in modules:
            check = QCheckBox(title)
            self.module_checks[module_id] = check
            checks.addWidget(check)
        if not modules:
            checks.addWidget(label(tr("This class follows no course: the session covers no "
                                      "module."), "hint"))
        checks.addStretch(1)
        when = QHBoxLayout()
        when.addWidget(self.date_edit)
        when.addWidget(self.time_edit)
        self.form.addRow(tr("Title"), self.title)
        self.form.addRow(tr("Date and time"), when)
        self.form.addRow(tr("Time zone"), self.zone_box)
        self.form.addRow(tr("Duration"), self.minutes)
        self.form.addRow(tr("Modules covered"), scroll_area(box))
        self.form.addRow(tr("Location"), self.location)
        self.resize(560, 460)

    def start(self) -> datetime:
        """The wall-clock start, where the session takes place."""
        return datetime.combine(self.date_edit.date().toPython(),  # type: ignore[arg-type]
                                self.time_edit.time().toPython())  # type: ignore[arg-type]

    def chosen_modules(self) -> list[str]:
        return [m for m, check in self.module_checks.items() if check.isChecked()]


class StatusBox(QComboBox):
    """One cell of the attendance grid: a learner's status at a session, blank until taken."""

    chosen = Signal(object, str)  # the box, the status

    def __init__(self, member_id: int, session_id: str, status: str | None) -> None:
        super().__init__()
        self.member_id, self.session_id = member_id, session_id
        self.status = status
        self.fill()
        self.currentIndexChanged.connect(self._changed)

    def fill(self) -> None:
        self.blockSignals(True)
        self.clear()
        if self.status is None:
            self.addItem(tr("Not recorded"), "")
        for status in STATUSES:
            self.addItem(status_label(status), status)
        self.setCurrentIndex(max(0, self.findData(self.status or "")))
        self.blockSignals(False)

    def _changed(self, _index: int) -> None:
        status = self.currentData()
        if status and status != self.status:
            self.chosen.emit(self, status)

    def saved(self, status: str) -> None:
        self.status = status
        self.fill()  # no more "not recorded": attendance, once taken, is changed, not erased

    def revert(self) -> None:
        self.fill()


# The page ---------------------------------------------------------------------------------------


class ClassesPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.classes: list[Any] = []
        self.class_id: str | None = None
        self.data: ClassData | None = None
        self._request = 0

        self.title = label(name="title")
        self.new_button = QPushButton()
        self.new_button.setObjectName("primary")
        self.message = label(name="hint")
        self.error = label(name="error")
        self.error.hide()
        self.class_list = QListWidget()
        self.class_list.setMaximumWidth(280)
        self.empty_hint = label(name="hint")

        self.class_title = label(name="subtitle")
        self.class_details = label(name="hint")
        self.tabs = QTabWidget()

        self.member_list = QListWidget()
        self.learner_box = QComboBox()
        self.enrol_button = QPushButton()
        self.campus_button = QPushButton()
        self.remove_button = QPushButton()
        self.no_candidates = label(name="hint")
        learners = QWidget()
        column = QVBoxLayout(learners)
        column.addWidget(self.member_list, 1)
        row = QHBoxLayout()
        row.addWidget(self.learner_box, 1)
        row.addWidget(self.enrol_button)
        row.addWidget(self.campus_button)
        row.addWidget(self.remove_button)
        column.addLayout(row)
        column.addWidget(self.no_candidates)

        self.session_list = QListWidget()
        self.no_sessions = label(name="hint")
        self.plan_button = QPushButton()
        self.plan_button.setObjectName("primary")
        self.export_button = QPushButton()
        self.cancel_button = QPushButton()
        sessions = QWidget()
        column = QVBoxLayout(sessions)
        column.addWidget(self.session_list, 1)
        column.addWidget(self.no_sessions)
        row = QHBoxLayout()
        row.addWidget(self.plan_button)
        row.addWidget(self.export_button)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        column.addLayout(row)

        self.attendance = QTableWidget()
        self.attendance.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.attendance_hint = label(name="hint")
        attendance = QWidget()
        column = QVBoxLayout(attendance)
        column.addWidget(self.attendance, 1)
        column.addWidget(self.attendance_hint)
        self.tabs.addTab(learners, "")
        self.tabs.addTab(sessions, "")
        self.tabs.addTab(attendance, "")
        self.report = ClassReportView(ctx)
        self.tabs.addTab(self.report, "")

        self.detail = QWidget()
        column = QVBoxLayout(self.detail)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.class_title)
        column.addWidget(self.class_details)
        column.addWidget(self.tabs, 1)
        self.detail.hide()
        left = QVBoxLayout()
        left.addWidget(self.class_list, 1)
        left.addWidget(self.empty_hint)
        self.empty_hint.hide()  # until the classes are read: "no class yet" only when true
        body = QHBoxLayout()
        body.addLayout(left)
        body.addWidget(self.detail, 1)
        # The list keeps its place at the left, also while no class is chosen yet.
        self.class_list.setMaximumWidth(320)
        body.addStretch(0)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.new_button)
        outer = QVBoxLayout(self)
        outer.addLayout(head)
        outer.addWidget(self.message)
        outer.addWidget(self.error)
        outer.addLayout(body, 1)

        self.new_button.clicked.connect(self.new_class)
        self.class_list.currentRowChanged.connect(self._class_chosen)
        self.enrol_button.clicked.connect(self.enrol)
        self.campus_button.clicked.connect(self.campus_learners)
        self.remove_button.clicked.connect(self.remove)
        self.plan_button.clicked.connect(self.plan)
        self.export_button.clicked.connect(self.choose_export_file)
        self.cancel_button.clicked.connect(self.cancel_session)
        # Remove and Cancel act on the chosen learner or session: usable once one is chosen.
        self.member_list.currentRowChanged.connect(
            lambda row: self.remove_button.setEnabled(row >= 0))
        self.session_list.currentRowChanged.connect(
            lambda row: self.cancel_button.setEnabled(row >= 0))
        ctx.learner_changed.connect(self.reload)
        self.retranslate()

    # -- reading ---------------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """The facilitator's classes, keeping (or moving to) the chosen one."""
        if self.ctx.learner is None:
            return
        wanted = select or self.class_id
        facilitator = self.ctx.learner.id
        jobs.start(lambda task: load_classes(self.ctx, facilitator, task),
                   lambda classes: self._show_classes(classes, wanted), self._failed)

    def _show_classes(self, classes: list[Any], wanted: str | None) -> None:
        self.classes = classes
        self.class_list.blockSignals(True)
        self.class_list.clear()
        for group in classes:
            item = QListWidgetItem(group.name)
            item.setData(Qt.ItemDataRole.UserRole, group.id)
            self.class_list.addItem(item)
        ids = [g.id for g in classes]
        row = ids.index(wanted) if wanted in ids else (0 if ids else -1)
        self.class_list.setCurrentRow(row)
        self.class_list.blockSignals(False)
        self.empty_hint.setVisible(not classes)
        self._class_chosen(row)

    def _class_chosen(self, row: int) -> None:
        if not 0 <= row < len(self.classes):
            self.class_id, self.data = None, None
            self.detail.hide()
            return
        self.class_id = self.classes[row].id
        self.load()

    def load(self) -> None:
        """The chosen class's learners, sessions and attendance, read again."""
        if self.class_id is None:
            return
        self._request += 1
        request, class_id = self._request, self.class_id
        language = self.ctx.content_language

        def done(data: ClassData) -> None:
            if request == self._request and class_id == self.class_id:  # the latest wins
                self._show(data)

        jobs.start(lambda task: load_class(self.ctx, class_id, language, task), done,
                   self._failed)

    def _show(self, data: ClassData) -> None:
        self.data = data
        grid = data.grid
        self.detail.show()
        self.class_title.setText(grid.group.name)
        course = tr("Course: {title}", title=data.course_title) if grid.group.course_id \
            else tr("Follows no course")
        counts = tr("{learners} learners · {sessions} sessions", learners=len(grid.members),
                    sessions=len(grid.sessions))
        self.class_details.setText(f"{course} · {counts}")

        self.member_list.clear()
        for member in grid.members:
            text = member.display_name if member.campus_username is None else tr(
                "{name} (campus account {user})", name=member.display_name,
                user=member.campus_username)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, member.id)
            self.member_list.addItem(item)
        self.learner_box.clear()
        for profile_id, name in data.candidates:
            self.learner_box.addItem(name, profile_id)
        self.enrol_button.setEnabled(bool(data.candidates))
        self.no_candidates.setVisible(not data.candidates)
        self.remove_button.setEnabled(False)

        self.session_list.clear()
        for sitting in grid.sessions:
            item = QListWidgetItem(session_text(sitting))
            item.setData(Qt.ItemDataRole.UserRole, sitting.id)
            self.session_list.addItem(item)
        self.no_sessions.setVisible(not grid.sessions)
        self.cancel_button.setEnabled(False)
        self.export_button.setEnabled(bool(grid.sessions))
        self._fill_grid()
        self.report.set_class(grid.group.id)  # read again now if on screen, else when shown

    def _fill_grid(self) -> None:
        from stepcampus.classroom.classes import local_start

        assert self.data is not None
        grid = self.data.grid
        table = self.attendance
        table.clear()
        table.setRowCount(len(grid.members))
        table.setColumnCount(len(grid.sessions))
        table.setHorizontalHeaderLabels(
            [f"{local_start(s):%Y-%m-%d %H:%M}\n{s.title}" for s in grid.sessions])
        table.setVerticalHeaderLabels([m.display_name for m in grid.members])
        for row, member in enumerate(grid.members):
            for column, sitting in enumerate(grid.sessions):
                box = StatusBox(member.id, sitting.id, grid.status(member.id, sitting.id))
                box.setAccessibleName(f"{member.display_name} · {sitting.title}")
                box.chosen.connect(self.mark)
                table.setCellWidget(row, column, box)
        table.resizeColumnsToContents()
        table.setVisible(bool(grid.members and grid.sessions))
        self.attendance_hint.setText(
            tr("Each change is saved at once. A learner of this desktop marked present or "
               "late is recorded as having attended, sent at their next sync.")
            if grid.members and grid.sessions else
            tr("Enrol learners and plan a session to take attendance."))

    def status_box(self, member_id: int, session_id: str) -> StatusBox | None:
        """The grid's cell for a learner and a session."""
        for row in range(self.attendance.rowCount()):
            for column in range(self.attendance.columnCount()):
                box = self.attendance.cellWidget(row, column)
                if isinstance(box, StatusBox) and (box.member_id, box.session_id) == (
                        member_id, session_id):
                    return box
        return None

    # -- saying what happened ----------------------------------------------------------------------
    def _said(self, text: str) -> None:
        self.error.hide()
        self.message.setText(text)

    def _failed(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _factory(self) -> Any:
        return self.ctx.campus.sessions

    # -- classes ---------------------------------------------------------------------------------
    def new_class(self) -> None:
        if self.ctx.learner is None:
            return
        courses = [(row.course_id, row.title) for row in self.ctx.installed_rows()]
        dialog = ClassDialog(self, courses)
        dialog.setObjectName("new-class-dialog")
        facilitator, factory = self.ctx.learner.id, self._factory()

        def save() -> None:
            name, course = dialog.name.text(), dialog.course_box.currentData() or None

            def work(_task: Task) -> Any:
                from stepcampus.classroom.classes import create_class

                return create_class(factory, name, facilitator, course)

            def done(group: Any) -> None:
                dialog.accept()
                self._said(tr("Class {name} created", name=group.name))
                self.reload(select=group.id)

            jobs.start(work, done, dialog.failed)

        dialog.submitted.connect(save)
        self._open(dialog)

    def _open(self, dialog: QDialog) -> None:
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    # -- learners --------------------------------------------------------------------------------
    def enrol(self) -> None:
        profile_id, name = self.learner_box.currentData(), self.learner_box.currentText()
        class_id, factory = self.class_id, self._factory()
        if not profile_id or class_id is None:
            return

        def work(_task: Task) -> Any:
            from stepcampus.classroom.classes import enrol_profiles

            return enrol_profiles(factory, class_id, [profile_id])

        self.enrol_button.setEnabled(False)
        jobs.start(work, lambda _m: self._changed(tr("{name} enrolled", name=name)),
                   self._refused)

    def campus_learners(self) -> None:
        """A campus enrolment code for the room, then the learners who used it fetched in."""
        if self.class_id is None or self.data is None:
            return
        if self.data.campus_server is None:
            self._failed(tr("Link this desktop to the campus first: in Settings, under Sync "
                            "with your campus, type the campus server's address and your "
                            "facilitator account."))
            return
        from ui.campus_enrolment import CampusCodeDialog

        self.error.hide()
        dialog = CampusCodeDialog(self, self._factory(), self.class_id,
                                  self.data.grid.group.name)
        dialog.setObjectName("campus-code-dialog")
        dialog.fetched.connect(self._changed)
        self._open(dialog)

    def remove(self) -> None:
        item = self.member_list.currentItem()
        if item is None or self.class_id is None or self.data is None:
            return
        member_id = item.data(Qt.ItemDataRole.UserRole)
        member = next(m for m in self.data.grid.members if m.id == member_id)
        marked = [key for key in self.data.grid.marks if key[0] == member_id]
        if marked and QMessageBox.question(
                self, tr("Remove a learner"),
                tr("{name} has attendance recorded in this class; removing them deletes it. "
                   "Remove them?", name=member.display_name)) != QMessageBox.StandardButton.Yes:
            return
        class_id, factory = self.class_id, self._factory()

        def work(_task: Task) -> Any:
            from stepcampus.classroom.classes import remove_member

            return remove_member(factory, class_id, member_id)

        jobs.start(work, lambda _r: self._changed(tr("{name} removed from the class",
                                                     name=member.display_name)), self._refused)

    def _changed(self, text: str) -> None:
        self._said(text)
        self.load()

    def _refused(self, message: str) -> None:
        self._failed(message)
        self.load()  # what is saved, as it is now

    # -- sessions --------------------------------------------------------------------------------
    def plan(self) -> None:
        if self.class_id is None or self.data is None:
            return
        from stepcampus.calendar.zones import local_zone_name

        zone = local_zone_name()
        dialog = PlanDialog(self, self.data.modules, sorted({*zone_names(), zone}), zone)
        dialog.setObjectName("plan-session-dialog")
        class_id, factory, calendar = self.class_id, self._factory(), _calendar(self.ctx)

        def save() -> None:
            values = (dialog.title.text(), dialog.start(), dialog.zone_box.currentText().strip(),
                      dialog.minutes.value(), dialog.chosen_modules(), dialog.location.text())

            def work(_task: Task) -> Any:
                from stepcampus.classroom.classes import plan_session

                return plan_session(factory, class_id, *values, calendar=calendar)

            def done(sitting: Any) -> None:
                dialog.accept()
                self._changed(tr("Session {title} planned; it is in the calendar",
                                 title=sitting.title))

            jobs.start(work, done, dialog.failed)

        dialog.submitted.connect(save)
        self._open(dialog)

    def cancel_session(self) -> None:
        item = self.session_list.currentItem()
        if item is None:
            return
        session_id, title = item.data(Qt.ItemDataRole.UserRole), item.text()
        factory, calendar = self._factory(), _calendar(self.ctx)

        def work(_task: Task) -> Any:
            from stepcampus.classroom.classes import cancel_session

            return cancel_session(factory, session_id, calendar=calendar)

        jobs.start(work, lambda _r: self._changed(tr("Session cancelled: {title}",
                                                     title=title)), self._refused)

    def choose_export_file(self) -> None:
        if self.data is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, tr("Export the sessions as a calendar"), f"{self.data.grid.group.name}.ics",
            tr("Calendars (*.ics);;All files (*)"))
        if path:
            self.export_to(path if path.lower().endswith(".ics") else path + ".ics")

    def export_to(self, path: str) -> None:
        """Write every session of the chosen class to an .ics file."""
        if self.class_id is None:
            return
        class_id, factory = self.class_id, self._factory()

        def work(_task: Task) -> None:
            from stepcampus.classroom.schedule import export_class
            from stepcampus.textfile import write_atomic

            write_atomic(Path(path), export_class(factory, class_id))

        jobs.start(work, lambda _r: self._said(tr("Sessions exported to {path}", path=path)),
                   self._failed)

    # -- attendance ------------------------------------------------------------------------------
    def mark(self, box: StatusBox, status: str) -> None:
        factory = self._factory()
        member_id, session_id = box.member_id, box.session_id

        def work(_task: Task) -> Any:
            from stepcampus.classroom.classes import record_attendance

            return record_attendance(factory, session_id, {member_id: status})

        def done(_rows: Any) -> None:
            box.saved(status)
            if self.data is not None:
                self.data.grid.marks[(member_id, session_id)] = status
            self._said(tr("Saved: {name}, {status}", name=box.accessibleName(),
                          status=status_label(status)))

        def failed(message: str) -> None:
            box.revert()  # back to what is saved
            self._failed(message)

        jobs.start(work, done, failed)

    # -- text ------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(tr("Classes"))
        self.new_button.setText(tr("New class…"))
        self.class_list.setAccessibleName(tr("Classes"))
        self.empty_hint.setText(tr("No class yet. Create one with New class…, then enrol "
                                   "learners and plan its sessions."))
        self.tabs.setTabText(0, tr("Learners"))
        self.tabs.setTabText(1, tr("Sessions"))
        self.tabs.setTabText(2, tr("Attendance"))
        self.tabs.setTabText(3, tr("Report"))
        self.report.retranslate()
        self.member_list.setAccessibleName(tr("Learners"))
        self.learner_box.setAccessibleName(tr("Learner profile to enrol"))
        self.enrol_button.setText(tr("Enrol"))
        self.campus_button.setText(tr("Campus learners…"))
        self.campus_button.setToolTip(tr("An enrolment code of the campus server for this "
                                         "class, and the learners who enrolled with it"))
        self.remove_button.setText(tr("Remove from class"))
        self.no_candidates.setText(tr("Every learner profile of this desktop is in this "
                                      "class."))
        self.session_list.setAccessibleName(tr("Sessions"))
        self.no_sessions.setText(tr("No session planned yet."))
        self.plan_button.setText(tr("Plan a session…"))
        self.export_button.setText(tr("Export .ics…"))
        self.cancel_button.setText(tr("Cancel session"))
        self.attendance.setAccessibleName(tr("Attendance"))
        if self.data is not None:
            self._show(self.data)
