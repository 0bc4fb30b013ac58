"""The desktop window: profiles, library, reader, quizzes, search, certificates, settings.

Start-up shows the window at once and fills it from a read-only snapshot of the store; the
ORM, migrations and the first install of the sample course load after, off the UI thread.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from stepcampus.campus import Campus
from stepcampus.errors import InputError
from stepcampus.store.snapshot import Snapshot
from stepcampus.tasks import Task
from ui import jobs, theme
from ui.context import AppContext, Learner
from ui.i18n import tr
from ui.library import LibraryPage, human_size
from ui.profiles import ProfilePage
from ui.reader import ReaderPage
from ui.settings_page import SettingsPage
from ui.sync import SyncController, SyncIndicator

FACILITATOR_PAGES = ("classes", "presenter", "editor", "room")


class LongWorkBar(QWidget):
    """Status-bar progress for long work, with Cancel, and Pause/Resume for downloads.

    Pausing a download cancels its job; the partly downloaded files stay, so Resume starts the
    same work again and it continues where it stopped instead of starting over.
    """

    dropped = Signal()  # paused work was cancelled: whoever offered it may offer it again

    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.pause_button = QPushButton()
        self.cancel_button = QPushButton()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.bar)
        row.addWidget(self.pause_button)
        row.addWidget(self.cancel_button)
        self.jobs: list[jobs.Job] = []
        self.pausable: dict[jobs.Job, tuple[str, Callable[..., Any], Any, Any]] = {}
        self.pausing: set[jobs.Job] = set()
        self.paused: list[tuple[str, Callable[..., Any], Any, Any]] = []
        self.cancel_button.clicked.connect(self.cancel)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.cancel_button.setText(tr("Cancel"))
        self.pause_button.setText(tr("Resume") if self.paused and not self.jobs
                                  else tr("Pause"))
        self.bar.setAccessibleName(tr("Progress"))

    def run(self, title: str, work: Callable[[Task], Any],
            on_done: Callable[[Any], None] | None = None,
            on_failed: Callable[[str], None] | None = None,
            pausable: bool = False) -> jobs.Job:
        job = jobs.start(work, on_done, on_failed, on_progress=self._progress)
        self.jobs.append(job)
        if pausable:
            self.pausable[job] = (title, work, on_done, on_failed)
        job.signals.cancelled.connect(lambda: self._cancelled(job))
        job.signals.finished.connect(lambda: self._finished(job))
        self.label.setText(title)
        self.bar.setRange(0, 0)
        self.bar.show()
        self._show_buttons()
        self.show()
        return job

    def _show_buttons(self) -> None:
        self.pause_button.setVisible(any(j in self.pausable for j in self.jobs)
                                     or (bool(self.paused) and not self.jobs))
        self.retranslate()

    def _progress(self, done: int, total: int, message: str) -> None:
        if total:
            while total > 1 << 30:  # bytes of a large download: keep within the bar's int
                done, total = done >> 10, total >> 10
            self.bar.setRange(0, total)
            self.bar.setValue(done)
        if message:
            self.bar.setToolTip(message)

    def _cancelled(self, job: jobs.Job) -> None:
        if job in self.pausing:
            self.paused.append(self.pausable[job])

    def _finished(self, job: jobs.Job) -> None:
        if job in self.jobs:
            self.jobs.remove(job)
        self.pausable.pop(job, None)
        self.pausing.discard(job)
        if self.jobs:
            return
        if self.paused:
            titles = ", ".join(entry[0] for entry in self.paused)
            self.label.setText(tr("Paused: {work}", work=titles))
            self.bar.hide()  # a frozen bar would look like work going on
            self._show_buttons()
        else:
            self.hide()

    def toggle_pause(self) -> None:
        if self.jobs:
            for job in self.jobs:
                if job in self.pausable:
                    self.pausing.add(job)
                    job.cancel()
            return
        waiting, self.paused = self.paused, []
        for title, work, on_done, on_failed in waiting:
            self.run(title, work, on_done, on_failed, pausable=True)

    def cancel(self) -> None:
        dropped = bool(self.paused)
        self.paused.clear()
        for job in self.jobs:
            job.cancel()
        if not self.jobs:
            self.hide()
        if dropped:
            self.dropped.emit()


class MainWindow(QMainWindow):
    content_shown = Signal()  # the first screen is filled (start-up timing ends here)
    store_opened = Signal()

    def __init__(self, ctx: AppContext | Campus) -> None:
        super().__init__()
        self.ctx = ctx if isinstance(ctx, AppContext) else AppContext(ctx)
        self.campus = self.ctx.campus
        self.last_error = ""
        self._after_store: list[Callable[[], None]] = []
        self._pages: dict[str, QWidget] = {}
        self.resize(1180, 760)
        self.setAcceptDrops(True)

        self.sync = SyncController(self.ctx)  # before the pages: settings shows its state
        self.ctx.sync = self.sync
        self.stack = QStackedWidget()
        self.profiles = ProfilePage(self.ctx, self.sign_in, self.when_store_ready)
        self.library = LibraryPage(self.ctx)
        self.reader = ReaderPage(self.ctx)
        self.settings_page = SettingsPage(self.ctx)
        for name, page in (("profiles", self.profiles), ("library", self.library),
                           ("reader", self.reader), ("settings", self.settings_page)):
            self._add_page(name, page)
        self.setCentralWidget(self.stack)

        self.status = QLabel()
        self.long_work = LongWorkBar()
        self.sync_indicator = SyncIndicator(self.sync, lambda: self.show_page("settings"))
        self.statusBar().addWidget(self.status, 1)
        self.statusBar().addPermanentWidget(self.long_work)
        self.statusBar().addPermanentWidget(self.sync_indicator)
        self.ctx.long_work_runner = self.long_work.run
        self.long_work.dropped.connect(lambda: self.library.check_catalogs())

        self._build_actions()
        self.ctx.message.connect(self.show_message)
        self.ctx.open_module.connect(self.open_module)
        self.ctx.open_quiz.connect(self.open_quiz)
        self.ctx.open_certificate.connect(self.open_certificate)
        self.ctx.open_webinar.connect(self.open_webinar)
        self.ctx.open_webinar_questions.connect(self.open_webinar_questions)
        self.ctx.show_page.connect(self.show_page)
        self.ctx.present.connect(self.present)
        self.ctx.install_requested.connect(self.install)
        self.ctx.language_changed.connect(self.retranslate)
        self.ctx.preferences_changed.connect(self._apply_theme)
        self.ctx.progress_changed.connect(lambda _c: self.library.refresh())
        self.ctx.library_changed.connect(self._library_changed)
        # A data folder on a USB stick or a network share can vanish under a running app.
        self.folder_watch = QTimer(self)
        self.folder_watch.setInterval(2000)
        self.folder_watch.timeout.connect(self._check_data_folder)
        self.folder_lost = False
        # Reminders before sessions in the learner's calendars, checked every minute.
        self.reminded: set[tuple[str, str]] = set()
        self.reminder_timer = QTimer(self)
        self.reminder_timer.setInterval(60_000)
        self.reminder_timer.timeout.connect(self.check_reminders)
        self._closing = False
        self.retranslate()

    # -- pages ---------------------------------------------------------------------------------
    def _add_page(self, name: str, page: QWidget) -> None:
        self._pages[name] = page
        self.stack.addWidget(page)

    def page(self, name: str) -> Any:
        """A page by name; quiz, search and certificate are built on first use."""
        if name not in self._pages:
            if name == "quiz":
                from ui.quiz import QuizPage

                self._add_page(name, QuizPage(self.ctx))
            elif name == "search":
                from ui.search import SearchPage

                self._add_page(name, SearchPage(self.ctx))
            elif name == "certificate":
                from ui.certificate import CertificatePage

                self._add_page(name, CertificatePage(self.ctx))
            elif name == "calendar":
                from ui.calendar import CalendarPage

                self._add_page(name, CalendarPage(self.ctx))
            elif name == "webinars":
                from ui.webinars import WebinarsPage

                self._add_page(name, WebinarsPage(self.ctx))
            elif name == "player":
                from ui.player import PlayerPage

                self._add_page(name, PlayerPage(self.ctx))
            elif name == "questions":
                from ui.qa_archive import QAArchivePage

                self._add_page(name, QAArchivePage(self.ctx))
            elif name == "presenter":
                from ui.presenter import PresenterPage

                self._add_page(name, PresenterPage(self.ctx))
            elif name == "classes":
                from ui.classes import ClassesPage

                self._add_page(name, ClassesPage(self.ctx))
            elif name == "editor":
                from ui.editor import CourseEditorPage

                self._add_page(name, CourseEditorPage(self.ctx))
            elif name == "room":
                from ui.room import RoomPage

                self._add_page(name, RoomPage(self.ctx))
            elif name == "room-answer":
                from ui.room_join import RoomAnswerPage

                answer = RoomAnswerPage(self.ctx)
                answer.left.connect(lambda: self.show_page("library"))
                self._add_page(name, answer)
        return self._pages[name]

    def show_page(self, name: str) -> None:
        if self.ctx.learner is None and name != "profiles":
            name = "profiles"
        elif name in FACILITATOR_PAGES and not self.ctx.facilitator_mode:
            name = "library"
        if not self._may_leave(name):
            return
        page = self.page(name)
        self.stack.setCurrentWidget(page)
        self._remember_place()

    def _may_leave(self, going_to: str) -> bool:
        """Unsaved edits in the course editor are saved, discarded or kept on screen first."""
        editor = self._pages.get("editor")
        if editor is None or going_to == "editor" or self.stack.currentWidget() is not editor:
            return True
        return bool(editor.confirm_leave())  # type: ignore[attr-defined]

    def current_page(self) -> str:
        current = self.stack.currentWidget()
        return next(n for n, p in self._pages.items() if p is current)

    # -- actions and menus ----------------------------------------------------------------------
    def _action(self, keys: QKeySequence | str | None, slot: Callable[[], None],
                checkable: bool = False) -> QAction:
        action = QAction(self)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.go_library = self._action("Ctrl+1", lambda: self.show_page("library"))
        self.go_reader = self._action("Ctrl+2", self._show_reader)
        self.go_search = self._action("Ctrl+F", self.open_search)
        self.go_calendar = self._action("Ctrl+3", lambda: self.show_page("calendar"))
        self.go_webinars = self._action("Ctrl+4", lambda: self.show_page("webinars"))
        self.go_questions = self._action("Ctrl+5", lambda: self.show_page("questions"))
        self.go_classes = self._action("Ctrl+6", self._show_classes)
        self.go_editor = self._action("Ctrl+7", self._show_editor)
        self.go_room = self._action("Ctrl+8", self._show_room)
        self.join_room = self._action("Ctrl+J", self.open_join_room)
        self.go_settings = self._action("Ctrl+,", lambda: self.show_page("settings"))
        self.switch_profile = self._action("Ctrl+Shift+P", self.sign_out)
        self.install_file = self._action("Ctrl+O", self.library.choose_bundle)
        self.add_catalog = self._action(None, self.library.add_catalog)
        self.quit_action = self._action(QKeySequence.StandardKey.Quit, self.close)
        self.contrast_action = self._action("Ctrl+Shift+H", self._toggle_contrast, True)
        self.shortcuts_action = self._action("F1", self._show_shortcuts)
        self.about_action = self._action(None, self._show_about)
        self.sync_action = self._action("F9", self.sync.sync_now)
        self.toolbar = QToolBar()
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.go_library, self.go_reader, self.go_webinars, self.go_questions,
                       self.go_classes, self.go_editor, self.go_room, self.join_room,
                       self.go_search, self.go_calendar, self.go_settings):
            self.toolbar.addAction(action)
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding,
                             spacer.sizePolicy().verticalPolicy())
        self.toolbar.addWidget(spacer)
        self.toolbar.addAction(self.switch_profile)
        self.addToolBar(self.toolbar)
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.file_menu.addActions([self.install_file, self.add_catalog, self.sync_action,
                                   self.join_room])
        self.file_menu.addSeparator()
        self.file_menu.addActions([self.switch_profile, self.quit_action])
        self.view_menu = bar.addMenu("")
        self.view_menu.addActions([self.go_library, self.go_reader, self.go_webinars,
                                   self.go_questions, self.go_classes, self.go_editor,
                                   self.go_room, self.go_search, self.go_calendar,
                                   self.go_settings])
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.contrast_action)
        self.help_menu = bar.addMenu("")
        self.help_menu.addActions([self.shortcuts_action, self.about_action])

    def retranslate(self) -> None:
        self.setWindowTitle(tr("STEP Campus"))
        self.file_menu.setTitle(tr("&File"))
        self.view_menu.setTitle(tr("&View"))
        self.help_menu.setTitle(tr("&Help"))
        self.go_library.setText(tr("Library"))
        self.go_reader.setText(tr("Reader"))
        self.go_search.setText(tr("Search"))
        self.go_calendar.setText(tr("Calendar"))
        self.go_webinars.setText(tr("Webinars"))
        self.go_questions.setText(tr("Q&&A"))
        self.go_questions.setToolTip(tr("Questions and answers"))
        self.go_classes.setText(tr("Classes"))
        self.go_classes.setToolTip(tr("Your classes: learners, sessions and attendance"))
        self.go_classes.setVisible(self.ctx.facilitator_mode)  # facilitators only
        self.go_editor.setText(tr("Adapt"))
        self.go_editor.setToolTip(tr("Adapt a course: edit its modules, add a local case "
                                     "study, translate, build and sign"))
        self.go_editor.setVisible(self.ctx.facilitator_mode)
        self.go_room.setText(tr("Room"))
        self.go_room.setToolTip(tr("A quiz with the room: learners answer on their desktops, "
                                   "the chart shows their answers"))
        self.go_room.setVisible(self.ctx.facilitator_mode)
        self.join_room.setText(tr("Join a room…"))
        self.join_room.setToolTip(tr("Answer your facilitator's quiz with the room"))
        self.join_room.setVisible(not self.ctx.facilitator_mode)
        self.go_settings.setText(tr("Settings"))
        self.install_file.setText(tr("Install from file…"))
        self.add_catalog.setText(tr("Add catalog…"))
        self.quit_action.setText(tr("Quit"))
        self.contrast_action.setText(tr("High contrast"))
        self.shortcuts_action.setText(tr("Keyboard shortcuts"))
        self.about_action.setText(tr("About STEP Campus"))
        self.sync_action.setText(tr("Sync now"))
        self.sync_indicator.retranslate()
        name = self.ctx.learner.name if self.ctx.learner else ""
        self.switch_profile.setText(tr("{name} · switch profile", name=name) if name
                                    else tr("Switch profile"))
        self.toolbar.setAccessibleName(tr("Navigation"))
        self.long_work.retranslate()
        for page in self._pages.values():
            page.retranslate()  # type: ignore[attr-defined]

    def _apply_theme(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply(app, self.ctx.preferences)
        self.contrast_action.setChecked(self.ctx.preferences.high_contrast)
        for card in self.library.cards:
            card.ring.update()

    def _toggle_contrast(self) -> None:
        from stepcampus.settings import Preferences

        prefs = self.ctx.preferences
        self.ctx.set_preferences(Preferences(prefs.language, prefs.text_size,
                                             not prefs.high_contrast))

    def _show_shortcuts(self) -> None:
        rows = [("Ctrl+1", tr("Library")), ("Ctrl+2", tr("Reader")), ("Ctrl+F", tr("Search")),
                ("Ctrl+3", tr("Calendar")), ("Ctrl+4", tr("Webinars")),
                ("Ctrl+5", tr("Questions and answers")),
                ("Ctrl+6", tr("Classes (facilitators)")),
                ("Ctrl+7", tr("Adapt a course (facilitators)")),
                ("Ctrl+8", tr("Quiz with the room (facilitators)")),
                ("Ctrl+J", tr("Join a room…")),
                ("F5 · B · Esc", tr("Presenting: full screen, black screen, end")),
                ("K / Space", tr("Play or pause a recording")),
                ("J / L", tr("Back or forward 10 seconds")),
                ("C", tr("Captions on or off")),
                ("Ctrl+,", tr("Settings")), ("Ctrl+O", tr("Install from file…")),
                ("Alt+Left / Alt+Right", tr("Previous or next module")),
                ("Ctrl+D", tr("Bookmark this paragraph")),
                ("Ctrl+B", tr("Bookmarks and notes")),
                ("Ctrl++ / Ctrl+-", tr("Larger or smaller text")),
                ("Ctrl+T", tr("Facilitators: start or pause the session clock")),
                ("Ctrl+Shift+N", tr("Facilitators: next activity of the session")),
                ("Ctrl+Return", tr("Submit quiz answers")),
                ("Ctrl+Shift+H", tr("High contrast")), ("F9", tr("Sync now")),
                ("Ctrl+Shift+P", tr("Switch profile")), ("Ctrl+Q", tr("Quit"))]
        text = "".join(f"<tr><td><b>{k}</b></td><td>&nbsp;{v}</td></tr>" for k, v in rows)
        self._info(tr("Keyboard shortcuts"), f"<table>{text}</table>")

    def _show_about(self) -> None:
        self._info(tr("About STEP Campus"),
                   tr("STEP Campus: courses, quizzes and progress that work without a "
                      "network.<br>Data folder: {folder}", folder=self.campus.data_dir))

    def _info(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.open()

    # -- start-up ------------------------------------------------------------------------------
    def start(self) -> None:
        """Fill the first screen from the snapshot, then open the store in the background."""
        self.ctx.snapshot = Snapshot.open(self.campus.database_path)
        profiles = self.ctx.snapshot.profiles() if self.ctx.snapshot else []
        last = self.ctx.settings.last_profile
        self.profiles.set_profiles(profiles, select=last)
        chosen = next((p for p in profiles if p.id == last and not p.has_pin), None)
        self.fresh = self.ctx.snapshot is None or not self.ctx.snapshot.installed()
        if chosen is not None:
            self.sign_in(Learner(chosen.id, chosen.name), restore=True)
        else:
            self.show_page("profiles")
            self.profiles.focus_first()
        if not self.fresh:
            QTimer.singleShot(0, self.content_shown.emit)
        self.status.setText(tr("Opening your library…"))
        self.long_work.run(tr("Preparing your library"), self._open_store, self._store_ready,
                           self._store_failed)

    def _open_store(self, task: Task) -> Any:
        self.campus.sessions  # noqa: B018  (opens and migrates the store, off the UI thread)
        return self.campus.ensure_sample_course(task)

    def _migration_due(self) -> bool:
        from stepcampus.store.schema_version import HEAD
        from stepcampus.store.snapshot import read_revision

        try:
            return read_revision(self.campus.database_path) != HEAD
        except Exception:
            return True

    def _store_ready(self, installed: Any) -> None:
        if self._closing:
            return
        self.ctx.store_ready = True
        if self.ctx.snapshot is not None:
            self.ctx.snapshot.close()
            self.ctx.snapshot = None
        self.status.setText(tr("Sample course installed") if installed else tr("Ready"))
        if self.ctx.learner is None:
            self.profiles.set_profiles(self.ctx.profile_rows(),
                                       select=self.ctx.settings.last_profile)
        else:
            self.library.refresh()
            if self.current_page() == "reader":
                self.reader.refresh_progress()
        waiting, self._after_store = self._after_store, []
        for callback in waiting:
            callback()
        self.store_opened.emit()
        self.sync.refresh()
        self.reminder_timer.start()
        self.check_reminders()
        self.library.check_catalogs()  # new courses and updates, shown without a click
        self.folder_watch.start()
        if self.fresh:
            self.content_shown.emit()
        self.start_indexing()

    def _store_failed(self, message: str) -> None:
        self.status.setText(tr("Could not open your library: {error}", error=message))
        self.notify_error(tr("Could not open your library"), message)

    def when_store_ready(self, callback: Callable[[], None]) -> None:
        if self.ctx.store_ready:
            callback()
        else:
            self._after_store.append(callback)

    def start_indexing(self) -> None:
        if self._closing:
            return
        from ui.search import start_indexing

        start_indexing(self.ctx)

    # -- profiles --------------------------------------------------------------------------------
    def sign_in(self, learner: Learner, restore: bool = True) -> None:
        self.ctx.sign_in(learner)
        self.library.refresh()
        place = self.ctx.settings.places.get(learner.id, {})
        if restore and place.get("page") == "reader" and place.get("course"):
            try:
                self.open_module(place["course"], place.get("module", ""), "")
                return
            except Exception:  # the course was removed since: the library, then
                pass
        self.show_page("library")
        button = self.library.first_action()
        if button is not None:
            button.setFocus()

    def sign_out(self) -> None:
        if self.ctx.learner is None:
            self.show_page("profiles")
            return
        if not self._may_leave("profiles"):
            return
        self.reader.save_position()
        if "player" in self._pages:
            self._pages["player"].stop()  # type: ignore[attr-defined]
        if "presenter" in self._pages:
            self._pages["presenter"].audience.close()  # type: ignore[attr-defined]
        self._leave_rooms()
        self._remember_place()
        self.ctx.sign_in(None)
        self.profiles.set_profiles(self.ctx.profile_rows(),
                                   select=self.ctx.settings.last_profile)
        self.stack.setCurrentWidget(self.profiles)
        self.profiles.focus_first()
        self.retranslate()

    def _remember_place(self) -> None:
        learner = self.ctx.learner
        if learner is None:
            return
        page = self.current_page()
        if page == "reader" and self.reader.course_id:
            self.ctx.settings.places[learner.id] = {
                "page": "reader", "course": self.reader.course_id,
                "module": self.reader.module_id or ""}
        elif page in ("library", "search", "settings"):
            self.ctx.settings.places[learner.id] = {"page": page}

    # -- navigation ------------------------------------------------------------------------------
    def open_module(self, course_id: str, module_id: str, anchor: str) -> None:
        if self.ctx.learner is None:
            return
        self.reader.open(course_id, module_id, anchor or None)
        self.show_page("reader")
        self.reader.browser.setFocus()

    def _show_reader(self) -> None:
        if self.reader.course_id is None:
            rows = self.ctx.installed_rows() if self.ctx.learner else []
            if rows:
                self.open_module(rows[0].course_id, "", "")
            return
        self.show_page("reader")

    def open_quiz(self, course_id: str, module_id: str) -> None:
        self.when_store_ready(lambda: self._open_quiz(course_id, module_id))

    def _open_quiz(self, course_id: str, module_id: str) -> None:
        page = self.page("quiz")
        page.show_quiz(course_id, module_id)
        self.show_page("quiz")

    def open_webinar(self, series_id: str, session_id: str, at: float) -> None:
        if self.ctx.learner is None:
            return
        page = self.page("player")
        try:
            page.open(series_id, session_id, at)
        except Exception as exc:  # removed since the link was shown
            self.notify_error(tr("Could not open the webinar"), str(exc))
            return
        self.show_page("player")
        page.play_button.setFocus()

    def open_webinar_questions(self, series_id: str, session_id: str) -> None:
        self.open_webinar(series_id, session_id, -1.0)
        if self.current_page() == "player":
            self.page("player").show_questions()

    def _show_classes(self) -> None:
        if self.ctx.facilitator_mode:
            self.show_page("classes")

    def _show_editor(self) -> None:
        if self.ctx.facilitator_mode:
            self.show_page("editor")

    def _show_room(self) -> None:
        if self.ctx.facilitator_mode:
            self.show_page("room")

    def open_join_room(self) -> None:
        """A learner joins a facilitator's room: the dialog, then the room's page."""
        if self.ctx.learner is None or self.ctx.facilitator_mode:
            return
        from ui.room_join import JoinRoomDialog

        dialog = JoinRoomDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def joined() -> None:
            if dialog.joined is not None:
                self.page("room-answer").enter(*dialog.joined)
                self.show_page("room-answer")

        dialog.accepted.connect(joined)
        dialog.open()

    def _leave_rooms(self, quitting: bool = False) -> None:
        """Signing out or quitting: the room's hub stops (waited for only when quitting, so
        it never outlives the app), a learner leaves the room."""
        if "room" in self._pages:
            self._pages["room"].shutdown(wait=quitting)  # type: ignore[attr-defined]
        if "room-answer" in self._pages:
            self._pages["room-answer"].leave(quietly=True)  # type: ignore[attr-defined]

    def present(self, kind: str, first: str, second: str) -> None:
        """A facilitator shows a module or a webinar's slides to the room."""
        if not self.ctx.facilitator_mode:
            return
        page = self.page("presenter")
        if kind == "module":
            notes = self.reader.facilitator.notes
            clock = self.reader.facilitator.clock_view.clock
            same = notes is not None and (notes.course_id, notes.module_id) == (first, second)
            page.present_module(first, second, notes.html if same and notes else "",
                                clock if same else None, self.reader.page)
        else:
            page.present_slides(first, second)
        self.show_page("presenter")

    def open_search(self) -> None:
        page = self.page("search")
        self.show_page("search")
        page.focus_search()

    def open_certificate(self, course_id: str) -> None:
        self.when_store_ready(lambda: self._open_certificate(course_id))

    def _open_certificate(self, course_id: str) -> None:
        page = self.page("certificate")
        page.show_course(course_id)
        self.show_page("certificate")

    # -- installing ------------------------------------------------------------------------------
    def install(self, request: str) -> None:
        location, course_id, title = [*request.split("\n"), "", ""][:3]
        name = title or (location if location.startswith(("http:", "https:"))
                         else Path(location).name)

        def work(task: Task) -> Any:
            return self.campus.install(location, course_id or None, task=task)

        def done(result: Any) -> None:
            if result.already_installed:
                self.show_message(tr("{course} {version} is already installed",
                                     course=result.course_id, version=result.version))
            else:
                self.show_message(tr("Installed {course} {version} ({size} copied)",
                                     course=result.course_id, version=result.version,
                                     size=human_size(result.fetched_bytes)))
            self.ctx.library_changed.emit()

        def failed(message: str) -> None:
            if course_id:  # a catalog row disabled its button: show the list afresh
                self.library.check_catalogs()
            self.notify_error(tr("Could not install {name}", name=name), message)

        self.when_store_ready(lambda: self.long_work.run(
            tr("Installing {name}", name=name), work, done, failed,
            pausable=location.startswith(("http:", "https:"))))

    def _library_changed(self) -> None:
        self.library.refresh()
        self.library.check_catalogs()
        self.start_indexing()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.install(url.toLocalFile())
        event.acceptProposedAction()

    def _check_data_folder(self) -> None:
        if self.folder_lost or self.campus.database_path.exists():
            return
        self.folder_lost = True
        self.folder_watch.stop()
        self.notify_error(
            tr("Your data folder is gone"),
            tr("The data folder {folder} was deleted or disconnected while STEP Campus was "
               "open, so nothing more can be saved. Put it back (from the recycle bin, or "
               "reconnect the drive) and restart STEP Campus; if it is lost, restarting starts "
               "a new one with the sample course.", folder=self.campus.data_dir))

    # -- reminders -------------------------------------------------------------------------------
    def check_reminders(self) -> None:
        if self._closing:
            return
        from ui.calendar import due

        jobs.start(lambda task: due(self.ctx, task), self._remind)

    def _remind(self, occurrences: list[Any]) -> None:
        for occurrence in occurrences:
            key = (occurrence.uid, occurrence.start.isoformat())
            if key in self.reminded:
                continue
            self.reminded.add(key)
            start = occurrence.start.astimezone()
            text = tr("{title} starts at {time}", title=occurrence.title,
                      time=f"{start:%H:%M}")
            self.show_message(text)
            box = QMessageBox(QMessageBox.Icon.Information, tr("Starting soon"), text,
                              parent=self)
            box.setObjectName("reminder-box")
            box.open()

    # -- messages --------------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        self.status.setText(text)

    def notify_error(self, title: str, message: str) -> None:
        """A clear, non-blocking message box; the learner's work is never lost behind it."""
        self.last_error = message
        self.status.setText(f"{title}: {message}")
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=self)
        box.setObjectName("error-box")
        box.open()

    # -- closing ---------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing and not self._may_leave(""):
            event.ignore()  # the facilitator chose to keep editing
            return
        if self.ctx.learner is not None and self.ctx.store_ready:
            self.reader.save_position()
            if "quiz" in self._pages:
                self._pages["quiz"].save_pending()  # type: ignore[attr-defined]
        if "player" in self._pages:
            self._pages["player"].stop()  # type: ignore[attr-defined]
        if "presenter" in self._pages:
            self._pages["presenter"].audience.close()  # type: ignore[attr-defined]
        self._leave_rooms(quitting=True)
        self._remember_place()
        try:
            from stepcampus.settings import save_settings

            save_settings(self.campus.data_dir, self.ctx.settings)
        except OSError:
            pass  # a read-only folder was reported when it happened
        self._closing = True
        self.sync.stop()
        if self.ctx.store_ready or self.fresh or self._migration_due():
            jobs.wait_all()  # something may be writing: let it finish or roll back
        else:
            jobs.cancel_all()  # only the store opening for reads: no need to wait for it
        if self.ctx.snapshot is not None:
            self.ctx.snapshot.close()
        self.campus.close()
        super().closeEvent(event)


