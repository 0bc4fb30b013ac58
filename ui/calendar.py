"""Calendar: upcoming webinars and sessions from imported calendars, in the learner's own time.

Calendars arrive as .ics files (from an organiser's e-mail or a USB stick) or as subscribed
addresses; reading and parsing them happens off the UI thread. The window asks `due()` every
minute for the reminders to show.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stepcampus.tasks import Task
from ui import i18n, jobs
from ui.context import AppContext
from ui.i18n import tr
from ui.widgets import discard, label, scroll_area

DAYS_AHEAD = 60


def _store(ctx: AppContext) -> Any:
    from stepcampus.calendar.store import CalendarStore

    return CalendarStore.for_data_dir(ctx.campus.data_dir)


def upcoming(ctx: AppContext, task: Task, days: int = DAYS_AHEAD) -> list[Any]:
    """The sittings of the next `days` days, soonest first (off the UI thread)."""
    from stepcampus.calendar.model import all_occurrences

    now = datetime.now().astimezone()
    return all_occurrences(_store(ctx).events(), now, now + timedelta(days=days))


class CalendarPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.occurrences: list[Any] = []
        self.rows: list[QWidget] = []
        self.title = label(name="title")
        self.hint = label(name="hint")
        self.error = label(name="error")
        self.error.hide()
        self.import_button = QPushButton()
        self.subscribe_button = QPushButton()
        self.refresh_button = QPushButton()
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        for button in (self.import_button, self.subscribe_button, self.refresh_button):
            head.addWidget(button)
        body = QWidget()
        self.list = QVBoxLayout(body)
        self.list.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addLayout(head)
        outer.addWidget(self.hint)
        outer.addWidget(self.error)
        outer.addWidget(scroll_area(body), 1)
        self.import_button.clicked.connect(self.choose_file)
        self.subscribe_button.clicked.connect(self.ask_address)
        self.refresh_button.clicked.connect(self.refresh_subscriptions)
        self.retranslate()
        self.reload()

    # -- reading -----------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.reload()  # time has passed since it was last shown

    def reload(self) -> None:
        jobs.start(lambda task: upcoming(self.ctx, task), self._show, self._failed)

    def _show(self, occurrences: list[Any]) -> None:
        self.occurrences = occurrences
        for row in self.rows:
            discard(row)
        self.rows = []
        day: date | None = None
        for occurrence in occurrences:
            start, end = occurrence.in_zone(datetime.now().astimezone().tzinfo)
            if start.date() != day:
                day = start.date()
                heading = label(day_name(start.date()), "subtitle")
                self._add(heading)
            self._add(SessionRow(occurrence, start, end))
        self._update_hint()

    def _add(self, widget: QWidget) -> None:
        self.list.insertWidget(self.list.count() - 1, widget)
        self.rows.append(widget)

    def _failed(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    # -- adding calendars ----------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Import a calendar"), "",
                                              tr("Calendars (*.ics);;All files (*)"))
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> None:
        from pathlib import Path

        self._change(lambda task: _store(self.ctx).import_file(Path(path)))

    def ask_address(self) -> None:
        address, ok = QInputDialog.getText(self, tr("Subscribe to a calendar"),
                                           tr("Address of the calendar (.ics):"))
        if ok and address.strip():
            self.subscribe(address.strip())

    def subscribe(self, address: str) -> None:
        self._change(lambda task: _store(self.ctx).import_url(address, subscribe=True))

    def refresh_subscriptions(self) -> None:
        def work(task: Task) -> list[str]:
            return [f"{r.source}: {r.error}" for r in _store(self.ctx).refresh() if r.error]

        def done(problems: list[str]) -> None:
            if problems:  # the last good copy of each stays in use
                self._failed("\n".join(problems))
            else:
                self.error.hide()
            self.reload()

        jobs.start(work, done, self._failed)

    def _change(self, work: Any) -> None:
        def done(_events: Any) -> None:
            self.error.hide()
            self.reload()

        self.ctx.run_long(tr("Importing a calendar"), work, done, self._failed)

    # -- text ----------------------------------------------------------------------------------
    def _update_hint(self) -> None:
        self.hint.setText("" if self.occurrences else tr(
            "No session in the next {days} days. Import a calendar file (.ics) your organiser "
            "sent, or subscribe to a calendar address.", days=DAYS_AHEAD))
        self.hint.setVisible(bool(self.hint.text()))

    def retranslate(self) -> None:
        self.title.setText(tr("Upcoming sessions"))
        self.import_button.setText(tr("Import calendar file…"))
        self.subscribe_button.setText(tr("Subscribe…"))
        self.refresh_button.setText(tr("Refresh"))
        self.refresh_button.setToolTip(tr("Fetch subscribed calendars again"))
        self._update_hint()


class SessionRow(QFrame):
    def __init__(self, occurrence: Any, start: datetime, end: datetime) -> None:
        super().__init__()
        self.setObjectName("card")
        self.occurrence = occurrence
        self.when = when = label(f"{start:%H:%M}–{end:%H:%M}", wrap=False)
        font = when.font()
        font.setBold(True)
        when.setFont(font)
        place = f" · {occurrence.location}" if occurrence.location else ""
        self.text = label(f"{occurrence.title}{place}")
        row = QHBoxLayout(self)
        row.addWidget(when, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.text, 1)


def day_name(day: date) -> str:
    """A day as people write it in the interface language ("jeudi 3 décembre 2026")."""
    locale = QLocale(i18n.language())
    return locale.toString(QDate(day.year, day.month, day.day), QLocale.FormatType.LongFormat)


def due(ctx: AppContext, task: Task) -> list[Any]:
    """Sittings starting within the reminder lead time (off the UI thread)."""
    from stepcampus.calendar.reminders import due_reminders

    return due_reminders(_store(ctx).events(), datetime.now().astimezone())
