"""The Report tab of a class: the learners' table and the item analysis with bar charts, or one
learner's modules, scores and attendance; exported as CSV or PDF in the interface language.

The report is read off the UI thread each time the tab is shown, and when the class is read
again while it is (`set_class`); exports are written off it too, each file whole or not at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from stepcampus.classroom.reports import Bar, pct
from stepcampus.tasks import Task
from ui import jobs, theme
from ui.context import AppContext
from ui.i18n import tr
from ui.widgets import discard, label, scroll_area

if TYPE_CHECKING:  # the core loads off the UI thread, when a report is first read
    from stepcampus.classroom.reports import ClassReport, LearnerReport, Words


def words() -> Words:
    """The exports' and the tab's words in the interface language."""
    from stepcampus.classroom.reports import Words

    return Words(
        class_report=tr("Class report"), learner_report=tr("Learner report"),
        class_=tr("Class"), course=tr("Course"), no_course=tr("no course"), date=tr("Date"),
        page=tr("Page {page}"),
        averages=tr("Averages: {completed} of {total} modules completed · best quiz score "
                    "{score} % · attended {attended} %"),
        campus_note=tr("Learners enrolled with a campus account have their progress on the "
                       "campus server: this report shows their attendance only."),
        learners=tr("Learners"), learner=tr("Learner"), account=tr("Account"),
        this_desktop=tr("profile on this desktop"), campus_account=tr("campus account {user}"),
        on_campus=tr("progress on the campus server"), modules=tr("Modules completed"),
        modules_head=tr("Modules"), of_modules=tr("{done} of {total}"),
        best=tr("{quiz}: best %"), passed=tr("{quiz}: passed"), quiz_short=tr("Q{number}"),
        passed_legend=tr("{mark} quiz passed"), class_average=tr("Class average"),
        yes=tr("yes"), no=tr("no"),
        # Counts of sessions; "Present" alone is the presenter's button elsewhere.
        present=tr("Times present"), late=tr("Times late"), absent=tr("Times absent"),
        excused=tr("Times excused"), present_short=tr("P"), late_short=tr("L"),
        absent_short=tr("A"), excused_short=tr("E"), status_present=tr("present"),
        status_late=tr("late"), status_absent=tr("absent"), status_excused=tr("excused"),
        not_recorded=tr("not recorded"), attended=tr("Attended %"),
        attended_line=tr("Attended {attended} of {counted} sessions ({share} %)"),
        attendance=tr("Attendance"), session=tr("Session"), status=tr("Status"),
        no_sessions=tr("No session planned yet."), module=tr("Module"), read=tr("Read"),
        best_score=tr("Best score %"), passed_head=tr("Passed"), attempts=tr("Attempts"),
        scores_chart=tr("Best score per quiz (the line is the pass mark, {mark} %)"),
        quizzes=tr("Quizzes"),
        mean_chart=tr("Mean best score per quiz (the line is the pass mark, {mark} %)"),
        quiz_line=tr("{takers} took it · {passed} passed · mean best score {mean} %"),
        no_answers=tr("No finished attempt yet."), item_analysis=tr("Item analysis"),
        quiz=tr("Quiz"), question=tr("Question"), share_chart=tr("Share correct by question"),
        took_quiz=tr("Took the quiz"), answered=tr("Answered"), correct=tr("Correct"),
        share_correct=tr("Share correct %"), top_wrong=tr("Wrong answer given most"),
        times=tr("Times"),
        question_line=tr("{answered} of {takers} answered · {share} % correct"),
        essay_line=tr("{answered} of {takers} answered · read by a facilitator"),
        top_wrong_line=tr("Wrong answer given most: “{text}” ({count})"),
        answers_per_choice=tr("Answers per choice"), choice=tr("Answer"),
        right_answer=tr("Right answer"), chosen=tr("Chosen"), chosen_line=tr("{count} ({share} %)"),
        true=tr("True"), false=tr("False"))


def load_report(ctx: AppContext, class_id: str, language: str, _task: Task) -> ClassReport:
    from stepcampus.classroom.reports import class_report

    return class_report(ctx.campus.sessions, ctx.campus.content, class_id, language)


# The chart --------------------------------------------------------------------------------------


def _high_contrast() -> bool:
    return QApplication.palette().window().color().lightness() < 60


class BarChart(QWidget):
    """Horizontal bars, one a row: the label, the bar on its track, the value in words; a
    vertical line at `mark` (0..1) if given. Right answers carry ✓, so colour only repeats
    what the words say; the high-contrast theme gets yellow and white on black."""

    def __init__(self, bars: list[Bar] | None = None, mark: float | None = None) -> None:
        super().__init__()
        self.bars: list[Bar] = []
        self.mark: float | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.set_bars(bars or [], mark)

    def set_bars(self, bars: list[Bar], mark: float | None = None) -> None:
        self.bars, self.mark = list(bars), mark
        self.setAccessibleDescription("; ".join(f"{self._label(b)}: {b.text}" for b in bars))
        self.setFixedHeight(self._row_height() * len(bars) + 4)
        self.updateGeometry()
        self.update()

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 8

    @staticmethod
    def _label(bar: Bar) -> str:
        return f"✓ {bar.label}" if bar.right else bar.label

    def sizeHint(self) -> QSize:
        return QSize(480, self._row_height() * len(self.bars) + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        contrast = _high_contrast()
        text_colour = self.palette().windowText().color()
        track = QColor("#333333" if contrast else "#e4e8ec")
        right = QColor("#ffff00" if contrast else theme.DONE)
        other = QColor("#ffffff" if contrast else theme.ACCENT)
        row_h = self._row_height()
        width = self.width()
        label_w = min(max((QFontMetrics(bold if b.right else self.font())
                           .horizontalAdvance(self._label(b)) for b in self.bars),
                          default=0) + 16, int(width * 0.45))
        value_w = max((metrics.horizontalAdvance(b.text) for b in self.bars), default=0) + 16
        bar_w = max(40, width - label_w - value_w)
        bold_metrics = QFontMetrics(bold)
        for row, bar in enumerate(self.bars):
            top = 2 + row * row_h
            painter.setFont(bold if bar.right else self.font())
            painter.setPen(text_colour)
            text = (bold_metrics if bar.right else metrics).elidedText(
                self._label(bar), Qt.TextElideMode.ElideRight, label_w - 12)
            painter.drawText(QRectF(0, top, label_w - 8, row_h),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
            bar_rect = QRectF(label_w, top + 4, bar_w, row_h - 8)
            painter.setPen(QPen(QColor("#ffffff"), 1) if contrast else Qt.PenStyle.NoPen)
            painter.setBrush(track)
            painter.drawRect(bar_rect)
            filled = max(0.0, min(1.0, bar.value)) * bar_w
            if filled > 0:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(right if bar.right else other)
                painter.drawRect(QRectF(label_w, top + 4, max(filled, 2.0), row_h - 8))
            painter.setPen(text_colour)
            painter.drawText(QRectF(label_w + bar_w + 8, top, value_w, row_h),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             bar.text)
        if self.mark is not None and self.bars:
            x = label_w + self.mark * bar_w
            pen = QPen(QColor("#ff8080" if contrast else "#b8912f"), 2)
            pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(int(x), 2, int(x), 2 + row_h * len(self.bars))
        painter.end()


# The tab ----------------------------------------------------------------------------------------


def _item(text: str, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter,
          bold: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(align | Qt.AlignmentFlag.AlignVCenter)
    if bold:
        font = item.font()
        font.setBold(True)
        item.setFont(font)
    return item


class ClassReportView(QWidget):
    """The Report tab. Call `set_class(class_id)` when the class is (re)read."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.class_id: str | None = None
        self.report: ClassReport | None = None
        self._request = 0
        self._question_widgets: list[QWidget] = []

        self.show_label = QLabel()
        self.learner_box = QComboBox()
        self.learner_box.setMinimumContentsLength(18)
        self.show_label.setBuddy(self.learner_box)
        self.csv_button = QPushButton()
        self.pdf_button = QPushButton()
        self.summary = label(name="hint")
        self.message = label(name="hint")
        self.error = label(name="error")
        self.error.hide()

        # The whole class: learners above, item analysis below.
        self.learners = QTableWidget()
        self.learners.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.learners.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.learners.verticalHeader().hide()
        self.learners.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.legend = label(name="hint")
        self.quiz_label = QLabel()
        self.quiz_box = QComboBox()
        self.quiz_label.setBuddy(self.quiz_box)
        self.quiz_summary = label(name="hint")
        self.share_title = label()
        self.share_chart = BarChart()
        self.questions = QWidget()
        self._questions_layout = QVBoxLayout(self.questions)
        self._questions_layout.setContentsMargins(0, 0, 8, 0)
        self._questions_layout.addWidget(self.quiz_summary)
        self._questions_layout.addWidget(self.share_title)
        self._questions_layout.addWidget(self.share_chart)
        self._questions_layout.addStretch(1)
        analysis = QWidget()
        column = QVBoxLayout(analysis)
        column.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.quiz_label)
        row.addWidget(self.quiz_box, 1)
        column.addLayout(row)
        column.addWidget(scroll_area(self.questions), 1)
        top = QWidget()
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.learners, 1)
        column.addWidget(self.legend)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(top)
        self.split.addWidget(analysis)
        self.split.setChildrenCollapsible(False)

        # One learner.
        self.learner_name = label(name="subtitle")
        self.learner_account = label(name="hint")
        self.modules = QTableWidget()
        self.modules.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.modules.verticalHeader().hide()
        self.scores_title = label()
        self.scores_chart = BarChart()
        self.sessions = QTableWidget()
        self.sessions.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.sessions.verticalHeader().hide()
        self.attended = label()
        one = QWidget()
        column = QVBoxLayout(one)
        for widget in (self.learner_name, self.learner_account, self.modules,
                       self.scores_title, self.scores_chart, self.sessions, self.attended):
            column.addWidget(widget)
        column.addStretch(1)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.split)
        self.stack.addWidget(scroll_area(one))
        head = QHBoxLayout()
        head.addWidget(self.show_label)
        head.addWidget(self.learner_box)
        head.addStretch(1)
        head.addWidget(self.csv_button)
        head.addWidget(self.pdf_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addLayout(head)
        outer.addWidget(self.summary)
        outer.addWidget(self.stack, 1)
        outer.addWidget(self.message)
        outer.addWidget(self.error)

        self.learner_box.currentIndexChanged.connect(lambda _i: self._show_view())
        self.quiz_box.currentIndexChanged.connect(lambda _i: self._show_quiz())
        self.csv_button.clicked.connect(self.choose_csv_file)
        self.pdf_button.clicked.connect(self.choose_pdf_file)
        self.retranslate()

    # -- reading -----------------------------------------------------------------------------
    def set_class(self, class_id: str) -> None:
        """The class shown; read again now if the tab is on screen, else when it is shown."""
        if class_id != self.class_id:
            self.report = None
            self.message.clear()
            self.error.hide()
        self.class_id = class_id
        if self.isVisible():
            self.load()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        # Read again each time: attendance taken or a quiz finished since changes it.
        self.load()

    def load(self) -> None:
        if self.class_id is None:
            return
        self._request += 1
        request, class_id = self._request, self.class_id
        language = self.ctx.content_language

        def done(report: ClassReport) -> None:
            if request == self._request and class_id == self.class_id:  # the latest wins
                self._show(report)

        self.csv_button.setEnabled(False)
        self.pdf_button.setEnabled(False)
        jobs.start(lambda task: load_report(self.ctx, class_id, language, task), done,
                   self._failed)

    def _show(self, report: ClassReport) -> None:
        wanted = self.learner_box.currentData() if self.report is not None else None
        self.report = report
        self.csv_button.setEnabled(True)
        self.pdf_button.setEnabled(True)
        self.learner_box.blockSignals(True)
        self.learner_box.clear()
        self.learner_box.addItem(tr("Whole class"), None)
        for row in report.learners:
            self.learner_box.addItem(row.name, row.member_id)
        self.learner_box.setCurrentIndex(max(0, self.learner_box.findData(wanted)))
        self.learner_box.blockSignals(False)
        quiz = self.quiz_box.currentData()
        self.quiz_box.blockSignals(True)
        self.quiz_box.clear()
        for number, summary in enumerate(report.quizzes, 1):
            self.quiz_box.addItem(f"{tr('Q{number}', number=number)} · {summary.title}",
                                  summary.module_id)
        self.quiz_box.setCurrentIndex(max(0, self.quiz_box.findData(quiz)))
        self.quiz_box.blockSignals(False)
        self._fill_learners()
        self._show_quiz()
        self._show_view()

    def chosen_learner(self) -> LearnerReport | None:
        """The learner whose report is shown, None for the whole class."""
        member = self.learner_box.currentData()
        if self.report is None or member is None:
            return None
        return next((r for r in self.report.learners if r.member_id == member), None)

    def _show_view(self) -> None:
        if self.report is None:
            return
        from stepcampus.classroom.reports import averages_text

        w = words()
        learner = self.chosen_learner()
        notes = list(self.report.notes)
        if learner is None:
            if self.report.has_campus_learners:
                notes.append(w.campus_note)
            self.summary.setText("\n".join([averages_text(self.report, w), *notes]))
            self.stack.setCurrentIndex(0)
        else:
            self.summary.setText("\n".join(notes))
            self._fill_learner(learner, w)
            self.stack.setCurrentIndex(1)
        self.summary.setVisible(bool(self.summary.text()))

    # -- the whole class ---------------------------------------------------------------------
    def _fill_learners(self) -> None:
        from stepcampus.classroom.reports import score_text, share_text

        report, w = self.report, words()
        assert report is not None
        quizzes = report.quizzes
        table = self.learners
        table.clear()
        heads = [w.learner, w.modules_head]
        heads += [w.quiz_short.format(number=n) for n in range(1, len(quizzes) + 1)]
        counts = [(w.present_short, w.present), (w.late_short, w.late),
                  (w.absent_short, w.absent), (w.excused_short, w.excused)]
        heads += [short for short, _ in counts] + [w.attended]
        table.setColumnCount(len(heads))
        table.setRowCount(len(report.learners) + 1)
        table.setHorizontalHeaderLabels(heads)
        first_status = 2 + len(quizzes)
        # The short heads say what they stand for on hover, and in the legend below.
        for column, quiz in enumerate(quizzes, 2):
            table.horizontalHeaderItem(column).setToolTip(quiz.title)
        for offset, (_, word) in enumerate(counts):
            table.horizontalHeaderItem(first_status + offset).setToolTip(word)
        for row, learner in enumerate(report.learners):
            table.setItem(row, 0, _item(learner.name, Qt.AlignmentFlag.AlignLeft))
            if learner.local:
                table.setItem(row, 1, _item(w.of_modules.format(done=learner.completed,
                                                                total=len(report.modules))))
                for column, quiz in enumerate(quizzes, 2):
                    result = learner.quiz(quiz.module_id)
                    best = result.best if result else None
                    passed = bool(result and result.passed)
                    text = "–" if best is None else score_text(best) + (" ✓" if passed else "")
                    table.setItem(row, column, _item(text, bold=passed))
            else:
                table.setItem(row, 1, _item(w.on_campus))
                table.setSpan(row, 1, 1, 1 + len(quizzes))
            a = learner.attendance
            for offset, count in enumerate((a.present, a.late, a.absent, a.excused)):
                table.setItem(row, first_status + offset, _item(str(count)))
            table.setItem(row, first_status + 4, _item(pct(share_text(a.share))))
        last = len(report.learners)
        table.setItem(last, 0, _item(w.class_average, Qt.AlignmentFlag.AlignLeft, bold=True))
        done = report.mean_completed
        table.setItem(last, 1, _item("" if done is None else f"{done:.1f}", bold=True))
        for column, quiz in enumerate(quizzes, 2):
            table.setItem(last, column, _item(score_text(quiz.mean_best) or "–", bold=True))
        table.setItem(last, first_status + 4,
                      _item(pct(share_text(report.mean_attendance)), bold=True))
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.setAccessibleName(w.learners)
        legend = [f"{w.quiz_short.format(number=n)}: {q.title}" for n, q in
                  enumerate(quizzes, 1)]
        legend += [f"{short}: {word}" for short, word in counts]
        if quizzes:
            legend.append(w.passed_legend.format(mark="✓"))
        self.legend.setText(" · ".join(legend))
        self.legend.setVisible(bool(legend))
        # The table as tall as its rows, up to half the tab (it scrolls beyond): the analysis
        # gets the rest. Sizes in pixels of the splitter as it is now, which it keeps.
        height = table.horizontalHeader().sizeHint().height() + sum(
            table.rowHeight(r) for r in range(table.rowCount())) + 2 * table.frameWidth() + 2
        if self.legend.isVisibleTo(self):
            height += self.legend.heightForWidth(max(200, self.split.width())) + 6
        total = self.split.height() if self.split.height() > 200 else 600
        top = min(height, total // 2)
        self.split.setSizes([top, total - top])

    def _show_quiz(self) -> None:
        from stepcampus.classroom.reports import CHOICE_TYPES, score_text, share_text

        for widget in self._question_widgets:
            discard(widget)
        self._question_widgets = []
        report, w = self.report, words()
        quiz = next((q for q in report.quizzes if q.module_id == self.quiz_box.currentData()),
                    None) if report is not None else None
        has_quiz = quiz is not None
        for widget in (self.quiz_label, self.quiz_box, self.share_title, self.share_chart):
            widget.setVisible(has_quiz)
        if quiz is None:
            self.quiz_summary.setText(tr("This class follows no course with quizzes.")
                                      if report is not None else "")
            return
        if quiz.problem or not quiz.takers:
            self.quiz_summary.setText(quiz.problem or w.no_answers)
            self.share_title.hide()
            self.share_chart.hide()
            return
        self.quiz_summary.setText(w.quiz_line.format(
            takers=quiz.takers, passed=quiz.passed, mean=score_text(quiz.mean_best) or "–"))
        scored = [i for i in quiz.items if i.correct is not None]
        self.share_title.setText(f"<b>{w.share_chart}</b>")
        self.share_chart.set_bars([Bar(tr("Question {number}", number=i.number),
                                       i.share_correct or 0.0,
                                       pct(share_text(i.share_correct)) if i.answered else "–")
                                   for i in scored])
        self.share_chart.setAccessibleName(w.share_chart)
        self.share_title.setVisible(bool(scored))
        self.share_chart.setVisible(bool(scored))
        at = self._questions_layout.count() - 1  # before the stretch
        for item in quiz.items:
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 10, 0, 0)
            text = label(f"{item.number}. {item.text}")
            font = text.font()
            font.setBold(True)
            text.setFont(font)
            column.addWidget(text)
            column.addWidget(label(w.question_summary(item), "hint"))
            if item.type in CHOICE_TYPES and item.answered:
                chart = BarChart(w.choice_bars(item))
                chart.setAccessibleName(tr("Answers to question {number}", number=item.number))
                column.addWidget(chart)
            self._questions_layout.insertWidget(at, box)
            at += 1
            self._question_widgets.append(box)

    def question_block(self, number: int) -> QWidget | None:
        """A question of the quiz shown: its text, its numbers and its chart, if any."""
        return self._question_widgets[number - 1] \
            if 0 < number <= len(self._question_widgets) else None

    def question_chart(self, number: int) -> BarChart | None:
        """The distribution chart of a question of the quiz shown (None if it has none)."""
        if not 0 < number <= len(self._question_widgets):
            return None
        return self._question_widgets[number - 1].findChild(BarChart)

    # -- one learner -------------------------------------------------------------------------
    def _fill_learner(self, learner: LearnerReport, w: Words) -> None:
        from stepcampus.classroom.reports import account_text, score_text, share_text

        report = self.report
        assert report is not None
        self.learner_name.setText(learner.name)
        self.learner_account.setText(account_text(learner, w) if learner.local else
                                     f"{account_text(learner, w)} · {w.on_campus}")
        table = self.modules
        table.clear()
        table.setVisible(learner.local and bool(learner.modules))
        if learner.local:
            table.setColumnCount(5)
            table.setRowCount(len(learner.modules))
            table.setHorizontalHeaderLabels([w.module, w.read, w.best_score, w.passed_head,
                                             w.attempts])
            for row, module in enumerate(learner.modules):
                quiz = module.has_quiz
                table.setItem(row, 0, _item(module.title, Qt.AlignmentFlag.AlignLeft))
                table.setItem(row, 1, _item(w.yes if module.completed else w.no))
                table.setItem(row, 2, _item((score_text(module.best) or "–") if quiz else ""))
                table.setItem(row, 3, _item((w.yes if module.passed else w.no) if quiz else "",
                                            bold=module.passed))
                table.setItem(row, 4, _item(str(module.attempts) if quiz else ""))
            _fit_table(table)
        with_quiz = [m for m in learner.modules if m.has_quiz]
        self.scores_title.setText(w.scores_chart.format(mark=f"{report.pass_mark:g}"))
        self.scores_chart.set_bars([Bar(m.title, m.best or 0.0, pct(score_text(m.best)),
                                        right=m.passed) for m in with_quiz],
                                   mark=report.pass_mark / 100)
        self.scores_chart.setAccessibleName(self.scores_title.text())
        self.scores_title.setVisible(bool(with_quiz))
        self.scores_chart.setVisible(bool(with_quiz))
        table = self.sessions
        table.clear()
        table.setColumnCount(3)
        table.setRowCount(len(report.sessions))
        table.setHorizontalHeaderLabels([w.date, w.session, w.status])
        for row, (sitting, status) in enumerate(zip(report.sessions, learner.statuses,
                                                    strict=True)):
            table.setItem(row, 0, _item(f"{sitting.start:%Y-%m-%d %H:%M}",
                                        Qt.AlignmentFlag.AlignLeft))
            table.setItem(row, 1, _item(sitting.title, Qt.AlignmentFlag.AlignLeft))
            table.setItem(row, 2, _item(w.status_word(status)))
        _fit_table(table)
        table.setVisible(bool(report.sessions))
        a = learner.attendance
        self.attended.setText(w.no_sessions if not report.sessions else
                              w.attended_line.format(attended=a.attended,
                                                     counted=a.present + a.late + a.absent,
                                                     share=share_text(a.share))
                              if a.share is not None else w.not_recorded)

    # -- exports -----------------------------------------------------------------------------
    def _file_name(self, suffix: str) -> str:
        learner = self.chosen_learner()
        name = self.report.class_name if self.report is not None else "report"
        if learner is not None:
            name = f"{name} - {learner.name}"
        return f"{name}.{suffix}"

    def choose_csv_file(self) -> None:
        if self.report is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, tr("Export the report as CSV"),
                                              self._file_name("csv"),
                                              tr("CSV files (*.csv);;All files (*)"))
        if path:
            self.export_csv_to(path if path.lower().endswith(".csv") else path + ".csv")

    def choose_pdf_file(self) -> None:
        if self.report is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, tr("Export the report as PDF"),
                                              self._file_name("pdf"),
                                              tr("PDF files (*.pdf);;All files (*)"))
        if path:
            self.export_pdf_to(path if path.lower().endswith(".pdf") else path + ".pdf")

    def export_csv_to(self, path: str) -> None:
        """Write the report shown (the class's, or the chosen learner's) as CSV."""
        self._export(path, "csv")

    def export_pdf_to(self, path: str) -> None:
        """Write the report shown (the class's, or the chosen learner's) as PDF."""
        self._export(path, "pdf")

    def _export(self, path: str, kind: str) -> None:
        if self.report is None:
            return
        report, learner, w = self.report, self.chosen_learner(), words()

        def work(_task: Task) -> None:
            from stepcampus.textfile import write_atomic

            if kind == "csv":
                from stepcampus.classroom.reports import report_csv

                data = report_csv(report, learner, w)
            else:
                from stepcampus.classroom.report_pdf import render_report_pdf

                data = render_report_pdf(report, learner, w)
            write_atomic(Path(path), data)

        def done(_result: Any) -> None:
            self.error.hide()
            self.message.setText(tr("Report exported to {path}", path=path))

        jobs.start(work, done, self._failed)

    # -- saying ------------------------------------------------------------------------------
    def _failed(self, message: str) -> None:
        self.csv_button.setEnabled(self.report is not None)
        self.pdf_button.setEnabled(self.report is not None)
        self.error.setText(message)
        self.error.show()

    def retranslate(self) -> None:
        self.show_label.setText(tr("Show:"))
        self.learner_box.setAccessibleName(tr("Report of"))
        self.csv_button.setText(tr("Export CSV…"))
        self.pdf_button.setText(tr("Export PDF…"))
        self.quiz_label.setText(tr("Item analysis of"))
        self.quiz_box.setAccessibleName(tr("Item analysis of"))
        self.modules.setAccessibleName(tr("Modules"))
        self.sessions.setAccessibleName(tr("Attendance"))
        if self.report is not None:
            self._show(self.report)
        else:
            self.csv_button.setEnabled(False)
            self.pdf_button.setEnabled(False)


def _fit_table(table: QTableWidget) -> None:
    """Columns to their contents, the first one stretched; as tall as its rows, so the page
    scrolls rather than the table."""
    table.resizeColumnsToContents()
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    height = table.horizontalHeader().height() + sum(
        table.rowHeight(r) for r in range(table.rowCount())) + 2 * table.frameWidth() + 2
    table.setFixedHeight(height)
