"""A quiz with the room, for facilitators (Ctrl+8): open the room (this desktop's hub, a
`stepcampus hub` child process), give the class's learners their room accounts, start a
module's quiz, release its questions one at a time, watch the answers arrive as a bar chart,
reveal the right answer and its feedback, count hands when the room has no devices, finish.

The page follows the hub with a long poll on a thread of its own (core: room_client.Follower);
every action is a request run off the UI thread. The hub, not this page, holds the quiz: a
window closed by mistake loses nothing, and the results are the hub's statements, forwarded
to the campus like everything learners send.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from stepcampus.classroom.reports import Bar
from stepcampus.tasks import Task
from ui import jobs
from ui.class_report import BarChart
from ui.context import AppContext
from ui.i18n import tr
from ui.widgets import label, scroll_area

DEFAULT_PORT = 8471


class Relay(QObject):
    """Carries the follower thread's news to the UI thread (queued signals)."""

    view = Signal(dict)
    trouble = Signal(str)


def follow(client: Any, relay: Relay) -> Any:
    """A started Follower of `client`'s room that reports through `relay`."""
    from stepcampus.classroom.room_client import Follower

    return Follower(client, relay.view.emit, relay.trouble.emit).start()


def chart_bars(view: dict[str, Any]) -> list[Bar]:
    """The tally of the question on screen as bars; right answers marked once revealed."""
    tally = view.get("tally") or {}
    counts, labels = list(tally.get("counts") or []), list(tally.get("labels") or [])
    answered = int(tally.get("answered") or 0)
    right = set(view.get("correct") or []) if view.get("state") == "revealed" else set()
    bars = []
    for i, (text, count) in enumerate(zip(labels, counts, strict=False)):
        share = count / answered if answered else 0.0
        bars.append(Bar(str(text), share, tr("{count} · {share}%", count=count,
                                            share=round(share * 100)), i in right))
    return bars


# Opening the room -------------------------------------------------------------------------------


@dataclass
class OpenRoom:
    hub: Any  # stepcampus.hub.process.HubProcess
    client: Any  # FacilitatorClient, signed in with the desktop's token
    quizzes: list[dict[str, Any]]
    classes: list[tuple[str, str]]  # (class id, name) of this facilitator
    upstream: str  # where the room's results go, in words
    address: str  # where learners reach the hub


def open_room(ctx: AppContext, hub: Any, language: str, task: Task,
              replaced: Any = None) -> OpenRoom:
    """Start the hub (if it is not running; `replaced`, one on another port, stops first),
    sign in with this facilitator's desk token and read what can be run: the installed
    modules' quizzes and the facilitator's classes."""
    from stepcampus.classroom.classes import list_classes
    from stepcampus.classroom.room_client import FacilitatorClient
    from stepcampus.hub.desktop import desk_token

    learner = ctx.learner
    assert learner is not None
    if replaced is not None:
        replaced.close()
    upstream = link_upstream(ctx, learner.id, hub, task)
    task.report(0, 3, tr("Starting the room's hub…"))
    hub.start(task)
    task.report(1, 3, tr("Signing in…"))
    _username, token = desk_token(ctx.campus.data_dir, learner.name)
    client = FacilitatorClient(hub.url, token)
    try:
        task.report(2, 3, tr("Reading the quizzes…"))
        quizzes = client.quizzes(language)
        classes = [(g.id, g.name) for g in list_classes(ctx.campus.sessions, learner.id)]
    except BaseException:
        client.close()
        raise
    return OpenRoom(hub, client, quizzes, classes, upstream, learners_address(hub))


def learners_address(hub: Any) -> str:
    """The address learners type: this computer's on the network when the hub listens on
    every network (the first found), else the one it listens on."""
    from stepcampus.hub.discovery import network_addresses

    if hub.host not in ("0.0.0.0", ""):
        return str(hub.url)
    found = network_addresses()
    return f"http://{found[0]}:{hub.port}" if found else str(hub.url)


