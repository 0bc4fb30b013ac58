"""Enrolment codes of the campus server: the facilitator's dialog (a code in large type for the
room, then the learners who enrolled with it fetched into the class) and the learner's (join
with a code; their profile then syncs with the new account).

The work is `stepcampus.classroom.campus_enrolment`'s, off the UI thread; what it refuses is
said in the dialog, which keeps what was typed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from stepcampus.tasks import Task
from ui import jobs
from ui.i18n import tr
from ui.widgets import label

DEFAULT_USES = 30  # the campus server's own defaults
DEFAULT_DAYS = 14


class CampusCodeDialog(QDialog):
    """A new enrolment code for the class, shown large enough to read across a room, and the
    button that enrols those who used it."""

    fetched = Signal(str)  # what the page says once learners were added

    def __init__(self, parent: QWidget, factory: Any, class_id: str, class_name: str) -> None:
        super().__init__(parent)
        self.factory, self.class_id = factory, class_id
        self.made: Any = None  # the CampusCode shown
        self.setWindowTitle(tr("Campus learners"))
        self.heading = label(tr("Enrolment code for {name}", name=class_name), "subtitle")
        self.how = label(tr("On their own computer, learners open Settings, choose Join with "
                            "an enrolment code… and type the server address and this code. "
                            "Their account is then in this class on the campus."), "hint")
        self.code = QLabel("…")
        self.code.setObjectName("enrolment-code")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        big = QFont(self.code.font())
        big.setStyleHint(QFont.StyleHint.Monospace)
        big.setFamily("monospace")  # a 0 and an O, a 5 and an S must not be confused
        big.setPointSizeF(max(big.pointSizeF(), 9.0) * 4)
        big.setBold(True)
        self.code.setFont(big)
        self.details = label("", "hint")
        self.details.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.uses = QSpinBox()
        self.uses.setRange(1, 10000)
        self.uses.setValue(DEFAULT_USES)
        self.days = QSpinBox()
        self.days.setRange(1, 366)
        self.days.setValue(DEFAULT_DAYS)
        self.days.valueChanged.connect(self._days_suffix)
        self._days_suffix(self.days.value())
        self.new_button = QPushButton(tr("New code"))
        self.fetch_button = QPushButton(tr("Fetch learners who enrolled"))
        self.fetch_button.setObjectName("primary")
        self.state = label("", "hint")
        self.error = label("", "error")
        self.error.hide()
        self.uses_label = label(tr("Learners who may use it"), wrap=False)
        self.days_label = label(tr("Valid for"), wrap=False)
        self.uses_label.setBuddy(self.uses)
        self.days_label.setBuddy(self.days)
        self.uses.setAccessibleName(tr("Learners who may use it"))
        self.days.setAccessibleName(tr("Valid for"))
        self.code.setAccessibleName(tr("Enrolment code"))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(tr("Close"))
        close.rejected.connect(self.reject)

        options = QHBoxLayout()
        options.addWidget(self.uses_label)
        options.addWidget(self.uses)
        options.addWidget(self.days_label)
        options.addWidget(self.days)
        options.addWidget(self.new_button)
        options.addStretch(1)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.how)
        column.addWidget(self.code)
        column.addWidget(self.details)
        column.addLayout(options)
        column.addWidget(self.fetch_button)
        column.addWidget(self.state)
        column.addWidget(self.error)
        column.addWidget(close)
        self.new_button.clicked.connect(self.make_code)
        self.fetch_button.clicked.connect(self.fetch)
        self.resize(640, 420)
        self.make_code()

    def _days_suffix(self, days: int) -> None:
        self.days.setSuffix(tr(" day") if days == 1 else tr(" days"))

    def make_code(self) -> None:
        factory, class_id = self.factory, self.class_id
        uses, days = self.uses.value(), self.days.value()

        def work(_task: Task) -> Any:
            from stepcampus.classroom.campus_enrolment import make_code

            return make_code(factory, class_id, uses, days)

        self.error.hide()
        self.new_button.setEnabled(False)
        self.code.setText("…")
        self.details.setText(tr("Asking the campus for a code…"))
        jobs.start(work, self._made, self._failed)

    def _made(self, made: Any) -> None:
        self.made = made
        self.new_button.setEnabled(True)
        self.code.setText(made.code)
        self.details.setText(tr("Server address: {server}", server=made.server) + "\n" + tr(
            "Up to {uses} learners may use it, until {date}.", uses=made.uses,
            date=f"{made.expires.astimezone():%Y-%m-%d %H:%M}"))

    def fetch(self) -> None:
        factory, class_id = self.factory, self.class_id

        def work(_task: Task) -> Any:
            from stepcampus.classroom.campus_enrolment import fetch_learners

            return fetch_learners(factory, class_id)

        self.error.hide()
        self.fetch_button.setEnabled(False)
        self.state.setText(tr("Fetching the learners of the campus class…"))
        jobs.start(work, self._fetched, self._failed)

    def _fetched(self, fetched: Any) -> None:
        self.fetch_button.setEnabled(True)
        if fetched.added:
            text = tr("Enrolled in the class: {names}",
                      names=", ".join(m.display_name for m in fetched.added))
        else:
            text = tr("No new learner: everyone who enrolled on the campus is in the class.")
        self.state.setText(text)
        self.fetched.emit(text)

    def _failed(self, message: str) -> None:
        self.new_button.setEnabled(True)
        self.fetch_button.setEnabled(True)
        if self.made is None:
            self.code.setText("—")
            self.details.setText("")
        self.state.setText("")
        self.error.setText(message)
        self.error.show()


class JoinDialog(QDialog):
    """A learner joins a class of the campus with its enrolment code: their account is made
    there, and this profile syncs with it."""

    joined = Signal(object)  # the core's Joined, once enrolled and linked

    def __init__(self, parent: QWidget, factory: Any, profile_id: str, server: str,
                 name: str) -> None:
        super().__init__(parent)
        self.factory, self.profile_id = factory, profile_id
        self.setWindowTitle(tr("Join with an enrolment code"))
        self.hint = label(tr("Your facilitator gives you the server address and an enrolment "
                             "code. This makes your account on the campus, in their class; "
                             "this profile then syncs your progress with it."), "hint")
        self.server = QLineEdit(server)
        self.server.setPlaceholderText("https://campus.example.org")
        self.code = QLineEdit()
        self.code.setPlaceholderText("ABCDE-FGH23")
        self.username = QLineEdit()
        self.username.setMaxLength(64)
        self.name = QLineEdit(name)
        self.name.setMaxLength(200)
        self.password = QLineEdit()
        self.again = QLineEdit()
        for field in (self.password, self.again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = label("", "error")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr("Join"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        for text, field in ((tr("Server address"), self.server),
                            (tr("Enrolment code"), self.code),
                            (tr("User name"), self.username),
                            (tr("Your name"), self.name),
                            (tr("Password"), self.password),
                            (tr("Password again"), self.again)):
            field.setAccessibleName(text)
            form.addRow(text, field)
        column = QVBoxLayout(self)
        column.addWidget(self.hint)
        column.addLayout(form)
        column.addWidget(self.error)
        column.addWidget(self.buttons)
        self.resize(520, 340)

    def submit(self) -> None:
        self.error.hide()
        if self.password.text() != self.again.text():
            self.failed(tr("The two passwords differ: type the same password twice."))
            self.again.setFocus()
            return
        values = (self.server.text(), self.code.text(), self.username.text(), self.name.text(),
                  self.password.text())
        factory, profile_id = self.factory, self.profile_id

        def work(_task: Task) -> Any:
            from stepcampus.classroom.campus_enrolment import enrol_with_code

            return enrol_with_code(factory, profile_id, *values)

        self.ok_button.setEnabled(False)  # one enrolment at a time: a double click makes one
        jobs.start(work, self._joined, self.failed)

    def _joined(self, joined: Any) -> None:
        self.joined.emit(joined)
        self.accept()

    def failed(self, message: str) -> None:
        self.ok_button.setEnabled(True)
        self.error.setText(message)
        self.error.show()
