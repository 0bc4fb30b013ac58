"""Classroom sessions in the calendar: each planned session is an event in the zone where it
takes place, kept under one app source per class that every change to the class rewrites, and
written as RFC 5545 text for a learner's or a colleague's calendar program."""

from __future__ import annotations

import threading
from datetime import timedelta

from stepcampus.calendar.ics import export_ics
from stepcampus.calendar.model import Event
from stepcampus.calendar.store import CalendarStore
from stepcampus.classroom.classes import (
    course_modules,
    list_classes,
    list_sessions,
    local_start,
    session_modules,
)
from stepcampus.errors import InputError, Problem
from stepcampus.store.database import SessionFactory
from stepcampus.store.models import ClassGroup, ClassSession, InstalledCourse

SOURCE_PREFIX = "app:class:"
UID_DOMAIN = "classes.stepcampus"


_publishing = threading.Lock()


def source_key(class_id: str) -> str:
    return SOURCE_PREFIX + class_id


def session_uid(session_id: str) -> str:
    return f"{session_id}@{UID_DOMAIN}"


def session_event(group: ClassGroup, sitting: ClassSession, course_title: str | None = None,
                  module_titles: dict[str, str] | None = None) -> Event:
    titles = module_titles or {}
    lines = [f"Class: {group.name}"]
    if course_title:
        lines.append(f"Course: {course_title}")
    modules = [titles.get(m, m) for m in session_modules(sitting)]
    if modules:
        lines.append(f"Modules: {', '.join(modules)}")
    return Event(uid=session_uid(sitting.id), title=sitting.title, start=local_start(sitting),
                 duration=timedelta(minutes=sitting.duration_minutes),
                 location=sitting.location, description="\n".join(lines),
                 source=source_key(group.id), kind="classroom")


def class_events(factory: SessionFactory, class_id: str,
                 session_id: str | None = None) -> list[Event]:
    """The class's sessions as calendar events in time order (one session if session_id)."""
    with factory() as session:
        group = session.get(ClassGroup, class_id)
        if group is None:
            raise InputError(Problem("class", None, f"no class {class_id!r} on this desktop"))
        course = session.get(InstalledCourse, group.course_id) if group.course_id else None
    sittings = list_sessions(factory, class_id)
    if session_id is not None:
        sittings = [s for s in sittings if s.id == session_id]
        if not sittings:
            raise InputError(Problem("session", None, f"{group.name} has no session "
                                     f"{session_id!r}"))
    titles = dict(course_modules(factory, group.course_id) or []) if group.course_id else {}
    course_title = course.title if course is not None else group.course_id
    return [session_event(group, s, course_title, titles) for s in sittings]


def publish_class(factory: SessionFactory, store: CalendarStore, class_id: str) -> int:
    """Rewrite the class's entry in the calendar store (remove it for a class with no sessions
    or no longer there); returns how many sessions it holds."""
    with _publishing:
        try:
            events = class_events(factory, class_id)
        except InputError:  # the class was deleted
            events = []
        if events:
            store.put_events(source_key(class_id), events)
        else:
            store.remove(source_key(class_id))
        return len(events)


def publish_calendar(factory: SessionFactory, store: CalendarStore) -> int:
    """Rewrite every class's entry and drop those of deleted classes (a repair after the
    calendar file was lost or damaged); returns how many sessions are in the calendar."""
    classes = {group.id for group in list_classes(factory)}
    stale = [info.key for info in store.sources()
             if info.key.startswith(SOURCE_PREFIX) and info.key[len(SOURCE_PREFIX):] not in
             classes]
    with _publishing:
        for key in stale:
            store.remove(key)
    return sum(publish_class(factory, store, class_id) for class_id in sorted(classes))


def export_class(factory: SessionFactory, class_id: str, session_id: str | None = None) -> bytes:
    """A class's sessions (or one of them) as an iCalendar file, with their time zones."""
    events = class_events(factory, class_id, session_id)
    if not events:
        with factory() as session:
            group = session.get(ClassGroup, class_id)
        name = group.name if group is not None else class_id
        raise InputError(Problem("class", None, f"{name} has no planned session",
                                 "plan a session first"))
    return export_ics(events)
