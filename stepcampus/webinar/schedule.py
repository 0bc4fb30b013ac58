"""Installed webinars in the learner's calendar: each session with a start time becomes an
event in its organiser's time zone, kept under one app source that every install rewrites."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from stepcampus.calendar.model import UTC, Event

if TYPE_CHECKING:
    from stepcampus.campus import Campus
    from stepcampus.webinar.installed import SeriesView

SOURCE_KEY = "app:webinars"


def series_events(series: SeriesView) -> list[Event]:
    events: list[Event] = []
    for session in series.sessions():
        start = session.start_time
        if start is None:
            continue
        try:
            zone = ZoneInfo(session.data.get("timezone") or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            zone = UTC
        people = ", ".join(p["name"] for p in session.panellists)
        description = series.title() + (f"\nPanel: {people}" if people else "")
        events.append(Event(
            uid=f"{series.id}.{session.id}@webinars.stepcampus",
            title=session.title, start=start.astimezone(zone),
            duration=timedelta(minutes=session.planned_minutes),
            location="Online webinar", description=description, kind="webinar"))
    return events


def publish_schedule(campus: Campus) -> int:
    """Put every installed webinar session in the calendar store; returns how many."""
    from stepcampus.calendar.store import CalendarStore
    from stepcampus.webinar.installed import installed_series

    events = [e for series in installed_series(campus) for e in series_events(series)]
    store = CalendarStore.for_data_dir(campus.data_dir)
    if events:
        store.put_events(SOURCE_KEY, events)
    else:
        store.remove(SOURCE_KEY)
    return len(events)
