from __future__ import annotations

from stepcampus.progress import activity
from stepcampus.store.database import SessionFactory

COURSE, QUIZ = "isp", "m1"


def test_attempts_newest_first(factory: SessionFactory, learner: str) -> None:
    assert activity.list_attempts(factory, learner, COURSE, QUIZ) == []
    first = activity.start_attempt(factory, learner, COURSE, QUIZ)
    activity.finish_attempt(factory, first, 0.5, 70)
    second = activity.start_attempt(factory, learner, COURSE, QUIZ)
    activity.finish_attempt(factory, second, 0.9, 70)
    third = activity.start_attempt(factory, learner, COURSE, QUIZ)  # still in progress
    activity.start_attempt(factory, learner, COURSE, "m2")  # another quiz: not listed
    other = activity.create_profile(factory, "Bruno").id
    activity.start_attempt(factory, other, COURSE, QUIZ)  # another learner: not listed

    attempts = activity.list_attempts(factory, learner, COURSE, QUIZ)
    assert [a.id for a in attempts] == [third, second, first]
    assert [a.state for a in attempts] == ["in_progress", "finished", "finished"]
    assert [a.score for a in attempts] == [None, 0.9, 0.5]
    assert [a.passed for a in attempts] == [None, True, False]
    assert attempts[1].finished_at is not None  # readable after the session closed
