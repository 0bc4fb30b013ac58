"""A class report (or one learner's) as an A4 PDF, drawn with fpdf2: the class, its course and
the date, the learners' table, the quizzes' mean scores and the item analysis with horizontal
bar charts; for one learner, their modules, scores and attendance.

Names are printed with the Unicode font certificates use (`certificates.fonts`), so "Núñez"
or "Łukasz" print as written; without one, with a built-in font and letters reduced to Latin-1.
Every chart says its numbers in words beside its bars, and right answers carry a mark, so a
report printed in black and white reads the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from stepcampus.certificates.fonts import FontFiles, find_font, to_latin1
from stepcampus.classroom.reports import (
    CHOICE_TYPES,
    ENGLISH,
    Bar,
    ClassReport,
    ItemAnalysis,
    LearnerReport,
    QuizSummary,
    Words,
    account_text,
    averages_text,
    pct,
    score_text,
    share_text,
)

if TYPE_CHECKING:
    from fpdf import FPDF

PAGE_W, PAGE_H = 210.0, 297.0  # A4 portrait, mm
MARGIN = 14.0
WIDTH = PAGE_W - 2 * MARGIN
NAVY = (23, 50, 77)
GREY = (85, 85, 85)
LIGHT = (233, 237, 241)  # table stripes, chart tracks
RIGHT = (46, 125, 50)  # right answers, passed scores
OTHER = (31, 95, 153)  # other answers, scores below the pass mark
GOLD = (184, 145, 47)
Colour = tuple[int, int, int]


class _Pen:
    """The document and how to write on it: the font family, text reduced for it if need be,
    the marks it can print."""

    def __init__(self, pdf: FPDF, family: str, say: Callable[[str], str], unicode: bool) -> None:
        self.pdf = pdf
        self.family = family
        self.say = say
        self.tick = "✓" if unicode else "+"
        self.ellipsis = "…" if unicode else "..."

    def font(self, size: float, bold: bool = False, colour: Colour = NAVY) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.set_text_color(*colour)

    def fit(self, text: str, width: float) -> str:
        """text cut (with an ellipsis) to fit width at the current font."""
        text = self.say(text)
        pdf = self.pdf
        if pdf.get_string_width(text) <= width:
            return text
        while text and pdf.get_string_width(text + self.ellipsis) > width:
            text = text[:-1]
        return text.rstrip() + self.ellipsis

    def cell(self, width: float, height: float, text: str, align: str = "L",
             fill: bool = False, border: int | str = 0) -> None:
        self.pdf.cell(width, height, self.fit(text, width - 2), border=border, align=align,
                      fill=fill)

    def para(self, text: str, height: float, width: float = WIDTH, max_lines: int = 0) -> None:
        """A wrapped paragraph at the left margin; at most max_lines lines (0: all)."""
        lines = self.lines(text, width)
        if max_lines and len(lines) > max_lines:
            lines = lines[:max_lines]
            last = lines[-1]
            while last and self.pdf.get_string_width(last + self.ellipsis) > width:
                last = last[:-1]
            lines[-1] = last.rstrip() + self.ellipsis
        for line in lines:
            self.pdf.set_x(MARGIN)
            self.pdf.cell(width, height, line)
            self.pdf.ln(height)

    def lines(self, text: str, width: float) -> list[str]:
        from fpdf.enums import MethodReturnValue

        result = self.pdf.multi_cell(width, 4, self.say(text), dry_run=True,
                                     output=MethodReturnValue.LINES)
        return [str(line) for line in result] or [""]

    def room(self, height: float) -> None:
        """A new page unless height fits above the bottom margin."""
        pdf = self.pdf
        if pdf.get_y() + height > PAGE_H - pdf.b_margin:
            pdf.add_page()


def render_report_pdf(report: ClassReport, learner: LearnerReport | None = None,
                      words: Words = ENGLISH, font: FontFiles | None = None,
                      find_system_font: bool = True) -> bytes:
    """The class report, or one learner's (with `learner`), as PDF bytes."""
    from fpdf import FPDF

    if font is None and find_system_font:
        font = find_font()
    footer_name = report.class_name

    class Document(FPDF):
        def footer(self) -> None:
            self.set_y(-11)
            pen.font(7.5, colour=GREY)
            self.set_x(MARGIN)
            self.cell(WIDTH / 2, 5, pen.fit(f"STEP Campus · {footer_name}", WIDTH / 2))
            self.cell(WIDTH / 2, 5, pen.say(words.page.format(page=self.page_no())),
                      align="R")

    pdf = Document(orientation="P", unit="mm", format="A4")
    if font is not None:
        pdf.add_font("report", "", str(font.regular))
        pdf.add_font("report", "B", str(font.bold))
        pen = _Pen(pdf, "report", _same, unicode=True)
    else:
        pen = _Pen(pdf, "helvetica", to_latin1, unicode=False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_creation_date(report.made_at)
    title = words.learner_report if learner is not None else words.class_report
    subject = f"{learner.name}, {report.class_name}" if learner else report.class_name
    pdf.set_title(pen.say(f"{title}: {subject}"))
    pdf.set_subject(pen.say(report.course_title))
    pdf.set_author("STEP Campus")
    pdf.set_creator("STEP Campus")
    pdf.add_page()
    _header(pen, report, learner, words)
    if learner is None:
        _learners_table(pen, report, words)
        if report.quizzes:
            _quiz_means(pen, report, words)
            _item_analysis(pen, report, words)
    else:
        _learner_detail(pen, report, learner, words)
    return bytes(pdf.output())


def _same(text: str) -> str:
    return text


# Parts ----------------------------------------------------------------------------------------


def _header(pen: _Pen, report: ClassReport, learner: LearnerReport | None,
            words: Words) -> None:
    pdf = pen.pdf
    pen.font(9, bold=True, colour=GOLD)
    pdf.cell(WIDTH, 5, "STEP CAMPUS")
    pdf.ln(6)
    pen.font(18, bold=True)
    pdf.cell(WIDTH, 9, pen.fit(words.learner_report if learner else words.class_report, WIDTH))
    pdf.ln(10)
    if learner is not None:
        pen.font(15, bold=True)
        pen.para(learner.name, 7)
        pen.font(9.5, colour=GREY)
        pen.para(account_text(learner, words), 5)
        pdf.ln(2)
    facts = [(words.class_, report.class_name),
             (words.course, report.course_title or words.no_course),
             (words.date, f"{report.made_at:%Y-%m-%d}")]
    for name, value in facts:
        pdf.set_x(MARGIN)
        pen.font(10, bold=True)
        pdf.cell(28, 5.5, pen.fit(name, 27))
        pen.font(10)
        pdf.cell(WIDTH - 28, 5.5, pen.fit(value, WIDTH - 29))
        pdf.ln(5.5)
    if learner is None and report.learners:
        pdf.ln(1)
        pen.font(9.5, colour=GREY)
        pen.para(averages_text(report, words), 5)
    notes = list(report.notes)
    if learner is None and report.has_campus_learners:
        notes.append(words.campus_note)
    pen.font(8.5, colour=GREY)
    for note in notes:
        pen.para(note, 4.2)
    pdf.ln(3)


def _section(pen: _Pen, title: str, first_height: float) -> None:
    """A section title, kept on the page of what follows it."""
    pen.room(12 + first_height)
    pen.pdf.ln(2)
    pen.font(13, bold=True)
    pen.pdf.set_x(MARGIN)
    pen.pdf.cell(WIDTH, 7, pen.fit(title, WIDTH))
    pen.pdf.ln(8)


def _learners_table(pen: _Pen, report: ClassReport, words: Words) -> None:
    pdf = pen.pdf
    quizzes = report.quizzes
    row_h = 6.0
    status_w, share_w, modules_w = 8.0, 20.0, 17.0
    quiz_w = min(15.0, max(9.0, (WIDTH - 40 - modules_w - 4 * status_w - share_w)
                          / max(1, len(quizzes))))
    name_w = WIDTH - modules_w - len(quizzes) * quiz_w - 4 * status_w - share_w
    heads = [(name_w, words.learner, "L"), (modules_w, words.modules_head, "C")]
    heads += [(quiz_w, words.quiz_short.format(number=n), "C")
              for n in range(1, len(quizzes) + 1)]
    heads += [(status_w, w, "C") for w in (words.present_short, words.late_short,
                                            words.absent_short, words.excused_short)]
    heads.append((share_w, words.attended, "C"))

    def head() -> None:
        pen.font(7.5, bold=True, colour=(255, 255, 255))
        pdf.set_fill_color(*NAVY)
        pdf.set_x(MARGIN)
        for width, text, align in heads:
            pen.cell(width, row_h, text, align, fill=True)
        pdf.ln(row_h)

    _section(pen, words.learners, 3 * row_h)
    head()
    for number, row in enumerate(report.learners):
        if pdf.get_y() + row_h > PAGE_H - pdf.b_margin:
            pdf.add_page()
            head()
        stripe = number % 2 == 1
        pdf.set_fill_color(*LIGHT)
        pdf.set_x(MARGIN)
        pen.font(8.5)
        pen.cell(name_w, row_h, row.name, fill=stripe)
        if row.local:
            pen.cell(modules_w, row_h, words.of_modules.format(done=row.completed,
                                                               total=len(report.modules)),
                     "C", fill=stripe)
            for quiz in quizzes:
                result = row.quiz(quiz.module_id)
                best = result.best if result else None
                passed = bool(result and result.passed)
                # Smaller than the names: "65.6 ✓" fits a column of six quizzes.
                pen.font(7.5, bold=passed, colour=RIGHT if passed else NAVY)
                text = "–" if best is None else score_text(best) + (
                    f" {pen.tick}" if passed else "")
                pen.cell(quiz_w, row_h, text, "C", fill=stripe)
            pen.font(8.5)
        else:
            pen.font(8, colour=GREY)
            pen.cell(modules_w + len(quizzes) * quiz_w, row_h, words.on_campus, "C",
                     fill=stripe)
            pen.font(8.5)
        a = row.attendance
        for count in (a.present, a.late, a.absent, a.excused):
            pen.cell(status_w, row_h, str(count), "C", fill=stripe)
        pen.cell(share_w, row_h, pct(share_text(a.share)), "C", fill=stripe)
        pdf.ln(row_h)
    # The class's averages, under a rule.
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, pdf.get_y(), MARGIN + WIDTH, pdf.get_y())
    pdf.set_x(MARGIN)
    pen.font(8.5, bold=True)
    pen.cell(name_w, row_h, words.class_average)
    done = report.mean_completed
    pen.cell(modules_w, row_h, "" if done is None else f"{done:.1f}", "C")
    for quiz in quizzes:
        pen.cell(quiz_w, row_h, score_text(quiz.mean_best) or "–", "C")
    pdf.cell(4 * status_w, row_h, "")
    pen.cell(share_w, row_h, pct(share_text(report.mean_attendance)), "C")
    pdf.ln(row_h + 2)
    # What the short headings stand for.
    pen.font(7.5, colour=GREY)
    legend = [f"{words.quiz_short.format(number=n)}: {q.title}"
              for n, q in enumerate(quizzes, 1)]
    legend.append(" · ".join(f"{short}: {word}" for short, word in (
        (words.present_short, words.present), (words.late_short, words.late),
        (words.absent_short, words.absent), (words.excused_short, words.excused))))
    if quizzes:
        legend.append(words.passed_legend.format(mark=pen.tick))
    for line in legend:
        pen.para(line, 3.8)


