"""Classroom fixtures: a desktop with the sample course installed, a facilitator behind a PIN
and two learner profiles, all made through the core."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from stepcampus.calendar.store import CalendarStore
from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.progress import activity
from stepcampus.store.database import SessionFactory

COURSE = SAMPLE_COURSE
PIN = "2468"


@dataclass(frozen=True)
class Desk:
    campus: Campus
    factory: SessionFactory
    calendar: CalendarStore
    facilitator: str  # profile ids
    ana: str
    bo: str


@pytest.fixture
def desk(campus: Campus, sample_build) -> Desk:
    campus.install(str(sample_build.bundle))
    factory = campus.sessions
    facilitator = activity.create_profile(factory, "Maria", PIN, role="facilitator").id
    ana = activity.create_profile(factory, "Ana Silva").id
    bo = activity.create_profile(factory, "Bo Chen").id
    return Desk(campus, factory, CalendarStore.for_data_dir(campus.data_dir), facilitator,
                ana, bo)
