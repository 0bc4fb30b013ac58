"""`stepcampus class ...` end to end through the real command: create, enrol, plan, list,
take attendance, export; the sessions in `stepcampus calendar`; bad input as `error:` lines,
exit 2, nothing changed."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from stepcampus.calendar.ics import import_ics
from stepcampus.classroom import classes
from stepcampus.cli import main
from stepcampus.progress import activity
from tests.classroom.conftest import COURSE, Desk


def run(capsys: pytest.CaptureFixture[str], desk: Desk, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(desk.campus.data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_class_from_creation_to_export(desk: Desk, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, desk, "class", "create", "Cohort 3", "--facilitator", "maria",
                       "--course", COURSE)
    assert code == 0 and out.startswith(f"created class Cohort 3 following {COURSE}, run by "
                                        "Maria (id ")
    code, out, _ = run(capsys, desk, "class", "enrol", "cohort 3", "Ana Silva", "bo chen",
                       "--campus", "farida=Farida Osei", "--campus", "k.mensah")
    assert code == 0
    assert out.splitlines() == ["enrolled: Ana Silva", "enrolled: Bo Chen",
                                "enrolled: Farida Osei", "enrolled: k.mensah"]
    code, out, _ = run(capsys, desk, "class", "enrol", "Cohort 3", "Ana Silva")
    assert (code, out) == (0, "already enrolled: Ana Silva\n")

    code, out, _ = run(capsys, desk, "class", "plan", "Cohort 3", "--title", "Day 2",
                       "--start", "2026-10-29T09:00", "--timezone", "Europe/Berlin",
                       "--minutes", "90")
    assert code == 0 and out.startswith("planned Day 2 for Thu 2026-10-29 09:00 Europe/Berlin "
                                        "(90 min; id ")
    code, out, _ = run(capsys, desk, "class", "plan", "Cohort 3", "--title", "Day 1",
                       "--start", "2026-10-22T09:00", "--timezone", "Europe/Berlin",
                       "--minutes", "180", "--modules",
                       "social-exclusion, social-health-protection", "--location", "Room 4")
    assert code == 0

    code, out, _ = run(capsys, desk, "class", "sessions", "Cohort 3", "--json")
    sessions = json.loads(out)
    assert [(s["title"], s["start"], s["end"], s["modules"], s["location"]) for s in sessions] \
        == [("Day 1", "2026-10-22T09:00:00+02:00", "2026-10-22T12:00:00+02:00",
             ["social-exclusion", "social-health-protection"], "Room 4"),
            ("Day 2", "2026-10-29T09:00:00+01:00", "2026-10-29T10:30:00+01:00", [], "")]
    day1, day2 = sessions
    code, out, _ = run(capsys, desk, "class", "sessions", "Cohort 3")
    assert out.splitlines()[0] == (f"{day1['id']}\tThu 2026-10-22 09:00-12:00 Europe/Berlin\t"
                                   "Day 1\tsocial-exclusion,social-health-protection\tRoom 4")

    code, out, _ = run(capsys, desk, "class", "list", "--json")
    [listed] = json.loads(out)
    assert {k: listed[k] for k in ("name", "facilitator", "course", "learners", "sessions")} == {
        "name": "Cohort 3", "facilitator": "Maria", "course": COURSE, "learners": 4,
        "sessions": 2}
    code, out, _ = run(capsys, desk, "class", "list")
    assert out == f"Cohort 3\tMaria\t{COURSE}\t4 learners\t2 sessions\t{listed['id']}\n"

    # Attendance, with a session id shortened to its beginning.
    code, out, _ = run(capsys, desk, "class", "attend", "Cohort 3", day1["id"][:8],
                       "Ana Silva", "farida")
    assert (code, out) == (0, "Ana Silva: present at Day 1\nFarida Osei: present at Day 1\n")
    code, _, _ = run(capsys, desk, "class", "attend", "Cohort 3", day1["id"], "Bo Chen",
                     "--status", "late")
    code, _, _ = run(capsys, desk, "class", "attend", "Cohort 3", day2["id"], "Bo Chen",
                     "k.mensah", "--status", "excused")
    code, out, _ = run(capsys, desk, "class", "attendance", "Cohort 3")
    assert out.splitlines() == ["learner\t2026-10-22\t2026-10-29", "Ana Silva\tpresent\t-",
                                "Bo Chen\tlate\texcused", "Farida Osei\tpresent\t-",
                                "k.mensah\t-\texcused"]
    statements = activity.pending_statements(desk.factory, limit=1000)
    attended = sorted(s["actor"]["name"] for s in statements
                      if s["verb"]["id"].endswith("/attended"))
    assert attended == ["Ana Silva", "Bo Chen"]  # the local learners who came

    # The calendar shows them in any zone, and exports one by its UID.
    code, out, _ = run(capsys, desk, "calendar", "list", "--from", "2026-10-20", "--days", "14",
                       "--zone", "Africa/Nairobi", "--json")
    listed_events = json.loads(out)
    assert [(e["title"], e["start"], e["organiser_start"], e["kind"]) for e in listed_events] \
        == [("Day 1", "2026-10-22T10:00:00+03:00", "2026-10-22T09:00:00+02:00", "classroom"),
            ("Day 2", "2026-10-29T11:00:00+03:00", "2026-10-29T09:00:00+01:00", "classroom")]
    assert listed_events[0]["uid"] == day1["uid"]
    target = tmp_path / "day2-calendar.ics"
    code, _, _ = run(capsys, desk, "calendar", "export", "--uid", day2["uid"], "-o", str(target))
    assert code == 0
    [event] = import_ics(target.read_bytes(), str(target))
    assert event.start == datetime(2026, 10, 29, 9, tzinfo=ZoneInfo("Europe/Berlin"))

    # class export: the whole class, or one session, to a file or standard output.
    target = tmp_path / "cohort-3.ics"
    code, _, err = run(capsys, desk, "class", "export", "Cohort 3", "-o", str(target))
    assert code == 0 and err == f"wrote 2 sessions of Cohort 3 to {target}\n"
    events = import_ics(target.read_bytes(), str(target))
    assert [(e.title, e.duration) for e in events] == [("Day 1", timedelta(hours=3)),
                                                       ("Day 2", timedelta(minutes=90))]
    code, out, _ = run(capsys, desk, "class", "export", "Cohort 3", "--session", day2["id"],
                       "-o", "-")
    assert code == 0 and out.count("BEGIN:VEVENT") == 1 and "SUMMARY:Day 2" in out

    code, out, _ = run(capsys, desk, "class", "members", "Cohort 3")
    assert out.splitlines()[2] == "Farida Osei\tcampus account farida"


def snapshot(desk: Desk) -> object:
    factory = desk.factory
    found = []
    for group in classes.list_classes(factory):
        grid = classes.attendance_grid(factory, group.id)
        found.append((group.name, [m.display_name for m in grid.members],
                      [(s.title, s.starts_at) for s in grid.sessions], sorted(grid.marks.items())))
    calendar = desk.calendar.path.read_text() if desk.calendar.path.exists() else None
    return found, len(activity.pending_statements(factory, limit=1000)), calendar


def test_bad_input_exits_2_with_error_lines_and_changes_nothing(
        desk: Desk, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, desk, "class", "create", "Cohort 3", "--facilitator", "Maria")[0] == 0
    assert run(capsys, desk, "class", "enrol", "Cohort 3", "Ana Silva")[0] == 0
    assert run(capsys, desk, "class", "plan", "Cohort 3", "--title", "Day 1", "--start",
               "2026-10-22T09:00", "--timezone", "Europe/Berlin", "--minutes", "60")[0] == 0
    [sitting] = classes.list_sessions(desk.factory, classes.find_class(desk.factory,
                                                                       "Cohort 3").id)
    before = snapshot(desk)
    cases = [
        (["create", "Cohort 4", "--facilitator", "Ana Silva"],
         ["error: facilitator: Ana Silva is not a facilitator (only a facilitator profile "
          "(behind a PIN) runs classes)"]),
        (["create", "Cohort 4", "--facilitator", "Nobody"],
         ["error: --facilitator: no profile named 'Nobody' on this desktop (profiles here: "
          "Ana Silva, Bo Chen, Maria)"]),
        (["create", "cohort 3", "--facilitator", "Maria", "--course", "nope"],
         ["error: name: a class named 'cohort 3' exists (choose another name)",
          "error: course: 'nope' is not installed (install the course first, or create the "
          "class without one)"]),
        (["enrol", "Cohort 9", "Bo Chen"],
         ["error: class: no class named 'Cohort 9' (classes here: Cohort 3)"]),
        (["enrol", "Cohort 3", "Bo Chen", "Maria"],
         ["error: profile: Maria runs this class and cannot be one of its learners"]),
        (["enrol", "Cohort 3", "Bo Chen", "Zed"],
         ["error: Zed: no profile named 'Zed' on this desktop (profiles here: Ana Silva, "
          "Bo Chen, Maria)"]),
        (["enrol", "Cohort 3", "Bo Chen", "--campus", "bad name"],
         ["error: username: 'bad name' is not a campus user name (1-64 letters, digits or "
          ". _ @ -, starting with a letter or digit)"]),
        (["enrol", "Cohort 3"],
         ["error: PROFILE_NAME: no learner to enrol (name profiles of this desktop, or "
          "--campus USER)"]),
        (["plan", "Cohort 3", "--title", "Day 2", "--start", "2026-03-29T02:30", "--timezone",
          "Europe/Berlin", "--minutes", "60"],
         ["error: start: 2026-03-29 02:30 does not exist in Europe/Berlin: the clocks jump "
          "forward then (choose a later time)"]),
        (["plan", "Cohort 3", "--title", "Day 2", "--start", "tomorrow", "--timezone",
          "Mars/Olympus", "--minutes", "0", "--modules", "x"],
         ["error: start: 'tomorrow' is not a date and time (write it as 2026-12-10T09:00, in "
          "the session's own time zone)",
          "error: timezone: unknown time zone 'Mars/Olympus' (use an IANA name such as "
          "Europe/Berlin or Africa/Nairobi)",
          "error: duration: 0 is not a number of minutes from 1 to 1440"]),
        (["attend", "Cohort 3", sitting.id, "Bo Chen"],
         ["error: Bo Chen: is not a learner of Cohort 3 (its learners: Ana Silva)"]),
        (["attend", "Cohort 3", "ffff", "Ana Silva"],
         ["error: SESSION_ID: Cohort 3 has no session with id 'ffff' (see `stepcampus class "
          "sessions \"Cohort 3\"`)"]),
        (["export", "Cohort 3", "--session", "ffff", "-o", str(tmp_path / "x.ics")],
         ["error: SESSION_ID: Cohort 3 has no session with id 'ffff' (see `stepcampus class "
          "sessions \"Cohort 3\"`)"]),
    ]
    for args, expected in cases:
        code, out, err = run(capsys, desk, "class", *args)
        assert (code, out, err.splitlines()) == (2, "", expected), args
    assert snapshot(desk) == before
    assert not (tmp_path / "x.ics").exists()


def test_help_says_the_pin_is_not_asked(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run(capsys, desk, "class", "--help")
    out = capsys.readouterr().out
    assert "PIN is not asked" in " ".join(out.split())
