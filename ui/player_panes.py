"""The parts of the webinar player beside the controls: the slide pane, the transcript with
its search, and the session's questions and answers with the learner's own questions."""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from stepcampus.webinar.vtt import Cue, clock
from ui.i18n import tr
from ui.widgets import label

_ROLE = Qt.ItemDataRole.UserRole
SEEK_SCHEME = "seek"


def fold(text: str) -> str:
    """Lower case without accents, so 'proteccion' finds 'protección'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class SlideView(QLabel):
    """One slide, scaled to the space it has, sharp at any window size."""

    def __init__(self) -> None:
        super().__init__()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setObjectName("slide")
        self._pixmap = QPixmap()
        self.index = -1

    def show_slide(self, index: int, data: bytes | None) -> None:
        self.index = index
        self._pixmap = QPixmap()
        if data is not None:
            self._pixmap.loadFromData(data)
        self._rescale()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if self._pixmap.isNull():
            self.setPixmap(QPixmap())
            return
        self.setPixmap(self._pixmap.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation))


class TranscriptPane(QWidget):
    """The captions as a transcript: follows playback, and its search jumps to the moment."""

    seek_requested = Signal(float)

    def __init__(self) -> None:
        super().__init__()
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.matches = label(name="hint")
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.cues: list[Cue] = []
        self._folded: list[str] = []
        self._found: list[int] = []
        self._found_at = -1
        self.current = -1
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.search)
        column.addWidget(self.matches)
        column.addWidget(self.list, 1)
        self.search.textChanged.connect(self._find)
        self.search.returnPressed.connect(self.jump_to_next)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.retranslate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(tr("Search the transcript (Enter jumps to the moment)"))
        self.search.setAccessibleName(tr("Search the transcript"))
        self.list.setAccessibleName(tr("Transcript"))
        self._show_count()

    def set_cues(self, cues: list[Cue]) -> None:
        self.cues = cues
        self._folded = [fold(c.plain) for c in cues]
        self.list.clear()
        for cue in cues:
            item = QListWidgetItem(f"{clock(cue.start)}   {cue.plain}")
            item.setData(_ROLE, cue.start)
            self.list.addItem(item)
        self.current = -1
        self._find(self.search.text())
        if not cues:
            self.list.addItem(tr("This recording has no transcript."))

    def follow(self, index: int) -> None:
        """Highlight the caption being spoken and keep it in view."""
        if index == self.current or not self.cues:
            return
        self.current = index
        if index < 0:
            self.list.clearSelection()
            return
        item = self.list.item(index)
        self.list.setCurrentItem(item)
        self.list.scrollToItem(item, QListWidget.ScrollHint.PositionAtCenter)

    def _find(self, text: str) -> None:
        words = fold(text).split()
        self._found = [i for i, folded in enumerate(self._folded)
                       if words and all(w in folded for w in words)]
        self._found_at = -1
        for index in range(self.list.count()):
            item = self.list.item(index)
            font = item.font()
            font.setBold(index in self._found)
            item.setFont(font)
        self._show_count()

    def _show_count(self) -> None:
        if not self.search.text().strip():
            self.matches.setText("")
        elif not self._found:
            self.matches.setText(tr("Not in the transcript"))
        elif len(self._found) == 1:
            self.matches.setText(tr("1 moment: Enter goes to it"))
        else:
            self.matches.setText(tr("{n} moments: Enter goes to the next",
                                    n=len(self._found)))
        self.matches.setVisible(bool(self.matches.text()))

    def jump_to_next(self) -> None:
        if not self._found:
            return
        self._found_at = (self._found_at + 1) % len(self._found)
        self.seek_requested.emit(self.cues[self._found[self._found_at]].start)

    def _activated(self, item: QListWidgetItem) -> None:
        at = item.data(_ROLE)
        if at is not None:
            self.seek_requested.emit(float(at))


class QuestionsPane(QWidget):
    """The session's Q&A compilation (answers link to their moment) and the learner's own
    questions, asked here offline and sent at the next sync."""

    seek_requested = Signal(float)
    ask_requested = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.ask_label = label(name="subtitle")
        self.ask_edit = QPlainTextEdit()
        self.ask_edit.setMaximumHeight(80)
        self.ask_button = QPushButton()
        self.ask_button.setObjectName("primary")
        self.ask_note = label(name="hint")
        ask_row = QHBoxLayout()
        ask_row.addWidget(self.ask_note, 1)
        ask_row.addWidget(self.ask_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.browser, 1)
        column.addWidget(self.ask_label)
        column.addWidget(self.ask_edit)
        column.addLayout(ask_row)
        self.browser.anchorClicked.connect(self._link)
        self.ask_button.clicked.connect(self._ask)
        self.entries: list[Any] = []
        self.mine: list[Any] = []
        self.retranslate()

    def retranslate(self) -> None:
        self.ask_label.setText(tr("Ask the panel a question"))
        self.ask_edit.setPlaceholderText(tr("Your question about this webinar…"))
        self.ask_edit.setAccessibleName(tr("Your question"))
        self.ask_button.setText(tr("Ask"))
        self.ask_note.setText(tr("Questions are kept on this computer and sent at the next "
                                 "sync; answers arrive the same way."))
        self.browser.setAccessibleName(tr("Questions and answers"))
        self.render()

    def set_entries(self, entries: list[Any], mine: list[Any]) -> None:
        self.entries, self.mine = entries, mine
        self.render()

    def render(self) -> None:
        self.browser.setHtml(questions_html(self.entries, self.mine))

    def _ask(self) -> None:
        text = self.ask_edit.toPlainText().strip()
        if text:
            self.ask_requested.emit(text)

    def _link(self, url: QUrl) -> None:
        if url.scheme() == SEEK_SCHEME:
            self.seek_requested.emit(float(url.path()))


def status_of(question: Any) -> str:
    if question.answer:
        return tr("New answer") if question.answer_seen_at is None else tr("Answered")
    if question.sent_at is None:
        return tr("Waiting to be sent at the next sync")
    return tr("Sent: waiting for an answer")


def my_questions_html(mine: list[Any]) -> str:
    parts: list[str] = []
    for question in mine:
        status = html.escape(status_of(question))
        badge = f"<b style='color:#a35200'>{status}</b>" if question.answer and \
            question.answer_seen_at is None else f"<i>{status}</i>"
        parts.append(f"<p><b>{html.escape(question.text)}</b><br>{badge}</p>")
        if question.answer:
            by = html.escape(tr("answered by {name}", name=question.answered_by or "?"))
            parts.append(f"<blockquote>{html.escape(question.answer)}<br>"
                         f"<small>{by}</small></blockquote>")
    return "".join(parts)


def questions_html(entries: list[Any], mine: list[Any],
                   link: Callable[[Any], str] | None = None) -> str:
    """The learner's questions, then the compilation; `link` gives each answer's seek URL."""
    parts: list[str] = []
    if mine:
        parts.append(f"<h3>{html.escape(tr('Your questions'))}</h3>")
        parts.append(my_questions_html(mine))
    if entries:
        parts.append(f"<h3>{html.escape(tr('Questions from the audience'))}</h3>")
    for entry in entries:
        asked = html.escape(tr("asked by {name}", name=entry.asked_by)) if entry.asked_by else ""
        parts.append(f"<p><b>{html.escape(entry.question)}</b> <small>{asked}</small></p>")
        if entry.answer:
            who = html.escape(entry.answered_by)
            moment = ""
            if entry.at is not None:
                href = link(entry) if link else f"{SEEK_SCHEME}:{entry.at:.3f}"
                moment = (f" · <a href='{href}'>"
                          f"{html.escape(tr('▶ hear it at {time}', time=clock(entry.at)))}</a>")
            parts.append(f"<blockquote>{html.escape(entry.answer)}<br>"
                         f"<small>{who}{moment}</small></blockquote>")
    if not parts:
        parts.append(f"<p><i>{html.escape(tr('No questions and answers for this webinar yet.'))}"
                     "</i></p>")
    return "".join(parts)