def _bars(pen: _Pen, bars: Sequence[Bar], label_w: float, bar_w: float,
          mark: float | None = None, row_h: float = 5.2, size: float = 8.0) -> None:
    """Horizontal bars, one a row: the label, the track with its bar, the value in words; a
    vertical line at `mark` (0..1) if given."""
    pdf = pen.pdf
    value_w = WIDTH - label_w - bar_w - 2
    top = pdf.get_y()
    for bar in bars:
        if pdf.get_y() + row_h > PAGE_H - pdf.b_margin:
            pdf.add_page()
            top = pdf.get_y()
        y = pdf.get_y()
        pdf.set_x(MARGIN)
        pen.font(size, bold=bar.right)
        label = f"{pen.tick} {bar.label}" if bar.right else bar.label
        pen.cell(label_w, row_h, label)
        x = MARGIN + label_w + 1
        pdf.set_fill_color(*LIGHT)
        pdf.rect(x, y + 1, bar_w, row_h - 2, style="F")
        filled = max(0.0, min(1.0, bar.value)) * bar_w
        if filled > 0:
            pdf.set_fill_color(*(RIGHT if bar.right else OTHER))
            pdf.rect(x, y + 1, max(filled, 0.6), row_h - 2, style="F")
        pdf.set_xy(x + bar_w + 1, y)
        pen.font(size, bold=bar.right)
        pen.cell(value_w, row_h, bar.text)
        pdf.ln(row_h)
    if mark is not None and bars:
        x = MARGIN + label_w + 1 + mark * bar_w
        pdf.set_draw_color(*GOLD)
        pdf.set_line_width(0.5)
        pdf.line(x, top + 0.3, x, pdf.get_y() - 0.3)
    pdf.ln(1.5)


