"""The certificate page: where a learner stands in a course, and their certificate once done.

Issuing runs through the context's long-work runner (progress bar, cancel) since it signs and
draws a PDF; the page keeps what it shows in a few fields so `retranslate()` can redraw every
string without losing the learner's place or the certificate just made.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stepcampus.certificates import (
    CertificateStatus,
    IssuedCertificate,
    find_certificate,
    issue_certificate,
    status_of,
)
from stepcampus.certificates.texts import long_date
from stepcampus.errors import Cancelled, StepCampusError
from stepcampus.tasks import Task
from ui import i18n
from ui.context import AppContext
from ui.i18n import tr
from ui.widgets import label, scroll_area

_SELECTABLE = (Qt.TextInteractionFlag.TextSelectableByMouse
               | Qt.TextInteractionFlag.TextSelectableByKeyboard)

# The preview echoes the printed page: cream paper, navy text, a gold rule.
_PREVIEW_QSS = """
QFrame#certificatePreview { background: #fcfaf4; border: 4px double #17324d; }
QFrame#certificatePreview QLabel { color: #17324d; background: transparent; border: none; }
QFrame#certificatePreview QLabel#previewSuite { color: #b8912f; font-weight: bold;
                                               letter-spacing: 2px; }
QFrame#certificatePreview QLabel#previewTitle { font-size: 20pt; font-weight: bold; }
QFrame#certificatePreview QLabel#previewLearner { font-size: 22pt; font-weight: bold; }
QFrame#certificatePreview QLabel#previewCourse { font-size: 14pt; font-weight: bold; }
QFrame#certificatePreview QLabel#previewSmall { color: #555555; }
QFrame#previewRule { background: #b8912f; border: none; }
"""


class CertificatePreview(QFrame):
    """The certificate's facts laid out like its printed page (the PDF itself opens outside)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("certificatePreview")
        self.setStyleSheet(_PREVIEW_QSS)
        self.setMinimumHeight(300)
        self.certificate: IssuedCertificate | None = None
        self.suite = self._line("previewSuite")
        self.heading = self._line("previewTitle")
        rule = QFrame()
        rule.setObjectName("previewRule")
        rule.setFixedSize(140, 2)
        self.certifies = self._line("previewSmall")
        self.learner = self._line("previewLearner")
        self.completed = self._line("previewSmall")
        self.course = self._line("previewCourse")
        self.facts = self._line("previewSmall")
        self.code = self._line("previewCourse")
        column = QVBoxLayout(self)
        column.setContentsMargins(32, 24, 32, 24)
        column.setSpacing(6)
        column.addWidget(self.suite)
        column.addWidget(self.heading)
        column.addWidget(rule, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addSpacing(8)
        for widget in (self.certifies, self.learner, self.completed, self.course):
            column.addWidget(widget)
        column.addSpacing(10)
        column.addWidget(self.facts)
        column.addWidget(self.code)

    @staticmethod
    def _line(name: str) -> QLabel:
        widget = QLabel()
        widget.setObjectName(name)
        widget.setWordWrap(True)
        widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return widget

    def show_certificate(self, certificate: IssuedCertificate | None) -> None:
        self.certificate = certificate
        self.retranslate()

    def retranslate(self) -> None:
        cert = self.certificate
        self.suite.setText("STEP CAMPUS")
        self.heading.setText(tr("Certificate of completion"))
        self.certifies.setText(tr("This is to certify that"))
        self.completed.setText(tr("has completed the course"))
        if cert is None:
            for widget in (self.learner, self.course, self.facts, self.code):
                widget.setText("")
            self.setAccessibleName(tr("Certificate preview"))
            return
        self.learner.setText(cert.learner)
        self.course.setText(cert.course_title)
        score = (tr("Score: {score} %", score=cert.score_percent)
                 if cert.score_percent is not None else tr("This course has no quiz"))
        self.facts.setText(" · ".join([
            tr("Version {version}", version=cert.course_version),
            tr("Completed on {date}", date=long_date(cert.completed_on, i18n.language())),
            score]))
        self.code.setText(tr("Verification code: {code}", code=cert.code))
        self.setAccessibleName(tr("Certificate preview: {learner} completed {course}",
                                  learner=cert.learner, course=cert.course_title))


class CertificatePage(QWidget):
    """A learner's certificate for one course; `show_course` picks the course."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.course_id: str | None = None
        self.status: CertificateStatus | None = None
        self.certificate: IssuedCertificate | None = None
        self.busy = False
        # (message kind, values): kept untranslated so retranslate() can redo it.
        self._error: tuple[str, dict[str, object]] | None = None
        self._note: tuple[str, dict[str, object]] | None = None

        self.title = label(name="title")
        self.course_title = label(name="subtitle")
        self.status_label = label()
        self.status_label.setTextInteractionFlags(_SELECTABLE)
        self.missing = QListWidget()
        self.missing.setWordWrap(True)
        self.get_button = QPushButton()
        self.get_button.setObjectName("primary")
        self.get_button.setDefault(True)
        # The shared theme styles the primary button the same when disabled; say it here.
        self.get_button.setStyleSheet("QPushButton#primary:disabled { background: #c9d3dd; "
                                      "border-color: #c9d3dd; color: #55677a; }")
        self.error = label(name="error")
        self.error.setTextInteractionFlags(_SELECTABLE)

        self.preview = CertificatePreview()
        self.code_label = label()
        self.code_label.setTextInteractionFlags(_SELECTABLE)
        self.code_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.path_label = label(name="hint")
        self.path_label.setTextInteractionFlags(_SELECTABLE)
        self.note = label(name="hint")
        self.open_button = QPushButton()
        self.save_button = QPushButton()
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        self.result = QWidget()
        result = QVBoxLayout(self.result)
        result.setContentsMargins(0, 8, 0, 0)
        result.addWidget(self.preview)
        result.addWidget(self.code_label)
        result.addWidget(self.path_label)
        result.addLayout(buttons)
        result.addWidget(self.note)

        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.title)
        column.addWidget(self.course_title)
        column.addWidget(self.status_label)
        column.addWidget(self.missing)
        row = QHBoxLayout()
        row.addWidget(self.get_button)
        row.addStretch(1)
        column.addLayout(row)
        column.addWidget(self.error)
        column.addWidget(self.result)
        column.addStretch(1)
        scroll = scroll_area(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.get_button.clicked.connect(self.get_certificate)
        self.open_button.clicked.connect(self.open_pdf)
        self.save_button.clicked.connect(self.choose_copy)
        ctx.learner_changed.connect(self.refresh)
        ctx.language_changed.connect(self._language_changed)
        ctx.progress_changed.connect(self._progress_changed)
        self.retranslate()

    # -- what is shown -------------------------------------------------------------------------
    def show_course(self, course_id: str) -> None:
        """Show the signed-in learner's standing in this course (and any certificate)."""
        if course_id != self.course_id:
            self._error = self._note = None
        self.course_id = course_id
        self.refresh()

    def refresh(self) -> None:
        """Re-read the learner's progress and certificate for the current course."""
        self.status, self.certificate = None, None
        learner = self.ctx.learner
        if self.course_id is not None and learner is not None:
            try:
                self.certificate = find_certificate(self.ctx.campus.data_dir, learner.id,
                                                    self.course_id)
                self.status = status_of(self.ctx.summary(self.course_id), self.certificate)
            except (StepCampusError, OSError) as exc:
                self._error = ("unreadable", {"error": str(exc)})
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("Certificate"))
        self.get_button.setText(tr("Get certificate"))
        self.get_button.setAccessibleName(tr("Get certificate"))
        self.open_button.setText(tr("Open PDF"))
        self.open_button.setAccessibleName(tr("Open the certificate PDF"))
        self.save_button.setText(tr("Save a copy…"))
        self.save_button.setAccessibleName(tr("Save a copy of the certificate"))
        self.missing.setAccessibleName(tr("Still to do"))
        self.status_label.setAccessibleName(tr("Your progress"))
        self.error.setAccessibleName(tr("Problem"))
        self.code_label.setAccessibleName(tr("Verification code"))
        self.path_label.setAccessibleName(tr("Where the certificate is saved"))
        self._show_status()
        self._show_result()
        self._show_message(self.error, self._error)
        self._show_message(self.note, self._note)

    def _show_status(self) -> None:
        status = self.status
        self.course_title.setText(status.summary.title if status else "")
        self.course_title.setVisible(status is not None)
        self.missing.clear()
        ready = False
        if self.ctx.learner is None:
            text = tr("Choose your profile to get a certificate.")
        elif status is None:
            text = "" if self.course_id is None else tr("Choose a course to see its "
                                                        "certificate.")
        elif status.complete:
            ready = status.certificate is None
            score = status.score_percent
            text = (tr("You have completed this course. Your score: {score} %", score=score)
                    if score is not None else tr("You have completed this course."))
            if ready:
                text += " " + tr("Your certificate is ready to be made.")
        else:
            order = [m.module_id for m in status.summary.modules]
            for module in status.summary.modules:
                number = order.index(module.module_id) + 1
                if not module.completed:
                    self.missing.addItem(tr("Read module {number} to the end: {title}",
                                            number=number, title=module.title))
                if module.has_quiz and not module.quiz_passed:
                    self.missing.addItem(tr("Pass the quiz of module {number}: {title}",
                                            number=number, title=module.title))
            text = tr("Finish the course to get your certificate. Still to do:")
        if self.busy:
            text = tr("Making your certificate…")
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))
        self.missing.setVisible(self.missing.count() > 0)
        if self.missing.count():  # as tall as its lines, up to a point, then it scrolls
            rows = sum(self.missing.sizeHintForRow(i) for i in range(self.missing.count()))
            self.missing.setFixedHeight(min(rows + 2 * self.missing.frameWidth() + 4, 220))
        self.get_button.setVisible(status is None or status.certificate is None)
        self.get_button.setEnabled(ready and not self.busy)
        self.get_button.setToolTip("" if ready else tr("Finish every module and pass every "
                                                       "quiz first."))

    def _show_result(self) -> None:
        cert = self.certificate
        self.result.setVisible(cert is not None)
        self.preview.show_certificate(cert)
        if cert is None:
            self.code_label.setText("")
            self.path_label.setText("")
            return
        self.code_label.setText(tr("Verification code: {code}", code=cert.code))
        self.path_label.setText(tr("Saved as {path}", path=str(cert.path)))

    @staticmethod
    def _show_message(widget: QLabel, message: tuple[str, dict[str, object]] | None) -> None:
        text = _message_text(*message) if message else ""
        widget.setText(text)
        widget.setVisible(bool(text))

    def _set_error(self, kind: str | None, **values: object) -> None:
        self._error = (kind, values) if kind else None
        self._show_message(self.error, self._error)

    def _language_changed(self) -> None:
        if self.busy:
            self.retranslate()
        else:
            self.refresh()  # module titles follow the content language too

    def _progress_changed(self, course_id: str) -> None:
        if course_id == self.course_id and not self.busy:
            self.refresh()

    # -- issuing -------------------------------------------------------------------------------
    def get_certificate(self) -> None:
        status, learner = self.status, self.ctx.learner
        if self.busy or status is None or learner is None or not status.complete:
            return
        campus, course_id = self.ctx.campus, status.summary.course_id
        language = self.ctx.content_language

        def work(task: Task) -> IssuedCertificate | None:
            try:
                return issue_certificate(campus, learner.id, course_id, language, task)
            except Cancelled:
                # Told through on_done: a handler connected to the job's `cancelled` signal
                # after it started could miss it.
                return None

        self.busy = True
        self._error = self._note = None
        self.retranslate()
        self.ctx.run_long(tr("Making your certificate"), work, self._issued,
                          self._issue_failed)

    def _issued(self, certificate: IssuedCertificate | None) -> None:
        self.busy = False
        if certificate is None:
            self._note = ("cancelled", {})
            self.retranslate()
            return
        learner = self.ctx.learner
        # The learner may have moved on to another course or profile meanwhile.
        if (learner is not None and certificate.profile_id == learner.id
                and certificate.course_id == self.course_id):
            self.certificate = certificate
            if self.status is not None:
                self.status = status_of(self.status.summary, certificate)
            self.ctx.message.emit(tr("Your certificate is ready"))
        self.retranslate()
        if self.certificate is not None:
            self.open_button.setFocus()

    def _issue_failed(self, message: str) -> None:
        self.busy = False
        self._error = ("failed", {"error": message})
        self.retranslate()

    # -- the PDF -------------------------------------------------------------------------------
    def open_pdf(self) -> None:
        cert = self.certificate
        if cert is None:
            return
        if not cert.path.is_file() or not QDesktopServices.openUrl(
                QUrl.fromLocalFile(str(cert.path))):
            self._set_error("not_opened", path=str(cert.path))

    def choose_copy(self) -> None:
        cert = self.certificate
        if cert is None:
            return
        target, _ = QFileDialog.getSaveFileName(
            self, tr("Save a copy of your certificate"), str(Path.home() / cert.path.name),
            tr("PDF files (*.pdf)"))
        if target:
            self.save_copy(Path(target))

    def save_copy(self, target: Path) -> bool:
        """Copy the certificate PDF to target; a problem is shown on the page, not raised."""
        cert = self.certificate
        if cert is None:
            return False
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            if target.resolve() != cert.path.resolve():
                shutil.copyfile(cert.path, target)
        except OSError as exc:
            self._set_error("not_copied", error=f"{exc.strerror or exc}: {target}")
            return False
        self._set_error(None)
        self._note = ("copied", {"path": str(target)})
        self._show_message(self.note, self._note)
        return True


def _message_text(kind: str, values: dict[str, object]) -> str:
    """An error or note in the current language (literal tr() calls, for the catalogs)."""
    if kind == "unreadable":
        return tr("This course could not be read: {error}", **values)
    if kind == "failed":
        return tr("Your certificate could not be made: {error}", **values)
    if kind == "cancelled":
        return tr("Cancelled: no certificate was made.")
    if kind == "not_opened":
        return tr("The PDF could not be opened. It is saved as {path}", **values)
    if kind == "not_copied":
        return tr("The copy could not be saved: {error}", **values)
    if kind == "copied":
        return tr("A copy is saved as {path}", **values)
    raise ValueError(f"unknown message kind {kind!r}")
