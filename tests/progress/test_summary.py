"""The course summary the library, reader and certificate read: percent, time left, where to
continue, completion; the same through the ORM and through the start-up snapshot."""

from __future__ import annotations

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.progress import activity
from stepcampus.progress.activity import record_course_completion
from stepcampus.progress.summary import course_summary
from stepcampus.store.snapshot import Snapshot


def _setup(campus: Campus) -> tuple[str, object]:
    campus.ensure_sample_course()
    profile = activity.create_profile(campus.sessions, "Ana")
    return profile.id, campus.course(SAMPLE_COURSE)


def test_a_new_learner_starts_at_the_first_module(campus: Campus) -> None:
    learner, view = _setup(campus)
    summary = course_summary(campus.sessions, view, learner)
    assert summary.percent == 0 and not summary.started and not summary.complete
    assert summary.resume_point() == ("social-exclusion", None)
    assert summary.minutes_left == sum(m.duration for m in summary.modules)


def test_continue_goes_to_the_paragraph_last_read_then_to_the_next_module(
        campus: Campus) -> None:
    learner, view = _setup(campus)
    f = campus.sessions
    activity.record_progress(f, learner, SAMPLE_COURSE, "social-integration", "p-7", 40)
    summary = course_summary(f, view, learner)
    assert summary.resume_point() == ("social-integration", "p-7")
    third = summary.modules[2]
    total = sum(m.duration for m in summary.modules)
    assert summary.minutes_left == round(total - third.duration * 0.4)
    activity.complete_module(f, learner, SAMPLE_COURSE, "social-integration")
    assert course_summary(f, view, learner).resume_point()[0] == "solidarity-economy"


def test_completion_needs_every_module_read_and_every_quiz_passed(campus: Campus) -> None:
    learner, view = _setup(campus)
    f = campus.sessions
    for module_id in view.module_ids:
        activity.complete_module(f, learner, SAMPLE_COURSE, module_id)
    summary = course_summary(f, view, learner)
    assert not summary.complete and summary.percent == 50
    for module_id in view.module_ids:
        attempt = activity.start_attempt(f, learner, SAMPLE_COURSE, module_id)
        activity.finish_attempt(f, attempt, 0.5, 70)  # failed
    assert not course_summary(f, view, learner).complete
    for module_id in view.module_ids:
        attempt = activity.start_attempt(f, learner, SAMPLE_COURSE, module_id)
        activity.finish_attempt(f, attempt, 0.8, 70)
    summary = course_summary(f, view, learner)
    assert summary.complete and summary.percent == 100
    assert summary.score is not None and abs(summary.score - 0.8) < 1e-9

    before = len(activity.pending_statements(f, limit=1000))
    assert record_course_completion(f, learner, summary)
    assert not record_course_completion(f, learner, summary)  # once only
    statements = activity.pending_statements(f, limit=1000)
    assert len(statements) == before + 1
    assert statements[-1]["verb"]["id"].endswith("/completed")
    assert statements[-1]["object"]["id"].endswith(SAMPLE_COURSE)


def test_the_snapshot_reads_what_the_orm_wrote(campus: Campus) -> None:
    learner, view = _setup(campus)
    f = campus.sessions
    activity.record_progress(f, learner, SAMPLE_COURSE, "social-exclusion", "p-3", 30)
    activity.complete_module(f, learner, SAMPLE_COURSE, "social-health-protection")
    attempt = activity.start_attempt(f, learner, SAMPLE_COURSE, "social-exclusion")
    activity.finish_attempt(f, attempt, 0.9, 70)
    snapshot = Snapshot.open(campus.database_path)
    assert snapshot is not None
    try:
        assert [p.name for p in snapshot.profiles()] == ["Ana"]
        assert [c.course_id for c in snapshot.installed()] == [SAMPLE_COURSE]
        assert course_summary(snapshot, view, learner) == course_summary(f, view, learner)
    finally:
        snapshot.close()


def test_no_snapshot_for_a_store_that_is_missing_or_not_a_store(tmp_path) -> None:
    assert Snapshot.open(tmp_path / "none.sqlite") is None
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    assert Snapshot.open(junk) is None