def _quiz_means(pen: _Pen, report: ClassReport, words: Words) -> None:
    bars = [Bar(f"{words.quiz_short.format(number=n)} {q.title}", q.mean_best or 0.0,
                words.quiz_line.format(takers=q.takers, passed=q.passed,
                                       mean=score_text(q.mean_best) or "–")
                if q.takers else words.no_answers,
                right=q.mean_best is not None and q.mean_best * 100 >= report.pass_mark)
            for n, q in enumerate(report.quizzes, 1)]
    _section(pen, words.quizzes, 5.2 * min(3, len(bars)) + 6)
    pen.font(8.5, colour=GREY)
    pen.para(words.mean_chart.format(mark=f"{report.pass_mark:g}"), 4.5)
    _bars(pen, bars, 56, 44, mark=report.pass_mark / 100, row_h=6)


def _item_analysis(pen: _Pen, report: ClassReport, words: Words) -> None:
    first = True
    for number, quiz in enumerate(report.quizzes, 1):
        if not quiz.items and not quiz.problem:
            continue
        if first:
            _section(pen, words.item_analysis, 40)
            first = False
        _quiz_block(pen, number, quiz, words)


def _quiz_block(pen: _Pen, number: int, quiz: QuizSummary, words: Words) -> None:
    pdf = pen.pdf
    pen.room(30)
    pdf.ln(2)
    pen.font(11, bold=True)
    pen.para(f"{words.quiz_short.format(number=number)} · {quiz.title}", 5.5)
    pen.font(8.5, colour=GREY)
    if quiz.problem:
        pen.para(quiz.problem, 4.5)
        return
    if not quiz.takers:
        pen.para(words.no_answers, 4.5)
        return
    pen.para(words.quiz_line.format(takers=quiz.takers, passed=quiz.passed,
                                    mean=score_text(quiz.mean_best) or "–"), 4.5)
    scored = [i for i in quiz.items if i.correct is not None]
    if scored:
        pdf.ln(1)
        pen.font(8.5, bold=True)
        pen.para(words.share_chart, 4.5)
        _bars(pen, [Bar(f"{words.question} {i.number}", i.share_correct or 0.0,
                        pct(share_text(i.share_correct)) if i.answered else "–")
                    for i in scored], 28, 100, row_h=4.6, size=7.5)
    for item in quiz.items:
        _question_block(pen, item, words)


