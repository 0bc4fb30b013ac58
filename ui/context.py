"""What every screen shares: the campus, the learner, their preferences and the long-work bar.

Pages take an `AppContext` and listen to its signals rather than to each other, so each page
stays a small widget that can be tested alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from stepcampus.campus import Campus
from stepcampus.settings import Preferences, Settings, load_settings, save_settings
from stepcampus.store.snapshot import CourseRow, ProfileRow, Snapshot
from stepcampus.tasks import Task
from ui import i18n, jobs

if TYPE_CHECKING:
    from stepcampus.coursepack.installed import CourseView
    from stepcampus.progress.summary import CourseSummary
    from stepcampus.store.snapshot import ProgressRow
    from stepcampus.webinar.installed import SeriesView


@dataclass(frozen=True)
class Learner:
    id: str
    name: str
    role: str = "learner"  # "facilitator": the app is in facilitator mode

    @property
    def is_facilitator(self) -> bool:
        return self.role == "facilitator"


class AppContext(QObject):
    learner_changed = Signal()
    preferences_changed = Signal()  # text size or contrast
    language_changed = Signal()
    library_changed = Signal()  # a course was installed or updated
    progress_changed = Signal(str)  # course id: a module was read or a quiz finished
    # Pages ask the window to show something; the window owns navigation.
    open_module = Signal(str, str, str)  # course id, module id, anchor ("" for none)
    open_quiz = Signal(str, str)  # course id, module id
    open_certificate = Signal(str)  # course id
    open_webinar = Signal(str, str, float)  # series id, session id, seconds (-1: where left)
    open_webinar_questions = Signal(str, str)  # series id, session id: its Q&A
    show_page = Signal(str)  # a page by name ("webinars", "questions")
    # Facilitators: "module" and course id + module id, or "slides" and series + session id.
    present = Signal(str, str, str)
    questions_changed = Signal()  # a question was asked, sent or answered
    # A bundle path, folder or URL to install from; from a catalog, "URL\nCOURSE ID\nTITLE".
    install_requested = Signal(str)
    message = Signal(str)  # a short status line for the learner

    def __init__(self, campus: Campus, settings: Settings | None = None) -> None:
        super().__init__()
        self.campus = campus
        self.settings = settings if settings is not None else load_settings(campus.data_dir)
        self.learner: Learner | None = None
        # Until the ORM has loaded (off the UI thread), screens read through this snapshot.
        self.snapshot: Snapshot | None = None
        self.store_ready = False
        self._views: dict[tuple[str, str], CourseView] = {}
        self._series: dict[tuple[str, str], SeriesView] = {}
        # Set by the window: runs long work with a progress bar and a cancel button.
        self.long_work_runner: Callable[..., jobs.Job] | None = None
        # Set by the window: the sync controller (ui.sync), for pages that start a sync.
        self.sync: Any = None
        i18n.set_language(self.preferences.language)

    # -- the learner and their preferences --------------------------------------------------
    @property
    def preferences(self) -> Preferences:
        return self.settings.preferences(self.learner.id if self.learner else None)

    @property
    def facilitator_mode(self) -> bool:
        """A facilitator is signed in: screens show facilitator notes and the session clock."""
        return self.learner is not None and self.learner.is_facilitator

    def sign_in(self, learner: Learner | None) -> None:
        self.learner = learner
        self.settings.last_profile = learner.id if learner else self.settings.last_profile
        self._save()
        self._apply(self.preferences, force=True)
        self.learner_changed.emit()

    def set_preferences(self, prefs: Preferences) -> None:
        self.settings.set_preferences(self.learner.id if self.learner else None, prefs)
        self._save()
        self._apply(self.preferences)

    def _apply(self, prefs: Preferences, force: bool = False) -> None:
        language_changed = prefs.language != i18n.language()
        i18n.set_language(prefs.language)
        if language_changed or force:
            self.language_changed.emit()
        self.preferences_changed.emit()

    def _save(self) -> None:
        try:
            save_settings(self.campus.data_dir, self.settings)
        except OSError as exc:  # a read-only folder: keep going, say that it is not saved
            self.message.emit(i18n.tr("Settings could not be saved: {error}",
                                      error=exc.strerror or str(exc)))

    def progress_source(self) -> Any:
        """What `course_summary` reads from: the store once open, else the start-up snapshot."""
        if self.store_ready or self.snapshot is None:
            return self.campus.sessions
        return self.snapshot

    def summary(self, course_id: str) -> CourseSummary:
        from stepcampus.progress.summary import course_summary

        if self.learner is None:
            raise RuntimeError("no learner signed in")
        return course_summary(self.progress_source(), self.course_view(course_id),
                              self.learner.id, self.content_language)

    def course_view(self, course_id: str) -> CourseView:
        """An installed course; cached per version, since its manifest never changes."""
        from stepcampus.coursepack.installed import CourseView

        rows = {r.course_id: r for r in self.installed_rows()}
        row = rows.get(course_id)
        if row is None:
            return self.campus.course(course_id)  # raises the core's clear error
        key = (course_id, row.version)
        if key not in self._views:
            self._views[key] = CourseView(row.manifest, self.campus.content)
        return self._views[key]

    def installed_rows(self) -> list[CourseRow]:
        """Installed courses (course_id, version, title, manifest), from whichever store."""
        return self._read(Snapshot.installed)

    def series_rows(self) -> list[CourseRow]:
        """Installed webinar series, from whichever store."""
        return self._read(Snapshot.installed_series)

    def series_view(self, series_id: str) -> SeriesView:
        from stepcampus.errors import InputError, Problem
        from stepcampus.webinar.installed import SeriesView

        row = next((r for r in self.series_rows() if r.course_id == series_id), None)
        if row is None:
            raise InputError(Problem(series_id, None, "this webinar series is not installed"))
        key = (series_id, row.version)
        if key not in self._series:
            self._series[key] = SeriesView(row.manifest, self.campus.content)
        return self._series[key]

    def progress_rows(self, course_id: str) -> list[ProgressRow]:
        """The learner's progress rows of a course or series (position, percent, completed)."""
        if self.learner is None:
            return []
        learner = self.learner.id
        return self._read(lambda snapshot: snapshot.progress(learner, course_id))

    def profile_rows(self) -> list[ProfileRow]:
        return self._read(Snapshot.profiles)

    def _read(self, query: Callable[[Snapshot], list[Any]]) -> list[Any]:
        """A snapshot query, on the start-up snapshot or, once open, the store's connection."""
        if not self.store_ready and self.snapshot is not None:
            return query(self.snapshot)
        with self.campus.sessions() as session:
            return query(Snapshot(session.connection().connection.driver_connection))

    @property
    def content_language(self) -> str:
        """Courses show in the interface language when they have it."""
        return self.preferences.language

    # -- long work ----------------------------------------------------------------------------
    def run_long(self, title: str, work: Callable[[Task], Any],
                 on_done: Callable[[Any], None] | None = None,
                 on_failed: Callable[[str], None] | None = None,
                 pausable: bool = False) -> jobs.Job:
        """Work with a visible progress bar and cancel button (install, indexing, certificate);
        pausable work (downloads) gets Pause and Resume too."""
        if self.long_work_runner is None:
            return jobs.start(work, on_done, on_failed)
        if pausable:
            return self.long_work_runner(title, work, on_done, on_failed, pausable=True)
        return self.long_work_runner(title, work, on_done, on_failed)
