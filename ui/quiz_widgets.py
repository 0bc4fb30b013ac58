"""One quiz question on screen: its text, the answer widget a person expects for its type, and
its marking once the attempt is submitted.

A widget knows nothing of the store: it reports `changed(index)` when its answer should be
kept, gives its `response()` in the shape `stepcampus.quiz.scoring.score` takes, and restores
one saved earlier with `set_response()` (JSON-loaded, so matching keys arrive as strings).
"""

from __future__ import annotations

import html
import random
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from stepcampus.quiz import scoring
from stepcampus.quiz.model import (
    DESCRIPTION,
    ESSAY,
    MATCHING,
    MULTICHOICE,
    MULTIPLE_ANSWERS,
    NUMERICAL,
    SHORTANSWER,
    TRUEFALSE,
    Answer,
    Question,
)
from stepcampus.quiz.plaintext import plain_text
from ui.i18n import tr

# Typed answers are kept after a pause in typing (and at once when the field is left), so a
# sentence makes one "answered" statement rather than one per key.
TYPING_PAUSE_MS = 1500

# What question text may keep once sanitised: structure and emphasis only. No images, links or
# styles, so a quiz can never make the app fetch anything or look like the app itself.
_TAGS = {
    "p", "br", "hr", "b", "strong", "i", "em", "u", "s", "sub", "sup", "small", "big",
    "ul", "ol", "li", "code", "pre", "blockquote", "span", "div",
    "table", "thead", "tbody", "tr", "th", "td", "h1", "h2", "h3", "h4", "h5", "h6",
}
_FULL = 1 - 1e-9


def rich_text(text: str, fmt: str) -> str:
    """Question text in its GIFT format as safe rich text for a QLabel."""
    if fmt == "plain":
        return html.escape(text).replace("\n", "<br>")
    import nh3

    if fmt == "markdown":
        import markdown

        source = markdown.markdown(text)
    elif fmt == "html":
        source = text
    else:  # Moodle's own format: HTML allowed and line breaks kept
        source = text.replace("\n", "<br>")
    return nh3.clean(source, tags=_TAGS, attributes={}, link_rel=None)


class _ClickableLabel(QLabel):
    """An answer's words beside its button: wraps, and a click on it clicks the button."""

    def __init__(self, button: QAbstractButton) -> None:
        super().__init__()
        self.button = button
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
                event.position().toPoint()):
            self.button.click()  # does nothing while the button is disabled (review)
        super().mouseReleaseEvent(event)


def _number(value: float) -> str:
    return f"{value:g}"


def _best(answers: list[Answer]) -> Answer | None:
    return max(answers, key=lambda a: a.weight, default=None)


def correct_answers(question: Question) -> list[str]:
    """The right answer(s) in words, shown when an answer was not fully right."""
    fmt = question.text_format

    def label(answer: Answer) -> str:
        return plain_text(answer.text, answer.format or fmt)

    if question.type == TRUEFALSE:
        return [tr("True") if question.correct_answer else tr("False")]
    if question.type == MULTIPLE_ANSWERS:
        return [label(a) for a in question.answers if a.weight > 0]
    if question.type == MATCHING:
        return [f"{label(a)} → {plain_text(a.match or '', fmt)}"
                for a in question.answers if a.text]
    if question.type == NUMERICAL:
        best = _best([a for a in question.answers if a.text != "*"])
        if best is None:
            return []
        if best.low is not None and best.high is not None:
            return [tr("{low} to {high}", low=_number(best.low), high=_number(best.high))]
        if best.value is not None and best.tolerance:
            return [f"{_number(best.value)} ± {_number(abs(best.tolerance))}"]
        return [_number(best.value) if best.value is not None else best.text]
    best = _best(question.answers)
    return [label(best)] if best else []


