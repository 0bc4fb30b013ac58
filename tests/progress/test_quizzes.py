from __future__ import annotations

import uuid

import pytest

from stepcampus.errors import StepCampusError
from stepcampus.progress import activity, xapi
from stepcampus.store.database import SessionFactory
from tests.progress.conftest import Outbox

COURSE, QUIZ = "isp", "m1"


def test_start_and_resume(factory: SessionFactory, outbox: Outbox, learner: str) -> None:
    attempt = activity.start_attempt(factory, learner, COURSE, QUIZ)
    statement = outbox.one("attempted")
    assert statement["object"]["id"] == "urn:stepcampus:course:isp:quiz:m1"
    assert statement["context"]["registration"] == str(uuid.UUID(attempt))
    activity.save_answer(factory, attempt, 0, [1, 3], 0.5)
    activity.save_answer(factory, attempt, 2, "a safety net", None)
    outbox.new()

    assert activity.start_attempt(factory, learner, COURSE, QUIZ) == attempt
    assert outbox.new() == []  # resuming is not a new attempt
    assert activity.attempt_answers(factory, attempt) == {0: [1, 3], 2: "a safety net"}
    other = activity.start_attempt(factory, learner, COURSE, "m2")
    assert other != attempt


def test_answer_statement(factory: SessionFactory, outbox: Outbox, learner: str) -> None:
    attempt = activity.start_attempt(factory, learner, COURSE, QUIZ)
    outbox.new()
    activity.save_answer(factory, attempt, 1, [2], 1.0)
    statement = outbox.one("answered")
    assert statement["object"]["id"] == "urn:stepcampus:course:isp:quiz:m1:question:1"
    assert statement["result"] == {"score": {"scaled": 1.0}, "response": "[2]"}
    context = statement["context"]
    assert context["registration"] == str(uuid.UUID(attempt))
    assert context["contextActivities"]["parent"][0]["id"] == xapi.quiz_iri(COURSE, QUIZ)
    assert context["contextActivities"]["grouping"][0]["id"] == xapi.course_iri(COURSE)

    activity.save_answer(factory, attempt, 3, "free text", None)
    assert outbox.one("answered")["result"] == {"response": "free text"}


def test_answering_again_replaces(factory: SessionFactory, outbox: Outbox, learner: str) -> None:
    attempt = activity.start_attempt(factory, learner, COURSE, QUIZ)
    activity.save_answer(factory, attempt, 0, [1], 0.0)
    activity.save_answer(factory, attempt, 0, [2], 1.0)
    assert activity.attempt_answers(factory, attempt) == {0: [2]}
    assert len(outbox.new()) == 3  # attempted, answered, answered


@pytest.mark.parametrize(
    ("score", "pass_mark", "verb", "passed"),
    [(0.7, 70, "passed", True), (0.69, 70, "failed", False), (1.0, 100, "passed", True)],
)
def test_finish_from_pass_mark(
    factory: SessionFactory,
    outbox: Outbox,
    learner: str,
    score: float,
    pass_mark: float,
    verb: str,
    passed: bool,
) -> None:
    attempt_id = activity.start_attempt(factory, learner, COURSE, QUIZ)
    outbox.new()
    attempt = activity.finish_attempt(factory, attempt_id, score, pass_mark)
    assert (attempt.state, attempt.passed, attempt.score) == ("finished", passed, score)
    assert attempt.finished_at is not None
    statement = outbox.one(verb)
    assert statement["object"]["id"] == xapi.quiz_iri(COURSE, QUIZ)
    assert statement["result"] == {
        "score": {"scaled": score},
        "success": passed,
        "completion": True,
    }
    assert statement["context"]["registration"] == str(uuid.UUID(attempt_id))


def test_finished_attempt_is_final(factory: SessionFactory, outbox: Outbox, learner: str) -> None:
    attempt_id = activity.start_attempt(factory, learner, COURSE, QUIZ)
    activity.finish_attempt(factory, attempt_id, 0.4, 70)
    outbox.new()
    again = activity.finish_attempt(factory, attempt_id, 0.9, 70)
    assert (again.score, again.passed) == (0.4, False)
    assert outbox.new() == []
    with pytest.raises(StepCampusError, match="finished"):
        activity.save_answer(factory, attempt_id, 0, [1], 1.0)
    assert activity.start_attempt(factory, learner, COURSE, QUIZ) != attempt_id


def test_best_score(factory: SessionFactory, learner: str) -> None:
    assert activity.best_score(factory, learner, COURSE, QUIZ) is None
    for score in (0.4, 0.8, 0.6):
        attempt = activity.start_attempt(factory, learner, COURSE, QUIZ)
        activity.finish_attempt(factory, attempt, score, 70)
    activity.start_attempt(factory, learner, COURSE, QUIZ)  # in progress: not counted
    assert activity.best_score(factory, learner, COURSE, QUIZ) == 0.8
    assert activity.best_score(factory, learner, COURSE, "m2") is None


def test_unknown_attempt(factory: SessionFactory) -> None:
    with pytest.raises(StepCampusError, match="no quiz attempt"):
        activity.save_answer(factory, "0" * 32, 0, "x", None)


@pytest.mark.parametrize(("index", "fraction"), [(-1, None), (0, 1.5), (0, -0.1)])
def test_answer_values_are_checked(
    factory: SessionFactory, learner: str, index: int, fraction: float | None
) -> None:
    attempt = activity.start_attempt(factory, learner, COURSE, QUIZ)
    with pytest.raises(ValueError):
        activity.save_answer(factory, attempt, index, "x", fraction)
