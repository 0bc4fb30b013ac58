"""A learner who has finished the sample course, made through the core as the app would."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.progress.activity import (
    complete_module,
    create_profile,
    finish_attempt,
    start_attempt,
)


@dataclass(frozen=True)
class Learner:
    id: str
    name: str


def finish_course(campus: Campus, profile_id: str, course_id: str = SAMPLE_COURSE,
                  score: float = 0.85, skip: frozenset[str] = frozenset()) -> None:
    """Read every module and pass every quiz, except the module ids in skip."""
    view = campus.course(course_id)
    for module_id in view.module_ids:
        if module_id in skip:
            continue
        complete_module(campus.sessions, profile_id, course_id, module_id)
        if view.module(module_id).quiz:
            attempt = start_attempt(campus.sessions, profile_id, course_id, module_id)
            finish_attempt(campus.sessions, attempt, score, 70)


@pytest.fixture
def sample(campus: Campus) -> Campus:
    campus.ensure_sample_course()
    return campus


@pytest.fixture
def graduate(sample: Campus) -> Learner:
    profile = create_profile(sample.sessions, "Ana Núñez")
    finish_course(sample, profile.id)
    return Learner(profile.id, profile.name)
