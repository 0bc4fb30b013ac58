"""The quiz screen on the real store: answering each question type the way a person does,
marking, resuming an interrupted attempt, and reviewing past attempts."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QWidget,
)

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.coursepack.gift import parse_gift
from stepcampus.progress import activity
from stepcampus.progress.xapi import VERB_BASE
from stepcampus.quiz.model import (
    BLANK,
    DESCRIPTION,
    ESSAY,
    MATCHING,
    MULTICHOICE,
    MULTIPLE_ANSWERS,
    NUMERICAL,
    SHORTANSWER,
    TRUEFALSE,
    Question,
)
from ui import i18n
from ui.context import AppContext, Learner
from ui.quiz import QuizPage
from ui.quiz_widgets import (
    ChoiceQuestion,
    DescriptionItem,
    EssayQuestion,
    MatchingQuestion,
    QuestionWidget,
    TypedQuestion,
    question_widget,
)

MODULE = "social-exclusion"
LEFT = Qt.MouseButton.LeftButton

EVERY_TYPE = r"""
::intro::[markdown]Read the questions below. Some text in **bold** and <script>alert(1)</script>.

::mc::[html]Which is a <b>colour</b>?{=Red#Yes, red. ~Table#No, a table is furniture. ~Dog}

::ma::Pick the even numbers.{~%50%Two ~%50%Four ~%-100%Three}

::tf::The sky is green.{F#It is not.#Right, it is not.}

::sa::Name the capital of France.{=Paris =paris#Fine}

::num::What is 2 + 2?{#4:0}

::match::Match the animals.{=Cat -> Meow =Dog -> Woof =Cow -> Moo}

::essay::Describe your day.{}

::missing::The cat {=sat ~ran} on the mat.

::gap::Mix red and blue to get {=purple} paint.
"""


@pytest.fixture
def ctx(qtbot, campus: Campus) -> AppContext:
    campus.ensure_sample_course()
    profile = activity.create_profile(campus.sessions, "Ana")
    context = AppContext(campus)
    context.sign_in(Learner(profile.id, profile.name))
    return context


@pytest.fixture
def page(qtbot, ctx: AppContext) -> QuizPage:
    quiz = QuizPage(ctx)
    qtbot.addWidget(quiz)
    quiz.resize(1000, 800)
    quiz.show()
    quiz.show_quiz(SAMPLE_COURSE, MODULE)
    return quiz


def _best(question: Question) -> int:
    return max(range(len(question.answers)), key=lambda i: question.answers[i].weight)


def _worst(question: Question) -> int:
    return min(range(len(question.answers)), key=lambda i: question.answers[i].weight)


def _click(qtbot, button: QWidget) -> None:
    """Click as a person does: scrolled into view first, since the click lands where it shows."""
    parent = button.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is not None:
        parent.ensureWidgetVisible(button)
    # On the box, not the middle: a wide button with a short label only takes clicks there.
    qtbot.mouseClick(button, LEFT, pos=QPoint(8, button.height() // 2))


def _type_in(qtbot, field: QLineEdit | QPlainTextEdit, text: str) -> None:
    field.setFocus()
    qtbot.keyClicks(field, text)
    if isinstance(field, QLineEdit):
        qtbot.keyClick(field, Qt.Key.Key_Return)  # editingFinished: the answer is kept


def _choose(qtbot, combo: QComboBox, data: str | None) -> None:
    """Pick an entry with the arrow keys, as a keyboard user does."""
    combo.setFocus()
    target = combo.findData(data)
    assert target >= 0
    for _ in range(combo.count()):
        if combo.currentIndex() == target:
            break
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)
    assert combo.currentIndex() == target


def answer(qtbot, widget: QuestionWidget, right: bool) -> None:
    """Answer one question through its widgets, rightly or wrongly."""
    q = widget.question
    if q.type == MULTICHOICE:
        assert isinstance(widget, ChoiceQuestion)
        _click(qtbot, widget.buttons[_best(q) if right else _worst(q)])
    elif q.type == MULTIPLE_ANSWERS:
        assert isinstance(widget, ChoiceQuestion)
        for i, a in enumerate(q.answers):
            if (a.weight > 0) == right:
                _click(qtbot, widget.buttons[i])
    elif q.type == TRUEFALSE:
        assert isinstance(widget, ChoiceQuestion)
        _click(qtbot, widget.buttons[bool(q.correct_answer) == right])
    elif q.type == SHORTANSWER:
        assert isinstance(widget, TypedQuestion)
        _type_in(qtbot, widget.line_edit, q.answers[_best(q)].text if right else "zzz")
    elif q.type == NUMERICAL:
        assert isinstance(widget, TypedQuestion)
        best = q.answers[_best(q)]
        value = best.value if best.value is not None else (best.low + best.high) / 2
        _type_in(qtbot, widget.line_edit, f"{value:g}" if right else "-12345")
    elif q.type == MATCHING:
        assert isinstance(widget, MatchingQuestion)
        stems = list(widget.combos)
        for n, index in enumerate(stems):
            # wrong: every item gets the next item's match
            source = index if right else stems[(n + 1) % len(stems)]
            _choose(qtbot, widget.combos[index], q.answers[source].match)
    elif q.type == ESSAY:
        assert isinstance(widget, EssayQuestion)
        _type_in(qtbot, widget.text_edit, "My thoughts.")


def verbs(campus: Campus) -> list[str]:
    return [s["verb"]["id"].removeprefix(VERB_BASE)
            for s in activity.pending_statements(campus.sessions, limit=10_000)]


def test_answering_everything_right_passes(qtbot, page: QuizPage, ctx: AppContext) -> None:
    assert page.title_label.text() == "Social exclusion and exclusion from social protection"
    assert "Pass mark: 70 %" in page.info_label.text()
    assert "No finished attempt yet" in page.info_label.text()
    assert page.history.count() == 1 and "in progress" in page.history.item(0).text()
    widgets = page.question_widgets
    assert len(widgets) == len(page.questions) and widgets
    assert f"Questions: {sum(q.type != DESCRIPTION for q in page.questions)}" in \
        page.info_label.text()

    for widget in widgets:
        answer(qtbot, widget, right=True)
    # Each answer was kept as it was given, before any submit.
    saved = activity.attempt_answers(ctx.campus.sessions, page.attempt_id)
    assert set(saved) == {w.index for w in widgets if w.answered()}

    asked: list[str] = []
    page.confirm = lambda text: asked.append(text) or False
    with qtbot.waitSignal(ctx.progress_changed) as signal:
        qtbot.mouseClick(page.submit_button, LEFT)
    assert signal.args == [SAMPLE_COURSE]
    assert asked == []  # everything was answered: no question asked

    assert page.reviewing
    text = page.result_label.text()
    assert "Your score: 100 %" in text and "Passed" in text and "Not passed" not in text
    assert "Best score so far: 100 %" in page.info_label.text()
    assert not page.submit_button.isVisible() and page.try_again_button.isVisible()
    for widget in widgets:
        if widget.scored:
            assert widget.mark_label.text() == "✔ Correct"
            assert "Right answer" not in widget.feedback_label.text()
    assert activity.best_score(ctx.campus.sessions, ctx.learner.id, SAMPLE_COURSE, MODULE) == 1.0

    statements = activity.pending_statements(ctx.campus.sessions, limit=10_000)
    passed = [s for s in statements if s["verb"]["id"] == VERB_BASE + "passed"]
    assert len(passed) == 1 and passed[0]["result"]["score"]["scaled"] == 1.0
    marked = [s for s in statements if s["verb"]["id"] == VERB_BASE + "answered"
              and s["result"].get("score", {}).get("scaled") == 1.0]
    assert len(marked) == sum(w.scored for w in widgets)
    assert page.history.count() == 1 and "100 %, passed" in page.history.item(0).text()


def test_a_failing_attempt_keeps_the_best_score(qtbot, page: QuizPage, ctx: AppContext) -> None:
    for widget in page.question_widgets:
        answer(qtbot, widget, right=True)
    page.submit()
    assert "Your score: 100 %" in page.result_label.text()

    qtbot.mouseClick(page.try_again_button, LEFT)  # a new attempt, nothing answered
    assert not page.reviewing and page.submit_button.isVisible()
    assert not any(w.answered() for w in page.question_widgets)
    scored = [w for w in page.question_widgets if w.scored]
    for widget in scored[:-1]:
        answer(qtbot, widget, right=False)
    # the last one left unanswered: submitting asks first
    asked: list[str] = []
    page.confirm = lambda text: asked.append(text) is None and False
    page.submit()
    assert len(asked) == 1 and str(scored[-1].number) in asked[0]
    assert not page.reviewing  # said no: still answering
    page.confirm = lambda text: True
    qtbot.keyClick(page.submit_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert page.reviewing
    text = page.result_label.text()
    assert "Not passed" in text and "Best score so far: 100 %" in text
    assert "Best score so far: 100 %" in page.info_label.text()
    assert activity.best_score(ctx.campus.sessions, ctx.learner.id, SAMPLE_COURSE, MODULE) == 1.0
    assert "failed" in verbs(ctx.campus)
    for widget in scored[:-1]:
        assert not widget.mark_label.isHidden()
        assert widget.mark_label.text() in ("✘ Incorrect", "◐ Partly correct")
        assert not widget.feedback_label.isHidden()
        assert "Right answer" in widget.feedback_label.text()
    assert scored[-1].mark_label.text() == "✘ Not answered"
    first = scored[0]  # the sample's first question has feedback for each choice
    assert "Not quite" in first.feedback_label.text() or "No." in first.feedback_label.text()
    assert [page.history.item(i).text().endswith("not passed") for i in range(2)] == [True, False]


def test_an_interrupted_attempt_resumes_with_its_answers(qtbot, ctx: AppContext) -> None:
    page = QuizPage(ctx)  # not handed to qtbot: this test destroys it
    page.show()
    page.show_quiz(SAMPLE_COURSE, MODULE)
    attempt = page.attempt_id
    choice = next(w for w in page.question_widgets if w.question.type == MULTICHOICE)
    typed = next(w for w in page.question_widgets if w.question.type == NUMERICAL)
    answer(qtbot, choice, right=True)
    typed.line_edit.setFocus()
    qtbot.keyClicks(typed.line_edit, "1998")  # no Return: kept when the page goes
    chosen = choice.response()
    page.close()
    page.deleteLater()
    qtbot.wait(10)

    again = QuizPage(ctx)
    qtbot.addWidget(again)
    again.show()
    again.show_quiz(SAMPLE_COURSE, MODULE)
    assert again.attempt_id == attempt
    assert again.question_widgets[choice.index].response() == chosen
    assert again.question_widgets[typed.index].line_edit.text() == "1998"
    assert sum(w.answered() for w in again.question_widgets) == 2
    # the choices keep their order within the attempt
    assert list(again.question_widgets[choice.index].buttons) == list(choice.buttons)


def test_reviewing_a_finished_attempt_is_read_only(qtbot, page: QuizPage, ctx: AppContext) -> None:
    for widget in page.question_widgets:
        answer(qtbot, widget, right=False)
    page.confirm = lambda text: True
    page.submit()
    finished = page.attempt_id
    responses = {w.index: w.response() for w in page.question_widgets}
    page.try_again()
    assert page.attempt_id != finished and not page.reviewing
    choice = next(w for w in page.question_widgets if w.question.type == TRUEFALSE)
    answer(qtbot, choice, right=True)
    open_answer = choice.response()

    row = next(i for i in range(page.history.count())
               if page.history.item(i).data(Qt.ItemDataRole.UserRole) == finished)
    item = page.history.item(row)
    qtbot.mouseClick(page.history.viewport(), LEFT,
                     pos=page.history.visualItemRect(item).center())
    assert page.reviewing and page.attempt_id == finished
    assert "Not passed" in page.result_label.text()
    assert {w.index: w.response() for w in page.question_widgets} == responses
    for widget in page.question_widgets:
        for field in widget.answer_widgets():
            if isinstance(field, QLineEdit | QPlainTextEdit):
                assert field.isReadOnly()
            else:
                assert not field.isEnabled()
        if widget.scored:
            assert not widget.mark_label.isHidden()
    assert page.try_again_button.text() == "Continue my attempt"

    qtbot.mouseClick(page.try_again_button, LEFT)  # back to the open attempt, answer kept
    assert not page.reviewing and page.attempt_id != finished
    assert page.question_widgets[choice.index].response() == open_answer


def test_retranslate_keeps_answers(qtbot, page: QuizPage) -> None:
    widget = next(w for w in page.question_widgets if w.question.type == TRUEFALSE)
    answer(qtbot, widget, right=True)
    before = widget.response()
    page.scroll.verticalScrollBar().setValue(page.scroll.verticalScrollBar().maximum())
    position = page.scroll.verticalScrollBar().value()
    i18n.set_language("fr")
    try:
        page.retranslate()
        assert widget.response() == before
        assert page.question_widgets[widget.index] is widget
        assert page.scroll.verticalScrollBar().value() == position
        assert page.submit_button.text() == i18n.tr("Submit answers")
    finally:
        i18n.set_language("en")
        page.retranslate()
    assert page.submit_button.text() == "Submit answers"
    assert widget.labels[True].text() == "True"
    assert widget.buttons[True].accessibleName() == "True"


def test_keyboard_reaches_every_answer(qtbot, page: QuizPage, ctx: AppContext) -> None:
    page.activateWindow()
    first = page.question_widgets[0].answer_widgets()[0]
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    reached: set[int] = set()
    for _ in range(200):
        focused = page.focusWidget()
        for widget in page.question_widgets:
            if focused in widget.answer_widgets():
                reached.add(widget.index)
        if focused is page.submit_button:
            break
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert page.focusWidget() is page.submit_button
    assert reached == {w.index for w in page.question_widgets if w.answer_widgets()}

    # every answer widget says which question it answers
    for widget in page.question_widgets:
        for field in widget.answer_widgets():
            name = f"Question {widget.number} answer"
            assert name in (field.accessibleName(), field.accessibleDescription()) or \
                field.accessibleName().startswith(name), field

    # arrows move within a radio group, choosing as they go; the choice is kept at once
    choice = next(w for w in page.question_widgets if w.question.type == MULTICHOICE)
    assert isinstance(choice, ChoiceQuestion)
    buttons = list(choice.buttons.values())
    buttons[0].setFocus()
    qtbot.keyClick(buttons[0], Qt.Key.Key_Space)
    qtbot.keyClick(buttons[0], Qt.Key.Key_Down)
    assert buttons[1].hasFocus() and buttons[1].isChecked()
    saved = activity.attempt_answers(ctx.campus.sessions, page.attempt_id)
    assert saved[choice.index] == choice.response()


# -- every question type, on the widgets themselves ------------------------------------------

@pytest.fixture
def every_type() -> list[Question]:
    return parse_gift(EVERY_TYPE, "every-type.gift")


def test_each_type_gets_the_expected_widget(qtbot, every_type: list[Question]) -> None:
    kinds = {q.name: q for q in every_type}
    assert kinds["missing"].is_missing_word and kinds["gap"].is_missing_word
    built: dict[str, QuestionWidget] = {}
    for index, question in enumerate(every_type):
        widget = question_widget(index, index or None, question, "seed")
        qtbot.addWidget(widget)
        built[question.name or ""] = widget
    expected: dict[str, tuple[type, type | None]] = {
        "intro": (DescriptionItem, None),
        "mc": (ChoiceQuestion, QRadioButton),
        "ma": (ChoiceQuestion, QCheckBox),
        "tf": (ChoiceQuestion, QRadioButton),
        "sa": (TypedQuestion, QLineEdit),
        "num": (TypedQuestion, QLineEdit),
        "match": (MatchingQuestion, QComboBox),
        "essay": (EssayQuestion, QPlainTextEdit),
        "missing": (ChoiceQuestion, QRadioButton),
        "gap": (TypedQuestion, QLineEdit),
    }
    for name, (kind, field) in expected.items():
        widget = built[name]
        assert type(widget) is kind, name
        fields = widget.answer_widgets()
        if field is None:
            assert fields == []
        else:
            assert fields and all(type(f) is field for f in fields), name

    intro = built["intro"].text_label.text()
    assert "<strong>bold</strong>" in intro or "<b>bold</b>" in intro
    assert "<script" not in intro and "alert" not in intro
    assert "<b>colour</b>" in built["mc"].text_label.text()
    assert BLANK in built["missing"].text_label.text()
    assert BLANK in built["gap"].text_label.text()
    tf = built["tf"]
    assert isinstance(tf, ChoiceQuestion)
    assert [label.text() for label in tf.labels.values()] == ["True", "False"]
    qtbot.mouseClick(tf.labels[False], LEFT)  # the words take a click, as on any form
    assert tf.response() is False
    match = built["match"]
    assert isinstance(match, MatchingQuestion)
    combo = next(iter(match.combos.values()))
    assert [combo.itemText(i) for i in range(combo.count())] == ["Choose…", "Meow", "Moo", "Woof"]
    assert built["essay"].fraction() is None
    assert "Not scored" in built["essay"].note_label.text()  # type: ignore[attr-defined]

    for widget in built.values():
        answer(qtbot, widget, right=True)
    fractions = {name: w.fraction() for name, w in built.items()}
    assert fractions == {"intro": None, "mc": 1.0, "ma": 1.0, "tf": 1.0, "sa": 1.0,
                         "num": 1.0, "match": 1.0, "essay": None, "missing": 1.0, "gap": 1.0}
    assert built["essay"].response() == "My thoughts."
    assert built["match"].response() == {0: "Meow", 1: "Woof", 2: "Moo"}

    # marking shows the feedback and, for wrong answers, the right one
    mc = built["mc"]
    assert isinstance(mc, ChoiceQuestion)
    _click(qtbot, mc.buttons[1])
    assert mc.fraction() == 0.0
    mc.set_read_only(True)
    mc.show_marking()
    assert mc.mark_label.text() == "✘ Incorrect"
    assert "a table is furniture" in mc.feedback_label.text()
    assert "Right answer: Red" in mc.feedback_label.text()
    assert not mc.buttons[0].isEnabled()


def test_saved_responses_restore_into_each_type(qtbot, every_type: list[Question]) -> None:
    # as read back from the store: JSON, so matching keys are strings
    stored: dict[str, Any] = {"mc": 0, "ma": [0, 1], "tf": False, "sa": "Paris", "num": "4",
                              "match": {"0": "Meow", "1": "Woof", "2": "Moo"},
                              "essay": "Kept", "missing": 0, "gap": "purple"}
    for index, question in enumerate(every_type):
        widget = question_widget(index, index or None, question, "another seed")
        qtbot.addWidget(widget)
        with qtbot.assertNotEmitted(widget.changed):
            widget.set_response(stored.get(question.name or ""))
        if question.name in stored:
            assert widget.answered(), question.name
            if widget.scored:
                assert widget.fraction() == 1.0, question.name
    # a response that no longer fits the question is ignored, not an error
    widget = question_widget(1, 1, every_type[1], "")
    qtbot.addWidget(widget)
    widget.set_response(99)
    widget.set_response({"bad": "shape"})
    assert not widget.answered()


def test_another_learner_does_not_see_the_attempt(qtbot, page: QuizPage, ctx: AppContext) -> None:
    typed = next(w for w in page.question_widgets if w.question.type == SHORTANSWER)
    typed.line_edit.setFocus()
    qtbot.keyClicks(typed.line_edit, "social economy")
    attempt = page.attempt_id
    other = activity.create_profile(ctx.campus.sessions, "Bruno")
    ctx.sign_in(Learner(other.id, other.name))
    assert page.question_widgets == [] and page.history.count() == 0
    assert activity.attempt_answers(ctx.campus.sessions, attempt) == {
        typed.index: "social economy"}  # the first learner's typing was kept
    page.show_quiz(SAMPLE_COURSE, MODULE)
    assert page.attempt_id != attempt
    assert not any(w.answered() for w in page.question_widgets)
