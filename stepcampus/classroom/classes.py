"""Classes, their learners, planned sessions and attendance, kept in the learner store.

Each change is one write transaction. Bad input raises InputError whose problems name the field
(class, name, facilitator, course, profile, username, display name, title, start, timezone,
duration, modules, location, session, member, status), and nothing is changed. Functions that
change what the calendar shows take the calendar store (`calendar=`) and rewrite the class's
entry there once the change is committed.

Marking a learner of this desktop present or late also queues an xAPI "attended" statement for
them, in the same transaction, once per learner and session: its id is derived from the two, so
marking again (or after a removal and a new enrolment) finds it in the outbox, which keeps sent
statements. Marking them absent later does not take it back; the attendance grid is the record.
"""

from __future__ import annotations

import contextlib
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stepcampus.calendar.zones import zone_named
from stepcampus.errors import InputError, Problem
from stepcampus.progress import xapi
from stepcampus.store.database import SessionFactory, write_session
from stepcampus.store.models import (
    Attendance,
    ClassGroup,
    ClassMember,
    ClassSession,
    InstalledCourse,
    OutboxStatement,
    Profile,
    utcnow,
)

if TYPE_CHECKING:
    from stepcampus.calendar.store import CalendarStore

NAME_MAX = 200  # class names, display names and session titles: the columns' width
LOCATION_MAX = 500
DURATION_MAX = 24 * 60
MODULES_MAX = 100
MODULE_ID_MAX = 100
# As the campus server accepts them (stepcampus/server/accounts.py), so an enrolment made here
# names an account that can exist there.
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
STATUSES = ("present", "late", "absent", "excused")
ATTENDED = ("present", "late")
YEARS = (1970, 2200)
_STATEMENT_IDS = uuid.uuid5(uuid.NAMESPACE_URL, "urn:stepcampus:attendance")


# Checks shared by the functions below ---------------------------------------------------------


def _text(problems: list[Problem], field: str, value: object, what: str, hint: str,
          limit: int = NAME_MAX, required: bool = True) -> str | None:
    """value stripped, or None with a problem naming field."""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        problems.append(Problem(field, None, f"{what} is not a text"))
        return None
    clean = value.strip()
    if required and not clean:
        problems.append(Problem(field, None, f"{what} is empty", hint))
    elif len(clean) > limit:
        problems.append(Problem(field, None, f"{what} is longer than {limit} characters "
                                f"({len(clean)})", "shorten it"))
    elif "\x00" in clean or any(0xD800 <= ord(c) <= 0xDFFF for c in clean):
        problems.append(Problem(field, None, f"{what} holds characters that are not text"))
    else:
        return clean
    return None


def _class(session: Session, class_id: str) -> ClassGroup:
    group = session.get(ClassGroup, class_id) if isinstance(class_id, str) else None
    if group is None:
        raise InputError(Problem("class", None, f"no class {class_id!r} on this desktop",
                                 "it may have been deleted"))
    return group


def _sitting(session: Session, session_id: str) -> ClassSession:
    sitting = session.get(ClassSession, session_id) if isinstance(session_id, str) else None
    if sitting is None:
        raise InputError(Problem("session", None, f"no planned session {session_id!r}",
                                 "it may have been cancelled"))
    return sitting


def _name_taken(session: Session, name: str, except_id: str | None = None) -> bool:
    # Case-insensitive: "Cohort 3" and "cohort 3" could not be told apart in a list.
    rows = session.execute(select(ClassGroup.id, ClassGroup.name))
    return any(n.casefold() == name.casefold() and i != except_id for i, n in rows)


def _publish(factory: SessionFactory, calendar: CalendarStore | None, class_id: str) -> None:
    if calendar is None:
        return
    from stepcampus.classroom.schedule import publish_class

    # The change is committed: the store is the record, the calendar a view of it that every
    # later change rewrites whole. A damaged calendar file is reported where calendars are
    # shown (the calendar page, `stepcampus calendar list`), not as a failed change here.
    with contextlib.suppress(InputError, OSError):
        publish_class(factory, calendar, class_id)


