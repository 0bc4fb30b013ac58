"""A learner in a quiz with the room: find the facilitator's hub (announced on the network,
or its address typed), sign in with the room account, then answer each question as it is
released and see the right answer and its feedback when the facilitator reveals it.

The answer is the hub's as soon as it is sent (a later one replaces it until the reveal);
this page keeps nothing, so a desktop that crashes or leaves joins again where the room is.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from stepcampus.tasks import Task
from ui import jobs
from ui.context import AppContext
from ui.i18n import tr
from ui.room import Relay, follow
from ui.widgets import discard, label, scroll_area

FIND_SECONDS = 3.0


def sign_in_and_join(address: str, username: str, password: str, _task: Task
                     ) -> tuple[Any, dict[str, Any]]:
    from stepcampus.classroom.room_client import LearnerClient

    client = LearnerClient.sign_in(address, username, password)
    try:
        return client, client.join()  # the hub refuses an account that is not a learner's
    except BaseException:
        client.close()
        raise


class JoinRoomDialog(QDialog):
    """Which hub, and the learner's room account on it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("join-room-dialog")
        self.setWindowTitle(tr("Join a room"))
        self.joined: tuple[Any, dict[str, Any]] | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("Rooms found on this network: choose your facilitator's, "
                                  "or type the address they give."), "hint"))
        self.hub_list = QListWidget()
        self.hub_list.setAccessibleName(tr("Rooms found on this network"))
        self.hub_list.setMaximumHeight(120)
        layout.addWidget(self.hub_list)
        find_row = QHBoxLayout()
        self.find_state = label("", "hint")
        self.find_button = QPushButton(tr("Look again"))
        find_row.addWidget(self.find_state, 1)
        find_row.addWidget(self.find_button)
        layout.addLayout(find_row)
        form = QFormLayout()
        self.address = QLineEdit()
        self.address.setPlaceholderText(tr("for example 192.168.1.20"))
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(tr("&Address"), self.address)
        form.addRow(tr("&User name"), self.username)
        form.addRow(tr("&Password"), self.password)
        layout.addLayout(form)
        self.error = label("", "error")
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.join_button = buttons.addButton(tr("Join"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.join_button.setDefault(True)
        self.join_button.clicked.connect(self.join)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.hub_list.currentItemChanged.connect(self._chosen)
        self.find_button.clicked.connect(self.find)
        self.resize(460, 420)
        self.find()

    def find(self) -> None:
        self.find_button.setEnabled(False)
        self.find_state.setText(tr("Looking for rooms…"))

        def look(_task: Task) -> list[Any]:
            from stepcampus.hub.discovery import discover

            return discover(FIND_SECONDS)

        jobs.start(look, self._found, self._not_found)

    def _found(self, hubs: list[Any]) -> None:
        self.find_button.setEnabled(True)
        self.hub_list.clear()
        for hub in hubs:
            item = QListWidgetItem(f"{hub.name} · {hub.url}")
            item.setData(Qt.ItemDataRole.UserRole, hub.url)
            self.hub_list.addItem(item)
        self.find_state.setText(tr("{count} found", count=len(hubs)) if hubs else tr(
            "No room found on this network: type the address your facilitator gives."))
        if len(hubs) == 1 and not self.address.text():
            self.hub_list.setCurrentRow(0)

    def _not_found(self, message: str) -> None:
        self.find_button.setEnabled(True)
        self.find_state.setText(tr("Could not look for rooms ({reason}): type the address.",
                                   reason=message))

    def _chosen(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.address.setText(str(item.data(Qt.ItemDataRole.UserRole)))

    def join(self) -> None:
        address, user = self.address.text().strip(), self.username.text().strip()
        for field, value, said in ((self.address, address, tr("Type the room's address")),
                                   (self.username, user, tr("Type your user name")),
                                   (self.password, self.password.text(),
                                    tr("Type your password"))):
            if not value:
                self._error(said)
                field.setFocus()
                return
        self.join_button.setEnabled(False)
        self.error.hide()
        password = self.password.text()
        jobs.start(lambda task: sign_in_and_join(address, user, password, task),
                   self._joined, self._error)

    def _joined(self, joined: tuple[Any, dict[str, Any]]) -> None:
        self.joined = joined
        self.accept()

    def _error(self, message: str) -> None:
        self.join_button.setEnabled(True)
        self.error.setText(message)
        self.error.show()


class RoomAnswerPage(QWidget):
    """The learner's screen in the room: the question released, their answer, the reveal."""

    left = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.client: Any = None
        self.follower: Any = None
        self.view: dict[str, Any] = {}
        self.shown: tuple[Any, ...] | None = None  # (run, number, state) on screen
        self.choices: list[QAbstractButton] = []
        self.group: QButtonGroup | None = None
        self.typed: QLineEdit | None = None
        self.relay = Relay(self)
        self.relay.view.connect(self.show_view)
        self.relay.trouble.connect(self._trouble)

        body = QWidget()
        outer = QVBoxLayout(body)
        outer.setContentsMargins(32, 20, 32, 20)
        self.title = label("", "title")
        self.where = label("", "hint")
        self.counter = label("", "subtitle")
        self.question = label("")
        font = self.question.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.question.setFont(font)
        self.answers = QWidget()
        self.answers_layout = QVBoxLayout(self.answers)
        self.answers_layout.setContentsMargins(0, 0, 0, 0)
        self.send_button = QPushButton()
        self.state = label("")
        self.state.setObjectName("room-state")
        verdict = self.state.font()
        verdict.setBold(True)
        verdict.setPointSizeF(verdict.pointSizeF() * 1.15)
        self.state.setFont(verdict)
        self.feedback = label("", "hint")
        self.leave_button = QPushButton()
        for widget in (self.title, self.where, self.counter, self.question, self.answers):
            outer.addWidget(widget)
        row = QHBoxLayout()
        row.addWidget(self.send_button)
        row.addStretch(1)
        row.addWidget(self.leave_button)
        outer.addLayout(row)
        outer.addWidget(self.state)
        outer.addWidget(self.feedback)
        outer.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll_area(body))
        self.send_button.clicked.connect(self.send)
        self.leave_button.clicked.connect(self.leave)
        self.retranslate()

    def enter(self, client: Any, view: dict[str, Any]) -> None:
        """Joined: follow this room from now on."""
        self.leave(quietly=True)
        self.client = client
        self.view = {}
        self.shown = None
        self.where.setText(tr("In the room at {address} as {name}", address=client.base,
                              name=client.account.get("name") or client.account.get(
                                  "username", "")))
        self.show_view(view)
        self.follower = follow(client, self.relay)

    def leave(self, quietly: bool = False) -> None:
        if self.follower is not None:
            self.follower.stop()
            self.follower = None
        if self.client is not None:
            self.client.close()
            self.client = None
            if not quietly:
                self.left.emit()

    # -- answering -----------------------------------------------------------------------------
    def response(self) -> Any:
        """The answer as the hub takes it, or None when nothing is chosen or typed."""
        kind = (self.view.get("question") or {}).get("kind")
        if kind == "multiple_answers":
            picked = [i for i, box in enumerate(self.choices) if box.isChecked()]
            return picked or None
        if kind in ("multichoice", "truefalse"):
            return next((i for i, b in enumerate(self.choices) if b.isChecked()), None)
        text = self.typed.text().strip() if self.typed is not None else ""
        return text or None

    def send(self) -> None:
        number = int(self.view.get("number") or 0)
        response = self.response()
        if self.client is None or self.view.get("state") != "open" or not number:
            return
        if response is None:
            self.state.setText(tr("Choose or type an answer first"))
            return
        client = self.client
        self.send_button.setEnabled(False)
        jobs.start(lambda _t: client.answer(number, response), self._sent, self._refused)

    def _sent(self, view: dict[str, Any]) -> None:
        self.send_button.setEnabled(True)
        self.show_view(view)

    def _refused(self, message: str) -> None:
        self.send_button.setEnabled(True)
        self.state.setText(tr("Not taken: {reason}", reason=message))

    def _trouble(self, message: str) -> None:
        self.state.setText(tr("The room does not answer ({reason}); trying again…",
                              reason=message))

    # -- showing ------------------------------------------------------------------------------
    def show_view(self, view: dict[str, Any]) -> None:
        if view.get("version", -1) < self.view.get("version", -1):
            return
        self.view = view
        state = view.get("state", "none")
        key = (view.get("run"), view.get("number"), state)
        if key != self.shown:
            self.shown = key
            self._build_answers(view)
        self._show_state()

    def _build_answers(self, view: dict[str, Any]) -> None:
        for button in self.choices:
            discard(button)
        if self.typed is not None:
            discard(self.typed)
        self.choices, self.typed, self.group = [], None, None
        question = view.get("question") or {}
        if view.get("state") not in ("open", "revealed") or not question:
            return
        kind, mine = question.get("kind"), view.get("your_answer")
        right = set(view.get("correct") or []) if view.get("state") == "revealed" else set()
        if kind in ("multichoice", "truefalse", "multiple_answers"):
            several = kind == "multiple_answers"
            self.group = QButtonGroup(self)
            self.group.setExclusive(not several)
            for i, text in enumerate(question.get("choices") or []):
                shown = f"✓ {text}" if i in right else text
                button: QAbstractButton = QCheckBox(shown) if several else QRadioButton(shown)
                if i in right:
                    bold = button.font()
                    bold.setBold(True)
                    button.setFont(bold)
                button.setChecked(i in mine if several and isinstance(mine, list)
                                  else mine == i)
                self.group.addButton(button, i)
                self.answers_layout.addWidget(button)
                self.choices.append(button)
        else:
            self.typed = QLineEdit()
            self.typed.setAccessibleName(tr("Your answer"))
            self.typed.setText(mine if isinstance(mine, str) else "")
            self.typed.returnPressed.connect(self.send)
            self.answers_layout.addWidget(self.typed)
        if self.choices:
            self.choices[0].setFocus()
        elif self.typed is not None:
            self.typed.setFocus()

    def _show_state(self) -> None:
        view = self.view
        state = view.get("state", "none")
        question = view.get("question") or {}
        self.title.setText(view.get("title") or tr("Quiz with the room"))
        number, count = view.get("number") or 0, view.get("count") or 0
        self.counter.setText(tr("Question {number} of {count}", number=number, count=count)
                             if state in ("open", "revealed") else "")
        self.question.setText(question.get("text", "") if state in ("open", "revealed")
                              else "")
        is_open = state == "open"
        self.send_button.setVisible(is_open)
        for button in self.choices:
            # Closed, the answers stay readable (not greyed) but take no more clicks.
            button.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, not is_open)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus if is_open
                                  else Qt.FocusPolicy.NoFocus)
        if self.typed is not None:
            self.typed.setReadOnly(not is_open)
        mine = view.get("your_answer")
        lines: list[str] = []
        if state == "none":
            text = tr("Waiting for the facilitator to start a quiz…")
        elif state == "waiting":
            text = tr("Waiting for the first question…")
        elif state == "open":
            text = (tr("Your answer is in. You can change it until the answer is revealed.")
                    if mine is not None else tr("Choose your answer, then Send."))
        elif state == "revealed":
            credit = view.get("credit")
            right = "; ".join(view.get("right_answers") or [])
            if mine is None:
                text = tr("The answer: {answer}", answer=right)
            elif credit is not None and credit >= 1.0:
                text = tr("Right! The answer: {answer}", answer=right)
            elif credit:
                text = tr("Partly right ({share}%). The answer: {answer}",
                          share=round(credit * 100), answer=right)
            else:
                text = tr("Not this time. The answer: {answer}", answer=right)
            lines = [t for t in view.get("feedback") or [] if t]
            if view.get("general_feedback"):
                lines.append(view["general_feedback"])
        else:
            text = tr("The quiz is over. Thank you!")
        self.state.setText(text)
        self.feedback.setText("\n".join(lines))
        self.leave_button.setText(tr("Back to the library") if state == "finished"
                                  else tr("Leave the room"))

    def retranslate(self) -> None:
        self.send_button.setText(tr("Send"))
        if self.view:
            self._show_state()
