"""Class reports over real records: three learners of this desktop take the sample course's
quizzes through the core (as the quiz page does: each answer saved with its credit, then the
attempt finished), attendance is taken, and a campus account is enrolled. The numbers are
checked by hand; the CSV reads back with the csv module, accents and all; the PDF opens in
pypdfium2 and its text holds the names; `stepcampus class report` prints, writes and refuses."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from stepcampus.classroom import classes
from stepcampus.classroom.report_pdf import render_report_pdf
from stepcampus.classroom.reports import (
    ClassReport,
    ItemAnalysis,
    class_report,
    report_csv,
    report_json,
)
from stepcampus.cli import main
from stepcampus.coursepack.gift import parse_gift
from stepcampus.errors import InputError
from stepcampus.progress import activity
from stepcampus.quiz import scoring
from stepcampus.quiz.model import Question
from tests.classroom.conftest import COURSE, Desk

EXCLUSION = "social-exclusion"
INTEGRATION = "social-integration"
CLASS_NAME = 'Cohorte 3, "Dakar"'  # a comma and quotes: CSV must quote it


def questions(desk: Desk, module: str) -> list[Question]:
    """The quiz as the learner's app reads it: the installed GIFT, parsed for real."""
    view = desk.campus.course(COURSE)
    path = view.module(module).quiz
    assert path is not None
    return parse_gift(view.read_text(path), path)


def take(desk: Desk, profile: str, module: str, answers: dict[int, Any],
         finish: bool = True) -> float:
    """Answer a quiz as the quiz page does; the score it would give (0..1)."""
    quiz = questions(desk, module)
    attempt = activity.start_attempt(desk.factory, profile, COURSE, module)
    fractions: list[float] = []
    for index, question in enumerate(quiz):
        response = answers.get(index)
        # Saved as JSON, which turns a matching answer's keys into text; scored with ints.
        scored = {int(k): v for k, v in response.items()} if isinstance(response, dict) \
            else response
        fraction = scoring.score(question, scored)
        if fraction is not None:
            fractions.append(fraction)
        if response is not None:
            activity.save_answer(desk.factory, attempt, index, response, fraction)
    score = sum(fractions) / len(fractions)
    if finish:
        activity.finish_attempt(desk.factory, attempt, score, 70)
    return score


def pairs(desk: Desk, right: int) -> dict[str, str]:
    """A matching answer to the knowledge-cycle question with its first `right` stems right
    and the others given the first stem's match."""
    question = questions(desk, EXCLUSION)[8]
    first = question.answers[0].match or ""
    return {str(i): (a.match or "") if i < right else first
            for i, a in enumerate(question.answers)}


@dataclass(frozen=True)
class Room:
    desk: Desk
    class_id: str
    amelie: str
    scores: dict[str, float]
    sessions: list[str]