# Courses ----------------------------------------------------------------------------------------


def _manifest_course(row: InstalledCourse) -> dict[str, Any]:
    return dict(json.loads(row.manifest)["course"])


def course_modules(factory: SessionFactory, course_id: str,
                   language: str | None = None) -> list[tuple[str, str]] | None:
    """(module id, title) of an installed course in order, titles in `language` when the
    course has it; None if the course is not installed or is a webinar series."""
    with factory() as session:
        row = session.get(InstalledCourse, course_id)
    if row is None:
        return None
    course = _manifest_course(row)
    if course.get("kind", "course") != "course":
        return None
    found = []
    for module in course.get("modules") or []:
        texts = module["languages"]
        text = texts.get(language or "") or texts[course["default_language"]]
        found.append((str(module["id"]), str(text["title"])))
    return found


def _course_problem(session: Session, course_id: str) -> Problem | None:
    row = session.get(InstalledCourse, course_id)
    if row is None:
        return Problem("course", None, f"{course_id!r} is not installed",
                       "install the course first, or create the class without one")
    if _manifest_course(row).get("kind", "course") != "course":
        return Problem("course", None, f"{course_id!r} is a webinar series, not a course")
    return None


# Classes ----------------------------------------------------------------------------------------


def create_class(factory: SessionFactory, name: str, facilitator_id: str,
                 course_id: str | None = None) -> ClassGroup:
    """A new class run by a facilitator profile, following an installed course or none."""
    problems: list[Problem] = []
    clean = _text(problems, "name", name, "the class name", "type a name for the class")
    course = course_id.strip() if isinstance(course_id, str) and course_id.strip() else None
    with write_session(factory) as session:
        if clean is not None and _name_taken(session, clean):
            problems.append(Problem("name", None, f"a class named {clean!r} exists",
                                    "choose another name"))
        profile = session.get(Profile, facilitator_id) if isinstance(facilitator_id, str) \
            else None
        if profile is None:
            problems.append(Problem("facilitator", None,
                                    f"no profile {facilitator_id!r} on this desktop"))
        elif profile.role != "facilitator":
            problems.append(Problem("facilitator", None, f"{profile.name} is not a facilitator",
                                    "only a facilitator profile (behind a PIN) runs classes"))
        if course is not None and (problem := _course_problem(session, course)):
            problems.append(problem)
        if problems:
            raise InputError(problems)
        group = ClassGroup(name=clean, facilitator_id=facilitator_id, course_id=course)
        session.add(group)
    return group


def rename_class(factory: SessionFactory, class_id: str, name: str, *,
                 calendar: CalendarStore | None = None) -> ClassGroup:
    problems: list[Problem] = []
    clean = _text(problems, "name", name, "the class name", "type a name for the class")
    with write_session(factory) as session:
        group = _class(session, class_id)
        if clean is not None and _name_taken(session, clean, except_id=class_id):
            problems.append(Problem("name", None, f"a class named {clean!r} exists",
                                    "choose another name"))
        if problems:
            raise InputError(problems)
        assert clean is not None
        group.name = clean
    _publish(factory, calendar, class_id)  # the class's name is in each session's description
    return group


def delete_class(factory: SessionFactory, class_id: str, *,
                 calendar: CalendarStore | None = None) -> bool:
    """Delete a class with its members, sessions and attendance; False if there was none.

    Statements already in the outbox stay until sent: they record sessions that took place."""
    with write_session(factory) as session:
        group = session.get(ClassGroup, class_id)
        if group is None:
            return False
        session.delete(group)  # the database cascades to the class's rows
    _publish(factory, calendar, class_id)
    return True


def get_class(factory: SessionFactory, class_id: str) -> ClassGroup:
    with factory() as session:
        return _class(session, class_id)