class QuestionWidget(QGroupBox):
    """A numbered question with its answer widget and, once marked, its feedback."""

    changed = Signal(int)  # the question's index: its answer should be kept now

    def __init__(self, index: int, number: int | None, question: Question, seed: str) -> None:
        super().__init__()
        self.index = index
        self.number = number  # None for descriptions, which are not counted as questions
        self.question = question
        self.read_only = False
        self._marked = False
        self._restoring = False
        self._layout = QVBoxLayout(self)
        self.text_label = QLabel(rich_text(question.display_text, question.text_format))
        self.text_label.setTextFormat(Qt.TextFormat.RichText)
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout.addWidget(self.text_label)
        self._build(seed)
        self.mark_label = QLabel()
        self.mark_label.setWordWrap(True)
        self.feedback_label = QLabel()
        self.feedback_label.setTextFormat(Qt.TextFormat.RichText)
        self.feedback_label.setWordWrap(True)
        self.feedback_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.mark_label, self.feedback_label):
            label.hide()
            self._layout.addWidget(label)
        self.retranslate()

    # -- what each type provides --------------------------------------------------------------
    def _build(self, seed: str) -> None:
        """Add the answer widgets to self._layout."""

    @property
    def scored(self) -> bool:
        return self.question.type not in (ESSAY, DESCRIPTION)

    def answer_widgets(self) -> list[QWidget]:
        """The widgets a learner answers with, in tab order."""
        return []

    def response(self) -> Any:
        """The answer shaped for scoring.score; None before anything was chosen."""
        return None

    def answered(self) -> bool:
        return False

    def set_response(self, stored: Any) -> None:
        """Show a response kept earlier; anything that no longer fits the question is ignored."""
        self._restoring = True
        try:
            self._restore(stored)
        except (TypeError, ValueError, AttributeError):
            pass  # the course changed since: show what still fits
        finally:
            self._restoring = False

    def _restore(self, stored: Any) -> None:
        pass

    def _apply_read_only(self, read_only: bool) -> None:
        for widget in self.answer_widgets():
            widget.setEnabled(not read_only)

    # -- shared behaviour ---------------------------------------------------------------------
    @property
    def accessible_answer_name(self) -> str:
        return tr("Question {number} answer", number=self.number)

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self._apply_read_only(read_only)

    def fraction(self) -> float | None:
        """The credit the current answer earns (0..1); None for essays and descriptions."""
        if not self.scored:
            return None
        if not self.answered():
            return 0.0
        try:
            return scoring.score(self.question, self.response())
        except ValueError:
            return 0.0

    def show_marking(self) -> None:
        """Show whether the current answer is right, its feedback and the right answer."""
        self._marked = True
        self._render_marking()

    def clear_marking(self) -> None:
        self._marked = False
        self.mark_label.hide()
        self.feedback_label.hide()

    def retranslate(self) -> None:
        self.setTitle(tr("Question {number}", number=self.number) if self.number else "")
        for widget in self.answer_widgets():
            widget.setAccessibleName(self.accessible_answer_name)
        if self.number:
            self.feedback_label.setAccessibleName(
                tr("Question {number} feedback", number=self.number))
        if self._marked:
            self._render_marking()

    def _emit_changed(self) -> None:
        if not self._restoring and not self.read_only:
            self.changed.emit(self.index)

    def _render_marking(self) -> None:
        question = self.question
        fmt = question.text_format
        parts: list[str] = []
        fraction = self.fraction()
        if fraction is not None:
            if not self.answered():
                mark, wrong = "✘ " + tr("Not answered"), True
            elif fraction >= _FULL:
                mark, wrong = "✔ " + tr("Correct"), False
            elif fraction > 0:
                mark, wrong = "◐ " + tr("Partly correct"), True
            else:
                mark, wrong = "✘ " + tr("Incorrect"), True
            # The symbol and the words carry the mark; the colour only repeats it.
            self.mark_label.setText(mark)
            self.mark_label.setObjectName("error" if wrong else "mark")
            self.mark_label.setStyleSheet("" if wrong else "font-weight: bold;")
            self.mark_label.style().unpolish(self.mark_label)
            self.mark_label.style().polish(self.mark_label)
            self.mark_label.show()
            if self.answered():
                try:
                    feedback = scoring.feedback_for(question, self.response())
                except ValueError:
                    feedback = []
                parts += [rich_text(text, fmt) for text in feedback]
        if question.general_feedback:
            parts.append(rich_text(question.general_feedback,
                                   question.general_feedback_format or fmt))
        if fraction is not None and fraction < _FULL:
            right = correct_answers(question)
            if len(right) == 1:
                parts.append("<p><b>{}</b></p>".format(
                    html.escape(tr("Right answer: {answer}", answer=right[0]))))
            elif right:
                items = "".join(f"<li>{html.escape(text)}</li>" for text in right)
                parts.append(f"<p><b>{html.escape(tr('Right answers:'))}</b></p><ul>{items}</ul>")
        self.feedback_label.setText("".join(f"<div>{part}</div>" for part in parts))
        self.feedback_label.setVisible(bool(parts))


