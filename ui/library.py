"""The library: the learner's courses with their progress, and courses to install or update.

Installing a bundle from a USB stick is one action: File > Install from file (Ctrl+O), or drop
the file on the window. Catalogs (a URL or folder published with `stepcampus publish`) list
what else there is, with its size before anything downloads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stepcampus.progress.summary import CourseSummary
from ui import jobs
from ui.context import AppContext
from ui.i18n import tr
from ui.widgets import ProgressRing, discard, label, scroll_area


def human_size(size: int) -> str:
    if size < 1024:
        return tr("{n} bytes", n=size)
    if size < 1024 * 1024:
        return tr("{n} KB", n=f"{size / 1024:.0f}")
    return tr("{n} MB", n=f"{size / 1024 / 1024:.1f}")


def provenance_text(course: Mapping[str, Any]) -> str:
    """"Adapted from COURSE VERSION by PUBLISHER" for an adapted course; "" for others.

    The manifest's derived_from was checked at install; the guards keep a card drawable
    whatever it holds."""
    origin = course.get("derived_from")
    if not isinstance(origin, Mapping) or not all(
            isinstance(origin.get(key), str) for key in ("course", "version", "publisher")):
        return ""
    return tr("Adapted from {course} {version} by {publisher}",
              course=origin.get("title") or origin["course"], version=origin["version"],
              publisher=origin.get("publisher_name") or origin["publisher"])


class CourseCard(QFrame):
    def __init__(self, ctx: AppContext, summary: CourseSummary, description: str,
                 course: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self.setObjectName("card")
        self.ctx = ctx
        self.summary = summary
        self.course: Mapping[str, Any] = course or {}  # the signed description
        self.provenance = label(name="hint")
        self.ring = ProgressRing(summary.percent)
        self.title = label(summary.title, "subtitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.description = label(description, "hint")
        self.status = label()
        self.continue_button = QPushButton()
        self.continue_button.setObjectName("primary")
        self.certificate_button = QPushButton()
        self.certificate_button.setVisible(summary.complete)
        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(self.provenance)
        text.addWidget(self.description)
        text.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.addWidget(self.continue_button)
        buttons.addWidget(self.certificate_button)
        buttons.addStretch(1)
        text.addLayout(buttons)
        row = QHBoxLayout(self)
        row.addWidget(self.ring, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        self.continue_button.clicked.connect(self._continue)
        self.certificate_button.clicked.connect(
            lambda: ctx.open_certificate.emit(summary.course_id))
        self.retranslate()

    def retranslate(self) -> None:
        s = self.summary
        self.provenance.setText(provenance_text(self.course))
        self.provenance.setVisible(bool(self.provenance.text()))
        done = sum(m.done for m in s.modules)
        if s.complete:
            score = "" if s.score is None else tr(" · score {score} %", score=round(s.score * 100))
            status = tr("Completed") + score
            button = tr("Review the course")
        elif all(m.completed for m in s.modules):  # all read: what is left is passing quizzes
            status = tr("{done} of {total} modules done · quizzes left to pass",
                        done=done, total=len(s.modules))
            button = tr("Continue where you left off")
        else:
            status = tr("{done} of {total} modules done · about {minutes} min left",
                        done=done, total=len(s.modules), minutes=max(1, s.minutes_left))
            button = tr("Continue where you left off") if s.started else tr("Start the course")
        self.status.setText(status)
        self.continue_button.setText(button)
        self.continue_button.setAccessibleName(f"{button}: {s.title}")
        self.certificate_button.setText(tr("Certificate"))
        self.ring.setToolTip(tr("{percent} % done", percent=s.percent))
        self.ring.setAccessibleName(tr("{percent} % done", percent=s.percent))

    def _continue(self) -> None:
        module_id, anchor = self.summary.resume_point()
        self.ctx.open_module.emit(self.summary.course_id, module_id, anchor or "")


class AvailableRow(QFrame):
    """A course a catalog offers: not installed yet, or newer than the installed version."""

    def __init__(self, ctx: AppContext, location: str, entry: dict[str, Any],
                 installed_version: str | None) -> None:
        super().__init__()
        self.setObjectName("card")
        self.ctx, self.location, self.entry = ctx, location, entry
        self.installed_version = installed_version
        titles = entry.get("title") or {}
        self.name = str(titles.get(ctx.content_language) or titles.get("en")
                        or next(iter(titles.values()), entry["id"]))
        latest = next(v for v in entry["versions"] if v["version"] == entry["latest"])
        self.size = int(latest.get("size", 0))
        self.text = label()
        self.button = QPushButton()
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.button)
        self.button.clicked.connect(self._install)
        self.retranslate()

    def retranslate(self) -> None:
        version, size = self.entry["latest"], human_size(self.size)
        if self.installed_version:
            self.text.setText(tr("<b>{title}</b> — update {old} → {new} (up to {size})",
                                 title=self.name, old=self.installed_version, new=version,
                                 size=size))
            self.button.setText(tr("Update"))
        else:
            self.text.setText(tr("<b>{title}</b> — version {version}, {size}",
                                 title=self.name, version=version, size=size))
            self.button.setText(tr("Install"))
        self.button.setAccessibleName(f"{self.button.text()}: {self.name}")

    def _install(self) -> None:
        self.button.setEnabled(False)
        self.ctx.install_requested.emit(f"{self.location}\n{self.entry['id']}\n{self.name}")


class LibraryPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.cards: list[CourseCard] = []
        self.available: list[AvailableRow] = []
        self.catalog_notes: list[str] = []
        self.title = label(name="title")
        self.hint = label(name="hint")
        self.install_button = QPushButton()
        self.catalog_button = QPushButton()
        self.refresh_button = QPushButton()
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.install_button)
        head.addWidget(self.catalog_button)
        self.course_list = QVBoxLayout()
        self.available_title = label(name="subtitle")
        self.available_note = label(name="hint")
        self.available_list = QVBoxLayout()
        body = QWidget()
        column = QVBoxLayout(body)
        column.addLayout(self.course_list)
        column.addSpacing(16)
        available_head = QHBoxLayout()
        available_head.addWidget(self.available_title, 1)
        available_head.addWidget(self.refresh_button)
        column.addLayout(available_head)
        column.addWidget(self.available_note)
        column.addLayout(self.available_list)
        column.addStretch(1)
        scroll = scroll_area(body)
        outer = QVBoxLayout(self)
        outer.addLayout(head)
        outer.addWidget(self.hint)
        outer.addWidget(scroll, 1)
        self.install_button.clicked.connect(self.choose_bundle)
        self.catalog_button.clicked.connect(self.add_catalog)
        self.refresh_button.clicked.connect(self.check_catalogs)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("Your courses"))
        self.install_button.setText(tr("Install from file…"))
        self.install_button.setToolTip(tr("Install a course bundle (.stepcampus), for example "
                                          "from a USB stick. You can also drop it here."))
        self.catalog_button.setText(tr("Add catalog…"))
        self.refresh_button.setText(tr("Check for courses and updates"))
        self.available_title.setText(tr("Available to install"))
        for widget in (*self.cards, *self.available):
            widget.retranslate()
        self._update_hint()
        self._update_available_note()

    def _update_hint(self) -> None:
        if not self.ctx.store_ready and not self.cards:
            self.hint.setText(tr("Opening your library…"))
        elif not self.cards:
            self.hint.setText(tr("No course is installed yet. Install one from a file or a "
                                 "catalog."))
        else:
            self.hint.setText("")
        self.hint.setVisible(bool(self.hint.text()))

    def _update_available_note(self) -> None:
        if not self.ctx.settings.catalogs:
            text = tr("No catalog yet. Add the address your organisation gave you, or install "
                      "a course file.")
        elif self.catalog_notes:
            text = "\n".join(self.catalog_notes)
        elif not self.available:
            text = tr("Everything in your catalogs is installed and up to date.")
        else:
            text = ""
        self.available_note.setText(text)
        self.available_note.setVisible(bool(text))

    # -- installed courses ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Rebuild the cards from the store (fast: a few small queries, no rendering)."""
        if self.ctx.learner is None:
            return
        for card in self.cards:
            discard(card)
        self.cards = []
        language = self.ctx.content_language
        for row in self.ctx.installed_rows():
            view = self.ctx.course_view(row.course_id)
            descriptions = view.course.get("description") or {}
            description = str(descriptions.get(language)
                              or descriptions.get(view.default_language, ""))
            card = CourseCard(self.ctx, self.ctx.summary(row.course_id), description,
                              view.course)
            self.course_list.addWidget(card)
            self.cards.append(card)
        self._update_hint()

    def first_action(self) -> QPushButton | None:
        return self.cards[0].continue_button if self.cards else None

    # -- installing ----------------------------------------------------------------------------
    def choose_bundle(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Install a course"), "",
            tr("STEP Campus courses (*.stepcampus);;All files (*)"))
        if path:
            self.ctx.install_requested.emit(path)

    def add_catalog(self) -> None:
        location, ok = QInputDialog.getText(
            self, tr("Add catalog"), tr("Address of a course catalog (a web address or a "
                                        "folder):"))
        location = location.strip()
        if ok and location:
            if location not in self.ctx.settings.catalogs:
                self.ctx.settings.catalogs.append(location)
                self.ctx.set_preferences(self.ctx.preferences)  # saves the settings
            self.check_catalogs()

    def check_catalogs(self) -> None:
        catalogs = list(self.ctx.settings.catalogs)
        if not catalogs:
            self._update_available_note()
            return
        self.refresh_button.setEnabled(False)
        self.available_note.setText(tr("Checking catalogs…"))
        self.available_note.show()

        def fetch(task: Any) -> list[tuple[str, dict[str, Any] | None, str]]:
            found = []
            for location in catalogs:
                task.check()
                try:
                    found.append((location, self.ctx.campus.catalog(location), ""))
                except Exception as exc:  # offline or a bad address: say so, keep the rest
                    found.append((location, None, str(exc)))
            return found

        jobs.start(fetch, self._show_catalogs, self._catalog_failed)

    def _catalog_failed(self, message: str) -> None:
        self.refresh_button.setEnabled(True)
        self.catalog_notes = [message]
        self._update_available_note()

    def _show_catalogs(self, found: list[tuple[str, dict[str, Any] | None, str]]) -> None:
        from stepcampus.coursepack.install import version_key

        self.refresh_button.setEnabled(True)
        for row in self.available:
            discard(row)
        self.available, self.catalog_notes = [], []
        installed = {r.course_id: r.version for r in self.ctx.installed_rows()}
        for location, catalog, error in found:
            if catalog is None:
                self.catalog_notes.append(tr("Could not reach {catalog}: {error}",
                                             catalog=location, error=error))
                continue
            for entry in catalog.get("courses", []):
                have = installed.get(entry["id"])
                if have and version_key(have) >= version_key(entry["latest"]):
                    continue
                row = AvailableRow(self.ctx, location, entry, have)
                self.available_list.addWidget(row)
                self.available.append(row)
        self._update_available_note()
