"""The quiz screen: a module's GIFT quiz answered, kept as the learner goes, marked on submit,
and every earlier attempt open for review.

Each answer is saved as soon as it is given, so closing the app loses nothing: opening the quiz
again resumes the attempt in progress with its answers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from stepcampus.coursepack.gift import parse_gift
from stepcampus.errors import StepCampusError
from stepcampus.progress import activity
from stepcampus.progress.summary import DEFAULT_PASS_MARK
from stepcampus.quiz.model import DESCRIPTION, Question
from stepcampus.store.models import QuizAttempt
from ui.context import AppContext
from ui.i18n import tr
from ui.quiz_widgets import QuestionWidget, question_widget
from ui.widgets import discard


def percent(fraction: float) -> str:
    """A score as the learner reads it; rounded down, so 69.96 % never shows as a pass."""
    value = math.floor(fraction * 1000 + 1e-6) / 10
    return f"{value:g}"


def _when(attempt: QuizAttempt) -> str:
    moment: datetime = attempt.finished_at or attempt.started_at
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


# What writing to the store can raise: the core's own errors, the database's, a lost folder.
_STORE_ERRORS = (StepCampusError, SQLAlchemyError, OSError)


def _as_json(response: Any) -> str:
    # Compared as stored, so {0: "x"} from a widget equals {"0": "x"} read back from the store.
    return json.dumps(response, ensure_ascii=False, sort_keys=True)


class QuizPage(QWidget):
    """One module's quiz for the signed-in learner. Call `show_quiz(course_id, module_id)`."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.course_id = ""
        self.module_id = ""
        self.questions: list[Question] = []
        self.question_widgets: list[QuestionWidget] = []
        self.attempt_id: str | None = None  # the attempt on screen
        self.reviewing = False  # True once the attempt on screen is finished (read-only)
        # Asks before submitting with unanswered questions; tests may replace it.
        self.confirm: Callable[[str], bool] = self._ask
        self._title = ""
        self._pass_mark = DEFAULT_PASS_MARK
        self._attempts: list[QuizAttempt] = []
        self._saved: dict[int, str] = {}  # question index -> the response last stored, as JSON
        self._shown: QuizAttempt | None = None  # the finished attempt on screen, for the banner
        self._error: Callable[[], str] | None = None

        self.title_label = QLabel()
        self.title_label.setObjectName("title")
        self.title_label.setWordWrap(True)
        self.info_label = QLabel()
        self.info_label.setObjectName("hint")
        self.info_label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.result_label = QLabel()
        self.result_label.setObjectName("subtitle")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.hide()

        self._list = QWidget()
        self._list_layout = QVBoxLayout(self._list)
        self._list_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        # Text wraps to the width instead: a sideways scroll bar hides the end of each line.
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self._list)

        self.history_label = QLabel()
        self.history = QListWidget()
        self.history.setWordWrap(True)
        self.history.itemActivated.connect(self._history_chosen)
        self.history.itemClicked.connect(self._history_chosen)
        self.history_label.setBuddy(self.history)
        side = QVBoxLayout()
        side.addWidget(self.history_label)
        side.addWidget(self.history, 1)

        self.submit_button = QPushButton()
        self.submit_button.setObjectName("primary")
        self.submit_button.clicked.connect(self.submit)
        self.try_again_button = QPushButton()
        self.try_again_button.clicked.connect(self.try_again)
        self.back_button = QPushButton()
        self.back_button.clicked.connect(self.back_to_module)
        buttons = QHBoxLayout()
        buttons.addWidget(self.submit_button)
        buttons.addWidget(self.try_again_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)

        body = QHBoxLayout()
        body.addWidget(self.scroll, 3)
        body.addLayout(side, 1)
        page = QVBoxLayout(self)
        for label in (self.title_label, self.info_label, self.error_label, self.result_label):
            page.addWidget(label)
        page.addLayout(body, 1)
        page.addLayout(buttons)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.submit)
        self._update_buttons()
        self.retranslate()
        ctx.learner_changed.connect(self._learner_changed)

    # -- opening ------------------------------------------------------------------------------
    def show_quiz(self, course_id: str, module_id: str) -> None:
        """Open a module's quiz in the content language, resuming an attempt in progress."""
        self.save_pending()
        self.course_id, self.module_id = course_id, module_id
        self.questions = []
        self._title = ""
        self._attempts = []
        self._clear_questions()
        self._fill_history()
        self._set_error(None)
        learner = self.ctx.learner
        if learner is None:
            self._set_error(lambda: tr("Sign in to take this quiz."))
            return
        try:
            view = self.ctx.course_view(course_id)
            info = view.module(module_id, self.ctx.content_language)
            self._title = info.title
            self._pass_mark = float(view.course.get("pass_mark", DEFAULT_PASS_MARK))
            if info.quiz is None:
                self._set_error(lambda: tr("This module has no quiz."))
                return
            self.questions = parse_gift(view.read_text(info.quiz), info.quiz)
        except StepCampusError as exc:
            error = str(exc)
            self._set_error(lambda: tr("The quiz could not be opened: {error}", error=error))
            return
        self.try_again()

    def try_again(self) -> None:
        """Go back to answering: the attempt in progress if there is one, else a new one."""
        if not self.questions or self.ctx.learner is None:
            return
        self.save_pending()
        try:
            attempt_id = activity.start_attempt(self.ctx.campus.sessions, self.ctx.learner.id,
                                                self.course_id, self.module_id)
            answers = activity.attempt_answers(self.ctx.campus.sessions, attempt_id)
        except _STORE_ERRORS as exc:
            self._failed(exc)
            return
        self._show_attempt(attempt_id, answers, None)
        self._saved = {index: _as_json(response) for index, response in answers.items()}
        self._refresh_history()

    def review_attempt(self, attempt_id: str) -> None:
        """Show a past attempt read-only with its answers and feedback (or resume the open one)."""
        attempt = next((a for a in self._attempts if a.id == attempt_id), None)
        if attempt is None:
            return
        if attempt.state != "finished":
            self.try_again()
            return
        self.save_pending()
        try:
            answers = activity.attempt_answers(self.ctx.campus.sessions, attempt_id)
        except _STORE_ERRORS as exc:
            self._failed(exc)
            return
        self._show_attempt(attempt_id, answers, attempt)
        self._refresh_history()

    def _learner_changed(self) -> None:
        # The attempt on screen is the previous learner's: keep its typing, then put it away.
        self.save_pending()
        self.questions = []
        self._attempts = []
        self._clear_questions()
        self._fill_history()
        self._render_header()

    def back_to_module(self) -> None:
        self.save_pending()
        self.ctx.open_module.emit(self.course_id, self.module_id, "")

    # -- answering ----------------------------------------------------------------------------
    def save_pending(self) -> None:
        """Keep every answer not yet stored (typing still in its pause); call before closing."""
        if self.reviewing or self.attempt_id is None:
            return
        for widget in self.question_widgets:
            self._save(widget.index)

    def _save(self, index: int, fraction: float | None = None, *, force: bool = False) -> bool:
        """Store one answer if it changed (or always, with force); False if storing failed."""
        widget = self.question_widgets[index]
        if self.reviewing or self.attempt_id is None or widget.question.type == DESCRIPTION:
            return True
        response = widget.response()
        stored = _as_json(response)
        if not force and (self._saved.get(index) == stored
                          or (index not in self._saved and not widget.answered())):
            return True
        try:
            activity.save_answer(self.ctx.campus.sessions, self.attempt_id, index, response,
                                 fraction)
        except _STORE_ERRORS as exc:
            self._failed(exc)
            return False
        self._saved[index] = stored
        return True

    def submit(self) -> None:
        """Mark every question, finish the attempt and show the feedback."""
        if self.reviewing or self.attempt_id is None or not self.question_widgets:
            return
        unanswered = [str(w.number) for w in self.question_widgets
                      if w.number and not w.answered()]
        if unanswered and not self.confirm(tr(
                "Some questions have no answer: {numbers}. Submit anyway?",
                numbers=", ".join(unanswered))):
            return
        fractions: list[float] = []
        for widget in self.question_widgets:
            fraction = widget.fraction()
            if fraction is None:
                saved = self._save(widget.index)  # an essay's last words
            else:
                fractions.append(fraction)
                # Stored again with its mark: the "answered" statement then carries the score.
                marked = widget.answered() or widget.index in self._saved
                saved = not marked or self._save(widget.index, fraction, force=True)
            if not saved:
                return  # the attempt stays open, so nothing is marked on a partial record
        # A quiz of essays only has nothing to mark automatically: taking it is the step.
        score = sum(fractions) / len(fractions) if fractions else 1.0
        try:
            attempt = activity.finish_attempt(self.ctx.campus.sessions, self.attempt_id,
                                              score, self._pass_mark)
        except _STORE_ERRORS as exc:
            self._failed(exc)
            return
        self._saved = {}
        self._show_finished(attempt)
        self._refresh_history()
        self.ctx.progress_changed.emit(self.course_id)

    # -- showing ------------------------------------------------------------------------------
    def _show_attempt(self, attempt_id: str, answers: dict[int, Any],
                      finished: QuizAttempt | None) -> None:
        self._clear_questions()
        self.attempt_id = attempt_id
        self.reviewing = False
        self._shown = None
        number = 0
        for index, question in enumerate(self.questions):
            if question.type != DESCRIPTION:
                number += 1
            widget = question_widget(index, number if question.type != DESCRIPTION else None,
                                     question, attempt_id)
            if index in answers:
                widget.set_response(answers[index])
            widget.changed.connect(self._save)
            self._list_layout.insertWidget(self._list_layout.count() - 1, widget)
            self.question_widgets.append(widget)
        if finished is not None:
            self._show_finished(finished)
        else:
            self.result_label.hide()
            self._update_buttons()
        self.scroll.verticalScrollBar().setValue(0)

    def _show_finished(self, attempt: QuizAttempt) -> None:
        self.reviewing = True
        self._shown = attempt
        for widget in self.question_widgets:
            widget.set_read_only(True)
            widget.show_marking()
        self._render_result()
        self.result_label.show()
        self._update_buttons()
        self.try_again_button.setFocus()

    def _clear_questions(self) -> None:
        for widget in self.question_widgets:
            discard(widget)
        self.question_widgets = []
        self.attempt_id = None
        self.reviewing = False
        self._shown = None
        self._saved = {}
        self.result_label.hide()
        self._update_buttons()

    def _render_result(self) -> None:
        attempt = self._shown
        if attempt is None or attempt.score is None:
            return
        mark = percent(self._pass_mark / 100)
        verdict = (
            "✔ " + tr("Passed: the pass mark is {mark} %.", mark=mark) if attempt.passed
            else "✘ " + tr("Not passed: the pass mark is {mark} %.", mark=mark))
        lines = [tr("Attempt of {date}", date=_when(attempt)),
                 tr("Your score: {score} %", score=percent(attempt.score)), verdict]
        best = self._best()
        if best is not None:
            lines.append(tr("Best score so far: {best} %", best=percent(best)))
        self.result_label.setText("\n".join(lines))
        self.result_label.setAccessibleName(" ".join(lines))

    def _best(self) -> float | None:
        if self.ctx.learner is None or not self.course_id:
            return None
        return activity.best_score(self.ctx.campus.sessions, self.ctx.learner.id,
                                   self.course_id, self.module_id)

    def _render_header(self) -> None:
        self.title_label.setText(self._title)
        if not self.questions:
            self.info_label.setText("")
            return
        best = self._best()
        count = sum(1 for q in self.questions if q.type != DESCRIPTION)
        parts = [
            tr("Pass mark: {mark} %", mark=percent(self._pass_mark / 100)),
            tr("Best score so far: {best} %", best=percent(best)) if best is not None
            else tr("No finished attempt yet"),
            tr("Questions: {count}", count=count),
        ]
        self.info_label.setText(" · ".join(parts))

    def _refresh_history(self) -> None:
        learner = self.ctx.learner
        self._attempts = [] if learner is None or not self.course_id else activity.list_attempts(
            self.ctx.campus.sessions, learner.id, self.course_id, self.module_id)
        self._fill_history()
        self._render_header()
        self._update_buttons()

    def _fill_history(self) -> None:
        self.history.blockSignals(True)
        self.history.clear()
        for attempt in self._attempts:
            if attempt.state != "finished" or attempt.score is None:
                text = tr("{date}: in progress", date=_when(attempt))
            elif attempt.passed:
                text = tr("{date}: {score} %, passed", date=_when(attempt),
                          score=percent(attempt.score))
            else:
                text = tr("{date}: {score} %, not passed", date=_when(attempt),
                          score=percent(attempt.score))
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, attempt.id)
            self.history.addItem(item)
            if attempt.id == self.attempt_id:
                self.history.setCurrentItem(item)
        self.history.blockSignals(False)

    def _history_chosen(self, item: QListWidgetItem) -> None:
        attempt_id = item.data(Qt.ItemDataRole.UserRole)
        if attempt_id != self.attempt_id:
            self.review_attempt(attempt_id)

    def _update_buttons(self) -> None:
        answering = self.attempt_id is not None and not self.reviewing
        self.submit_button.setVisible(answering)
        self.try_again_button.setVisible(self.reviewing)
        open_attempt = any(a.state != "finished" for a in self._attempts)
        self.try_again_button.setText(
            tr("Continue my attempt") if open_attempt else tr("Try again"))
        self.back_button.setVisible(bool(self.module_id))

    def _set_error(self, text: Callable[[], str] | None) -> None:
        self._error = text
        self.error_label.setVisible(text is not None)
        if text is not None:
            self.error_label.setText(text())
        self._render_header()

    def _failed(self, exc: Exception) -> None:
        error = str(exc)
        self._set_error(lambda: tr("Your answers could not be saved: {error}", error=error))
        self.ctx.message.emit(self.error_label.text())

    def _ask(self, text: str) -> bool:
        reply = QMessageBox.question(
            self, tr("Submit answers"), text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return reply == QMessageBox.StandardButton.Yes

    # -- Qt -----------------------------------------------------------------------------------
    def retranslate(self) -> None:
        """Re-read every string in the current language; answers and scroll stay put."""
        self.submit_button.setText(tr("Submit answers"))
        self.submit_button.setToolTip(tr("Submit answers (Ctrl+Return)"))
        self.back_button.setText(tr("Back to module"))
        self.history_label.setText(tr("Past attempts"))
        self.history.setAccessibleName(tr("Past attempts"))
        self.scroll.setAccessibleName(tr("Questions"))
        if self._error is not None:
            self.error_label.setText(self._error())
        for widget in self.question_widgets:
            widget.retranslate()
        self._render_header()
        self._render_result()
        self._fill_history()
        self._update_buttons()

    def hideEvent(self, event: QHideEvent) -> None:
        self.save_pending()  # leaving the page or closing the window
        super().hideEvent(event)
