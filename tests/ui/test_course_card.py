"""What a course card says of where the learner stands: time left to read, or, with every
module read, the quizzes still to pass (not "about 0 min left")."""

from __future__ import annotations

from stepcampus.campus import Campus
from stepcampus.progress.summary import CourseSummary, ModuleState
from ui.context import AppContext
from ui.library import CourseCard


def module(n: int, percent: int, passed: bool) -> ModuleState:
    return ModuleState(f"m{n}", f"Module {n}", 20, percent, percent == 100, None, None, True,
                       0.9 if passed else 0.4, passed)


def card_status(qtbot, campus: Campus, modules: list[ModuleState]) -> str:  # type: ignore[no-untyped-def]
    card = CourseCard(AppContext(campus), CourseSummary("c", "A course", "1.0.0", 70.0, modules),
                      "")
    qtbot.addWidget(card)
    return card.status.text()


def test_time_left_or_quizzes_left(qtbot, campus: Campus) -> None:
    assert card_status(qtbot, campus, [module(1, 100, True), module(2, 50, False)]) == (
        "1 of 2 modules done · about 10 min left")
    # 99 % read is less than a minute, but still reading left, not quizzes.
    assert card_status(qtbot, campus, [module(1, 100, True), module(2, 99, False)]) == (
        "1 of 2 modules done · about 1 min left")
    assert card_status(qtbot, campus, [module(1, 100, True), module(2, 100, False)]) == (
        "1 of 2 modules done · quizzes left to pass")