class ChoiceQuestion(QuestionWidget):
    """Multichoice and true/false (radio buttons), multiple answers (check boxes)."""

    def _build(self, seed: str) -> None:
        question = self.question
        self.box = QWidget()  # its own parent, so arrow keys stay within this question
        column = QVBoxLayout(self.box)
        column.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.group.setExclusive(question.type != MULTIPLE_ANSWERS)
        self.buttons: dict[Any, QAbstractButton] = {}  # answer index (True/False) -> button
        keys: list[Any]
        if question.type == TRUEFALSE:
            keys = [True, False]
        else:
            keys = list(range(len(question.answers)))
            # Authors tend to write the right answer first; the order holds within an attempt.
            random.Random(f"{seed}:{self.index}").shuffle(keys)
        kind = QCheckBox if question.type == MULTIPLE_ANSWERS else QRadioButton
        self.labels: dict[Any, QLabel] = {}
        for key in keys:
            # The words sit in a wrapping label beside the button: a button's own text never
            # wraps, and one long answer would push the whole quiz wider than the window.
            button = kind()
            label = _ClickableLabel(button)
            row = QHBoxLayout()
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            row.addWidget(label, 1)
            self.buttons[key] = button
            self.labels[key] = label
            self.group.addButton(button)
            column.addLayout(row)
        self._set_labels()
        self.group.buttonClicked.connect(lambda _button: self._emit_changed())
        self._layout.addWidget(self.box)

    def _set_labels(self) -> None:
        fmt = self.question.text_format
        for key, label in self.labels.items():
            if isinstance(key, bool):
                text = tr("True") if key else tr("False")
            else:
                answer = self.question.answers[key]
                text = plain_text(answer.text, answer.format or fmt)
            label.setText(text)
            self.buttons[key].setAccessibleName(text)  # what a screen reader says for it

    def answer_widgets(self) -> list[QWidget]:
        return list(self.buttons.values())

    def response(self) -> Any:
        chosen = [key for key, button in self.buttons.items() if button.isChecked()]
        if self.question.type == MULTIPLE_ANSWERS:
            return sorted(chosen)
        return chosen[0] if chosen else None

    def answered(self) -> bool:
        return any(button.isChecked() for button in self.buttons.values())

    def _restore(self, stored: Any) -> None:
        if self.question.type == MULTIPLE_ANSWERS:
            ticked = {int(i) for i in stored}
            for key, button in self.buttons.items():
                button.setChecked(key in ticked)
        elif stored in self.buttons and isinstance(stored, bool) == (
                self.question.type == TRUEFALSE):
            self.buttons[stored].setChecked(True)

    def retranslate(self) -> None:
        self.box.setAccessibleName(self.accessible_answer_name)
        super().retranslate()
        # Buttons are read by their answer's words; the question number goes in the description.
        self._set_labels()
        for button in self.buttons.values():
            button.setAccessibleDescription(self.accessible_answer_name)


class TypedQuestion(QuestionWidget):
    """Short answer and numerical: one line to type in."""

    def _build(self, seed: str) -> None:
        self.line_edit = QLineEdit()
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(TYPING_PAUSE_MS)
        self._pause.timeout.connect(self._emit_changed)
        self.line_edit.textEdited.connect(lambda _text: self._pause.start())
        self.line_edit.editingFinished.connect(self._finish_editing)
        self._layout.addWidget(self.line_edit)

    def _finish_editing(self) -> None:
        self._pause.stop()
        self._emit_changed()

    def answer_widgets(self) -> list[QWidget]:
        return [self.line_edit]

    def response(self) -> Any:
        return self.line_edit.text()

    def answered(self) -> bool:
        return bool(self.line_edit.text().strip())

    def _restore(self, stored: Any) -> None:
        if isinstance(stored, str):
            self.line_edit.setText(stored)

    def _apply_read_only(self, read_only: bool) -> None:
        self._pause.stop()
        self.line_edit.setReadOnly(read_only)  # still focusable, so it can be read aloud

    def retranslate(self) -> None:
        self.line_edit.setPlaceholderText(
            tr("A number") if self.question.type == NUMERICAL else tr("Your answer"))
        super().retranslate()


