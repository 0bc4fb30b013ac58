"""Sync in the window: an indicator in the status bar, "Sync now", and sync in the background.

The controller runs the core's `sync_profile` off the UI thread for the signed-in learner: a
few seconds after sign-in, every few minutes while the app is open, and at once when asked.
After a failure it tries again later, waiting longer each time, so a desk without a
connection does not keep dialling out. Learning is recorded locally first, so nothing here can
lose it: sync only moves what the outbox holds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMenu, QToolButton

from stepcampus.tasks import Task
from ui import jobs
from ui.context import AppContext
from ui.i18n import tr

PERIOD_MS = 10 * 60 * 1000  # between syncs while everything works
FIRST_DELAY_MS = 5 * 1000  # after sign-in: let the first screen settle
RETRY_MS = (30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000)


@dataclass(frozen=True)
class SyncStatus:
    """What the indicator shows; `state` is off, idle, syncing, offline, unauthorised, server."""

    state: str = "off"
    queued: int = 0
    last_sync_at: datetime | None = None
    message: str = ""
    endpoint: str = ""
    username: str = ""


class SyncController(QObject):
    changed = Signal()
    finished = Signal(object)  # the SyncReport, or None after a failure

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.status = SyncStatus()
        self.job: jobs.Job | None = None
        self.failures = 0
        self.updating = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.sync_now)
        ctx.learner_changed.connect(self._learner_changed)
        ctx.progress_changed.connect(lambda _course: self.refresh())

    # -- reading the state ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the learner's link and queue (a small query, off the UI thread)."""
        learner = self.ctx.learner
        if learner is None or not self.ctx.store_ready:
            return
        sessions = self.ctx.campus.sessions

        def read(task: Task) -> tuple[Any, int]:
            from stepcampus.sync.accounts import get_link
            from stepcampus.sync.engine import queued_count

            return get_link(sessions, learner.id), queued_count(sessions, learner.id)

        jobs.start(read, lambda found: self._read(learner.id, *found))

    def _read(self, profile_id: str, link: Any, queued: int) -> None:
        if self.ctx.learner is None or self.ctx.learner.id != profile_id:
            return
        if link is None:
            self._set(SyncStatus(queued=queued))
            return
        syncing = self.job is not None
        state = "syncing" if syncing else _state_of(link.last_error)
        self._set(SyncStatus(state, queued, link.last_sync_at, link.last_error or "",
                             link.endpoint, link.username))

    def _set(self, status: SyncStatus) -> None:
        self.status = status
        self.changed.emit()

    # -- syncing -------------------------------------------------------------------------------
    def sync_now(self) -> None:
        learner = self.ctx.learner
        if self.job is not None or learner is None:
            return
        if not self.ctx.store_ready:
            self.timer.start(FIRST_DELAY_MS)
            return
        sessions = self.ctx.campus.sessions
        self.timer.stop()
        self._set(SyncStatus("syncing", self.status.queued, self.status.last_sync_at,
                             endpoint=self.status.endpoint, username=self.status.username))

        def work(task: Task) -> Any:
            from stepcampus.sync.accounts import get_link
            from stepcampus.sync.engine import sync_profile

            link = get_link(sessions, learner.id)
            if link is None:
                return None
            return sync_profile(sessions, learner.id, link, task)

        self.job = jobs.start(work, self._done, self._failed,
                              on_progress=self._progress, on_cancelled=self._cancelled)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _progress(self, done: int, total: int, message: str) -> None:
        self.status = SyncStatus("syncing", self.status.queued, self.status.last_sync_at,
                                 message, self.status.endpoint, self.status.username)
        self.changed.emit()

    def _done(self, report: Any) -> None:
        self.job = None
        self.failures = 0
        if report is not None:
            self.timer.start(PERIOD_MS)
            if report.received or report.state_received:
                self.ctx.progress_changed.emit("")  # progress from another desk: redraw
            if report.questions_sent or report.answers_received:
                self.ctx.questions_changed.emit()
            if report.answers_received == 1:
                self.ctx.message.emit(tr("A new answer to your question: see Q&A (Ctrl+5)"))
            elif report.answers_received:
                self.ctx.message.emit(tr("{n} new answers to your questions: see Q&A (Ctrl+5)",
                                         n=report.answers_received))
        self.finished.emit(report)
        self.refresh()
        self.check_updates()

    # -- course updates ------------------------------------------------------------------------
    def check_updates(self) -> None:
        """While connected, fetch updates to installed courses if the download choice allows.

        The catalogs are read quietly; the progress bar (with Pause) shows only when there is
        something to download.
        """
        settings = self.ctx.settings
        if not settings.catalogs or settings.download_when == "later" or self.updating:
            return
        campus = self.ctx.campus
        self.updating = True

        def find(task: Task) -> bool:
            from stepcampus.sync.updates import find_offers

            offers, _errors = find_offers(campus, list(settings.catalogs), task)
            return any(offer.installed for offer in offers)

        def found(any_update: bool) -> None:
            if not any_update:
                self.updating = False
                return

            def work(task: Task) -> Any:
                from stepcampus.sync.updates import install_updates

                return install_updates(campus, settings, task)

            def done(run: Any) -> None:
                self.updating = False
                if run.installed:
                    self.ctx.message.emit(tr("Updated: {courses}", courses=", ".join(
                        f"{r.course_id} {r.version}" for r in run.installed)))
                    self.ctx.library_changed.emit()
                elif run.failed:
                    self.ctx.message.emit(run.failed[0][1])

            def failed(message: str) -> None:
                self.updating = False
                self.ctx.message.emit(message)

            self.ctx.run_long(tr("Updating courses"), work, done, failed, pausable=True)

        jobs.start(find, found, lambda _message: setattr(self, "updating", False))

    def _failed(self, message: str) -> None:
        self.job = None
        self.failures += 1
        delay = RETRY_MS[min(self.failures, len(RETRY_MS)) - 1]
        self.timer.start(int(delay * random.uniform(0.8, 1.2)))  # jitter: desks not in step
        self.finished.emit(None)
        self.refresh()

    def _cancelled(self) -> None:
        self.job = None
        self.refresh()

    def _learner_changed(self) -> None:
        self.timer.stop()
        self.failures = 0
        self._set(SyncStatus())
        if self.ctx.learner is not None:
            self.refresh()
            self.timer.start(FIRST_DELAY_MS)

    def stop(self) -> None:
        self.timer.stop()
        self.cancel()