def _check_display() -> str | None:
    if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
            or os.environ.get("QT_QPA_PLATFORM")):
        return ("no display to open a window on: run STEP Campus in a desktop session, or set "
                "QT_QPA_PLATFORM=offscreen to run without one")
    return None


def _check_data_dir(data_dir: Path) -> str | None:
    """None if the data folder can be written; else why not, in words."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        return (f"STEP Campus cannot write to its data folder {data_dir} "
                f"({exc.strerror or exc}). Nothing was changed. Make the folder writable, or "
                "choose another with --data-dir DIR or STEPCAMPUS_HOME.")
    return None


def run_app(data_dir: Path | None = None, quit_after_start: bool = False) -> int:
    from stepcampus.instance import AlreadyRunning, InstanceLock
    from stepcampus.settings import Settings, load_settings

    problem = _check_display()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    campus = Campus(data_dir)
    problem = _check_data_dir(campus.data_dir)
    lock = InstanceLock(campus.data_dir)
    if problem is None:
        try:
            lock.acquire()
        except AlreadyRunning as exc:
            problem = str(exc)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        if not quit_after_start and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
            QMessageBox.critical(None, "STEP Campus", problem)
        return 1
    notice = ""
    try:
        settings = load_settings(campus.data_dir)
    except InputError as exc:
        # Kept aside rather than overwritten, so nothing is lost; the app starts on defaults.
        broken = campus.data_dir / "settings.json"
        broken.replace(broken.with_suffix(".json.damaged"))
        settings = Settings()
        notice = f"{exc} (kept as settings.json.damaged)"
    ctx = AppContext(campus, settings)
    theme.apply(app, ctx.preferences)
    window = MainWindow(ctx)
    window.show()
    if quit_after_start:
        window.content_shown.connect(lambda: QTimer.singleShot(0, window.close))
    window.start()
    if notice:
        window.notify_error(tr("Settings were reset"), notice)
    try:
        return app.exec()
    finally:
        lock.release()
