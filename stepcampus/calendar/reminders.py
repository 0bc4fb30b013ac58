"""Reminders before a session starts: which sittings begin within the lead time."""

from __future__ import annotations

from datetime import datetime, timedelta

from stepcampus.calendar.model import Event, Occurrence, all_occurrences

DEFAULT_LEAD = timedelta(minutes=15)


def due_reminders(events: list[Event], now: datetime,
                  lead: timedelta = DEFAULT_LEAD) -> list[Occurrence]:
    """Sittings that start after `now` and no later than `now + lead`, soonest first.

    A sitting already under way is not due: the app reminded before it began."""
    if now.tzinfo is None:
        raise ValueError("due_reminders() needs an aware `now`")
    return [o for o in all_occurrences(events, now, now + lead + timedelta(microseconds=1))
            if now < o.start <= now + lead]
