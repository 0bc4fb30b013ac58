"""Every schema a learner may have on disk opens with today's code, its data intact.

Each tests/store/fixtures/schema_<rev>.sqlite was made by make_fixture.py at that revision and
is never regenerated; a new migration adds a new fixture and must keep these tests passing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from stepcampus.progress import activity
from stepcampus.store import courses
from stepcampus.store.database import (
    SessionFactory,
    open_database,
    read_revision,
    session_factory,
)
from stepcampus.store.models import Base
from stepcampus.store.schema_version import HEAD, REVISIONS
from tests.store.make_fixture import COURSE, fixture_path


@pytest.mark.parametrize("revision", REVISIONS)
def test_fixture_exists_at_its_revision(revision: str) -> None:
    assert read_revision(fixture_path(revision)) == revision


@pytest.fixture(params=REVISIONS)
def migrated(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SessionFactory]:
    path = tmp_path / "learner.db"
    shutil.copyfile(fixture_path(request.param), path)
    engine = open_database(path)
    yield session_factory(engine)
    engine.dispose()


def _amina(factory: SessionFactory) -> str:
    return next(p.id for p in activity.list_profiles(factory) if p.name == "Amina")


def test_opens_at_head_matching_the_models(migrated: SessionFactory) -> None:
    engine = migrated.kw["bind"]
    assert read_revision(Path(engine.url.database)) == HEAD
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_profiles_and_pin_survive(migrated: SessionFactory) -> None:
    profiles = {p.name: p for p in activity.list_profiles(migrated)}
    assert set(profiles) == {"Amina", "Kofi"}
    assert activity.check_pin(profiles["Amina"], "2468")
    assert not activity.check_pin(profiles["Amina"], "1357")
    assert profiles["Kofi"].pin_hash is None


def test_course_and_previous_version_survive(migrated: SessionFactory) -> None:
    course = courses.get_installed(migrated, COURSE)
    assert course is not None
    assert (course.version, course.previous_version) == ("1.1.0", "1.0.0")
    assert course.signature == "c2lnMg=="
    assert course.previous_manifest is not None and '"1.0.0"' in course.previous_manifest


def test_progress_bookmarks_and_quizzes_survive(migrated: SessionFactory) -> None:
    amina = _amina(migrated)
    rows = {r.module_id: r for r in activity.course_progress(migrated, amina, COURSE)}
    assert (rows["social-exclusion"].percent, rows["social-exclusion"].position) == (40, "p-12")
    assert rows["social-health-protection"].completed_at is not None
    [bookmark] = activity.list_bookmarks(migrated, amina)
    assert (bookmark.anchor, bookmark.note) == ("p-7", "ILO definition")
    assert activity.best_score(migrated, amina, COURSE, "social-exclusion") == 0.5
    resumed = activity.start_attempt(migrated, amina, COURSE, "social-exclusion")
    assert activity.attempt_answers(migrated, resumed) == {0: [2]}


def test_outbox_survives(migrated: SessionFactory) -> None:
    pending = activity.pending_statements(migrated)
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in pending] == [
        "progressed",
        "completed",
        "attempted",
        "answered",
        "answered",
        "failed",
        "attempted",
        "answered",
    ]
