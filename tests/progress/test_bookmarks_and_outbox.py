from __future__ import annotations

from stepcampus.progress import activity
from stepcampus.progress.xapi import validate_statement
from stepcampus.store.database import SessionFactory
from tests.progress.conftest import Outbox

COURSE = "isp"


def test_bookmarks(factory: SessionFactory, outbox: Outbox, learner: str) -> None:
    first = activity.add_bookmark(factory, learner, COURSE, "m1", "p-4", "see the table")
    activity.add_bookmark(factory, learner, "other", "m9", "p-1")
    third = activity.add_bookmark(factory, learner, COURSE, "m2", "p-8")
    assert outbox.new() == []  # bookmarks are private notes, not learning records
    listed = activity.list_bookmarks(factory, learner, COURSE)
    assert [(b.module_id, b.anchor, b.note) for b in listed] == [
        ("m1", "p-4", "see the table"),
        ("m2", "p-8", ""),
    ]
    assert len(activity.list_bookmarks(factory, learner)) == 3
    assert activity.delete_bookmark(factory, first.id) is True
    assert activity.delete_bookmark(factory, first.id) is False
    assert [b.id for b in activity.list_bookmarks(factory, learner, COURSE)] == [third.id]


def _make_statements(factory: SessionFactory, learner: str) -> None:
    activity.record_launch(factory, learner, COURSE)
    activity.record_progress(factory, learner, COURSE, "m1", "p-1", 10)
    activity.complete_module(factory, learner, COURSE, "m1")
    attempt = activity.start_attempt(factory, learner, COURSE, "m1")
    activity.save_answer(factory, attempt, 0, {"a": 1}, 0.25)
    activity.finish_attempt(factory, attempt, 0.25, 50)


def test_pending_in_order_until_acknowledged(factory: SessionFactory, learner: str) -> None:
    _make_statements(factory, learner)
    pending = activity.pending_statements(factory)
    verbs = [s["verb"]["display"]["en-US"] for s in pending]
    assert verbs == ["launched", "progressed", "completed", "attempted", "answered", "failed"]
    for statement in pending:
        validate_statement(statement)
    assert activity.pending_statements(factory, limit=2) == pending[:2]

    assert activity.mark_sent(factory, [pending[0]["id"], pending[2]["id"], "unknown"]) == 2
    assert activity.pending_statements(factory) == [pending[1], *pending[3:]]
    assert activity.mark_sent(factory, [pending[0]["id"]]) == 0  # already sent
    assert activity.mark_sent(factory, []) == 0
    assert activity.mark_sent(factory, (s["id"] for s in pending)) == 4
    assert activity.pending_statements(factory) == []


def test_mark_sent_many(factory: SessionFactory, learner: str) -> None:
    for percent in range(1, 101):
        activity.record_progress(factory, learner, COURSE, "m1", None, percent)
    ids = [s["id"] for s in activity.pending_statements(factory, limit=1000)]
    assert activity.mark_sent(factory, ids * 6) == 100  # spans several update chunks