def list_classes(factory: SessionFactory, facilitator_id: str | None = None) -> list[ClassGroup]:
    """The classes of one facilitator (of everyone on this desktop if None), by name."""
    query = select(ClassGroup)
    if facilitator_id is not None:
        query = query.where(ClassGroup.facilitator_id == facilitator_id)
    with factory() as session:
        return list(session.scalars(query.order_by(func.lower(ClassGroup.name), ClassGroup.id)))


def find_class(factory: SessionFactory, key: str) -> ClassGroup:
    """A class by its id or its name (any case); InputError naming "class" if none."""
    wanted = key.strip().casefold() if isinstance(key, str) else ""
    classes = list_classes(factory)
    for group in classes:
        if group.id == key or group.name.casefold() == wanted:
            return group
    known = ", ".join(g.name for g in classes) or "none yet"
    raise InputError(Problem("class", None, f"no class named {key!r}", f"classes here: {known}"))


# Learners ---------------------------------------------------------------------------------------


def local_learners(factory: SessionFactory) -> list[Profile]:
    """The learner profiles of this desktop, which a class can enrol, by name."""
    with factory() as session:
        return list(session.scalars(select(Profile).where(Profile.role == "learner")
                                    .order_by(func.lower(Profile.name))))


def enrol(factory: SessionFactory, class_id: str, profile_ids: Iterable[str] = (),
          accounts: Iterable[tuple[str, str]] = ()) -> list[ClassMember]:
    """Enrol profiles of this desktop (by id) and campus accounts ((user name, display name);
    the display name defaults to the user name) in one go; their members, in the order given.

    Someone already in the class is left as they are: enrolling twice is no change, not an
    error. The class's own facilitator cannot be one of its learners."""
    ids = list(dict.fromkeys(profile_ids))
    wanted: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for username, display_name in accounts:
        user = username.strip() if isinstance(username, str) else ""
        if not USERNAME.match(user):
            problems.append(Problem("username", None, f"{username!r} is not a campus user name",
                                    "1-64 letters, digits or . _ @ -, starting with a letter "
                                    "or digit"))
            continue
        shown = _text(problems, "display name", display_name, "the display name", "",
                      required=False)
        if shown is not None and user not in (u for u, _ in wanted):
            wanted.append((user, shown or user))
    if not ids and not wanted and not problems:
        problems.append(Problem("profile", None, "no learner to enrol",
                                "choose at least one profile or campus account"))
    members: list[ClassMember] = []
    with write_session(factory) as session:
        group = _class(session, class_id)
        for profile_id in ids:
            profile = session.get(Profile, profile_id) if isinstance(profile_id, str) else None
            if profile is None:
                problems.append(Problem("profile", None,
                                        f"no profile {profile_id!r} on this desktop"))
            elif profile.id == group.facilitator_id:
                problems.append(Problem("profile", None, f"{profile.name} runs this class and "
                                        "cannot be one of its learners"))
            else:
                members.append(session.scalar(select(ClassMember).where(
                    ClassMember.class_id == class_id, ClassMember.profile_id == profile_id))
                    or ClassMember(class_id=class_id, profile_id=profile_id,
                                   display_name=profile.name[:NAME_MAX]))
        for user, shown in wanted:
            members.append(session.scalar(select(ClassMember).where(
                ClassMember.class_id == class_id, ClassMember.campus_username == user))
                or ClassMember(class_id=class_id, campus_username=user, display_name=shown))
        if problems:
            raise InputError(problems)
        session.add_all(m for m in members if m.id is None)
    return members


def enrol_profiles(factory: SessionFactory, class_id: str,
                   profile_ids: Iterable[str]) -> list[ClassMember]:
    """Enrol profiles of this desktop; see `enrol`."""
    return enrol(factory, class_id, profile_ids)


def enrol_campus(factory: SessionFactory, class_id: str, username: str,
                 display_name: str = "") -> ClassMember:
    """Enrol a learner of the campus server by their account name; see `enrol`."""
    return enrol(factory, class_id, accounts=[(username, display_name)])[0]


