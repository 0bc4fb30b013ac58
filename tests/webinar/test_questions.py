"""Questions a learner asks about a webinar, kept in the learner store until the campus server
has them, and the answers merged back by sync."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from stepcampus.errors import InputError
from stepcampus.progress import activity
from stepcampus.progress.xapi import VERB_BASE, validate_statement
from stepcampus.store.database import SessionFactory
from stepcampus.webinar import questions

SERIES = "social-protection-in-crises"
SESSION = "linking-cash-and-safety-nets"


@pytest.fixture
def learner(factory: SessionFactory) -> str:
    return activity.create_profile(factory, "Amina").id


def _server_entry(question: questions.AskedQuestion | None = None, **changes: object
                  ) -> dict[str, object]:
    """An entry as the campus server's GET /api/questions lists it."""
    entry: dict[str, object] = {
        "id": "0" * 32, "series": SERIES, "session": SESSION, "text": "Who pays?",
        "asked": "2026-03-01T09:00:00.000Z", "received": "2026-03-01T09:05:00.000Z",
        "answer": None, "answered_by": None, "answered": None,
        "asked_by": {"username": "amina", "name": "Amina"}}
    if question is not None:
        entry.update(questions.wire_form(question))
    entry.update(changes)
    return entry


def _answered(question: questions.AskedQuestion, answer: str, at: str = "2026-03-02T10:00:00Z",
              by: str = "Fatou") -> dict[str, object]:
    return _server_entry(question, answer=answer, answered=at,
                         answered_by={"username": by.lower(), "name": by})


def test_asking_keeps_the_question_and_records_an_asked_statement(factory: SessionFactory,
                                                                   learner: str) -> None:
    before = {s["id"] for s in activity.pending_statements(factory, limit=1000)}
    question = questions.ask_question(factory, learner, SERIES, SESSION,
                                      "  How are payments targeted?\n")
    assert question.text == "How are payments targeted?"
    assert len(question.id) == 32 and question.sent_at is None and question.answer is None
    [statement] = [s for s in activity.pending_statements(factory, limit=1000)
                   if s["id"] not in before]
    validate_statement(statement)
    assert statement["verb"]["id"] == VERB_BASE + "asked"
    # The session is a module of its series: the same activity its progress statements use.
    assert statement["object"]["id"] == (f"urn:stepcampus:course:{SERIES}:module:{SESSION}")
    assert statement["context"]["contextActivities"]["parent"] == [
        {"objectType": "Activity", "id": f"urn:stepcampus:course:{SERIES}"}]
    assert statement["result"]["response"] == "How are payments targeted?"
    assert statement["actor"]["account"]["name"] == learner

    about_series = questions.ask_question(factory, learner, SERIES, None, "A general one")
    assert about_series.session_id is None
    latest = activity.pending_statements(factory, limit=1000)[-1]
    assert latest["object"]["id"] == f"urn:stepcampus:course:{SERIES}"
    assert "contextActivities" not in latest["context"]


@pytest.mark.parametrize(("series", "session", "text", "field", "says"), [
    (SERIES, SESSION, "   \n ", "text", "is empty"),
    (SERIES, SESSION, "x" * 2001, "text", "longer than 2000"),
    (SERIES, SESSION, "a\x00b", "text", "NUL"),
    ("", SESSION, "fine", "series", "non-empty"),
    (SERIES, "s" * 101, "fine", "session", "longer than 100"),
])
def test_bad_input_names_its_field_and_keeps_nothing(factory: SessionFactory, learner: str,
                                                     series: str, session: str, text: str,
                                                     field: str, says: str) -> None:
    statements = len(activity.pending_statements(factory, limit=1000))
    with pytest.raises(InputError) as raised:
        questions.ask_question(factory, learner, series, session, text)
    [problem] = raised.value.problems
    assert problem.file == field and says in problem.message
    assert questions.list_questions(factory, learner) == []
    assert len(activity.pending_statements(factory, limit=1000)) == statements


def test_exactly_2000_characters_is_accepted(factory: SessionFactory, learner: str) -> None:
    assert len(questions.ask_question(factory, learner, SERIES, SESSION, "y" * 2000).text) == 2000


def test_listing_is_newest_first_and_filters(factory: SessionFactory, learner: str) -> None:
    other = activity.create_profile(factory, "Bilal").id
    first = questions.ask_question(factory, learner, SERIES, SESSION, "first")
    second = questions.ask_question(factory, learner, SERIES, "other-session", "second")
    third = questions.ask_question(factory, learner, "another-series", None, "third")
    questions.ask_question(factory, other, SERIES, SESSION, "not Amina's")
    assert [q.text for q in questions.list_questions(factory, learner)] == [
        "third", "second", "first"]
    assert [q.id for q in questions.list_questions(factory, learner, SERIES)] == [
        second.id, first.id]
    assert [q.id for q in questions.list_questions(factory, learner, SERIES, SESSION)] == [
        first.id]
    assert [q.id for q in questions.unsent_questions(factory, learner)] == [
        first.id, second.id, third.id]  # oldest first: the order they are sent in
    assert [q.id for q in questions.unsent_questions(factory, learner, limit=2)] == [
        first.id, second.id]


