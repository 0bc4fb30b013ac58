"""`stepcampus class ...`: a facilitator's classes, learners, sessions and attendance."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stepcampus.errors import InputError, Problem

if TYPE_CHECKING:
    from stepcampus.campus import Campus
    from stepcampus.store.models import ClassGroup, ClassMember, ClassSession

# The PIN keeps colleagues out of facilitator mode in the shared app; a shell on the data
# folder can read the store file anyway, so asking for it here would protect nothing.
NO_PIN = ("The facilitator's PIN is not asked: this data folder is the facilitator's own, and "
          "whoever can run commands on it can read its store anyway.")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `class` command and its subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "class", help="a facilitator's classes: learners, planned sessions, attendance",
        description="Classes run on this desktop: enrol learners, plan sessions that cover "
        "modules (shown in `stepcampus calendar list`), take attendance. " + NO_PIN,
        epilog="CLASS is a class's name or id; SESSION_ID may be shortened to any unique "
        "beginning.")
    sub = parser.add_subparsers(dest="class_command", required=True, metavar="ACTION")

    p = sub.add_parser("create", help="create a class run by a facilitator profile",
                       description=NO_PIN)
    p.add_argument("name", metavar="NAME")
    p.add_argument("--facilitator", required=True, metavar="PROFILE_NAME",
                   help="the facilitator profile that runs it")
    p.add_argument("--course", metavar="ID", help="the installed course it follows")
    p.set_defaults(func=cmd_create)

    p = sub.add_parser("list", help="show the classes on this desktop")
    p.add_argument("--facilitator", metavar="PROFILE_NAME", help="only this facilitator's")
    p.add_argument("--json", action="store_true", help="print the classes as JSON")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("enrol", help="enrol profiles of this desktop or campus accounts "
                       "(enrolling someone again changes nothing)")
    p.add_argument("class_key", metavar="CLASS")
    p.add_argument("profiles", nargs="*", metavar="PROFILE_NAME")
    p.add_argument("--campus", action="append", default=[], metavar="USER[=NAME]",
                   help="a learner's campus account, with the name to show (repeat for each)")
    p.set_defaults(func=cmd_enrol)

    p = sub.add_parser(
        "code", help="make an enrolment code of the campus server for a class (printed)",
        description="Learners type the code (with `stepcampus enrol`, or in the app's "
        "Settings) to create their campus account in the class. The campus is the one the "
        "class's facilitator profile syncs with; its class of the same name is created if "
        "there is none. " + NO_PIN)
    p.add_argument("class_key", metavar="CLASS")
    p.add_argument("--uses", type=int, default=30, metavar="N",
                   help="how many learners may use it (default: 30)")
    p.add_argument("--days", type=float, default=14, metavar="D",
                   help="days until it expires (default: 14)")
    p.set_defaults(func=cmd_code)

    p = sub.add_parser(
        "fetch-campus", help="enrol the learners of the class's campus class as campus "
        "accounts (those who enrolled with a code)",
        description="Reads the campus class of the same name, as the class's facilitator "
        "profile's sync account, and enrols its learners here; those already enrolled are "
        "left as they are. " + NO_PIN)
    p.add_argument("class_key", metavar="CLASS")
    p.set_defaults(func=cmd_fetch_campus)

    p = sub.add_parser("members", help="show a class's learners")
    p.add_argument("class_key", metavar="CLASS")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_members)

    p = sub.add_parser("plan", help="plan a session of a class (it appears in the calendar)")
    p.add_argument("class_key", metavar="CLASS")
    p.add_argument("--title", required=True)
    p.add_argument("--start", required=True, metavar="DATETIME",
                   help="the local date and time where it takes place, e.g. 2026-12-10T09:00")
    p.add_argument("--timezone", metavar="ZONE",
                   help="the IANA time zone where it takes place, e.g. Africa/Nairobi "
                   "(default: this computer's)")
    p.add_argument("--minutes", type=int, required=True, help="how long it lasts")
    p.add_argument("--modules", default="", metavar="ID,ID",
                   help="the course modules it covers, separated by commas")
    p.add_argument("--location", default="", help="where (a room, an address)")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("sessions", help="show a class's sessions in time order")
    p.add_argument("class_key", metavar="CLASS")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sessions)

    p = sub.add_parser("attend", help="record learners' attendance at a session")
    p.add_argument("class_key", metavar="CLASS")
    p.add_argument("session_id", metavar="SESSION_ID")
    p.add_argument("learners", nargs="+", metavar="PROFILE_NAME",
                   help="learners of the class (profile names or campus user names)")
    p.add_argument("--status", default="present",
                   choices=("present", "late", "absent", "excused"),
                   help="default: present")
    p.set_defaults(func=cmd_attend)

    p = sub.add_parser("attendance", help="show the attendance grid: learners by sessions")
    p.add_argument("class_key", metavar="CLASS")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_attendance)

    p = sub.add_parser("export", help="write a class's sessions (or one) as an .ics file")
    p.add_argument("class_key", metavar="CLASS")
    p.add_argument("--session", metavar="ID", help="only this session")
    p.add_argument("-o", "--output", required=True, metavar="FILE.ics",
                   help="the file to write (- for standard output)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "report", help="a class's report: modules completed, quiz scores, attendance and "
        "item analysis per question (printed, or as CSV, PDF or JSON)",
        description="Without options the report is printed as tables. Learners enrolled with a "
        "campus account show their attendance only: their progress is on the campus server.")
    p.add_argument("class_key", metavar="CLASS")
    p.add_argument("--learner", metavar="NAME",
                   help="one learner's report (a profile name or campus user name)")
    p.add_argument("--csv", metavar="FILE", type=Path,
                   help="write it as CSV (UTF-8, in sections: learners, attendance, item "
                   "analysis, answers per choice)")
    p.add_argument("--pdf", metavar="FILE", type=Path, help="write it as an A4 PDF")
    p.add_argument("--json", action="store_true", help="print it as JSON")
    p.set_defaults(func=cmd_report)
    return parser


# Looking things up ------------------------------------------------------------------------------


def _campus(args: argparse.Namespace) -> Campus:
    from stepcampus.cli import _campus as campus_of

    return campus_of(args)


def _calendar(campus: Campus) -> Any:
    from stepcampus.calendar.store import CalendarStore

    return CalendarStore.for_data_dir(campus.data_dir)


def _class(campus: Campus, key: str) -> ClassGroup:
    from stepcampus.classroom.classes import find_class

    return find_class(campus.sessions, key)


def _profile(campus: Campus, name: str, where: str) -> Any:
    from stepcampus.progress.activity import list_profiles

    profiles = list_profiles(campus.sessions)
    for profile in profiles:
        if profile.id == name or profile.name.casefold() == name.strip().casefold():
            return profile
    known = ", ".join(p.name for p in profiles) or "none yet"
    raise InputError(Problem(where, None, f"no profile named {name!r} on this desktop",
                             f"profiles here: {known}"))


def _session(campus: Campus, group: ClassGroup, key: str) -> ClassSession:
    from stepcampus.classroom.classes import list_sessions

    sittings = list_sessions(campus.sessions, group.id)
    found = [s for s in sittings if s.id == key] or [s for s in sittings
                                                      if key and s.id.startswith(key)]
    if len(found) == 1:
        return found[0]
    what = "more than one session" if found else "no session"
    raise InputError(Problem("SESSION_ID", None, f"{group.name} has {what} with id {key!r}",
                             f"see `stepcampus class sessions {_quoted(group.name)}`"))


def _member(members: list[ClassMember], name: str, group: ClassGroup,
            profiles: dict[str, str]) -> ClassMember:
    wanted = name.strip().casefold()
    for member in members:
        names = {member.display_name, member.campus_username or "",
                 profiles.get(member.profile_id or "", "")}
        if wanted in {n.casefold() for n in names if n} or member.profile_id == name:
            return member
    known = ", ".join(m.display_name for m in members) or "none yet"
    raise InputError(Problem(name, None, f"is not a learner of {group.name}",
                             f"its learners: {known}"))


def _quoted(text: str) -> str:
    return f'"{text}"' if " " in text else text


# Commands ---------------------------------------------------------------------------------------


def cmd_create(args: argparse.Namespace) -> int:
    from stepcampus.classroom.classes import create_class

    campus = _campus(args)
    facilitator = _profile(campus, args.facilitator, "--facilitator")
    group = create_class(campus.sessions, args.name, facilitator.id, args.course)
    course = f" following {group.course_id}" if group.course_id else ""
    print(f"created class {group.name}{course}, run by {facilitator.name} (id {group.id})")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from stepcampus.classroom.classes import list_classes, list_members, list_sessions
    from stepcampus.progress.activity import list_profiles

    campus = _campus(args)
    factory = campus.sessions
    who = _profile(campus, args.facilitator, "--facilitator").id if args.facilitator else None
    names = {p.id: p.name for p in list_profiles(factory)}
    rows = [{"id": g.id, "name": g.name, "facilitator": names.get(g.facilitator_id, ""),
             "course": g.course_id, "learners": len(list_members(factory, g.id)),
             "sessions": len(list_sessions(factory, g.id))}
            for g in list_classes(factory, who)]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("no classes yet")
    for row in rows:
        print(f"{row['name']}\t{row['facilitator']}\t{row['course'] or '-'}\t"
              f"{row['learners']} learners\t{row['sessions']} sessions\t{row['id']}")
    return 0


def cmd_enrol(args: argparse.Namespace) -> int:
    from stepcampus.classroom.classes import enrol, list_members

    campus = _campus(args)
    group = _class(campus, args.class_key)
    if not args.profiles and not args.campus:
        raise InputError(Problem("PROFILE_NAME", None, "no learner to enrol",
                                 "name profiles of this desktop, or --campus USER"))
    profiles = [_profile(campus, name, name) for name in args.profiles]
    accounts = [(user, shown) for user, _, shown in (item.partition("=") for item in args.campus)]
    before = {m.id for m in list_members(campus.sessions, group.id)}
    # One transaction: a typo in any name enrols no one.
    members = enrol(campus.sessions, group.id, [p.id for p in profiles], accounts)
    for member in members:
        state = "already enrolled" if member.id in before else "enrolled"
        print(f"{state}: {member.display_name}")
    return 0


def cmd_code(args: argparse.Namespace) -> int:
    from stepcampus.classroom.campus_enrolment import make_code

    campus = _campus(args)
    group = _class(campus, args.class_key)
    days = int(args.days) if float(args.days).is_integer() else args.days
    made = make_code(campus.sessions, group.id, args.uses, days)
    print(made.code)  # alone on the first line, for scripts
    print(f"for {made.class_name} on {made.server}: up to {made.uses} learners, until "
          f"{made.expires:%Y-%m-%d %H:%M} UTC")
    return 0


def cmd_fetch_campus(args: argparse.Namespace) -> int:
    from stepcampus.classroom.campus_enrolment import fetch_learners

    campus = _campus(args)
    group = _class(campus, args.class_key)
    fetched = fetch_learners(campus.sessions, group.id)
    for member in fetched.added:
        print(f"enrolled: {member.display_name} (campus account {member.campus_username})")
    if not fetched.added:
        print(f"no new learner in {fetched.class_name} on {fetched.server}")
    if fetched.already:
        print(f"already enrolled: {fetched.already}")
    return 0


def cmd_members(args: argparse.Namespace) -> int:
    from stepcampus.classroom.classes import list_members

    campus = _campus(args)
    group = _class(campus, args.class_key)
    members = list_members(campus.sessions, group.id)
    if args.json:
        print(json.dumps([{"id": m.id, "name": m.display_name, "profile": m.profile_id,
                           "campus": m.campus_username} for m in members],
                         indent=2, ensure_ascii=False))
        return 0
    if not members:
        print(f"{group.name} has no learners yet")
    for member in members:
        where = f"campus account {member.campus_username}" if member.campus_username \
            else "profile on this desktop"
        print(f"{member.display_name}\t{where}")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    from stepcampus.calendar.zones import local_zone_name
    from stepcampus.classroom.classes import local_start, plan_session

    campus = _campus(args)
    group = _class(campus, args.class_key)
    modules = [m for m in (part.strip() for part in args.modules.split(",")) if m]
    sitting = plan_session(campus.sessions, group.id, args.title, args.start,
                           args.timezone or local_zone_name(), args.minutes, modules,
                           args.location, calendar=_calendar(campus))
    start = local_start(sitting)
    print(f"planned {sitting.title} for {start:%a %Y-%m-%d %H:%M} {sitting.timezone} "
          f"({sitting.duration_minutes} min; id {sitting.id})")
    return 0


def _session_row(sitting: ClassSession) -> dict[str, Any]:
    from datetime import timedelta

    from stepcampus.classroom.classes import local_start, session_modules
    from stepcampus.classroom.schedule import session_uid

    start = local_start(sitting)
    return {"id": sitting.id, "title": sitting.title, "start": start.isoformat(),
            "end": (start + timedelta(minutes=sitting.duration_minutes)).isoformat(),
            "timezone": sitting.timezone, "minutes": sitting.duration_minutes,
            "modules": session_modules(sitting), "location": sitting.location,
            "uid": session_uid(sitting.id)}


def cmd_sessions(args: argparse.Namespace) -> int:
    from datetime import datetime

    from stepcampus.classroom.classes import list_sessions

    campus = _campus(args)
    group = _class(campus, args.class_key)
    rows = [_session_row(s) for s in list_sessions(campus.sessions, group.id)]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print(f"{group.name} has no sessions planned")
    for row in rows:
        start, end = datetime.fromisoformat(row["start"]), datetime.fromisoformat(row["end"])
        print(f"{row['id']}\t{start:%a %Y-%m-%d %H:%M}-{end:%H:%M} {row['timezone']}\t"
              f"{row['title']}\t{','.join(row['modules']) or '-'}\t{row['location']}")
    return 0


def cmd_attend(args: argparse.Namespace) -> int:
    from stepcampus.classroom.classes import list_members, record_attendance
    from stepcampus.progress.activity import list_profiles

    campus = _campus(args)
    group = _class(campus, args.class_key)
    sitting = _session(campus, group, args.session_id)
    members = list_members(campus.sessions, group.id)
    profiles = {p.id: p.name for p in list_profiles(campus.sessions)}
    chosen = [_member(members, name, group, profiles) for name in args.learners]
    record_attendance(campus.sessions, sitting.id, {m.id: args.status for m in chosen})
    for member in chosen:
        print(f"{member.display_name}: {args.status} at {sitting.title}")
    return 0


def cmd_attendance(args: argparse.Namespace) -> int:
    from stepcampus.classroom.classes import attendance_grid, local_start

    campus = _campus(args)
    grid = attendance_grid(campus.sessions, _class(campus, args.class_key).id)
    if args.json:
        print(json.dumps({
            "sessions": [_session_row(s) for s in grid.sessions],
            "learners": [{"id": m.id, "name": m.display_name,
                          "attendance": [grid.status(m.id, s.id) for s in grid.sessions]}
                         for m in grid.members]}, indent=2, ensure_ascii=False))
        return 0
    heads = [f"{local_start(s):%Y-%m-%d}" for s in grid.sessions]
    print("\t".join(["learner", *heads]))
    for member in grid.members:
        marks = [grid.status(member.id, s.id) or "-" for s in grid.sessions]
        print("\t".join([member.display_name, *marks]))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from stepcampus.classroom.schedule import export_class
    from stepcampus.textfile import write_atomic, write_stdout

    campus = _campus(args)
    group = _class(campus, args.class_key)
    session_id = _session(campus, group, args.session).id if args.session else None
    data = export_class(campus.sessions, group.id, session_id)
    if args.output == "-":
        write_stdout(data.decode("utf-8"))
        return 0
    write_atomic(Path(args.output), data)
    count = data.count(b"BEGIN:VEVENT")
    print(f"wrote {count} session{'s' if count != 1 else ''} of {group.name} to {args.output}",
          file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from stepcampus.classroom.reports import class_report, report_csv, report_json
    from stepcampus.textfile import write_atomic

    campus = _campus(args)
    group = _class(campus, args.class_key)
    report = class_report(campus.sessions, campus.content, group.id)
    learner = report.learner(args.learner) if args.learner is not None else None
    who = f" for {learner.name}" if learner is not None else ""
    if args.csv is not None:
        write_atomic(args.csv, report_csv(report, learner))
        print(f"wrote the report of {group.name}{who} to {args.csv}", file=sys.stderr)
    if args.pdf is not None:
        from stepcampus.classroom.report_pdf import render_report_pdf

        write_atomic(args.pdf, render_report_pdf(report, learner))
        print(f"wrote the report of {group.name}{who} to {args.pdf}", file=sys.stderr)
    if args.json:
        print(json.dumps(report_json(report, learner), indent=2, ensure_ascii=False))
    elif args.csv is None and args.pdf is None:
        from stepcampus.textfile import write_stdout

        write_stdout(_report_text(report, learner))
    return 0


def _report_text(report: Any, learner: Any) -> str:
    """The report as tab-separated tables, for a terminal or a pipe."""
    from stepcampus.classroom.reports import averages_text, score_text, share_text

    course = report.course_title or "no course"
    lines = [f"{report.class_name} · {course} · {report.made_at:%Y-%m-%d}"]
    if learner is not None:
        lines[0] = f"{learner.name} · " + lines[0]
        if not learner.local:
            lines.append("progress on the campus server (campus account "
                         f"{learner.campus_username}): attendance only")
        elif learner.modules:
            lines += ["", "module\tread\tbest %\tpassed\tattempts"]
            for m in learner.modules:
                quiz = [score_text(m.best) or "-", "yes" if m.passed else "no",
                        str(m.attempts)] if m.has_quiz else ["", "", ""]
                lines.append("\t".join([m.title, "yes" if m.completed else "no", *quiz]))
        lines += ["", "session\tstatus"]
        for sitting, status in zip(report.sessions, learner.statuses, strict=True):
            lines.append(f"{sitting.start:%Y-%m-%d %H:%M} {sitting.title}\t{status or '-'}")
        lines.append(f"attended {share_text(learner.attendance.share) or '-'} %")
        return "\n".join(lines) + "\n"

    lines.append(averages_text(report))
    lines += report.notes
    quizzes = report.quizzes
    lines += ["", "\t".join(["learner", "modules", *(f"Q{n}" for n in range(
        1, len(quizzes) + 1)), "present", "late", "absent", "excused", "attended %"])]
    for row in report.learners:
        cells = [row.name]
        if row.local:
            cells.append(f"{row.completed}/{len(report.modules)}")
            for quiz in quizzes:
                result = row.quiz(quiz.module_id)
                best = score_text(result.best if result else None) or "-"
                cells.append(best + (" passed" if result and result.passed else ""))
        else:
            cells += ["campus"] + ["-"] * len(quizzes)
        a = row.attendance
        cells += [str(a.present), str(a.late), str(a.absent), str(a.excused),
                  share_text(a.share) or "-"]
        lines.append("\t".join(cells))
    if report.has_campus_learners:
        lines.append("campus: a campus account, whose progress is on the campus server")
    for number, quiz in enumerate(quizzes, 1):
        lines += ["", f"Q{number} {quiz.title}: {quiz.takers} took it, {quiz.passed} passed, "
                  f"mean best score {score_text(quiz.mean_best) or '-'} %"]
        if quiz.problem:
            lines.append(f"  {quiz.problem}")
        for item in quiz.items if quiz.takers else []:
            text = item.text if len(item.text) <= 70 else item.text[:69] + "…"
            correct = "read by a facilitator" if item.correct is None else \
                f"{share_text(item.share_correct) or '-'} % correct"
            line = f"  {item.number}. {text}\t{item.answered}/{item.takers} answered\t{correct}"
            if item.top_wrong is not None:
                line += f"\twrong most: \"{item.top_wrong.text}\" ({item.top_wrong.count})"
            lines.append(line)
    return "\n".join(lines) + "\n"