def remove_member(factory: SessionFactory, class_id: str, member_id: int) -> bool:
    """Take a learner out of a class, with their attendance there; False if not a member.

    Their "attended" statements stay in the outbox: those sessions happened."""
    with write_session(factory) as session:
        member = session.get(ClassMember, member_id)
        if member is None or member.class_id != class_id:
            return False
        session.delete(member)
    return True


def list_members(factory: SessionFactory, class_id: str) -> list[ClassMember]:
    """The class's learners by name."""
    query = (select(ClassMember).where(ClassMember.class_id == class_id)
             .order_by(func.lower(ClassMember.display_name), ClassMember.id))
    with factory() as session:
        return list(session.scalars(query))


# Sessions ---------------------------------------------------------------------------------------


def _zone(problems: list[Problem], name: object) -> ZoneInfo | None:
    if not isinstance(name, str) or not name.strip():
        problems.append(Problem("timezone", None, "no time zone given",
                                "use an IANA name such as Africa/Nairobi"))
        return None
    try:
        return zone_named(name.strip(), "timezone")
    except InputError as exc:
        problems.extend(exc.problems)
        return None


def _wall_clock(problems: list[Problem], start: object) -> datetime | None:
    """start as a naive local date and time, or None with a problem."""
    hint = "write it as 2026-12-10T09:00, in the session's own time zone"
    moment: object = start
    if isinstance(start, str):
        text = start.strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            problems.append(Problem("start", None, f"{text!r} is not a date and time", hint))
            return None
        if len(text) <= len("2026-12-10"):  # fromisoformat reads a bare date as midnight
            moment = moment.date()  # type: ignore[attr-defined]
    if isinstance(moment, date) and not isinstance(moment, datetime):
        problems.append(Problem("start", None, "has a date but no time of day", hint))
        return None
    if not isinstance(moment, datetime):
        problems.append(Problem("start", None, "is not a date and time", hint))
        return None
    if moment.tzinfo is not None:
        problems.append(Problem("start", None, "has a UTC offset",
                                "give the local time; the time zone says where it is"))
        return None
    if not YEARS[0] <= moment.year <= YEARS[1]:
        problems.append(Problem("start", None, f"the year {moment.year} is not plausible",
                                hint))
        return None
    return moment.replace(second=0, microsecond=0)


