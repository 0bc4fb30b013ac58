"""Shared fixtures: the sample course (built once per run), throw-away data folders, keys."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt aborts with neither a display nor a platform plugin chosen; tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from stepcampus.campus import SAMPLE_COURSE, SAMPLE_KEY, SAMPLE_SERIES, Campus
from stepcampus.coursepack.build import BuildResult, build
from stepcampus.coursepack.keys import load_private_key
from stepcampus.paths import SAMPLE_COURSES_DIR
from stepcampus.store.database import SessionFactory, open_database, session_factory

SAMPLE_SOURCE = SAMPLE_COURSES_DIR / SAMPLE_COURSE


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    # No test may touch the real user's data folder.
    monkeypatch.setenv("STEPCAMPUS_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(scope="session")
def sample_key():
    return load_private_key(SAMPLE_KEY)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory, sample_key) -> BuildResult:
    """The sample course, built once with its shipped (trusted) sample key."""
    return build(SAMPLE_SOURCE, tmp_path_factory.mktemp("sample-build"), sample_key)


@pytest.fixture(scope="session")
def series_build(tmp_path_factory: pytest.TempPathFactory, sample_key) -> BuildResult:
    """The sample webinar series, built once per run with the shipped sample key."""
    return build(SAMPLE_COURSES_DIR / SAMPLE_SERIES, tmp_path_factory.mktemp("series-build"),
                 sample_key)


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    """A private copy of the sample course sources that a test may change."""
    target = tmp_path / "course"
    shutil.copytree(SAMPLE_SOURCE, target)
    return target


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "profile" / "learner.db"


@pytest.fixture
def factory(db_path: Path) -> Iterator[SessionFactory]:
    """A fresh, migrated store database and its session factory."""
    engine = open_database(db_path)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def campus(tmp_path: Path) -> Iterator[Campus]:
    campus = Campus(tmp_path / "data")
    yield campus
    campus.close()