def link_upstream(ctx: AppContext, profile_id: str, hub: Any, task: Task) -> str:
    """Link the hub to the campus this facilitator syncs with (once, before it starts); what
    that means for the room's results, in words. A campus that does not answer now is no
    reason to keep the room closed: the hub keeps the results."""
    from stepcampus.hub.desktop import link_to_campus
    from stepcampus.hub.upstream import UpstreamError
    from stepcampus.sync.accounts import get_link

    sync = get_link(ctx.campus.sessions, profile_id)
    if sync is None:
        return tr("Not linked to a campus: the results stay on this desktop. Link it in "
                  "Settings, under sync, to send them on.")
    task.report(0, 3, tr("Linking the room to the campus…"))
    try:
        state, base = link_to_campus(ctx.campus.data_dir, sync, hub.name or "STEP Campus hub")
    except UpstreamError as exc:
        return tr("Not linked to the campus yet ({reason}): the results wait on this "
                  "desktop.", reason=exc.message)
    if state == "elsewhere":
        return tr("Results go on to the campus at {address}, which this hub was linked to "
                  "before.", address=base)
    return tr("Results go on to the campus at {address} whenever it answers.", address=base)


def room_accounts(ctx: AppContext, class_id: str, _task: Task) -> list[Any]:
    """Hub accounts for a class's learners (one-time passwords for the new ones)."""
    from stepcampus.classroom.classes import list_members
    from stepcampus.hub.desktop import give_accounts

    members = list_members(ctx.campus.sessions, class_id)
    return give_accounts(ctx.campus.data_dir,
                         [(m.display_name, m.campus_username) for m in members])