class MatchingQuestion(QuestionWidget):
    """Matching: a drop-down of every right-hand text beside each left-hand item."""

    def _build(self, seed: str) -> None:
        fmt = self.question.text_format
        matches = {a.match for a in self.question.answers if a.match}
        # Sorted, so the list gives nothing away and reads the same on every visit.
        choices = sorted(matches, key=lambda m: plain_text(m, fmt).casefold())
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.combos: dict[int, QComboBox] = {}  # stem's index in question.answers -> combo
        self.stem_labels: dict[int, QLabel] = {}
        for index, answer in enumerate(self.question.answers):
            if not answer.text:  # a distractor: only adds a wrong choice
                continue
            label = QLabel(plain_text(answer.text, answer.format or fmt))
            label.setWordWrap(True)
            combo = QComboBox()
            combo.addItem("", None)
            for choice in choices:
                combo.addItem(plain_text(choice, fmt), choice)
            # Long entries are elided in the box (the open list shows them whole), so the quiz
            # never grows wider than the window.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            combo.activated.connect(lambda _row: self._emit_changed())
            label.setBuddy(combo)
            form.addRow(label, combo)
            self.combos[index] = combo
            self.stem_labels[index] = label
        self._layout.addLayout(form)

    def answer_widgets(self) -> list[QWidget]:
        return list(self.combos.values())

    def response(self) -> Any:
        return {index: combo.currentData() for index, combo in self.combos.items()
                if combo.currentIndex() > 0}

    def answered(self) -> bool:
        return any(combo.currentIndex() > 0 for combo in self.combos.values())

    def _restore(self, stored: Any) -> None:
        for key, value in dict(stored).items():
            combo = self.combos.get(int(key))
            row = combo.findData(value) if combo is not None else -1
            if combo is not None and row > 0:
                combo.setCurrentIndex(row)

    def retranslate(self) -> None:
        super().retranslate()
        for index, combo in self.combos.items():
            combo.setItemText(0, tr("Choose…"))
            combo.setAccessibleName(tr("Question {number} answer for: {item}",
                                       number=self.number, item=self.stem_labels[index].text()))


class EssayQuestion(QuestionWidget):
    """Essay: free text that a facilitator reads; it carries no automatic mark."""

    def _build(self, seed: str) -> None:
        self.text_edit = QPlainTextEdit()
        self.text_edit.setTabChangesFocus(True)  # Tab moves on, as everywhere else
        self.text_edit.setMinimumHeight(120)
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(TYPING_PAUSE_MS)
        self._pause.timeout.connect(self._emit_changed)
        self.text_edit.textChanged.connect(self._typed)
        self.text_edit.installEventFilter(self)
        self.note_label = QLabel()
        self.note_label.setObjectName("hint")
        self.note_label.setWordWrap(True)
        self._layout.addWidget(self.text_edit)
        self._layout.addWidget(self.note_label)

    def _typed(self) -> None:
        if not self._restoring and not self.read_only:
            self._pause.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # getattr: Qt may still filter events while the widget is being torn down.
        if event.type() == QEvent.Type.FocusOut and watched is getattr(self, "text_edit", None):
            self._pause.stop()
            self._emit_changed()
        return super().eventFilter(watched, event)

    def answer_widgets(self) -> list[QWidget]:
        return [self.text_edit]

    def response(self) -> Any:
        return self.text_edit.toPlainText()

    def answered(self) -> bool:
        return bool(self.text_edit.toPlainText().strip())

    def _restore(self, stored: Any) -> None:
        if isinstance(stored, str):
            self.text_edit.setPlainText(stored)

    def _apply_read_only(self, read_only: bool) -> None:
        self._pause.stop()
        self.text_edit.setReadOnly(read_only)

    def retranslate(self) -> None:
        self.note_label.setText(tr("Not scored: a facilitator reads it."))
        super().retranslate()


class DescriptionItem(QuestionWidget):
    """A description: text to read between questions, with nothing to answer."""


_KINDS: dict[str, type[QuestionWidget]] = {
    MULTICHOICE: ChoiceQuestion,
    MULTIPLE_ANSWERS: ChoiceQuestion,
    TRUEFALSE: ChoiceQuestion,
    SHORTANSWER: TypedQuestion,
    NUMERICAL: TypedQuestion,
    MATCHING: MatchingQuestion,
    ESSAY: EssayQuestion,
    DESCRIPTION: DescriptionItem,
}


def question_widget(index: int, number: int | None, question: Question,
                    seed: str = "") -> QuestionWidget:
    """The widget for a question; seed (the attempt id) fixes the order of its choices."""
    return _KINDS.get(question.type, DescriptionItem)(index, number, question, seed)
