"""The Q&A archive: every question and answer of the installed webinars, by series, webinar
and topic, searched as the learner types (accents or not); an answer opens the recording at
the moment it was given. The learner's own questions sit on top, new answers marked."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from stepcampus.tasks import Task
from stepcampus.webinar.vtt import clock
from ui import jobs
from ui.context import AppContext
from ui.i18n import tr
from ui.player_panes import my_questions_html
from ui.widgets import label

TYPING_PAUSE_MS = 150
PLAY_SCHEME = "play"


def archive_search(ctx: AppContext, query: str, series_id: str, session_key: str,
                   topic: str, task: Task) -> list[Any]:
    """Matching Q&A hits, best first, or every entry in order when there is no query (off
    the UI thread, from the search index, brought up to date first)."""
    from stepcampus.search.index import SearchIndex
    from stepcampus.search.qa import QAArchive

    index = SearchIndex.for_campus(ctx.campus)
    index.ensure_indexed(ctx.campus, task)
    archive = QAArchive(index)
    if session_key:
        series_id, session_id = session_key.split("/", 1)
    else:
        session_id = ""
    filters = {"series_id": series_id or None, "session_id": session_id or None,
               "topic": topic or None}
    if any(ch.isalnum() for ch in query):
        return archive.search(query, limit=200, **filters)  # type: ignore[arg-type]
    return archive.browse(limit=500, **filters)  # type: ignore[arg-type]


def archive_topics(ctx: AppContext, series_id: str | None, task: Task) -> list[Any]:
    from stepcampus.search.index import SearchIndex
    from stepcampus.search.qa import QAArchive

    index = SearchIndex.for_campus(ctx.campus)
    index.ensure_indexed(ctx.campus, task)
    return QAArchive(index).topics(series_id)


class AskDialog(QDialog):
    """Which webinar the question is about, and the question."""

    def __init__(self, parent: QWidget, sessions: list[tuple[str, str, str]],
                 chosen: tuple[str, str] | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Ask a question"))
        self.session_box = QComboBox()
        for series_id, session_id, title in sessions:
            self.session_box.addItem(title, (series_id, session_id))
            if chosen == (series_id, session_id):
                self.session_box.setCurrentIndex(self.session_box.count() - 1)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(tr("Your question about this webinar…"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Ask"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(label(tr("Webinar"), "subtitle"))
        column.addWidget(self.session_box)
        column.addWidget(self.text)
        column.addWidget(label(tr("Questions are kept on this computer and sent at the next "
                                  "sync; answers arrive the same way."), "hint"))
        column.addWidget(buttons)
        self.resize(520, 300)


class QAArchivePage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.hits: list[Any] = []
        self.mine: list[Any] = []
        self._request = 0
        self._topics_request = 0  # the latest list of topics asked for wins
        self.title = label(name="title")
        self.ask_button = QPushButton()
        self.ask_button.setObjectName("primary")
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.series_box = QComboBox()
        self.session_box = QComboBox()
        self.topic_box = QComboBox()
        self.count = label(name="hint")
        self.results = QTextBrowser()
        self.results.setOpenLinks(False)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.ask_button)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        for box in (self.series_box, self.session_box, self.topic_box):
            filters.addWidget(box, 1)
        column = QVBoxLayout(self)
        column.addLayout(head)
        column.addLayout(filters)
        column.addWidget(self.count)
        column.addWidget(self.results, 1)
        self.typing = QTimer(self)
        self.typing.setSingleShot(True)
        self.typing.setInterval(TYPING_PAUSE_MS)
        self.typing.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self.typing.start())
        self.series_box.currentIndexChanged.connect(self._series_changed)
        self.session_box.currentIndexChanged.connect(lambda _i: self.run_search())
        self.topic_box.currentIndexChanged.connect(lambda _i: self.run_search())
        self.results.anchorClicked.connect(self._link)
        self.ask_button.clicked.connect(self.ask)
        ctx.questions_changed.connect(self._show_mine)
        self.retranslate()

    # -- filters -------------------------------------------------------------------------------
    def fill_filters(self) -> None:
        """Series, webinars and topics of what is installed, keeping the current choice."""
        chosen = (self.series_box.currentData(), self.session_box.currentData(),
                  self.topic_box.currentData())
        self.series_box.blockSignals(True)
        self.series_box.clear()
        self.series_box.addItem(tr("All series"), "")
        for row in self.ctx.series_rows():
            series = self.ctx.series_view(row.course_id)
            self.series_box.addItem(series.title(self.ctx.content_language), series.id)
        self._select(self.series_box, chosen[0])
        self.series_box.blockSignals(False)
        self._fill_sessions(chosen[1])
        self._fill_topics(chosen[2])

    def _fill_topics(self, chosen: str | None = None) -> None:
        series_id = self.series_box.currentData() or None
        self._topics_request += 1
        request = self._topics_request

        def show(topics: list[Any]) -> None:
            if request != self._topics_request:
                return  # the topics of a series chosen before: a later list is coming
            self.topic_box.blockSignals(True)
            self.topic_box.clear()
            self.topic_box.addItem(tr("All topics"), "")
            for topic in topics:
                self.topic_box.addItem(f"{topic.topic} ({topic.count})", topic.topic)
            self._select(self.topic_box, chosen)
            self.topic_box.blockSignals(False)
            if (self.topic_box.currentData() or "") != (chosen or ""):
                self.run_search()  # the topic searched for is not in this series: search again

        jobs.start(lambda task: archive_topics(self.ctx, series_id, task), show, self._failed)

    def _fill_sessions(self, chosen: str | None = None) -> None:
        self.session_box.blockSignals(True)
        self.session_box.clear()
        self.session_box.addItem(tr("All webinars"), "")
        for series_id, session_id, title in self._sessions(self.series_box.currentData()):
            self.session_box.addItem(title, f"{series_id}/{session_id}")
        self._select(self.session_box, chosen)
        self.session_box.blockSignals(False)

    def _sessions(self, series_id: str | None = None) -> list[tuple[str, str, str]]:
        found = []
        for row in self.ctx.series_rows():
            if series_id and row.course_id != series_id:
                continue
            series = self.ctx.series_view(row.course_id)
            found += [(series.id, s.id, s.title) for s in series.sessions()]
        return found

    @staticmethod
    def _select(box: QComboBox, value: Any) -> None:
        index = box.findData(value) if value is not None else -1
        box.setCurrentIndex(max(index, 0))

    def _series_changed(self, _index: int) -> None:
        self._fill_sessions()
        self._fill_topics(self.topic_box.currentData())
        self.run_search()

    # -- searching ------------------------------------------------------------------------------
    def set_query(self, text: str) -> None:
        self.search.setText(text)
        self.run_search()

    def run_search(self) -> None:
        self.typing.stop()
        self._request += 1
        request = self._request
        query = self.search.text()
        series_id = self.series_box.currentData() or ""
        session_key = self.session_box.currentData() or ""
        topic = self.topic_box.currentData() or ""

        def done(hits: list[Any]) -> None:
            if request == self._request:  # a later key press wins over a slower search
                self.show_hits(hits)

        jobs.start(lambda task: archive_search(self.ctx, query, series_id, session_key, topic,
                                               task), done, self._failed)

    def _failed(self, message: str) -> None:
        self.count.setText(message)

    def show_hits(self, hits: list[Any]) -> None:
        self.hits = hits
        self.count.setText(tr("No question matches.") if not hits else
                           tr("1 question and answer") if len(hits) == 1 else
                           tr("{n} questions and answers", n=len(hits)))
        self._render()

    def _render(self) -> None:
        parts: list[str] = []
        if self.mine:
            parts.append(f"<h3>{html.escape(tr('Your questions'))}</h3>")
            parts.append(my_questions_html(self.mine))
            parts.append("<hr>")
        for hit in self.hits:
            asked = html.escape(tr("asked by {name}", name=hit.asked_by)) if hit.asked_by \
                else ""
            parts.append(f"<p><b>{hit.question_html}</b> <small>{asked}</small></p>")
            where = html.escape(f"{hit.session_title} · {hit.series_title}")
            moment = ""
            if hit.at is not None:
                href = f"{PLAY_SCHEME}:{hit.series_id}/{hit.session_id}/{hit.at:.3f}"
                moment = (f" · <a href='{href}'>"
                          f"{html.escape(tr('▶ hear it at {time}', time=clock(hit.at)))}</a>")
            who = html.escape(hit.answered_by)
            topics = html.escape(", ".join(hit.topics))
            answer = (hit.answer_html if self.search.text().strip() else
                      html.escape(hit.answer)) or html.escape(tr("Not answered yet."))
            parts.append(f"<blockquote>{answer}<br><small>{who} · {where}{moment}"
                         f"{' · ' + topics if topics else ''}</small></blockquote>")
        self.results.setHtml("".join(parts))

    def _link(self, url: QUrl) -> None:
        if url.scheme() != PLAY_SCHEME:
            return
        series_id, session_id, seconds = url.path().split("/")
        self.ctx.open_webinar.emit(series_id, session_id, float(seconds))

    # -- the learner's questions ---------------------------------------------------------------
    def _show_mine(self) -> None:
        if self.ctx.learner is None or not self.ctx.store_ready:
            self.mine = []
        else:
            from stepcampus.webinar.questions import list_questions

            self.mine = list_questions(self.ctx.campus.sessions, self.ctx.learner.id)
        self._render()

    def ask(self) -> None:
        sessions = self._sessions()
        if not sessions or self.ctx.learner is None:
            return
        key = self.session_box.currentData()
        chosen = tuple(key.split("/", 1)) if key else None
        dialog = AskDialog(self, [(a, b, t) for a, b, t in sessions], chosen)
        dialog.setObjectName("ask-dialog")
        dialog.accepted.connect(lambda: self._asked(dialog))
        dialog.open()
        self.dialog = dialog

    def _asked(self, dialog: AskDialog) -> None:
        text = dialog.text.toPlainText().strip()
        series_id, session_id = dialog.session_box.currentData()
        if not text or self.ctx.learner is None:
            return
        learner, factory = self.ctx.learner.id, self.ctx.campus.sessions

        def work(_task: object) -> Any:
            from stepcampus.webinar.questions import ask_question

            return ask_question(factory, learner, series_id, session_id, text)

        def done(_question: Any) -> None:
            self.ctx.message.emit(tr("Your question is saved and will be sent at the next "
                                     "sync"))
            self.ctx.questions_changed.emit()

        jobs.start(work, done, self.ctx.message.emit)

    # -- page ----------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(tr("Questions and answers"))
        self.ask_button.setText(tr("Ask a question…"))
        self.search.setPlaceholderText(tr("Search every question and answer"))
        self.search.setAccessibleName(tr("Search questions and answers"))
        self.series_box.setAccessibleName(tr("Series"))
        self.session_box.setAccessibleName(tr("Webinar"))
        self.topic_box.setAccessibleName(tr("Topic"))
        self.results.setAccessibleName(tr("Questions and answers"))
        if self.ctx.learner is not None:
            self.fill_filters()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.fill_filters()
        self._show_mine()
        self.run_search()
        self.search.setFocus()