def _start(problems: list[Problem], start: object, zone_name: object) -> datetime | None:
    """The UTC instant of a wall-clock time in an IANA zone.

    A time the clocks skip (spring forward) is refused; a time they pass twice (fall back) is
    the first of the two, as calendar programs take it."""
    wall = _wall_clock(problems, start)
    zone = _zone(problems, zone_name)
    if zone is None or wall is None:
        return None
    local = wall.replace(tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != wall:
        problems.append(Problem("start", None, f"{wall:%Y-%m-%d %H:%M} does not exist in "
                                f"{zone.key}: the clocks jump forward then",
                                "choose a later time"))
        return None
    return instant


def _duration(problems: list[Problem], minutes: object) -> int | None:
    if isinstance(minutes, bool) or not isinstance(minutes, int) \
            or not 1 <= minutes <= DURATION_MAX:
        problems.append(Problem("duration", None, f"{minutes!r} is not a number of minutes "
                                f"from 1 to {DURATION_MAX}"))
        return None
    return minutes


def _module_ids(problems: list[Problem], modules: object) -> list[str]:
    if isinstance(modules, str) or not isinstance(modules, Iterable):
        problems.append(Problem("modules", None, "is not a list of module ids"))
        return []
    ids: list[str] = []
    for item in modules:
        clean = item.strip() if isinstance(item, str) else None
        if not clean or len(clean) > MODULE_ID_MAX:
            problems.append(Problem("modules", None, f"{item!r} is not a module id"))
        elif clean not in ids:
            ids.append(clean)
    if len(ids) > MODULES_MAX:
        problems.append(Problem("modules", None, f"more than {MODULES_MAX} modules"))
    return ids


def _module_problem(session: Session, group: ClassGroup, ids: list[str]) -> Problem | None:
    """Why the modules cannot be covered by a session of the class, None if they can; a class
    without a course may name any module."""
    if not ids or group.course_id is None:
        return None
    row = session.get(InstalledCourse, group.course_id)
    if row is None:
        return Problem("modules", None, f"the class's course {group.course_id!r} is not "
                       "installed, so its modules cannot be checked",
                       "install it again, or plan the session without modules")
    known = [str(m["id"]) for m in _manifest_course(row).get("modules") or []]
    unknown = [m for m in ids if m not in known]
    if not unknown:
        return None
    verb = "is not a module" if len(unknown) == 1 else "are not modules"
    return Problem("modules", None, f"{', '.join(unknown)} {verb} of {group.course_id}",
                   f"its modules: {', '.join(known)}")


def plan_session(factory: SessionFactory, class_id: str, title: str, start: datetime | str,
                 timezone: str, duration_minutes: int, modules: Sequence[str] = (),
                 location: str = "", *, calendar: CalendarStore | None = None) -> ClassSession:
    """A session of the class: `start` is the local date and time (naive, or ISO 8601 text
    without an offset) in the IANA zone `timezone`, where the session takes place."""
    problems: list[Problem] = []
    clean_title = _text(problems, "title", title, "the session title", "type a title")
    starts_at = _start(problems, start, timezone)
    minutes = _duration(problems, duration_minutes)
    ids = _module_ids(problems, modules)
    place = _text(problems, "location", location, "the location", "", LOCATION_MAX,
                  required=False)
    with write_session(factory) as session:
        group = _class(session, class_id)
        if problem := _module_problem(session, group, ids):
            problems.append(problem)
        if problems:
            raise InputError(problems)
        assert starts_at is not None and isinstance(timezone, str)
        sitting = ClassSession(class_id=class_id, title=clean_title, starts_at=starts_at,
                               timezone=timezone.strip(), duration_minutes=minutes,
                               modules=json.dumps(ids, ensure_ascii=False),
                               location=place or "")
        session.add(sitting)
    _publish(factory, calendar, class_id)
    return sitting


def move_session(factory: SessionFactory, session_id: str, start: datetime | str,
                 timezone: str | None = None, duration_minutes: int | None = None, *,
                 calendar: CalendarStore | None = None) -> ClassSession:
    """Give a session another start (local time in `timezone`, by default its own zone) and,
    if given, another length."""
    problems: list[Problem] = []
    minutes = _duration(problems, duration_minutes) if duration_minutes is not None else None
    with write_session(factory) as session:
        sitting = _sitting(session, session_id)
        zone_name = sitting.timezone if timezone is None else timezone
        starts_at = _start(problems, start, zone_name)
        if problems:
            raise InputError(problems)
        assert starts_at is not None
        sitting.starts_at = starts_at
        sitting.timezone = zone_name.strip()
        if minutes is not None:
            sitting.duration_minutes = minutes
        class_id = sitting.class_id
    _publish(factory, calendar, class_id)
    return sitting


def cancel_session(factory: SessionFactory, session_id: str, *,
                   calendar: CalendarStore | None = None) -> bool:
    """Remove a planned session from the class and the calendar; False if there was none.

    A session someone attended took place: it is refused, so its attendance is not lost."""
    with write_session(factory) as session:
        sitting = session.get(ClassSession, session_id)
        if sitting is None:
            return False
        attended = session.scalar(select(func.count()).select_from(Attendance).where(
            Attendance.session_id == session_id, Attendance.status.in_(ATTENDED)))
        if attended:
            raise InputError(Problem("session", None, f"{sitting.title!r} took place: "
                                     f"{attended} learner(s) attended it",
                                     "its attendance is kept; it cannot be cancelled"))
        class_id = sitting.class_id
        session.delete(sitting)
    _publish(factory, calendar, class_id)
    return True


def list_sessions(factory: SessionFactory, class_id: str) -> list[ClassSession]:
    """The class's sessions in time order."""
    query = (select(ClassSession).where(ClassSession.class_id == class_id)
             .order_by(ClassSession.starts_at, ClassSession.created_at, ClassSession.id))
    with factory() as session:
        return list(session.scalars(query))


def session_modules(sitting: ClassSession) -> list[str]:
    return [str(m) for m in json.loads(sitting.modules or "[]")]


def local_start(sitting: ClassSession) -> datetime:
    """When the session starts, in its own time zone."""
    return sitting.starts_at.astimezone(ZoneInfo(sitting.timezone))


# Attendance -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceGrid:
    """A class's learners (rows) by its sessions in time order (columns)."""

    group: ClassGroup
    members: list[ClassMember]
    sessions: list[ClassSession]
    marks: dict[tuple[int, str], str]  # (member id, session id) -> status

    def status(self, member_id: int, session_id: str) -> str | None:
        return self.marks.get((member_id, session_id))


def record_attendance(factory: SessionFactory, session_id: str,
                      marks: Mapping[int, str]) -> list[Attendance]:
    """Record each learner's status at a session (member id -> present, late, absent or
    excused), replacing what was recorded; all or nothing."""
    problems = [Problem("status", None, f"{status!r} is not an attendance status",
                        f"use one of {', '.join(STATUSES)}")
                for status in sorted({str(s) for s in marks.values()}) if status not in STATUSES]
    if not marks:
        problems.append(Problem("member", None, "no learner to mark",
                                "choose at least one learner of the class"))
    now = utcnow()
    rows: list[Attendance] = []
    with write_session(factory) as session:
        sitting = _sitting(session, session_id)
        group = _class(session, sitting.class_id)
        members: dict[int, ClassMember] = {}
        for member_id in marks:
            member = session.get(ClassMember, member_id) \
                if isinstance(member_id, int) and not isinstance(member_id, bool) else None
            if member is None or member.class_id != group.id:
                problems.append(Problem("member", None, f"{member_id!r} is not a learner of "
                                        f"{group.name}"))
            else:
                members[member_id] = member
        if problems:
            raise InputError(problems)
        for member_id, status in marks.items():
            row = session.get(Attendance, (session_id, member_id))
            if row is None:
                row = Attendance(session_id=session_id, member_id=member_id, status=status,
                                 recorded_at=now)
                session.add(row)
            elif row.status != status:
                row.status, row.recorded_at = status, now
            rows.append(row)
            profile_id = members[member_id].profile_id
            if status in ATTENDED and profile_id is not None:
                _attended(session, profile_id, group, sitting, now)
    return rows


def _attended(session: Session, profile_id: str, group: ClassGroup, sitting: ClassSession,
              now: datetime) -> None:
    """Queue the learner's "attended" statement for the session, unless it ever was."""
    activity = xapi.class_session_iri(group.id, sitting.id)
    statement_id = str(uuid.uuid5(_STATEMENT_IDS, f"{activity} {profile_id}"))
    if session.get(OutboxStatement, statement_id) is not None:
        return
    profile = session.get(Profile, profile_id)
    assert profile is not None  # members are deleted with their profile
    statement = xapi.statement(
        xapi.agent(profile.id, profile.name), "attended", activity, sitting.title,
        context_parent=xapi.class_iri(group.id),
        context_grouping=xapi.course_iri(group.course_id) if group.course_id else None,
        # When it happened; marking ahead of the session never dates it in the future.
        timestamp=min(sitting.starts_at, now))
    statement["id"] = statement_id
    session.add(OutboxStatement(
        id=statement_id, profile_id=profile.id, created_at=now,
        statement=json.dumps(statement, ensure_ascii=False, separators=(",", ":"))))


def attendance_grid(factory: SessionFactory, class_id: str) -> AttendanceGrid:
    with factory() as session:
        group = _class(session, class_id)
        marks = {(member_id, sid): status for sid, member_id, status in session.execute(
            select(Attendance.session_id, Attendance.member_id, Attendance.status)
            .join(ClassSession, ClassSession.id == Attendance.session_id)
            .where(ClassSession.class_id == class_id))}
    return AttendanceGrid(group, list_members(factory, class_id),
                          list_sessions(factory, class_id), marks)