def _state_of(error: str | None) -> str:
    """The indicator's state from the last error the engine recorded ("kind: message")."""
    if not error:
        return "idle"
    kind = error.split(":", 1)[0].strip()
    return kind if kind in ("offline", "unauthorised", "server") else "server"


def describe(status: SyncStatus) -> tuple[str, str]:
    """The indicator's short text and its longer tooltip, in the interface language."""
    queued = tr("{n} to send", n=status.queued) if status.queued else tr("all sent")
    when = status.last_sync_at.astimezone().strftime("%H:%M") if status.last_sync_at else ""
    last = tr("Last sync at {time}", time=when) if when else tr("Never synced yet")
    where = tr("with {server} as {user}", server=status.endpoint, user=status.username)
    if status.state == "off":
        return (tr("Sync off · {queued}", queued=queued),
                tr("Progress is kept on this computer. Set up sync in Settings to keep it on "
                   "your campus server too."))
    if status.state == "syncing":
        return tr("Syncing…"), status.message or where
    if status.state == "offline":
        return (tr("Offline · {queued}", queued=queued),
                tr("The server could not be reached; STEP Campus will try again later. "
                   "Nothing is lost: your progress is kept here until it is sent.") + "\n"
                + status.message + "\n" + last)
    if status.state == "unauthorised":
        return (tr("Sign-in refused · {queued}", queued=queued),
                tr("The server refused your user name or password. Check them in Settings.")
                + "\n" + status.message)
    if status.state == "server":
        return (tr("Server problem · {queued}", queued=queued),
                tr("The server answered with an error; STEP Campus will try again later.")
                + "\n" + status.message + "\n" + last)
    text = tr("Synced {time} · {queued}", time=when, queued=queued) if when else queued
    return text, last + "\n" + where


class SyncIndicator(QToolButton):
    """The status bar's sync button: its state at a glance, a menu with "Sync now"."""

    def __init__(self, controller: SyncController, open_settings: Any) -> None:
        super().__init__()
        self.setObjectName("sync-indicator")
        self.controller = controller
        self.setAutoRaise(True)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.menu_ = QMenu(self)
        self.sync_action = self.menu_.addAction("", controller.sync_now)
        self.stop_action = self.menu_.addAction("", controller.cancel)
        self.settings_action = self.menu_.addAction("", open_settings)
        self.setMenu(self.menu_)
        self.clicked.connect(self._clicked)
        controller.changed.connect(self.show_status)
        self.open_settings = open_settings
        self.retranslate()

    def _clicked(self) -> None:
        if self.controller.status.state == "off":
            self.open_settings()
        else:
            self.controller.sync_now()

    def show_status(self) -> None:
        status = self.controller.status
        text, tip = describe(status)
        self.setText(text)
        self.setToolTip(tip)
        self.setAccessibleName(tr("Sync status: {state}", state=text))
        self.setProperty("state", status.state)
        syncing = status.state == "syncing"
        self.sync_action.setEnabled(not syncing and status.state != "off")
        self.stop_action.setVisible(syncing)

    def retranslate(self) -> None:
        self.sync_action.setText(tr("Sync now"))
        self.stop_action.setText(tr("Stop syncing"))
        self.settings_action.setText(tr("Sync settings…"))
        self.show_status()
