"""Pulling from a real campus server: a second computer gets the learner's progress, and two
computers that learned different things both end with everything."""

from __future__ import annotations

import uuid

from stepcampus.progress import activity
from stepcampus.sync.engine import queued_count, sync_profile
from stepcampus.sync.lrs import LrsClient
from tests.sync.conftest import COURSE, HOME, new_learner, no_wait, outbox_ids


def _sync(desk, link):
    return sync_profile(desk.factory, desk.profile_id, link, retry=no_wait())


def _progress(desk) -> dict[str, tuple[int, bool]]:
    return {r.module_id: (r.percent, r.completed_at is not None)
            for r in activity.course_progress(desk.factory, desk.profile_id, COURSE)}


def test_a_new_computer_gets_progress_scores_bookmarks_and_resume(lrs, desktops) -> None:
    learner = new_learner(lrs)
    home = desktops("home")
    f, p = home.factory, home.profile_id
    activity.record_progress(f, p, COURSE, "intro", "p-3", 40)
    activity.complete_module(f, p, COURSE, "basics")
    attempt = activity.start_attempt(f, p, COURSE, "basics")
    activity.finish_attempt(f, attempt, 0.8, 70)
    activity.add_bookmark(f, p, COURSE, "intro", "p-2", "a definition")
    activity.record_progress(f, p, COURSE, "intro", "p-9", 40)  # the latest place read
    _sync(home, home.link(lrs, learner))

    office = desktops("office", profile="Amina at work")
    report = _sync(office, office.link(lrs, learner))

    assert report.received == len(outbox_ids(home))
    assert _progress(office) == {"intro": (40, False), "basics": (100, True)}
    assert activity.best_score(office.factory, office.profile_id, COURSE, "basics") == 0.8
    [finished] = activity.list_attempts(office.factory, office.profile_id, COURSE, "basics")
    assert (finished.id, finished.state, finished.passed) == (attempt, "finished", True)
    [mark] = activity.list_bookmarks(office.factory, office.profile_id, COURSE)
    assert (mark.module_id, mark.anchor, mark.note) == ("intro", "p-2", "a definition")
    rows = {r.module_id: r for r in activity.course_progress(office.factory, office.profile_id,
                                                              COURSE)}
    assert max(rows.values(), key=lambda r: r.updated_at).module_id == "intro"
    assert rows["intro"].position == "p-9"
    assert report.merged == {"modules": 2, "quiz attempts": 1, "bookmarks": 1}
    # nothing to send back: what came is kept as already sent, so a later pull that reads it
    # again counts it once
    assert queued_count(office.factory) == 0 and outbox_ids(office) == outbox_ids(home)


def test_two_computers_end_with_the_union(lrs, desktops) -> None:
    learner = new_learner(lrs)
    a, b = desktops("a"), desktops("b")
    link_a, link_b = a.link(lrs, learner), b.link(lrs, learner)
    activity.record_progress(a.factory, a.profile_id, COURSE, "m1", None, 60)
    low = activity.start_attempt(a.factory, a.profile_id, COURSE, "m1")
    activity.finish_attempt(a.factory, low, 0.5, 70)
    activity.add_bookmark(a.factory, a.profile_id, COURSE, "m1", "p-1")
    activity.record_progress(b.factory, b.profile_id, COURSE, "m1", None, 20)
    activity.complete_module(b.factory, b.profile_id, COURSE, "m2")
    high = activity.start_attempt(b.factory, b.profile_id, COURSE, "m1")
    activity.finish_attempt(b.factory, high, 0.9, 70)
    activity.add_bookmark(b.factory, b.profile_id, COURSE, "m2", "p-5")

    _sync(a, link_a)
    _sync(b, link_b)
    _sync(a, link_a)

    for desk in (a, b):
        assert _progress(desk) == {"m1": (60, False), "m2": (100, True)}
        assert activity.best_score(desk.factory, desk.profile_id, COURSE, "m1") == 0.9
        attempts = activity.list_attempts(desk.factory, desk.profile_id, COURSE, "m1")
        assert sorted(x.id for x in attempts) == sorted([low, high])
        marks = activity.list_bookmarks(desk.factory, desk.profile_id, COURSE)
        assert sorted((m.module_id, m.anchor) for m in marks) == [("m1", "p-1"), ("m2", "p-5")]