@pytest.fixture
def room(desk: Desk) -> Room:
    factory = desk.factory
    amelie = activity.create_profile(factory, "Amélie Núñez").id
    group = classes.create_class(factory, CLASS_NAME, desk.facilitator, COURSE)
    classes.enrol(factory, group.id, [desk.ana, desk.bo, amelie], [("farida", "Farida Osei")])
    for module in (EXCLUSION, "social-health-protection"):
        activity.complete_module(factory, desk.ana, COURSE, module)
    activity.complete_module(factory, desk.bo, COURSE, EXCLUSION)

    all_right = {0: 0, 1: [0, 1, 2, 3], 2: False, 3: True, 4: "social economy", 5: "1998",
                 6: "80", 7: 1, 8: pairs(desk, 4)}
    scores = {"ana-first": take(desk, desk.ana, EXCLUSION, all_right)}
    # Her latest attempt, worse: it is the one the item analysis reads; the first stays best.
    scores["ana"] = take(desk, desk.ana, EXCLUSION, {
        0: 1, 1: [0, 1, 2, 3], 2: True, 4: "Solidarity economy", 8: pairs(desk, 4)})
    scores["bo"] = take(desk, desk.bo, EXCLUSION, {
        0: 0, 1: [0, 4], 2: True, 3: True, 4: "  solidarity   ECONOMY "})
    scores["amelie"] = take(desk, amelie, EXCLUSION, {
        0: 1, 1: [], 2: False, 4: "social economy", 8: pairs(desk, 1)})
    # An attempt still in progress is not part of any count.
    take(desk, amelie, EXCLUSION, {0: 0, 2: True}, finish=False)
    scores["bo-integration"] = take(desk, desk.bo, INTEGRATION, {
        0: 0, 7: "Plan Auge guarantees access, financing, quality and protection."})

    first = classes.plan_session(factory, group.id, "Journée 1", "2026-12-10T09:00",
                                 "Africa/Dakar", 180)
    second = classes.plan_session(factory, group.id, "Journée 2", "2026-12-17T09:00",
                                  "Africa/Dakar", 180)
    members = {m.display_name: m.id for m in classes.list_members(factory, group.id)}
    classes.record_attendance(factory, first.id, {
        members["Ana Silva"]: "present", members["Bo Chen"]: "late",
        members["Amélie Núñez"]: "absent", members["Farida Osei"]: "present"})
    classes.record_attendance(factory, second.id, {
        members["Ana Silva"]: "excused", members["Bo Chen"]: "absent"})
    return Room(desk, group.id, amelie, scores, [first.id, second.id])


def report_of(room: Room) -> ClassReport:
    return class_report(room.desk.factory, room.desk.campus.content, room.class_id)


def item(report: ClassReport, module: str, number: int) -> ItemAnalysis:
    [quiz] = [q for q in report.quizzes if q.module_id == module]
    return quiz.items[number - 1]


# The numbers ----------------------------------------------------------------------------------


def test_per_learner_modules_best_scores_and_attendance(room: Room) -> None:
    report = report_of(room)
    assert (report.class_name, report.course_title, report.pass_mark) == (
        CLASS_NAME, "Inclusive social protection", 70.0)
    assert [r.name for r in report.learners] == ["Amélie Núñez", "Ana Silva", "Bo Chen",
                                                 "Farida Osei"]
    amelie, ana, bo, farida = report.learners
    assert len(report.modules) == 6 and [m.module_id for m in ana.modules] == [
        m for m, _ in report.modules]
    assert (ana.completed, bo.completed, amelie.completed) == (2, 1, 0)

    # The best of Ana's two attempts, and passed, though her latest failed.
    assert room.scores["ana-first"] == 1.0 and room.scores["ana"] == pytest.approx(2.5 / 9)
    ana_quiz = ana.quiz(EXCLUSION)
    assert ana_quiz is not None
    assert (ana_quiz.best, ana_quiz.passed, ana_quiz.attempts) == (1.0, True, 2)
    bo_quiz = bo.quiz(EXCLUSION)
    assert bo_quiz is not None and bo_quiz.best == pytest.approx(2 / 9)
    assert not bo_quiz.passed and bo_quiz.attempts == 1
    amelie_quiz = amelie.quiz(EXCLUSION)
    assert amelie_quiz is not None
    # Her attempt in progress counts for nothing.
    assert (amelie_quiz.best, amelie_quiz.attempts) == (pytest.approx(2.25 / 9), 1)
    untouched = amelie.quiz("solidarity-economy")
    assert untouched is not None and (untouched.best, untouched.passed) == (None, False)

    # Attendance: counts, and the share of recorded sessions attended (excused not counted).
    assert (ana.attendance.present, ana.attendance.excused, ana.attendance.share) == (1, 1, 1.0)
    assert (bo.attendance.late, bo.attendance.absent, bo.attendance.share) == (1, 1, 0.5)
    assert (amelie.attendance.absent, amelie.attendance.share) == (1, 0.0)
    assert amelie.statuses == ["absent", None] and bo.statuses == ["late", "absent"]

    # A campus account: attendance only, no local progress.
    assert not farida.local and farida.modules == [] and farida.campus_username == "farida"
    assert (farida.attendance.present, farida.attendance.share) == (1, 1.0)
    assert report.has_campus_learners

    # Averages: local learners for modules, everyone for attendance, takers for scores.
    assert report.mean_completed == 1.0
    assert report.mean_attendance == pytest.approx((1 + 0.5 + 0 + 1) / 4)
    [exclusion] = [q for q in report.quizzes if q.module_id == EXCLUSION]
    assert (exclusion.takers, exclusion.passed) == (3, 1)
    assert exclusion.mean_best == pytest.approx((1 + 2 / 9 + 2.25 / 9) / 3)
    [integration] = [q for q in report.quizzes if q.module_id == INTEGRATION]
    assert (integration.takers, integration.passed) == (1, 0)
    assert report.learner("bo chen") is bo and report.learner("farida") is farida
    with pytest.raises(InputError, match="'Nobody' is not a learner"):
        report.learner("Nobody")