def test_mark_sent_counts_only_unsent(factory: SessionFactory, learner: str) -> None:
    one = questions.ask_question(factory, learner, SERIES, SESSION, "one")
    two = questions.ask_question(factory, learner, SERIES, SESSION, "two")
    assert questions.mark_sent(factory, [one.id, "f" * 32]) == 1
    assert questions.mark_sent(factory, [one.id, two.id]) == 1
    assert questions.unsent_questions(factory, learner) == []
    assert questions.unsent_count(factory, learner) == 0


def test_answers_are_new_until_seen_and_new_again_when_changed(factory: SessionFactory,
                                                               learner: str) -> None:
    asked = questions.ask_question(factory, learner, SERIES, SESSION, "Who pays?")
    waiting = questions.ask_question(factory, learner, SERIES, SESSION, "And when?")
    questions.mark_sent(factory, [asked.id, waiting.id])
    assert questions.new_answer_count(factory, learner) == 0

    server = [_answered(asked, "The ministry, from its own budget."), _server_entry(waiting)]
    assert questions.merge_answers(factory, learner, server) == 1
    assert questions.merge_answers(factory, learner, server) == 0  # the same list: nothing new
    [got] = [q for q in questions.list_questions(factory, learner) if q.id == asked.id]
    assert (got.answer, got.answered_by) == ("The ministry, from its own budget.", "Fatou")
    assert got.answered_at == datetime(2026, 3, 2, 10, tzinfo=UTC)
    assert got.answer_seen_at is None
    assert questions.new_answer_count(factory, learner) == 1

    assert questions.mark_answers_seen(factory, learner, [asked.id, waiting.id]) == 1
    assert questions.mark_answers_seen(factory, learner, [asked.id]) == 0
    assert questions.new_answer_count(factory, learner) == 0

    # Answered again on the server: the new text replaces the old and is new again.
    server = [_answered(asked, "The ministry, with donor support.", at="2026-03-03T08:00:00Z",
                        by="Farid"), _server_entry(waiting)]
    assert questions.merge_answers(factory, learner, server) == 1
    [got] = [q for q in questions.list_questions(factory, learner) if q.id == asked.id]
    assert (got.answer, got.answered_by, got.answer_seen_at) == (
        "The ministry, with donor support.", "Farid", None)
    assert questions.new_answer_count(factory, learner) == 1


def test_merging_marks_stored_questions_sent_and_adds_those_asked_elsewhere(
        factory: SessionFactory, learner: str) -> None:
    lost_ack = questions.ask_question(factory, learner, SERIES, SESSION, "Sent, ack lost")
    elsewhere = _server_entry(id="a" * 32, text="Asked on the office computer",
                              answer="Yes.", answered="2026-03-02T10:00:00.000Z",
                              answered_by={"username": "fatou", "name": "Fatou"})
    assert questions.merge_answers(factory, learner, [_server_entry(lost_ack), elsewhere]) == 1
    assert questions.unsent_questions(factory, learner) == []
    listed = {q.id: q for q in questions.list_questions(factory, learner)}
    added = listed["a" * 32]
    assert (added.text, added.series_id, added.session_id, added.answer) == (
        "Asked on the office computer", SERIES, SESSION, "Yes.")
    assert added.asked_at == datetime(2026, 3, 1, 9, tzinfo=UTC) and added.sent_at is not None
    assert questions.new_answer_count(factory, learner) == 1


def test_entries_it_cannot_use_are_skipped_and_others_merge(factory: SessionFactory,
                                                            learner: str) -> None:
    asked = questions.ask_question(factory, learner, SERIES, SESSION, "Who pays?")
    other = activity.create_profile(factory, "Bilal").id
    not_mine = questions.ask_question(factory, other, SERIES, SESSION, "Bilal's")
    junk: list[object] = [
        "not an object", {"id": "nope"}, _server_entry(id="b" * 32, text=""),
        _server_entry(id="c" * 32, asked="yesterday"), _server_entry(id="d" * 32, series=None),
        _answered(not_mine, "Not for Amina's profile"),
    ]
    assert questions.merge_answers(factory, learner, [*junk, _answered(asked, "It works")]) == 1
    assert [q.id for q in questions.list_questions(factory, learner)] == [asked.id]
    assert questions.list_questions(factory, other)[0].answer is None
    # An answer without its time is no answer: the question stays waiting.
    broken = _server_entry(asked, answer="no time", answered=None)
    assert questions.merge_answers(factory, learner, [broken]) == 0
    assert questions.list_questions(factory, learner)[0].answer == "It works"
