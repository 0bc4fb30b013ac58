from __future__ import annotations

from datetime import UTC, datetime

import pytest

from stepcampus.progress import activity, xapi
from stepcampus.store import courses
from stepcampus.store.database import SessionFactory
from tests.progress.conftest import Outbox

COURSE = "isp"
PROGRESS = xapi.PROGRESS_EXTENSION


def test_launch(factory: SessionFactory, outbox: Outbox, learner: str) -> None:
    courses.record_install(factory, COURSE, "1.0.0", "Inclusive social protection", "{}", "s", "k")
    activity.record_launch(factory, learner, COURSE)
    statement = outbox.one("launched")
    assert statement["actor"]["account"] == {"homePage": xapi.HOME_PAGE, "name": learner}
    assert statement["actor"]["name"] == "Amina"
    assert statement["object"]["id"] == "urn:stepcampus:course:isp"
    assert statement["object"]["definition"]["name"] == {"und": "Inclusive social protection"}


def test_launch_of_a_course_not_installed_has_no_name(
    factory: SessionFactory, outbox: Outbox, learner: str
) -> None:
    activity.record_launch(factory, learner, COURSE)
    assert "definition" not in outbox.one("launched")["object"]


def test_launch_marks_the_profile_used(
    factory: SessionFactory, learner: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = datetime(2030, 1, 1, tzinfo=UTC)
    monkeypatch.setattr(activity, "utcnow", lambda: later)
    activity.record_launch(factory, learner, COURSE)
    assert activity.list_profiles(factory)[0].last_used_at == later


def test_progress_never_decreases(factory: SessionFactory, outbox: Outbox, learner: str) -> None:
    row = activity.record_progress(factory, learner, COURSE, "m1", "p-3", 30)
    assert (row.percent, row.position) == (30, "p-3")
    statement = outbox.one("progressed")
    assert statement["object"]["id"] == "urn:stepcampus:course:isp:module:m1"
    assert statement["result"]["extensions"] == {PROGRESS: 30}
    assert statement["context"]["contextActivities"]["parent"][0]["id"] == xapi.course_iri(COURSE)

    row = activity.record_progress(factory, learner, COURSE, "m1", "p-1", 20)
    assert (row.percent, row.position) == (30, "p-1")  # back to re-read: percent holds
    assert outbox.new() == []

    activity.record_progress(factory, learner, COURSE, "m1", None, 55)
    assert outbox.one("progressed")["result"]["extensions"] == {PROGRESS: 55}
    [stored] = activity.course_progress(factory, learner, COURSE)
    assert (stored.percent, stored.position) == (55, "p-1")


@pytest.mark.parametrize("percent", [-1, 101, 50.5, True])
def test_progress_percent_is_checked(
    factory: SessionFactory, learner: str, percent: object
) -> None:
    with pytest.raises(ValueError, match="percent"):
        activity.record_progress(factory, learner, COURSE, "m1", None, percent)  # type: ignore[arg-type]


def test_complete_twice_makes_one_statement(
    factory: SessionFactory, outbox: Outbox, learner: str
) -> None:
    activity.record_progress(factory, learner, COURSE, "m1", "p-9", 80)
    outbox.new()
    first = activity.complete_module(factory, learner, COURSE, "m1")
    statement = outbox.one("completed")
    assert statement["object"]["id"] == xapi.module_iri(COURSE, "m1")
    assert statement["result"] == {"completion": True}
    assert first.percent == 100 and first.completed_at is not None
    again = activity.complete_module(factory, learner, COURSE, "m1")
    assert outbox.new() == []
    assert again.completed_at == first.completed_at


def test_state_and_statement_share_one_transaction(
    factory: SessionFactory, outbox: Outbox, learner: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> dict:
        raise RuntimeError("disk full")

    monkeypatch.setattr(xapi, "statement", fail)
    with pytest.raises(RuntimeError):
        activity.record_progress(factory, learner, COURSE, "m1", "p-2", 20)
    assert activity.course_progress(factory, learner, COURSE) == []
    assert outbox.new() == []
