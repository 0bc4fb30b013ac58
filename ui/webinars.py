"""Webinars: the installed series and their sessions, with what the learner has heard.

Each session shows when it took place (in the learner's own time), who spoke, how long the
recording is, how much of it the learner has heard, and how many questions it answered.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.i18n import tr
from ui.widgets import ProgressRing, discard, label, scroll_area


class SessionRow(QFrame):
    def __init__(self, ctx: AppContext, series: Any, session: Any,
                 progress: Any | None) -> None:
        super().__init__()
        self.setObjectName("card")
        self.ctx = ctx
        self.series, self.session = series, session
        percent = 100 if progress is not None and progress.completed else (
            progress.percent if progress is not None else 0)
        self.started = progress is not None and (progress.position or "").startswith("t=")
        self.ring = ProgressRing(percent, diameter=52)
        self.title = label(session.title)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.details = label(name="hint")
        self.play_button = QPushButton()
        self.play_button.setObjectName("primary")
        self.qa_button = QPushButton()
        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(self.details)
        buttons = QHBoxLayout()
        buttons.addWidget(self.play_button)
        buttons.addWidget(self.qa_button)
        buttons.addStretch(1)
        text.addLayout(buttons)
        row = QHBoxLayout(self)
        row.addWidget(self.ring, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        self.play_button.clicked.connect(
            lambda: ctx.open_webinar.emit(series.id, session.id, -1.0))
        self.qa_button.clicked.connect(
            lambda: ctx.open_webinar_questions.emit(series.id, session.id))
        self.retranslate()

    def retranslate(self) -> None:
        session = self.session
        parts: list[str] = []
        start = session.start_time
        if start is not None:
            from ui.calendar import day_name

            local = start.astimezone()
            parts.append(f"{day_name(local.date())}, {local:%H:%M}")
        names = ", ".join(p["name"] for p in session.panellists)
        if names:
            parts.append(names)
        if session.recording_duration:
            parts.append(tr("{minutes} min recording",
                            minutes=max(1, round(session.recording_duration / 60))))
        else:
            parts.append(tr("no recording yet"))
        if session.questions:
            count = len(session.questions)
            parts.append(tr("1 question answered") if count == 1 else
                         tr("{n} questions answered", n=count))
        self.details.setText(" · ".join(parts))
        if self.ring.percent >= 100:
            self.play_button.setText(tr("Play again"))
        elif self.started:
            self.play_button.setText(tr("Continue listening"))
        else:
            self.play_button.setText(tr("Watch or listen"))
        self.play_button.setEnabled(bool(session.variants))
        self.qa_button.setText(tr("Questions and answers"))


class WebinarsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.rows: list[SessionRow] = []
        self.blocks: list[QWidget] = []
        self.title = label(name="title")
        self.hint = label(name="hint")
        self.archive_button = QPushButton()
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.archive_button)
        body = QWidget()
        self.list = QVBoxLayout(body)
        self.list.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addLayout(head)
        outer.addWidget(self.hint)
        outer.addWidget(scroll_area(body), 1)
        self.archive_button.clicked.connect(lambda: ctx.show_page.emit("questions"))
        ctx.progress_changed.connect(lambda _c: self.refresh())
        self.retranslate()

    def refresh(self) -> None:
        if self.ctx.learner is None:
            return
        for widget in self.blocks:
            discard(widget)
        self.rows, self.blocks = [], []
        language = self.ctx.content_language
        for row in self.ctx.series_rows():
            series = self.ctx.series_view(row.course_id)
            progress = {p.module_id: p for p in self.ctx.progress_rows(series.id)}
            heading = label(series.title(language), "subtitle")
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            self._add(heading)
            description = series.description(language)
            if description:
                self._add(label(description, "hint"))
            for session in series.sessions():
                session_row = SessionRow(self.ctx, series, session, progress.get(session.id))
                self._add(session_row)
                self.rows.append(session_row)
        self._update_hint()

    def _add(self, widget: QWidget) -> None:
        self.list.insertWidget(self.list.count() - 1, widget)
        self.blocks.append(widget)

    def _update_hint(self) -> None:
        self.hint.setText("" if self.rows else tr(
            "No webinars yet. Webinar series install like courses: from a file (Ctrl+O) or "
            "from a catalog in the library."))
        self.hint.setVisible(bool(self.hint.text()))

    def first_action(self) -> QPushButton | None:
        return self.rows[0].play_button if self.rows else None

    def retranslate(self) -> None:
        self.title.setText(tr("Webinars"))
        self.archive_button.setText(tr("Search all questions and answers"))
        for row in self.rows:
            row.retranslate()
        self._update_hint()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()