def test_item_analysis_from_each_learners_latest_finished_attempt(room: Room) -> None:
    report = report_of(room)
    [exclusion] = [q for q in report.quizzes if q.module_id == EXCLUSION]
    assert [i.number for i in exclusion.items] == list(range(1, 10))
    assert all(i.takers == 3 for i in exclusion.items)

    # Multiple choice: Bo right; Ana (latest) and Amélie chose the same distractor.
    one = item(report, EXCLUSION, 1)
    assert (one.type, one.answered, one.correct, one.share_correct) == (
        "multichoice", 3, 1, pytest.approx(1 / 3))
    assert [c.count for c in one.choices] == [1, 2, 0, 0]
    assert [c.right for c in one.choices] == [True, False, False, False]
    assert one.top_wrong is not None and one.top_wrong.count == 2
    assert one.top_wrong.text == "A household income below the national poverty line"
    assert one.text.startswith("Which statement best describes social exclusion")

    # Several answers: Amélie's cleared boxes are no answer; each ticked box counts.
    two = item(report, EXCLUSION, 2)
    assert (two.answered, two.correct, two.share_correct) == (2, 1, 0.5)
    assert [c.count for c in two.choices] == [2, 1, 1, 1, 1, 0]
    assert two.top_wrong is not None and (two.top_wrong.key, two.top_wrong.count) == (4, 1)
    assert two.top_wrong.text == "Having several social protection schemes in the same country"

    # True/false: the answer is False; True was given twice.
    three = item(report, EXCLUSION, 3)
    assert (three.answered, three.correct) == (3, 1)
    assert [(c.key, c.count, c.right) for c in three.choices] == [(True, 2, False),
                                                                  (False, 1, True)]
    assert three.top_wrong is not None and (three.top_wrong.key, three.top_wrong.count) == (
        True, 2)
    four = item(report, EXCLUSION, 4)
    assert (four.answered, four.correct, four.share_correct, four.top_wrong) == (1, 1, 1.0,
                                                                                 None)

    # Short answer: the wrong answers typed, alike but for case and spaces, are one.
    five = item(report, EXCLUSION, 5)
    assert (five.answered, five.correct, five.choices) == (3, 1, [])
    assert five.top_wrong is not None
    assert (five.top_wrong.text, five.top_wrong.count) == ("Solidarity economy", 2)

    # Nobody answered the numerical ones in their latest attempt (Ana did in her first).
    for number in (6, 7, 8):
        unanswered = item(report, EXCLUSION, number)
        assert (unanswered.answered, unanswered.share_correct) == (0, None)

    # Matching: full credit only when every pair is right.
    nine = item(report, EXCLUSION, 9)
    assert (nine.type, nine.answered, nine.correct, nine.share_correct) == (
        "matching", 2, 1, 0.5)

    # An essay is read by a person: answered, but no share correct.
    essay = item(report, INTEGRATION, 8)
    assert (essay.type, essay.answered, essay.correct, essay.share_correct) == (
        "essay", 1, None, None)
    assert item(report, INTEGRATION, 1).correct == 1