def test_merging_twice_changes_nothing(lrs, desktops) -> None:
    learner = new_learner(lrs)
    a, b = desktops("a"), desktops("b")
    activity.complete_module(a.factory, a.profile_id, COURSE, "m1")
    activity.add_bookmark(a.factory, a.profile_id, COURSE, "m1", "p-1")
    _sync(a, a.link(lrs, learner))
    link_b = b.link(lrs, learner)
    first = _sync(b, link_b)
    before = _progress(b)

    second = _sync(b, link_b)

    assert first.received > 0 and first.merged
    assert (second.received, second.merged, second.state_received) == (0, {}, 0)
    assert _progress(b) == before
    assert len(activity.list_bookmarks(b.factory, b.profile_id)) == 1


def test_a_bookmark_deleted_on_one_computer_goes_everywhere(lrs, desktops) -> None:
    learner = new_learner(lrs)
    a, b = desktops("a"), desktops("b")
    link_a, link_b = a.link(lrs, learner), b.link(lrs, learner)
    mark = activity.add_bookmark(a.factory, a.profile_id, COURSE, "m1", "p-1")
    activity.add_bookmark(a.factory, a.profile_id, COURSE, "m1", "p-2")
    _sync(a, link_a)
    _sync(b, link_b)

    activity.delete_bookmark(a.factory, mark.id)
    _sync(a, link_a)
    _sync(b, link_b)
    _sync(a, link_a)

    for desk in (a, b):
        marks = activity.list_bookmarks(desk.factory, desk.profile_id, COURSE)
        assert [m.anchor for m in marks] == ["p-2"]


def test_course_completion_from_elsewhere_is_not_recorded_again(lrs, desktops) -> None:
    from stepcampus.progress import xapi

    learner = new_learner(lrs)
    a, b = desktops("a"), desktops("b")
    with a.factory() as session, session.begin():
        from stepcampus.progress.activity import _profile, _record
        from stepcampus.store.models import utcnow

        _record(session, _profile(session, a.profile_id), "completed", xapi.course_iri(COURSE),
                "Inclusive social protection", at=utcnow(),
                result=xapi.result(scaled=0.9, success=True, completion=True))
    _sync(a, a.link(lrs, learner))

    report = _sync(b, b.link(lrs, learner))

    assert report.merged == {"courses": 1}

    class Done:
        complete, course_id, title, score = True, COURSE, "Inclusive social protection", 0.9

    assert activity.record_course_completion(b.factory, b.profile_id, Done()) is False
    assert queued_count(b.factory) == 0


def test_a_pull_follows_more_across_many_pages_without_repeats(lrs) -> None:
    learner = new_learner(lrs)
    agent = {"objectType": "Agent", "account": {"homePage": HOME, "name": learner.username}}
    posted: list[str] = []
    with lrs.client(auth=(learner.username, learner.password)) as client:
        for batch in range(3):  # each batch shares one `stored` time: ties need the id order
            statements = [{"id": str(uuid.uuid4()), "actor": agent,
                           "verb": {"id": "http://adlnet.gov/expapi/verbs/progressed"},
                           "object": {"id": f"urn:stepcampus:test:{batch}:{n}"}}
                          for n in range(45)]
            client.post("/xapi/statements", json=statements).raise_for_status()
            posted += [s["id"] for s in statements]
    lrs_client = LrsClient(lrs.xapi, learner.username, learner.password, retry=no_wait())
    pages = list(lrs_client.statements(agent, None, limit=20))
    got = [s["id"] for page in pages for s in page.statements]
    assert len(pages) == 7
    assert sorted(got) == sorted(posted)
