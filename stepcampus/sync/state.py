"""Bookmarks and the resume point, kept as xAPI state documents per course.

"bookmarks" is an object keyed "module#anchor": POST merges keys, so machines only ever add to
it, and a key set to null records a deletion. "resume" is {"module", "position", "updated"}:
whichever side moved last wins, written only over the version read (ETag).

A webinar session keeps its own "resume" document, {"position", "updated"}, on the session's
activity (a module of its series): the series' document holds only the latest session, and a
learner goes back and forth between recordings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from stepcampus.progress import xapi
from stepcampus.store.database import SessionFactory, write_session
from stepcampus.store.models import (
    Bookmark,
    InstalledCourse,
    ModuleProgress,
    QuizAttempt,
    SyncLinkRecord,
)
from stepcampus.sync.accounts import synced_bookmarks
from stepcampus.sync.errors import PreconditionFailed, SyncError
from stepcampus.sync.lrs import LrsClient
from stepcampus.webinar.installed import is_webinar_series

BOOKMARKS = "bookmarks"
RESUME = "resume"
COURSES = "courses"
COURSES_ACTIVITY = "urn:stepcampus:courses"
_WRITE_TRIES = 3


@dataclass
class StateResult:
    sent: int = 0
    received: int = 0
    bookmarks: int = 0  # local bookmarks added or removed


def courses_of(factory: SessionFactory, profile_id: str) -> list[str]:
    """Every course the learner may have state for: installed here or used here or elsewhere."""
    with factory() as session:
        found = set(session.scalars(select(InstalledCourse.course_id)))
        for column, owner in ((ModuleProgress.course_id, ModuleProgress.profile_id),
                              (Bookmark.course_id, Bookmark.profile_id),
                              (QuizAttempt.course_id, QuizAttempt.profile_id)):
            found.update(session.scalars(select(column).where(owner == profile_id).distinct()))
    found.update(synced_bookmarks(factory, profile_id))
    return sorted(found)


def sync_state(factory: SessionFactory, client: LrsClient, profile_id: str,
               agent: dict[str, Any], course_ids: list[str]) -> StateResult:
    """Exchange the documents of these courses and of every course another computer listed.

    State cannot be listed by agent alone, so an index document names the learner's courses:
    a course bookmarked elsewhere, and never opened here, is still found.
    """
    result = StateResult()
    index, _ = client.get_state(COURSES_ACTIVITY, agent, COURSES)
    listed = {c for c in index if isinstance(c, str) and 0 < len(c) <= 100} \
        if isinstance(index, dict) else set()
    for course_id in sorted(set(course_ids) | listed):
        _bookmarks(factory, client, profile_id, agent, course_id, result)
        _resume(factory, client, profile_id, agent, course_id, result)
    for series_id, session_id in webinar_sessions(factory, profile_id):
        _session_resume(factory, client, profile_id, agent, series_id, session_id, result)
    unlisted = set(course_ids) - listed
    if unlisted:
        client.post_state(COURSES_ACTIVITY, agent, COURSES, dict.fromkeys(sorted(unlisted), 1))
        result.sent += 1
    return result


# Bookmarks ---------------------------------------------------------------------------------------


def _key(bookmark: Bookmark) -> str:
    return f"{bookmark.module_id}#{bookmark.anchor}"


def _bookmarks(factory: SessionFactory, client: LrsClient, profile_id: str,
               agent: dict[str, Any], course_id: str, result: StateResult) -> None:
    activity = xapi.course_iri(course_id)
    remote, _ = client.get_state(activity, agent, BOOKMARKS)
    remote = remote if isinstance(remote, dict) else {}
    synced = set(synced_bookmarks(factory, profile_id).get(course_id, []))
    with factory() as session:
        local = {_key(b): b for b in session.scalars(select(Bookmark).where(
            Bookmark.profile_id == profile_id, Bookmark.course_id == course_id))}
    send: dict[str, Any] = {}
    add: dict[str, dict[str, Any]] = {}
    remove: set[str] = set()
    for key in set(local) | set(remote) | synced:
        here, there = key in local, remote.get(key)
        if here and key in synced and key in remote and there is None:
            remove.add(key)  # deleted on another computer since both last had it
        elif here and there is None:
            send[key] = {"note": local[key].note,
                         "created": xapi.format_timestamp(local[key].created_at)}
        elif not here and key in synced and there is not None:
            send[key] = None  # deleted here
        elif not here and key not in synced and isinstance(there, dict) and "#" in key:
            add[key] = there
    if send:
        client.post_state(activity, agent, BOOKMARKS, send)
        result.sent += 1
    with write_session(factory) as session:
        for key, value in add.items():
            module_id, anchor = key.split("#", 1)
            note = value.get("note") if isinstance(value.get("note"), str) else ""
            created = xapi.parse_timestamp(value.get("created"))
            if len(module_id) <= 100 and len(anchor) <= 200:
                session.add(Bookmark(profile_id=profile_id, course_id=course_id,
                                     module_id=module_id, anchor=anchor, note=note,
                                     **({"created_at": created} if created else {})))
        for key in remove:
            session.delete(session.merge(local[key]))
        kept = (set(local) - remove) | set(add)
        link = session.get(SyncLinkRecord, profile_id)
        if link is not None:
            memory = json.loads(link.synced_bookmarks or "{}")
            if kept:
                memory[course_id] = sorted(kept)
            else:
                memory.pop(course_id, None)
            link.synced_bookmarks = json.dumps(memory, ensure_ascii=False, sort_keys=True)
    if add or remove:
        result.received += 1
        result.bookmarks += len(add) + len(remove)


# Resume point ------------------------------------------------------------------------------------


def _resume(factory: SessionFactory, client: LrsClient, profile_id: str, agent: dict[str, Any],
            course_id: str, result: StateResult) -> None:
    activity = xapi.course_iri(course_id)
    for _ in range(_WRITE_TRIES):
        remote, etag = client.get_state(activity, agent, RESUME)
        there = _resume_doc(remote)
        with factory() as session:
            latest = session.scalars(select(ModuleProgress).where(
                ModuleProgress.profile_id == profile_id, ModuleProgress.course_id == course_id)
                .order_by(ModuleProgress.updated_at.desc()).limit(1)).first()
        if there is not None and (latest is None or there[2] > latest.updated_at):
            _apply_resume(factory, profile_id, course_id, *there)
            result.received += 1
            return
        if latest is None or (there is not None and there[2] == latest.updated_at):
            return
        document = {"module": latest.module_id, "position": latest.position,
                    # Microseconds, as stored: equal times must compare equal next time.
                    "updated": latest.updated_at.isoformat()}
        try:
            client.put_state(activity, agent, RESUME, document, etag if remote is not None
                             else None)
        except PreconditionFailed:
            continue  # another computer wrote it meanwhile: read again and decide again
        result.sent += 1
        return
    raise SyncError("server", f"the resume point of {course_id} kept changing on "
                    f"{client.endpoint} while this computer tried to save it")


def webinar_sessions(factory: SessionFactory, profile_id: str) -> list[tuple[str, str]]:
    """(series, session) of every session of the webinar series installed here, and of those
    the learner has a position in: one session watched elsewhere resumes here too."""
    found: set[tuple[str, str]] = set()
    with factory() as session:
        for course_id, manifest in session.execute(
                select(InstalledCourse.course_id, InstalledCourse.manifest)):
            course = json.loads(manifest).get("course") or {}
            if not is_webinar_series(course):
                continue
            found.update((course_id, str(s["id"])) for s in course.get("sessions") or []
                         if isinstance(s, dict) and s.get("id"))
            found.update((course_id, module_id) for module_id in session.scalars(
                select(ModuleProgress.module_id).where(
                    ModuleProgress.profile_id == profile_id,
                    ModuleProgress.course_id == course_id,
                    ModuleProgress.position.is_not(None))))
    return sorted(found)


def _session_resume(factory: SessionFactory, client: LrsClient, profile_id: str,
                    agent: dict[str, Any], series_id: str, session_id: str,
                    result: StateResult) -> None:
    """A session's position: the side that moved last wins, as for a course's resume point."""
    activity = xapi.module_iri(series_id, session_id)
    for _ in range(_WRITE_TRIES):
        remote, etag = client.get_state(activity, agent, RESUME)
        there = _position_doc(remote)
        with factory() as session:
            row = session.scalar(select(ModuleProgress).where(
                ModuleProgress.profile_id == profile_id, ModuleProgress.course_id == series_id,
                ModuleProgress.module_id == session_id))
        here = (row.position, row.updated_at) if row is not None and row.position else None
        if there is not None and (here is None or there[1] > here[1]):
            _apply_resume(factory, profile_id, series_id, session_id, *there)
            result.received += 1
            return
        if here is None or (there is not None and there[1] == here[1]):
            return
        document = {"position": here[0], "updated": here[1].isoformat()}
        try:
            client.put_state(activity, agent, RESUME, document,
                             etag if remote is not None else None)
        except PreconditionFailed:
            continue  # another computer wrote it meanwhile: read again and decide again
        result.sent += 1
        return
    raise SyncError("server", f"the position in session {session_id} of {series_id} kept "
                    f"changing on {client.endpoint} while this computer tried to save it")


def _position_doc(document: Any) -> tuple[str, datetime] | None:
    if not isinstance(document, dict):
        return None
    position, updated = document.get("position"), xapi.parse_timestamp(document.get("updated"))
    if not isinstance(position, str) or not position or len(position) > 200 or updated is None:
        return None
    return position, updated


def _resume_doc(document: Any) -> tuple[str, str | None, datetime] | None:
    if not isinstance(document, dict):
        return None
    module, position = document.get("module"), document.get("position")
    updated = xapi.parse_timestamp(document.get("updated"))
    if not isinstance(module, str) or not module or len(module) > 100 or updated is None:
        return None
    if position is not None and (not isinstance(position, str) or len(position) > 200):
        position = None
    return module, position, updated


def _apply_resume(factory: SessionFactory, profile_id: str, course_id: str, module_id: str,
                  position: str | None, updated: datetime) -> None:
    with write_session(factory) as session:
        row = session.scalar(select(ModuleProgress).where(
            ModuleProgress.profile_id == profile_id, ModuleProgress.course_id == course_id,
            ModuleProgress.module_id == module_id))
        if row is None:
            row = ModuleProgress(profile_id=profile_id, course_id=course_id,
                                 module_id=module_id, percent=0)
            session.add(row)
        if position is not None:
            row.position = position
        row.updated_at = updated