def test_a_class_without_course_or_learners_reports_attendance_only(desk: Desk) -> None:
    group = classes.create_class(desk.factory, "Reading circle", desk.facilitator)
    empty = class_report(desk.factory, desk.campus.content, group.id)
    assert (empty.learners, empty.quizzes, empty.modules, empty.mean_completed) == (
        [], [], [], None)
    [member] = classes.enrol_profiles(desk.factory, group.id, [desk.ana])
    sitting = classes.plan_session(desk.factory, group.id, "Day 1", "2026-12-10T09:00",
                                   "UTC", 60)
    classes.record_attendance(desk.factory, sitting.id, {member.id: "present"})
    report = class_report(desk.factory, desk.campus.content, group.id)
    [ana] = report.learners
    assert ana.local and ana.modules == [] and ana.attendance.share == 1.0
    assert report.course_title == "" and report.quizzes == []
    # Both exports draw it.
    assert report_csv(report).startswith(b"\xef\xbb\xbf")
    assert render_report_pdf(report).startswith(b"%PDF-")
    with pytest.raises(InputError, match="no class"):
        class_report(desk.factory, desk.campus.content, "no-such-class")


# Exports ----------------------------------------------------------------------------------------


def sections(data: bytes) -> dict[str, list[list[str]]]:
    """The CSV's sections by title: the rows after the title (header first)."""
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheet programs look for
    text = data.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    found: dict[str, list[list[str]]] = {"": []}
    current = ""
    for number, row in enumerate(rows):
        if not row:
            current = rows[number + 1][0]
            found[current] = []
        elif row != [current]:
            found[current].append(row)
    return found


def test_csv_reads_back_with_the_accents_and_quoting(room: Room, tmp_path: Path) -> None:
    report = report_of(room)
    found = sections(report_csv(report))
    assert found[""][0] == ["Class report"]
    assert ["Class", CLASS_NAME] in found[""]  # quoted, read back whole
    assert ["Course", "Inclusive social protection"] in found[""]
    header, *rows = found["Learners"]
    assert header[:4] == ["Learner", "Account", "Modules completed",
                          "Social exclusion and exclusion from social protection: best %"]
    assert header[-5:] == ["Present", "Late", "Absent", "Excused", "Attended %"]
    by_name = {row[0]: row for row in rows}
    assert list(by_name) == ["Amélie Núñez", "Ana Silva", "Bo Chen", "Farida Osei",
                             "Class average"]
    assert by_name["Ana Silva"][1:5] == ["profile on this desktop", "2", "100", "yes"]
    assert by_name["Bo Chen"][3:5] == ["22.2", "no"] and by_name["Bo Chen"][-5:] == [
        "0", "1", "1", "0", "50"]
    assert by_name["Farida Osei"][1:3] == ["campus account farida",
                                           "progress on the campus server"]
    assert by_name["Class average"][2:5] == ["1.0", "49", "1/3"]
    assert by_name["Class average"][-1] == "62.5"

    assert found["Attendance"][0] == ["Learner", "2026-12-10 09:00 Journée 1",
                                      "2026-12-17 09:00 Journée 2"]
    assert ["Amélie Núñez", "absent", ""] in found["Attendance"]
    header, *items = found["Item analysis"]
    assert header == ["Quiz", "#", "Question", "Took the quiz", "Answered", "Correct",
                      "Share correct %", "Wrong answer given most", "Times"]
    first = items[0]
    assert first[1] == "1" and first[3:] == [
        "3", "3", "1", "33.3", "A household income below the national poverty line", "2"]
    assert ["Social exclusion and exclusion from social protection", "3", "True", "no", "2"] \
        in found["Answers per choice"]

    # One learner: their modules and attendance.
    mine = sections(report_csv(report, report.learner("Amélie Núñez")))
    assert ["Learner", "Amélie Núñez"] in mine[""]
    assert mine["Modules"][1][:3] == ["Social exclusion and exclusion from social protection",
                                      "no", "25"]
    assert mine["Attendance"][1:] == [["2026-12-10 09:00", "Journée 1", "absent"],
                                      ["2026-12-17 09:00", "Journée 2", "not recorded"],
                                      ["Attended %", "", "0"]]


def pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(document[i].get_textpage().get_text_range()
                         for i in range(len(document)))
    finally:
        document.close()


def test_the_pdf_opens_and_prints_every_name(room: Room) -> None:
    report = report_of(room)
    data = render_report_pdf(report)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for name in ("Amélie Núñez", "Ana Silva", "Bo Chen", "Farida Osei", CLASS_NAME,
                 "Inclusive social protection", "Item analysis",
                 "A household income below the national poverty line"):
        assert name in text, name
    mine = pdf_text(render_report_pdf(report, report.learner("Amélie Núñez")))
    assert "Learner report" in mine and "Amélie Núñez" in mine and "Journée 2" in mine


# The command ------------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], room: Room, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(room.desk.campus.data_dir), "class", "report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_prints_writes_and_refuses(room: Room, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, room, "cohorte 3, \"dakar\"")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"{CLASS_NAME} · Inclusive social protection · ")
    assert "Amélie Núñez\t0/6\t25\t-\t-\t-\t-\t-\t0\t0\t1\t0\t0" in lines
    assert "Ana Silva\t2/6\t100 passed\t-\t-\t-\t-\t-\t1\t0\t0\t1\t100" in lines
    assert "Farida Osei\tcampus\t-\t-\t-\t-\t-\t-\t1\t0\t0\t0\t100" in lines
    assert any(line.startswith("  1. Which statement") and line.endswith(
        '33.3 % correct\twrong most: "A household income below the national poverty line" (2)')
        for line in lines)

    code, out, _ = run(capsys, room, CLASS_NAME, "--json")
    data = json.loads(out)
    assert data == report_json(report_of(room)) | {"made_at": data["made_at"]}
    assert [q["takers"] for q in data["quizzes"]][:3] == [3, 0, 1]

    code, out, _ = run(capsys, room, CLASS_NAME, "--learner", "bo chen")
    assert code == 0 and out.splitlines()[0].startswith("Bo Chen · ")
    assert "2026-12-17 09:00 Journée 2\tabsent" in out and "attended 50 %" in out

    csv_file, pdf_file = tmp_path / "out" / "report.csv", tmp_path / "out" / "report.pdf"
    code, out, err = run(capsys, room, CLASS_NAME, "--csv", str(csv_file), "--pdf",
                         str(pdf_file))
    assert (code, out) == (0, "")
    assert err.splitlines() == [f"wrote the report of {CLASS_NAME} to {csv_file}",
                                f"wrote the report of {CLASS_NAME} to {pdf_file}"]
    assert "Amélie Núñez" in csv_file.read_text(encoding="utf-8-sig")
    assert "Amélie Núñez" in pdf_text(pdf_file.read_bytes())
    assert sorted(p.name for p in csv_file.parent.iterdir()) == ["report.csv", "report.pdf"]

    code, out, err = run(capsys, room, CLASS_NAME, "--learner", "Nobody", "--csv",
                         str(tmp_path / "nobody.csv"))
    assert (code, out) == (2, "")
    assert err.startswith(f"error: learner: 'Nobody' is not a learner of {CLASS_NAME} "
                          "(its learners: Amélie Núñez, Ana Silva, Bo Chen, Farida Osei)")
    assert not (tmp_path / "nobody.csv").exists()
    code, _, err = run(capsys, room, "Nowhere")
    assert code == 2 and err.startswith("error: class: no class named 'Nowhere'")