def _question_block(pen: _Pen, item: ItemAnalysis, words: Words) -> None:
    pdf = pen.pdf
    pen.font(9, bold=True)
    text_lines = min(3, len(pen.lines(f"{item.number}. {item.text}", WIDTH)))
    choices = item.choices if item.type in CHOICE_TYPES and item.answered else []
    pen.room(4.4 * text_lines + 5 + 5 * min(len(choices), 4) + 3)
    pdf.ln(1.5)
    pen.font(9, bold=True)
    pen.para(f"{item.number}. {item.text}", 4.4, max_lines=3)
    pen.font(8, colour=GREY)
    pen.para(words.question_summary(item), 4.2)
    if choices:
        _bars(pen, words.choice_bars(item), 92, 58, row_h=4.8, size=7.5)
    else:
        pdf.ln(1)


def _learner_detail(pen: _Pen, report: ClassReport, learner: LearnerReport,
                    words: Words) -> None:
    pdf = pen.pdf
    row_h = 6.0
    if not learner.local:
        pen.font(10, colour=GREY)
        pen.para(words.on_campus, 5)
    elif learner.modules:
        _section(pen, words.modules_head, 3 * row_h)
        columns = [(WIDTH - 4 * 24, words.module, "L"), (24, words.read, "C"),
                   (24, words.best_score, "C"), (24, words.passed_head, "C"),
                   (24, words.attempts, "C")]
        _table_head(pen, columns, row_h)
        for number, module in enumerate(learner.modules):
            stripe = number % 2 == 1
            pdf.set_fill_color(*LIGHT)
            pdf.set_x(MARGIN)
            pen.font(8.5)
            quiz = module.has_quiz
            cells = [module.title, words.yes if module.completed else words.no,
                     (score_text(module.best) or "–") if quiz else "",
                     (words.yes if module.passed else words.no) if quiz else "",
                     str(module.attempts) if quiz else ""]
            for (width, _, align), text in zip(columns, cells, strict=True):
                pen.cell(width, row_h, text, align, fill=stripe)
            pdf.ln(row_h)
        pdf.ln(2)
        with_quiz = [m for m in learner.modules if m.has_quiz]
        if with_quiz:
            pen.font(8.5, colour=GREY)
            pen.para(words.scores_chart.format(mark=f"{report.pass_mark:g}"), 4.5)
            _bars(pen, [Bar(m.title, m.best or 0.0, pct(score_text(m.best)), right=m.passed)
                        for m in with_quiz], 70, 80, mark=report.pass_mark / 100, row_h=5.6)
    _section(pen, words.attendance, 3 * row_h)
    if report.sessions:
        columns = [(34, words.date, "L"), (WIDTH - 34 - 36, words.session, "L"),
                   (36, words.status, "C")]
        _table_head(pen, columns, row_h)
        for number, (sitting, status) in enumerate(zip(report.sessions, learner.statuses,
                                                       strict=True)):
            stripe = number % 2 == 1
            pdf.set_fill_color(*LIGHT)
            pdf.set_x(MARGIN)
            pen.font(8.5, colour=NAVY if status else GREY)
            for (width, _, align), text in zip(columns, [
                    f"{sitting.start:%Y-%m-%d %H:%M}", sitting.title,
                    words.status_word(status)], strict=True):
                pen.cell(width, row_h, text, align, fill=stripe)
            pdf.ln(row_h)
    else:
        pen.font(9, colour=GREY)
        pen.para(words.no_sessions, 5)
    pdf.ln(1)
    a = learner.attendance
    if a.share is not None:
        pen.font(9.5, bold=True)
        pdf.set_x(MARGIN)
        pen.cell(WIDTH, row_h, words.attended_line.format(
            attended=a.attended, counted=a.present + a.late + a.absent,
            share=share_text(a.share)))
        pdf.ln(row_h)


def _table_head(pen: _Pen, columns: Sequence[tuple[float, str, str]], row_h: float) -> None:
    pen.font(8, bold=True, colour=(255, 255, 255))
    pen.pdf.set_fill_color(*NAVY)
    pen.pdf.set_x(MARGIN)
    for width, text, align in columns:
        pen.cell(width, row_h, text, align, fill=True)
    pen.pdf.ln(row_h)
