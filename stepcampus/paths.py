"""Where things live: the learner's data folder and the resources shipped with the suite."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESOURCES_DIR = PROJECT_ROOT / "resources"
SAMPLE_COURSES_DIR = PROJECT_ROOT / "courses"


def default_data_dir() -> Path:
    """STEPCAMPUS_HOME if set (tests, portable installs), else the platform's data folder."""
    override = os.environ.get("STEPCAMPUS_HOME")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("stepcampus", appauthor=False))
