"""Shared bits for the calendar tests: zones, the test data folder, a weekly webinar series."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from stepcampus.calendar.model import Event

DATA = Path(__file__).parent / "data"
UTC = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NAIROBI = ZoneInfo("Africa/Nairobi")
MANILA = ZoneInfo("Asia/Manila")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def thursday_series(**changes: object) -> Event:
    """Every Thursday at 14:00 Berlin, 90 minutes, 1 October to 19 November 2026."""
    fields: dict[str, object] = dict(
        uid="webinar-series-42@stepcampus", title="Social protection floors",
        start=datetime(2026, 10, 1, 14, tzinfo=BERLIN), duration=timedelta(minutes=90),
        rrule="FREQ=WEEKLY;BYDAY=TH;COUNT=8", kind="webinar", location="Online",
        url="https://campus.example.org/webinars/42")
    fields.update(changes)
    return Event(**fields)  # type: ignore[arg-type]