class AccountsDialog(QDialog):
    """The class's room accounts, to read out or hand over: the passwords are shown once."""

    def __init__(self, ctx: AppContext, class_name: str, accounts: list[Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("room-accounts-dialog")
        self.setWindowTitle(tr("Room accounts: {name}", name=class_name))
        self.accounts = list(accounts)
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("Each learner signs in to the room with these. A password "
                                  "is shown only now: write it down or copy it. Learners "
                                  "who had an account keep their password; choose one and "
                                  "New password if it was lost."), "hint"))
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([tr("Learner"), tr("User name"), tr("Password")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        self.message = label("", "hint")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton(tr("Copy all"),
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.new_password_button = buttons.addButton(tr("New password"),
                                                     QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_all)
        self.new_password_button.clicked.connect(self.new_password)
        layout.addWidget(buttons)
        self.resize(620, 420)
        self._fill()

    def _fill(self) -> None:
        self.table.setRowCount(len(self.accounts))
        for row, account in enumerate(self.accounts):
            password = account.password or tr("(as before)")
            for column, text in enumerate((account.name, account.username, password)):
                item = QTableWidgetItem(text)
                if column == 2 and account.password:
                    font = item.font()
                    font.setFamily("monospace")
                    item.setFont(font)
                self.table.setItem(row, column, item)
        if not self.accounts:
            self.message.setText(tr("This class has no learners yet: enrol them on the "
                                    "Classes page first."))

    def text(self) -> str:
        return "\n".join(f"{a.name}\t{a.username}\t{a.password or ''}".rstrip()
                         for a in self.accounts)

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self.message.setText(tr("Copied"))

    def new_password(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.accounts):
            self.message.setText(tr("Choose a learner first"))
            return
        account = self.accounts[row]

        def done(password: str) -> None:
            from stepcampus.hub.room_accounts import RoomAccount

            self.accounts[row] = RoomAccount(account.name, account.username, password)
            self._fill()
            self.message.setText(tr("New password for {name}", name=account.name))

        from stepcampus.hub.desktop import new_password

        data_dir = self.ctx.campus.data_dir
        jobs.start(lambda _task: new_password(data_dir, account.username), done,
                   self.message.setText)


class HandsDialog(QDialog):
    """The room's show of hands for the question on screen: one count per answer."""

    def __init__(self, labels: list[str], counts: list[int] | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hands-dialog")
        self.setWindowTitle(tr("Count hands"))
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("How many hands went up for each answer?"), "hint"))
        form = QFormLayout()
        self.boxes: list[QSpinBox] = []
        for i, text in enumerate(labels):
            box = QSpinBox()
            box.setRange(0, 10_000)
            box.setValue(counts[i] if counts and i < len(counts) else 0)
            box.setAccessibleName(text)
            form.addRow(QLabel(text), box)
            self.boxes.append(box)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def counts(self) -> list[int]:
        return [box.value() for box in self.boxes]


# The page ---------------------------------------------------------------------------------------


class RoomPage(QWidget):
    """The facilitator's side of a quiz with the room."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        # Where the hub listens: every network, announced; tests and a one-machine room use
        # 127.0.0.1 without the announcement.
        self.hub_host = "0.0.0.0"
        self.announce = True
        self.hub: Any = None  # HubProcess while the room is open
        self.client: Any = None
        self.follower: Any = None
        self.view: dict[str, Any] = {}
        self.classes: list[tuple[str, str]] = []
        self.busy = False
        self.put_away: str | None = None  # the finished quiz the facilitator closed
        self.upstream = ""
        self.address = ""
        self.relay = Relay(self)
        self.relay.view.connect(self.show_view)
        self.relay.trouble.connect(self._trouble)

        body = QWidget()
        outer = QVBoxLayout(body)
        outer.setContentsMargins(24, 16, 24, 16)
        self.title = label("", "title")
        outer.addWidget(self.title)
        self.intro = label("", "hint")
        outer.addWidget(self.intro)

        self.hub_box = QGroupBox()
        hub_row = QHBoxLayout(self.hub_box)
        self.hub_state = label("")
        self.port_box = QSpinBox()
        self.port_box.setRange(1024, 65535)
        self.port_box.setValue(DEFAULT_PORT)
        self.port_label = QLabel()
        self.port_label.setBuddy(self.port_box)
        self.open_button = QPushButton()
        self.accounts_button = QPushButton()
        hub_row.addWidget(self.hub_state, 1)
        hub_row.addWidget(self.port_label)
        hub_row.addWidget(self.port_box)
        hub_row.addWidget(self.accounts_button)
        hub_row.addWidget(self.open_button)
        outer.addWidget(self.hub_box)

        self.start_box = QGroupBox()
        form = QFormLayout(self.start_box)
        self.quiz_box = QComboBox()
        self.class_box = QComboBox()
        self.start_button = QPushButton()
        self.quiz_label, self.class_label = QLabel(), QLabel()
        self.quiz_label.setBuddy(self.quiz_box)
        self.class_label.setBuddy(self.class_box)
        form.addRow(self.quiz_label, self.quiz_box)
        form.addRow(self.class_label, self.class_box)
        start_row = QHBoxLayout()
        start_row.addWidget(self.start_button)
        start_row.addStretch(1)
        form.addRow("", start_row)
        outer.addWidget(self.start_box)

        self.quiz_panel = QGroupBox()
        panel = QVBoxLayout(self.quiz_panel)
        self.quiz_title = label("", "subtitle")
        self.counter = label("")
        self.question = label("")
        font = self.question.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.question.setFont(font)
        self.chart = BarChart()
        self.chart.setObjectName("room-chart")
        self.feedback = label("", "hint")
        panel.addWidget(self.quiz_title)
        panel.addWidget(self.counter)
        panel.addWidget(self.question)
        panel.addWidget(self.chart)
        panel.addWidget(self.feedback)
        actions = QHBoxLayout()
        self.release_button = QPushButton()
        self.reveal_button = QPushButton()
        self.hands_button = QPushButton()
        self.finish_button = QPushButton()
        self.new_button = QPushButton()
        for button in (self.release_button, self.reveal_button, self.hands_button,
                       self.finish_button, self.new_button):
            actions.addWidget(button)
        actions.addStretch(1)
        panel.addLayout(actions)
        outer.addWidget(self.quiz_panel)
        self.people = label("", "hint")
        outer.addWidget(self.people)
        self.message = label("", "hint")
        self.message.setObjectName("message")
        outer.addWidget(self.message)
        outer.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll_area(body))

        self.open_button.clicked.connect(self.toggle_room)
        self.accounts_button.clicked.connect(self.give_accounts)
        self.start_button.clicked.connect(self.start_quiz)
        self.release_button.clicked.connect(lambda: self._act("release"))
        self.reveal_button.clicked.connect(lambda: self._act("reveal"))
        self.hands_button.clicked.connect(self.count_hands)
        self.finish_button.clicked.connect(self.finish)
        self.new_button.clicked.connect(self._new_quiz)
        # The keys a facilitator presses while talking to the room.
        for keys, slot in (("N", lambda: self._key("release")), ("R", lambda: self._key(
                "reveal")), ("H", self.count_hands)):
            QShortcut(QKeySequence(keys), self, slot,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.retranslate()
        self._show_state()

    # -- the hub -------------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.client is not None

    def toggle_room(self) -> None:
        if self.busy:
            return
        if self.is_open:
            self.close_room()
        else:
            self.open_room()

    def open_room(self) -> None:
        from stepcampus.hub.process import HubProcess

        learner = self.ctx.learner
        if learner is None or self.busy:
            return
        replaced = None
        if self.hub is None or self.hub.port != self.port_box.value():
            replaced = self.hub  # stopped by the job, not here: a stop may take seconds
            self.hub = HubProcess(self.ctx.campus.data_dir, self.hub_host,
                                  self.port_box.value(), announce=self.announce,
                                  name=tr("{name}'s room", name=learner.name)[:60])
        hub, language = self.hub, self.ctx.content_language
        self._busy(True, tr("Opening the room…"))
        jobs.start(lambda task: open_room(self.ctx, hub, language, task, replaced),
                   self._opened, self._failed)

    def _opened(self, room: OpenRoom) -> None:
        self.busy = False
        self.client = room.client
        self.classes = room.classes
        self.upstream = room.upstream
        self.address = room.address
        self.quiz_box.clear()
        for quiz in room.quizzes:
            self.quiz_box.addItem(tr("{course}: {module} ({count} questions)",
                                     course=quiz["course_title"], module=quiz["title"],
                                     count=quiz["questions"]),
                                  (quiz["course"], quiz["module"], quiz["language"]))
        self.class_box.clear()
        self.class_box.addItem(tr("No class"), None)
        for class_id, name in room.classes:
            self.class_box.addItem(name, class_id)
        if room.classes:
            self.class_box.setCurrentIndex(1)  # most rooms are one of the facilitator's classes
        self.follower = follow(self.client, self.relay)
        self.message.setText(tr("The room is open"))
        self._show_state()

    def close_room(self) -> None:
        """Stop following and stop the hub (a quiz under way is finished and written)."""
        if self.follower is not None:
            self.follower.stop()
            self.follower = None
        client, self.client = self.client, None
        hub = self.hub
        self.view = {}
        self._busy(True, tr("Closing the room…"))

        def work(_task: Task) -> None:
            if client is not None:
                client.close()
            if hub is not None:
                hub.stop()

        def closed(_none: object) -> None:
            self.busy = False
            self.message.setText(tr("The room is closed"))
            self._show_state()

        jobs.start(work, closed, self._failed)

    def shutdown(self, wait: bool = True) -> None:
        """The window closes (wait: the hub must not outlive the app) or the facilitator signs
        out (the hub stops off the UI thread): the hub stops with it."""
        if self.follower is not None:
            self.follower.stop()
            self.follower = None
        if self.client is not None:
            self.client.close()
            self.client = None
        hub, self.hub = self.hub, None
        if hub is not None:
            if wait:
                hub.close()
            else:
                jobs.start(lambda _task: hub.close())
        self.view = {}
        self._show_state()

    def give_accounts(self) -> None:
        if not self.classes:
            self.message.setText(tr("Create a class and enrol its learners on the Classes "
                                    "page: each gets a room account here."))
            return
        class_id = self.class_box.currentData() or self.classes[0][0]
        name = dict(self.classes).get(class_id, "")

        def done(accounts: list[Any]) -> None:
            dialog = AccountsDialog(self.ctx, name, accounts, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()

        jobs.start(lambda task: room_accounts(self.ctx, class_id, task), done, self._failed)

    # -- the quiz ------------------------------------------------------------------------------
    def start_quiz(self) -> None:
        chosen = self.quiz_box.currentData()
        if self.client is None or chosen is None or self.busy:
            return
        course, module, language = chosen
        class_id = self.class_box.currentData()
        class_name = self.class_box.currentText() if class_id else None
        client = self.client
        self._busy(True, tr("Starting the quiz…"))
        jobs.start(lambda _t: client.start(course, module, language=language,
                                           class_id=class_id, class_name=class_name),
                   self._acted, self._failed)

    def _key(self, action: str) -> None:
        button = self.release_button if action == "release" else self.reveal_button
        if button.isVisible() and button.isEnabled():
            button.click()

    def _act(self, action: str) -> None:
        client = self.client
        if client is None or self.busy:
            return
        self._busy(True, "")
        jobs.start(lambda _t: getattr(client, action)(), self._acted, self._failed)

    def count_hands(self) -> None:
        view = self.view
        tally = view.get("tally")
        if self.client is None or not tally or not self.hands_button.isEnabled():
            return
        dialog = HandsDialog(list(tally["labels"]), view.get("hands"), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        client, counts = self.client, dialog.counts()
        self._busy(True, "")
        jobs.start(lambda _t: client.hands(counts), self._acted, self._failed)

    def finish(self) -> None:
        self._act("finish")

    def _new_quiz(self) -> None:
        self.put_away = self.view.get("run")
        self.view = {"state": "none", "version": self.view.get("version", 0),
                     "joined": self.view.get("joined", 0), "names": self.view.get("names")}
        self._show_state()

    def _acted(self, view: dict[str, Any]) -> None:
        self.busy = False
        self.message.setText("")
        self.show_view(view)

    def _busy(self, busy: bool, text: str) -> None:
        self.busy = busy
        if text:
            self.message.setText(text)
        self._show_state()

    def _failed(self, message: str) -> None:
        self.busy = False
        self.message.setText(message)
        if self.client is None and self.hub is not None and not self.hub.running:
            self.view = {}
        self._show_state()

    def _trouble(self, message: str) -> None:
        if self.client is not None:
            self.message.setText(tr("The room's hub does not answer: {reason}",
                                    reason=message))

    # -- showing ------------------------------------------------------------------------------
    def show_view(self, view: dict[str, Any]) -> None:
        if view.get("version", -1) < self.view.get("version", -1):
            return  # an older answer that arrived late
        if view.get("state") == "finished" and view.get("run") == self.put_away:
            return  # a finished quiz put away with New quiz stays away
        self.view = view
        self._show_state()

    def _show_state(self) -> None:
        view, is_open = self.view, self.is_open
        state = view.get("state", "none") if is_open else "closed"
        if is_open and self.hub is not None:
            self.hub_state.setText(tr("The room is open at {address}. Learners join with "
                                      "Join a room… on their desktops · {count} in the room",
                                      address=self.address, count=view.get("joined", 0))
                                   + "\n" + self.upstream)
        else:
            self.hub_state.setText(tr("The room is closed. Open it to serve this desktop's "
                                      "courses to the room and run quizzes with it."))
        self.open_button.setText(tr("Close the room") if is_open else tr("Open the room"))
        self.open_button.setEnabled(not self.busy)
        self.port_box.setEnabled(not is_open and not self.busy)
        self.accounts_button.setEnabled(is_open and not self.busy)
        self.start_box.setVisible(is_open and state == "none")
        self.start_button.setEnabled(not self.busy and self.quiz_box.count() > 0)
        self.quiz_panel.setVisible(is_open and state in ("waiting", "open", "revealed",
                                                          "finished"))
        names = view.get("names") or []
        self.people.setVisible(is_open)
        self.people.setText(tr("In the room: {names}", names=", ".join(names)) if names
                            else tr("Nobody has joined yet."))
        if not self.quiz_panel.isVisible():
            return
        number, count = int(view.get("number") or 0), int(view.get("count") or 0)
        question = view.get("question") or {}
        tally = view.get("tally") or {}
        self.quiz_title.setText(view.get("title", ""))
        answered = int(tally.get("answered") or 0)
        if state == "waiting":
            self.counter.setText(tr("{count} questions, {joined} in the room. Release the "
                                    "first when the room is ready.", count=count,
                                    joined=view.get("joined", 0)))
        elif state == "finished":
            self.counter.setText(tr("Finished: {statements} results stored for the learners, "
                                    "sent on to the campus with everything else.",
                                    statements=view.get("statements", 0)))
        elif tally.get("show_of_hands"):
            self.counter.setText(tr("Question {number} of {count} · {answered} hands counted",
                                    number=number, count=count, answered=answered))
        else:
            self.counter.setText(tr("Question {number} of {count} · {answered} of {joined} "
                                    "answered", number=number, count=count,
                                    answered=answered, joined=view.get("joined", 0)))
        self.question.setText(question.get("text", "") if state in ("open", "revealed")
                              else "")
        self.chart.setVisible(state in ("open", "revealed"))
        self.chart.set_bars(chart_bars(view) if state in ("open", "revealed") else [])
        if state == "revealed":
            lines = [tr("The answer: {answer}", answer="; ".join(view.get("right_answers")
                                                                  or []))]
            lines += [t for t in view.get("feedback") or [] if t]
            if view.get("general_feedback"):
                lines.append(view["general_feedback"])
            self.feedback.setText("\n".join(lines))
        else:
            self.feedback.setText("")
        idle = not self.busy
        more = number < count
        self.release_button.setVisible(state in ("waiting", "open", "revealed") and more)
        self.release_button.setEnabled(idle)
        self.release_button.setText(tr("Release the first question") if state == "waiting"
                                    else tr("Release the next question"))
        self.reveal_button.setVisible(state == "open")
        self.reveal_button.setEnabled(idle)
        self.hands_button.setVisible(state in ("open", "revealed")
                                     and question.get("kind") in (
                                         "multichoice", "multiple_answers", "truefalse"))
        self.hands_button.setEnabled(idle)
        self.finish_button.setVisible(state in ("waiting", "open", "revealed"))
        self.finish_button.setEnabled(idle)
        self.new_button.setVisible(state == "finished")

    def retranslate(self) -> None:
        self.title.setText(tr("Quiz with the room"))
        self.intro.setText(tr("Learners on their own desktops in this network answer a "
                              "module's quiz one question at a time, as you release them; "
                              "the chart shows the answers as they arrive. With no devices "
                              "in the room, count the hands instead."))
        self.hub_box.setTitle(tr("The room's hub"))
        self.port_label.setText(tr("&Port"))
        self.accounts_button.setText(tr("Learners' accounts…"))
        self.accounts_button.setToolTip(tr("Room accounts for the class chosen below"))
        self.start_box.setTitle(tr("Start a quiz"))
        self.quiz_label.setText(tr("&Quiz"))
        self.class_label.setText(tr("C&lass"))
        self.start_button.setText(tr("Start the quiz"))
        self.quiz_panel.setTitle(tr("The quiz"))
        self.reveal_button.setText(tr("Reveal the answer"))
        self.reveal_button.setToolTip(tr("Key: {key}", key="R"))
        self.release_button.setToolTip(tr("Key: {key}", key="N"))
        self.hands_button.setText(tr("Count hands…"))
        self.hands_button.setToolTip(tr("Key: {key}", key="H"))
        self.finish_button.setText(tr("Finish the quiz"))
        self.new_button.setText(tr("New quiz"))
        if self.class_box.count():
            self.class_box.setItemText(0, tr("No class"))
        self._show_state()
