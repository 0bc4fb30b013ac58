"""The sample webinar series, built once per run (4 MB of media: build it once)."""

from __future__ import annotations

import pytest

from stepcampus.campus import SAMPLE_SERIES
from stepcampus.coursepack.build import BuildResult, build
from stepcampus.paths import SAMPLE_COURSES_DIR


@pytest.fixture(scope="session")
def series_build(tmp_path_factory: pytest.TempPathFactory, sample_key) -> BuildResult:
    return build(SAMPLE_COURSES_DIR / SAMPLE_SERIES, tmp_path_factory.mktemp("series-build"),
                 sample_key)
