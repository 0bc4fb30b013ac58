"""A facilitator's classes through the core: create a class, enrol learners, plan sessions that
cover modules, take attendance; each bad input named and changing nothing; an "attended"
statement once per learner and session; sessions in the calendar at the right local time
across a daylight-saving change; .ics export that reads back."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from stepcampus.calendar.ics import import_ics
from stepcampus.calendar.model import all_occurrences
from stepcampus.classroom import classes, schedule
from stepcampus.errors import InputError
from stepcampus.progress import activity, xapi
from stepcampus.progress.xapi import VERB_BASE, validate_statement
from tests.classroom.conftest import COURSE, Desk

MODULES = ["social-exclusion", "social-health-protection"]


def state(desk: Desk) -> Any:
    """Everything a classroom change may touch, to show that a refused one touched nothing."""
    factory = desk.factory
    found = []
    for group in classes.list_classes(factory):
        grid = classes.attendance_grid(factory, group.id)
        found.append((group.id, group.name, group.course_id,
                       [(m.id, m.display_name) for m in grid.members],
                       [(s.id, s.title, s.starts_at, s.timezone, s.duration_minutes, s.modules,
                         s.location) for s in grid.sessions],
                       sorted(grid.marks.items())))
    calendar = desk.calendar.path.read_text() if desk.calendar.path.exists() else None
    return found, len(activity.pending_statements(factory, limit=10_000)), calendar


def problems(exc: pytest.ExceptionInfo[InputError]) -> list[tuple[str, str]]:
    return [(p.file, p.message) for p in exc.value.problems]


def attended(desk: Desk) -> list[dict[str, Any]]:
    statements = activity.pending_statements(desk.factory, limit=10_000)
    for statement in statements:
        validate_statement(statement)
    return [s for s in statements if s["verb"]["id"] == VERB_BASE + "attended"]


def new_class(desk: Desk, name: str = "Cohort 3", course: str | None = COURSE) -> str:
    return classes.create_class(desk.factory, name, desk.facilitator, course).id


# Classes ----------------------------------------------------------------------------------------


def test_create_rename_list_and_delete_classes(desk: Desk) -> None:
    group = classes.create_class(desk.factory, "  Cohort 3 ", desk.facilitator, COURSE)
    assert (group.name, group.facilitator_id, group.course_id) == (
        "Cohort 3", desk.facilitator, COURSE)
    other = classes.create_class(desk.factory, "another group", desk.facilitator)
    assert other.course_id is None
    assert [g.name for g in classes.list_classes(desk.factory, desk.facilitator)] == [
        "another group", "Cohort 3"]
    assert classes.list_classes(desk.factory, desk.ana) == []
    assert classes.find_class(desk.factory, "COHORT 3").id == group.id
    assert classes.find_class(desk.factory, group.id).id == group.id

    classes.rename_class(desk.factory, group.id, "Cohort 3 (Nairobi)")
    assert classes.get_class(desk.factory, group.id).name == "Cohort 3 (Nairobi)"
    assert classes.delete_class(desk.factory, other.id) is True
    assert classes.delete_class(desk.factory, other.id) is False
    assert [g.name for g in classes.list_classes(desk.factory)] == ["Cohort 3 (Nairobi)"]


def test_bad_classes_are_refused_naming_the_field(desk: Desk) -> None:
    new_class(desk)
    before = state(desk)
    cases = [
        (("", desk.facilitator, None), [("name", "the class name is empty")]),
        (("x" * 201, desk.facilitator, None),
         [("name", "the class name is longer than 200 characters (201)")]),
        (("cohort 3", desk.facilitator, None), [("name", "a class named 'cohort 3' exists")]),
        (("Cohort 4", desk.ana, None), [("facilitator", "Ana Silva is not a facilitator")]),
        (("Cohort 4", "nobody", None),
         [("facilitator", "no profile 'nobody' on this desktop")]),
        (("Cohort 4", desk.facilitator, "no-such-course"),
         [("course", "'no-such-course' is not installed")]),
        # several problems at once, each named
        (("", desk.ana, "no-such-course"), [("name", "the class name is empty"),
                                            ("facilitator", "Ana Silva is not a facilitator"),
                                            ("course", "'no-such-course' is not installed")]),
    ]
    for (name, facilitator, course), expected in cases:
        with pytest.raises(InputError) as exc:
            classes.create_class(desk.factory, name, facilitator, course)
        assert problems(exc) == expected
    group = classes.find_class(desk.factory, "Cohort 3")
    classes.create_class(desk.factory, "Cohort 4", desk.facilitator)
    with pytest.raises(InputError) as exc:
        classes.rename_class(desk.factory, group.id, "COHORT 4")
    assert problems(exc) == [("name", "a class named 'COHORT 4' exists")]
    with pytest.raises(InputError) as exc:
        classes.rename_class(desk.factory, "gone", "Cohort 5")
    assert problems(exc) == [("class", "no class 'gone' on this desktop")]
    classes.delete_class(desk.factory, classes.find_class(desk.factory, "Cohort 4").id)
    assert state(desk) == before
    with pytest.raises(InputError) as exc:
        classes.find_class(desk.factory, "Cohort 9")
    assert problems(exc) == [("class", "no class named 'Cohort 9'")]
    assert exc.value.problems[0].hint == "classes here: Cohort 3"


# Learners ---------------------------------------------------------------------------------------


def test_enrol_local_profiles_and_campus_accounts(desk: Desk) -> None:
    class_id = new_class(desk)
    assert [p.name for p in classes.local_learners(desk.factory)] == ["Ana Silva", "Bo Chen"]
    members = classes.enrol_profiles(desk.factory, class_id, [desk.ana, desk.bo, desk.ana])
    assert [(m.profile_id, m.display_name) for m in members] == [
        (desk.ana, "Ana Silva"), (desk.bo, "Bo Chen")]
    # Enrolling again is no change: the same members come back, no one is added.
    again = classes.enrol_profiles(desk.factory, class_id, [desk.bo])
    assert [m.id for m in again] == [members[1].id]
    farida = classes.enrol_campus(desk.factory, class_id, " farida.o ", "Farida Osei")
    assert (farida.campus_username, farida.display_name, farida.profile_id) == (
        "farida.o", "Farida Osei", None)
    assert classes.enrol_campus(desk.factory, class_id, "farida.o").id == farida.id
    plain = classes.enrol_campus(desk.factory, class_id, "k.mensah")
    assert plain.display_name == "k.mensah"
    assert [m.display_name for m in classes.list_members(desk.factory, class_id)] == [
        "Ana Silva", "Bo Chen", "Farida Osei", "k.mensah"]

    assert classes.remove_member(desk.factory, class_id, plain.id) is True
    assert classes.remove_member(desk.factory, class_id, plain.id) is False
    other = new_class(desk, "Cohort 4")
    assert classes.remove_member(desk.factory, other, farida.id) is False  # not that class's
    assert len(classes.list_members(desk.factory, class_id)) == 3


def test_bad_enrolments_are_refused_and_enrol_no_one(desk: Desk) -> None:
    class_id = new_class(desk)
    before = state(desk)
    with pytest.raises(InputError) as exc:
        classes.enrol_profiles(desk.factory, class_id, [desk.ana, desk.facilitator, "ghost"])
    assert problems(exc) == [
        ("profile", "Maria runs this class and cannot be one of its learners"),
        ("profile", "no profile 'ghost' on this desktop")]
    with pytest.raises(InputError) as exc:
        classes.enrol(desk.factory, class_id, [desk.ana],
                      [("ok.user", "Fine"), ("no spaces", ""), ("x", "y" * 201)])
    assert problems(exc) == [
        ("username", "'no spaces' is not a campus user name"),
        ("display name", "the display name is longer than 200 characters (201)")]
    with pytest.raises(InputError) as exc:
        classes.enrol_profiles(desk.factory, class_id, [])
    assert problems(exc) == [("profile", "no learner to enrol")]
    with pytest.raises(InputError) as exc:
        classes.enrol_profiles(desk.factory, "gone", [desk.ana])
    assert problems(exc) == [("class", "no class 'gone' on this desktop")]
    assert state(desk) == before


# Sessions ---------------------------------------------------------------------------------------


def test_plan_move_cancel_and_list_sessions_in_time_order(desk: Desk) -> None:
    class_id = new_class(desk)
    later = classes.plan_session(desk.factory, class_id, "Day 2", "2026-12-11T09:00",
                                 "Africa/Nairobi", 180, MODULES[1:], "Room 4",
                                 calendar=desk.calendar)
    first = classes.plan_session(desk.factory, class_id, " Day 1 ", datetime(2026, 12, 10, 9),
                                 "Africa/Nairobi", 180, [MODULES[1], MODULES[0], MODULES[1]],
                                 calendar=desk.calendar)
    assert first.title == "Day 1"
    assert first.starts_at == datetime(2026, 12, 10, 6, tzinfo=ZoneInfo("UTC"))  # EAT is +3
    assert classes.local_start(first) == datetime(2026, 12, 10, 9,
                                                  tzinfo=ZoneInfo("Africa/Nairobi"))
    assert classes.session_modules(first) == [MODULES[1], MODULES[0]]  # as given, once each
    assert [s.id for s in classes.list_sessions(desk.factory, class_id)] == [first.id, later.id]

    moved = classes.move_session(desk.factory, later.id, "2026-12-09T14:30", "Europe/Paris",
                                 90, calendar=desk.calendar)
    assert (moved.starts_at, moved.timezone, moved.duration_minutes) == (
        datetime(2026, 12, 9, 13, 30, tzinfo=ZoneInfo("UTC")), "Europe/Paris", 90)
    assert [s.title for s in classes.list_sessions(desk.factory, class_id)] == ["Day 2",
                                                                                 "Day 1"]
    assert {e.uid for e in desk.calendar.events()} == {
        schedule.session_uid(first.id), schedule.session_uid(later.id)}

    assert classes.cancel_session(desk.factory, later.id, calendar=desk.calendar) is True
    assert classes.cancel_session(desk.factory, later.id, calendar=desk.calendar) is False
    assert [s.id for s in classes.list_sessions(desk.factory, class_id)] == [first.id]
    assert [e.uid for e in desk.calendar.events()] == [schedule.session_uid(first.id)]


def test_a_class_without_a_course_names_any_modules(desk: Desk) -> None:
    class_id = new_class(desk, course=None)
    sitting = classes.plan_session(desk.factory, class_id, "Local case study", "2026-12-10T09:00",
                                   "UTC", 60, ["our-district"])
    assert classes.session_modules(sitting) == ["our-district"]


def test_bad_sessions_are_refused_naming_the_field(desk: Desk) -> None:
    class_id = new_class(desk)
    good = {"title": "Day 1", "start": "2026-12-10T09:00", "timezone": "Africa/Nairobi",
            "duration_minutes": 180, "modules": MODULES, "location": "Room 4"}
    sitting = classes.plan_session(desk.factory, class_id, calendar=desk.calendar,
                                   **good)  # type: ignore[arg-type]
    before = state(desk)
    hint = "write it as 2026-12-10T09:00, in the session's own time zone"
    cases: list[tuple[dict[str, Any], list[tuple[str, str]]]] = [
        ({"title": "  "}, [("title", "the session title is empty")]),
        ({"title": "t" * 201}, [("title", "the session title is longer than 200 characters "
                                          "(201)")]),
        ({"start": "10/12/2026 9am"}, [("start", "'10/12/2026 9am' is not a date and time")]),
        ({"start": "2026-12-10"}, [("start", "has a date but no time of day")]),
        ({"start": "2026-12-10T09:00+03:00"}, [("start", "has a UTC offset")]),
        ({"start": datetime(2026, 12, 10, 9, tzinfo=ZoneInfo("UTC"))},
         [("start", "has a UTC offset")]),
        ({"start": "0026-12-10T09:00"}, [("start", "the year 26 is not plausible")]),
        ({"start": 20261210}, [("start", "is not a date and time")]),
        # the clocks jump from 02:00 to 03:00 in Berlin that night
        ({"start": "2026-03-29T02:30", "timezone": "Europe/Berlin"},
         [("start", "2026-03-29 02:30 does not exist in Europe/Berlin: the clocks jump "
                    "forward then")]),
        ({"timezone": "Africa/Atlantis"}, [("timezone", "unknown time zone 'Africa/Atlantis'")]),
        ({"timezone": ""}, [("timezone", "no time zone given")]),
        ({"duration_minutes": 0}, [("duration", "0 is not a number of minutes from 1 to 1440")]),
        ({"duration_minutes": 1441},
         [("duration", "1441 is not a number of minutes from 1 to 1440")]),
        ({"duration_minutes": True},
         [("duration", "True is not a number of minutes from 1 to 1440")]),
        ({"modules": ["social-exclusion", "budgeting", "  "]},
         [("modules", "'  ' is not a module id"),
          ("modules", f"budgeting is not a module of {COURSE}")]),
        ({"modules": "social-exclusion"}, [("modules", "is not a list of module ids")]),
        ({"location": "l" * 501},
         [("location", "the location is longer than 500 characters (501)")]),
        ({"title": "", "timezone": "Nowhere", "duration_minutes": -5},
         [("title", "the session title is empty"), ("timezone", "unknown time zone 'Nowhere'"),
          ("duration", "-5 is not a number of minutes from 1 to 1440")]),
    ]
    for change, expected in cases:
        with pytest.raises(InputError) as exc:
            classes.plan_session(desk.factory, class_id, calendar=desk.calendar,
                                 **{**good, **change})  # type: ignore[arg-type]
        assert problems(exc) == expected, change
    with pytest.raises(InputError) as exc:
        classes.plan_session(desk.factory, class_id, **{**good, "start": "12/10"})  # type: ignore[arg-type]
    assert exc.value.problems[0].hint == hint
    with pytest.raises(InputError) as exc:
        classes.plan_session(desk.factory, class_id, **{**good, "modules": ["budgeting"]})  # type: ignore[arg-type]
    assert exc.value.problems[0].hint.startswith("its modules: social-exclusion, "
                                                 "social-health-protection, ")
    with pytest.raises(InputError) as exc:
        classes.plan_session(desk.factory, "gone", **good)  # type: ignore[arg-type]
    assert problems(exc) == [("class", "no class 'gone' on this desktop")]
    with pytest.raises(InputError) as exc:
        classes.move_session(desk.factory, sitting.id, "2026-03-29T02:59", "Europe/Berlin",
                             calendar=desk.calendar)
    assert problems(exc)[0][0] == "start"
    with pytest.raises(InputError) as exc:
        classes.move_session(desk.factory, sitting.id, "2026-12-12T09:00", duration_minutes=0)
    assert problems(exc) == [("duration", "0 is not a number of minutes from 1 to 1440")]
    with pytest.raises(InputError) as exc:
        classes.move_session(desk.factory, "gone", "2026-12-12T09:00")
    assert problems(exc) == [("session", "no planned session 'gone'")]
    assert state(desk) == before


def test_a_time_the_clocks_pass_twice_is_the_first(desk: Desk) -> None:
    class_id = new_class(desk)
    # Berlin's clocks go from 03:00 back to 02:00 on 25 October 2026: 02:30 happens twice.
    sitting = classes.plan_session(desk.factory, class_id, "Night shift", "2026-10-25T02:30",
                                   "Europe/Berlin", 60)
    assert sitting.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=ZoneInfo("UTC"))


# Attendance -------------------------------------------------------------------------------------


def test_attendance_grid_and_one_attended_statement_per_learner_and_session(desk: Desk) -> None:
    class_id = new_class(desk)
    ana, bo = classes.enrol_profiles(desk.factory, class_id, [desk.ana, desk.bo])
    farida = classes.enrol_campus(desk.factory, class_id, "farida", "Farida Osei")
    day1 = classes.plan_session(desk.factory, class_id, "Day 1", "2026-01-12T09:00",
                                "Africa/Nairobi", 180, MODULES)
    day2 = classes.plan_session(desk.factory, class_id, "Day 2", "2026-01-13T09:00",
                                "Africa/Nairobi", 180)
    assert attended(desk) == []

    rows = classes.record_attendance(desk.factory, day1.id, {
        ana.id: "present", bo.id: "absent", farida.id: "late"})
    assert [(r.member_id, r.status) for r in rows] == [
        (ana.id, "present"), (bo.id, "absent"), (farida.id, "late")]
    [statement] = attended(desk)  # Bo was absent; Farida has no profile on this desktop
    assert statement["actor"]["account"]["name"] == desk.ana
    assert statement["actor"]["name"] == "Ana Silva"
    assert statement["verb"] == {"id": "http://adlnet.gov/expapi/verbs/attended",
                                 "display": {"en-US": "attended"}}
    assert statement["object"] == {
        "objectType": "Activity", "id": xapi.class_session_iri(class_id, day1.id),
        "definition": {"name": {"und": "Day 1"}}}
    assert statement["object"]["id"] == f"urn:stepcampus:class:{class_id}:session:{day1.id}"
    assert statement["context"]["contextActivities"] == {
        "parent": [{"objectType": "Activity", "id": xapi.class_iri(class_id)}],
        "grouping": [{"objectType": "Activity", "id": xapi.course_iri(COURSE)}]}
    assert statement["timestamp"] == "2026-01-12T06:00:00.000Z"  # when the session began

    # Marking again, late, absent then present again: still the one statement.
    classes.record_attendance(desk.factory, day1.id, {ana.id: "present"})
    classes.record_attendance(desk.factory, day1.id, {ana.id: "late"})
    classes.record_attendance(desk.factory, day1.id, {ana.id: "absent"})
    classes.record_attendance(desk.factory, day1.id, {ana.id: "present", bo.id: "late"})
    found = attended(desk)
    assert [(s["actor"]["account"]["name"], s["object"]["id"]) for s in found] == [
        (desk.ana, xapi.class_session_iri(class_id, day1.id)),
        (desk.bo, xapi.class_session_iri(class_id, day1.id))]
    assert found[0]["id"] == statement["id"]
    # Taken out of the class and enrolled again: the session's statement is not made twice.
    classes.remove_member(desk.factory, class_id, ana.id)
    [ana] = classes.enrol_profiles(desk.factory, class_id, [desk.ana])
    classes.record_attendance(desk.factory, day1.id, {ana.id: "present"})
    classes.record_attendance(desk.factory, day2.id, {ana.id: "excused", bo.id: "present"})
    assert len(attended(desk)) == 3

    grid = classes.attendance_grid(desk.factory, class_id)
    assert [m.display_name for m in grid.members] == ["Ana Silva", "Bo Chen", "Farida Osei"]
    assert [s.title for s in grid.sessions] == ["Day 1", "Day 2"]
    assert [[grid.status(m.id, s.id) for s in grid.sessions] for m in grid.members] == [
        ["present", "excused"], ["late", "present"], ["late", None]]


def test_bad_attendance_is_refused_and_records_nothing(desk: Desk) -> None:
    class_id = new_class(desk)
    [ana] = classes.enrol_profiles(desk.factory, class_id, [desk.ana])
    other = new_class(desk, "Cohort 4")
    [bo] = classes.enrol_profiles(desk.factory, other, [desk.bo])
    day1 = classes.plan_session(desk.factory, class_id, "Day 1", "2026-01-12T09:00", "UTC", 60)
    before = state(desk)
    cases: list[tuple[dict[Any, Any], list[tuple[str, str]]]] = [
        ({ana.id: "here"}, [("status", "'here' is not an attendance status")]),
        ({ana.id: "present", bo.id: "present"},
         [("member", f"{bo.id} is not a learner of Cohort 3")]),
        ({"ana": "present"}, [("member", "'ana' is not a learner of Cohort 3")]),
        ({}, [("member", "no learner to mark")]),
    ]
    for marks, expected in cases:
        with pytest.raises(InputError) as exc:
            classes.record_attendance(desk.factory, day1.id, marks)
        assert problems(exc) == expected
    with pytest.raises(InputError) as exc:
        classes.record_attendance(desk.factory, "gone", {ana.id: "present"})
    assert problems(exc) == [("session", "no planned session 'gone'")]
    assert state(desk) == before

    # A session someone attended took place: it cannot be cancelled, its record stays.
    classes.record_attendance(desk.factory, day1.id, {ana.id: "late"})
    with pytest.raises(InputError) as exc:
        classes.cancel_session(desk.factory, day1.id)
    assert problems(exc) == [("session", "'Day 1' took place: 1 learner(s) attended it")]
    assert classes.attendance_grid(desk.factory, class_id).status(ana.id, day1.id) == "late"


# Calendar ---------------------------------------------------------------------------------------


def test_sessions_in_the_calendar_at_local_time_across_a_dst_change(desk: Desk) -> None:
    class_id = new_class(desk)
    berlin, nairobi = ZoneInfo("Europe/Berlin"), ZoneInfo("Africa/Nairobi")
    # Berlin leaves summer time on 25 October 2026; Nairobi has none.
    before = classes.plan_session(desk.factory, class_id, "Before the change",
                                  "2026-10-22T09:00", "Europe/Berlin", 120, MODULES[:1],
                                  "Room 4", calendar=desk.calendar)
    after = classes.plan_session(desk.factory, class_id, "After the change",
                                 "2026-10-29T09:00", "Europe/Berlin", 120,
                                 calendar=desk.calendar)
    events = desk.calendar.events()
    assert {e.kind for e in events} == {"classroom"}
    assert {e.source for e in events} == {schedule.source_key(class_id)}
    found = all_occurrences(events, datetime(2026, 10, 1, tzinfo=nairobi),
                            datetime(2026, 11, 30, tzinfo=nairobi))
    assert [o.uid for o in found] == [schedule.session_uid(before.id),
                                      schedule.session_uid(after.id)]
    # 09:00 in Berlin both times, so an hour later in Nairobi after Berlin's clocks go back.
    assert [o.start.astimezone(berlin).strftime("%H:%M") for o in found] == ["09:00", "09:00"]
    assert [o.in_zone(nairobi)[0].strftime("%d %H:%M") for o in found] == ["22 10:00",
                                                                          "29 11:00"]
    assert [o.end - o.start for o in found] == [timedelta(hours=2)] * 2
    first = found[0]
    assert (first.title, first.location) == ("Before the change", "Room 4")
    assert first.description == ("Class: Cohort 3\nCourse: Inclusive social protection\n"
                                 "Modules: Social exclusion and exclusion from social protection")

    # Every change rewrites the class's entry: a rename, a move, a deletion.
    classes.rename_class(desk.factory, class_id, "Cohort 3 (Berlin)", calendar=desk.calendar)
    assert all(e.description.startswith("Class: Cohort 3 (Berlin)\n")
               for e in desk.calendar.events())
    classes.move_session(desk.factory, after.id, "2026-10-30T15:00", calendar=desk.calendar)
    moved = next(e for e in desk.calendar.events() if e.uid == schedule.session_uid(after.id))
    assert moved.start == datetime(2026, 10, 30, 15, tzinfo=berlin)
    other = new_class(desk, "Cohort 4")
    classes.plan_session(desk.factory, other, "Elsewhere", "2026-11-02T10:00", "America/Bogota",
                         60, calendar=desk.calendar)
    assert len(desk.calendar.events()) == 3
    classes.delete_class(desk.factory, class_id, calendar=desk.calendar)
    assert [e.title for e in desk.calendar.events()] == ["Elsewhere"]
    assert [s.key for s in desk.calendar.sources()] == [schedule.source_key(other)]

    # The calendar file lost: one call puts every class's sessions back.
    desk.calendar.path.unlink()
    assert schedule.publish_calendar(desk.factory, desk.calendar) == 1
    assert [e.title for e in desk.calendar.events()] == ["Elsewhere"]


def test_export_a_class_or_one_session_as_ics_that_reads_back(desk: Desk) -> None:
    class_id = new_class(desk)
    with pytest.raises(InputError) as exc:
        schedule.export_class(desk.factory, class_id)
    assert problems(exc) == [("class", "Cohort 3 has no planned session")]
    day1 = classes.plan_session(desk.factory, class_id, "Day 1", "2026-10-22T09:00",
                                "Europe/Berlin", 180, MODULES, "Room 4")
    day2 = classes.plan_session(desk.factory, class_id, "Day 2", "2026-10-29T09:00",
                                "Europe/Berlin", 90)
    data = schedule.export_class(desk.factory, class_id)
    assert b"DTSTART;TZID=Europe/Berlin:20261022T090000" in data
    assert b"BEGIN:VTIMEZONE" in data and data.count(b"BEGIN:VEVENT") == 2
    events = import_ics(data, "cohort-3.ics")
    assert [(e.uid, e.title, e.start, e.duration, e.location, e.kind) for e in events] == [
        (schedule.session_uid(day1.id), "Day 1",
         datetime(2026, 10, 22, 9, tzinfo=ZoneInfo("Europe/Berlin")), timedelta(hours=3),
         "Room 4", "classroom"),
        (schedule.session_uid(day2.id), "Day 2",
         datetime(2026, 10, 29, 9, tzinfo=ZoneInfo("Europe/Berlin")), timedelta(minutes=90),
         "", "classroom")]
    [one] = import_ics(schedule.export_class(desk.factory, class_id, day2.id), "day2.ics")
    assert one.uid == schedule.session_uid(day2.id)
    with pytest.raises(InputError) as exc:
        schedule.export_class(desk.factory, class_id, "gone")
    assert problems(exc) == [("session", "Cohort 3 has no session 'gone'")]
