"""Schedules: events and series in their own time zones, iCalendar in and out, reminders,
and the store of imported calendars and subscriptions."""

from stepcampus.calendar.ics import export_ics, import_ics
from stepcampus.calendar.model import Event, Occurrence, Override, all_occurrences, occurrences
from stepcampus.calendar.reminders import due_reminders
from stepcampus.calendar.store import CalendarStore

__all__ = ["CalendarStore", "Event", "Occurrence", "Override", "all_occurrences",
           "due_reminders", "export_ics", "import_ics", "occurrences"]
