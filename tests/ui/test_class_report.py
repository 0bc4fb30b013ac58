"""The Report tab of a class as a facilitator uses it: the learners' table with their best
scores and attendance, the item analysis of a quiz with its bar charts, one learner's view
from the picker, and the exports to CSV and PDF (of the class, and of the learner shown)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pypdfium2 as pdfium

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.classroom import classes
from stepcampus.coursepack.gift import parse_gift
from stepcampus.progress import activity
from stepcampus.quiz import scoring
from tests.ui.test_app import WAIT
from ui import i18n
from ui.class_report import BarChart, ClassReportView
from ui.classes import ClassesPage
from ui.context import AppContext, Learner

MODULE = "social-exclusion"


def answer(campus: Campus, profile: str, answers: dict[int, object]) -> None:
    """The social exclusion quiz answered through the core, as the quiz page saves it."""
    view = campus.course(SAMPLE_COURSE)
    questions = parse_gift(view.read_text(view.module(MODULE).quiz or ""))
    factory = campus.sessions
    attempt = activity.start_attempt(factory, profile, SAMPLE_COURSE, MODULE)
    fractions = []
    for index, question in enumerate(questions):
        fraction = scoring.score(question, answers.get(index))
        fractions.append(fraction or 0.0)
        if index in answers:
            activity.save_answer(factory, attempt, index, answers[index], fraction)
    activity.finish_attempt(factory, attempt, sum(fractions) / len(fractions), 70)


def cells(table, row: int) -> list[str]:
    return [table.item(row, c).text() if table.item(row, c) else ""
            for c in range(table.columnCount())]


def pdf_text(path: Path) -> str:
    document = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(document[i].get_textpage().get_text_range()
                         for i in range(len(document)))
    finally:
        document.close()


def test_the_report_tab_shows_the_numbers_and_exports_them(qtbot, tmp_path: Path,
                                                           campus: Campus,
                                                           sample_build) -> None:
    campus.install(str(sample_build.bundle))
    factory = campus.sessions
    maria = activity.create_profile(factory, "Maria", "2468", role="facilitator")
    ana = activity.create_profile(factory, "Ana Núñez").id
    bo = activity.create_profile(factory, "Bo Chen").id
    group = classes.create_class(factory, "Cohorte 3", maria.id, SAMPLE_COURSE)
    classes.enrol(factory, group.id, [ana, bo], [("farida", "Farida Osei")])
    activity.complete_module(factory, ana, SAMPLE_COURSE, MODULE)
    # Ana: the first question right, the true/false one wrong; Bo: the other way round.
    answer(campus, ana, {0: 0, 2: True, 3: True})
    answer(campus, bo, {0: 1, 2: False})
    sitting = classes.plan_session(factory, group.id, "Jour 1", "2026-12-10T09:00", "UTC", 90)
    members = {m.display_name: m.id for m in classes.list_members(factory, group.id)}
    classes.record_attendance(factory, sitting.id, {members["Ana Núñez"]: "present",
                                                    members["Bo Chen"]: "absent"})

    ctx = AppContext(campus)
    ctx.store_ready = True
    ctx.sign_in(Learner(maria.id, maria.name, "facilitator"))
    page = ClassesPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    qtbot.waitUntil(lambda: page.data is not None, timeout=WAIT)
    assert page.tabs.tabText(3) == "Report"
    view = page.report
    assert isinstance(view, ClassReportView) and view.report is None  # read when shown
    page.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.report is not None, timeout=WAIT)

    # The learners' table: best scores (2/9 and 1/9 of the marks), attendance, averages.
    table = view.learners
    heads = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert heads == ["Learner", "Modules", "Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "P", "L", "A",
                     "E", "Attended %"]
    assert cells(table, 0) == ["Ana Núñez", "1 of 6", "22.2", "–", "–", "–", "–", "–",
                               "1", "0", "0", "0", "100 %"]
    assert cells(table, 1)[:3] == ["Bo Chen", "0 of 6", "11.1"]
    assert cells(table, 1)[-5:] == ["0", "0", "1", "0", "0 %"]
    assert cells(table, 2)[:2] == ["Farida Osei", "progress on the campus server"]
    assert table.columnSpan(2, 1) == 7
    assert cells(table, 3)[:3] == ["Class average", "0.5", "16.6"]
    assert "Learners enrolled with a campus account" in view.summary.text()
    assert view.summary.text().startswith("Averages: 0.5 of 6 modules completed")

    # Item analysis of the first quiz: share correct by question, then each question's answers.
    assert view.quiz_box.currentText() == (
        "Q1 · Social exclusion and exclusion from social protection")
    assert view.quiz_summary.text() == "2 took it · 0 passed · mean best score 16.6 %"
    shares = [(b.label, b.text) for b in view.share_chart.bars]
    assert shares[:4] == [("Question 1", "50 %"), ("Question 2", "–"),
                          ("Question 3", "50 %"), ("Question 4", "100 %")]
    first = view.question_chart(1)
    assert isinstance(first, BarChart)
    assert [(b.text, b.right) for b in first.bars] == [
        ("1 (50 %)", True), ("1 (50 %)", False), ("0 (0 %)", False), ("0 (0 %)", False)]
    assert first.bars[1].label == "A household income below the national poverty line"
    assert "✓ A situation in which" in first.accessibleDescription()
    block = view.question_block(3)
    assert block is not None and "Wrong answer given most: “True” (1)" in " ".join(
        w.text() for w in block.findChildren(type(view.summary)))
    assert view.question_chart(5) is None  # a typed answer: no choices to chart
    first.grab()  # paints without error

    # One learner, from the picker.
    view.learner_box.setCurrentIndex(view.learner_box.findText("Bo Chen"))
    assert view.stack.currentIndex() == 1
    assert view.learner_name.text() == "Bo Chen"
    assert cells(view.modules, 0) == ["Social exclusion and exclusion from social protection",
                                      "no", "11.1", "no", "1"]
    bar = view.scores_chart.bars[0]
    assert (bar.text, bar.right) == ("11.1 %", False)
    assert view.scores_chart.mark == 0.7
    assert cells(view.sessions, 0) == ["2026-12-10 09:00", "Jour 1", "absent"]
    assert view.attended.text() == "Attended 0 of 1 sessions (0 %)"

    # Exports: the learner shown, then the whole class.
    mine = tmp_path / "bo.csv"
    view.export_csv_to(str(mine))
    qtbot.waitUntil(lambda: view.message.text() == f"Report exported to {mine}", timeout=WAIT)
    rows = list(csv.reader(io.StringIO(mine.read_text(encoding="utf-8-sig"), newline="")))
    assert ["Learner", "Bo Chen"] in rows and ["Learner report"] in rows
    view.learner_box.setCurrentIndex(0)
    assert view.stack.currentIndex() == 0
    whole = tmp_path / "class.csv"
    view.export_csv_to(str(whole))
    qtbot.waitUntil(lambda: view.message.text() == f"Report exported to {whole}", timeout=WAIT)
    data = whole.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert ["Class report"] in rows and any(r[:1] == ["Ana Núñez"] for r in rows)
    pdf = tmp_path / "class.pdf"
    view.export_pdf_to(str(pdf))
    qtbot.waitUntil(lambda: view.message.text() == f"Report exported to {pdf}", timeout=WAIT)
    text = pdf_text(pdf)
    assert "Cohorte 3" in text and "Ana Núñez" in text and "Item analysis" in text

    # A quiz taken since: the tab, shown again, reads it.
    page.tabs.setCurrentIndex(0)
    answer(campus, bo, {0: 0, 2: False})
    page.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: cells(view.learners, 1)[2] == "22.2", timeout=WAIT)

    # In French, the tab and its exports speak French.
    try:
        i18n.set_language("fr")
        page.retranslate()
        assert page.tabs.tabText(3) == "Rapport"
        qtbot.waitUntil(lambda: view.csv_button.isEnabled(), timeout=WAIT)
        french = tmp_path / "classe.csv"
        view.export_csv_to(str(french))
        qtbot.waitUntil(lambda: french.exists(), timeout=WAIT)
        assert french.read_bytes().decode("utf-8-sig").startswith("Rapport de la classe\r\n")
    finally:
        i18n.set_language("en")


def test_a_failed_export_is_said_and_writes_nothing(qtbot, tmp_path: Path,
                                                   campus: Campus) -> None:
    factory = campus.sessions
    maria = activity.create_profile(factory, "Maria", "2468", role="facilitator")
    classes.create_class(factory, "Cohort 3", maria.id)
    ctx = AppContext(campus)
    ctx.store_ready = True
    ctx.sign_in(Learner(maria.id, maria.name, "facilitator"))
    page = ClassesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.data is not None, timeout=WAIT)
    page.tabs.setCurrentWidget(page.report)
    view = page.report
    qtbot.waitUntil(lambda: view.report is not None, timeout=WAIT)
    assert view.learners.rowCount() == 1  # the averages only
    assert view.quiz_summary.text() == "This class follows no course with quizzes."
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    view.export_pdf_to(str(blocker / "report.pdf"))
    qtbot.waitUntil(lambda: view.error.isVisible(), timeout=WAIT)
    assert "a-file" in view.error.text()
    assert blocker.read_text() == "not a folder"
