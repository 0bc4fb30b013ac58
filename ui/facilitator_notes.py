"""Facilitator mode beside the module text: the module's facilitator notes and the session clock.

Only a signed-in facilitator gets this panel filled; for anyone else it stays hidden and empty.
Notes render off the UI thread with the same sanitised renderer learners' modules use. Each
module keeps its own clock for as long as the app runs, so glancing at another module during
a session does not lose the time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from stepcampus.progress.session_clock import SessionClock, Timing, parse_timings
from stepcampus.webinar.vtt import clock as clock_text
from ui import jobs, theme
from ui.context import AppContext
from ui.i18n import tr
from ui.widgets import label

if TYPE_CHECKING:
    from stepcampus.coursepack.installed import CourseView

TICK_MS = 250  # often enough that the seconds never visibly stall
WARNING = "#b45309"  # an activity past its planned time: amber, readable on white
WARNING_CONTRAST = "#ffb347"
CURRENT_BACKGROUND, OVER_BACKGROUND = "#dbe8f5", "#fde7d2"


@dataclass(frozen=True)
class Notes:
    course_id: str
    module_id: str
    language: str  # the language of the notes, after falling back
    path: str
    html: str
    timings: list[Timing]


def load_notes(view: CourseView, module_id: str, language: str) -> Notes | None:
    """The module's facilitator notes in language, else the course's default; runs off the UI
    thread. None when the module has none."""
    from stepcampus.render.frontmatter import split_front_matter
    from stepcampus.render.markdown import render_markdown

    info = view.module(module_id, language)
    path, shown = info.facilitator, info.language
    if path is None and shown != view.default_language:  # a translated module, notes untranslated
        fallback = view.module(module_id, view.default_language)
        path, shown = fallback.facilitator, fallback.language
    if path is None:
        return None
    front = split_front_matter(view.read_text(path), path)
    rendered = render_markdown(front.body, module_path=path, package_files=frozenset(view.files),
                               link_modules=view.module_links(shown))
    return Notes(view.id, module_id, shown, path, rendered.html, parse_timings(front.meta))


class SessionClockView(QWidget):
    """The planned activities with the current one highlighted, its time against the plan,
    the session's total, and Start/Pause, Next activity and Reset."""

    def __init__(self, high_contrast: Callable[[], bool]) -> None:
        super().__init__()
        self.clock: SessionClock | None = None
        self._shown_index = -1
        self._high_contrast = high_contrast
        self.title = label(name="subtitle")
        self.elapsed_label = label(wrap=False)
        big = QFont(self.elapsed_label.font())
        big.setPointSize(max(big.pointSize(), 9) + 9)
        big.setBold(True)
        self.elapsed_label.setFont(big)
        self.activity_label = label()
        self.total_label = label(name="hint")
        self.start_button = QPushButton()
        self.start_button.setObjectName("primary")
        self.next_button = QPushButton()
        self.reset_button = QPushButton()
        self.activities = QListWidget()
        self.activities.setWordWrap(True)
        self.activities.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.activities.setMaximumHeight(230)

        buttons = QHBoxLayout()
        for button in (self.start_button, self.next_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addWidget(self.elapsed_label)
        column.addWidget(self.activity_label)
        column.addWidget(self.total_label)
        column.addLayout(buttons)
        column.addWidget(self.activities)

        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.refresh)
        self.start_button.clicked.connect(self.toggle)
        self.next_button.clicked.connect(self.next)
        self.reset_button.clicked.connect(self.reset)
        # Double-click or Enter, not a single click: a stray click must not move the session on.
        self.activities.itemActivated.connect(lambda item: self.go_to(self.activities.row(item)))
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("Session clock"))
        self.start_button.setToolTip(tr("Start or pause the clock (Ctrl+T)"))
        self.next_button.setText(tr("Next activity"))
        self.next_button.setToolTip(tr("Go on to the next activity (Ctrl+Shift+N)"))
        self.reset_button.setText(tr("Reset"))
        self.reset_button.setToolTip(tr("Back to the first activity, every time at zero"))
        self.activities.setAccessibleName(tr("Planned activities"))
        self.activities.setToolTip(tr("Double-click an activity to make it the current one"))
        self.refresh(rebuild=True)

    def set_clock(self, clock: SessionClock | None) -> None:
        self.clock = clock
        self.refresh(rebuild=True)

    # -- actions (buttons and shortcuts) -------------------------------------------------------
    def toggle(self) -> None:
        if self.clock is not None:
            self.clock.toggle()
            self.refresh()

    def next(self) -> None:
        if self.clock is not None and self.clock.next():
            self.refresh()

    def go_to(self, index: int) -> None:
        if self.clock is not None and 0 <= index < len(self.clock.timings):
            self.clock.go_to(index)
            self.refresh()

    def reset(self) -> None:
        if self.clock is not None:
            self.clock.reset()
            self.refresh()

    # -- drawing -------------------------------------------------------------------------------
    def refresh(self, rebuild: bool = False) -> None:
        clock = self.clock
        if clock is None:
            self.timer.stop()
            self.activities.clear()
            return
        if rebuild or self.activities.count() != len(clock.timings):
            self._shown_index = -1
            self.activities.clear()
            for _ in clock.timings:
                self.activities.addItem(QListWidgetItem())
        if clock.running:
            self.timer.start()
        else:
            self.timer.stop()
        contrast = self._high_contrast()
        warning = WARNING_CONTRAST if contrast else WARNING
        over = clock.is_over()
        self.elapsed_label.setText(f"{clock_text(clock.elapsed())} / {clock_text(clock.planned())}")
        self.elapsed_label.setStyleSheet(f"color: {warning};" if over else "")
        status = tr("Activity {number} of {count}", number=clock.index + 1,
                    count=len(clock.timings))
        if over:
            status += " · " + tr("{time} over", time=clock_text(clock.overrun()))
        self.activity_label.setText(status)
        self.activity_label.setStyleSheet(f"color: {warning}; font-weight: bold;" if over
                                          else "")
        total, planned = clock.total_elapsed(), clock.planned_total
        self.total_label.setText(tr("Session: {elapsed} of {planned}",
                                    elapsed=clock_text(total), planned=clock_text(planned)))
        self.total_label.setStyleSheet(f"color: {warning};" if total > planned else "")
        if clock.running:
            self.start_button.setText(tr("Pause"))
        else:
            self.start_button.setText(tr("Resume") if clock.started else tr("Start"))
        self.next_button.setEnabled(not clock.is_last)
        self.reset_button.setEnabled(clock.started)
        for index, timing in enumerate(clock.timings):
            self._draw_item(index, timing, contrast)
        if self._shown_index != clock.index:  # keep the current activity in view
            self._shown_index = clock.index
            self.activities.scrollToItem(self.activities.item(clock.index))

    def _draw_item(self, index: int, timing: Timing, contrast: bool) -> None:
        assert self.clock is not None
        item = self.activities.item(index)
        current = index == self.clock.index
        spent = self.clock.elapsed(index)
        planned = tr("{minutes} min", minutes=timing.minutes)
        detail = tr("{planned} · {time} so far", planned=planned, time=clock_text(spent)) if (
            spent >= 1) else planned
        item.setText(f"{'▶ ' if current else ''}{index + 1}. {timing.activity}\n{detail}")
        font = item.font()
        font.setBold(current)
        item.setFont(font)
        over = self.clock.is_over(index)
        if contrast:  # the high-contrast theme paints every background black
            item.setForeground(QColor(WARNING_CONTRAST if over else "#ffff00" if current
                                      else "white"))
        else:
            item.setBackground(QColor(OVER_BACKGROUND if current and over else
                                      CURRENT_BACKGROUND if current else "transparent"))
            item.setForeground(QColor(WARNING if over else "#1b1b1b"))
        state = tr("current activity") if current else ""
        item.setData(Qt.ItemDataRole.AccessibleTextRole,
                     ", ".join(p for p in (f"{index + 1}. {timing.activity}", detail, state) if p))


class FacilitatorNotesPanel(QWidget):
    """The notes of the module on screen, with its session clock above them."""

    module_link = Signal(str, str)  # module id, anchor: a link in the notes to a module

    def __init__(self, ctx: AppContext, browser: QTextBrowser) -> None:
        super().__init__()
        self.ctx = ctx
        # Where clocks read the time; tests put a fake clock here.
        self.clock_time: Callable[[], float] = time.monotonic
        self.notes: Notes | None = None
        self._request: tuple[str, str, str] | None = None
        self._clocks: dict[tuple[str, str, str, str], SessionClock] = {}
        self.title = label(name="title")
        self.empty = label(name="hint")
        self.clock_view = SessionClockView(lambda: self.ctx.preferences.high_contrast)
        self.browser = browser  # images come from the course package, as in the module text
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._follow_link)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 0, 0, 0)
        column.addWidget(self.title)
        column.addWidget(self.empty)
        column.addWidget(self.clock_view)
        column.addWidget(self.browser, 1)
        self.clear()
        self.restyle()
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("Facilitator notes"))
        self.empty.setText(tr("This module has no facilitator notes."))
        self.browser.setAccessibleName(tr("Facilitator notes"))
        self.clock_view.retranslate()

    def restyle(self) -> None:
        prefs = self.ctx.preferences
        font = self.browser.document().defaultFont()
        font.setPointSize(max(prefs.text_size - 1, 8))  # a narrower column than the module
        self.browser.document().setDefaultFont(font)
        self.browser.document().setDefaultStyleSheet(theme.module_css(prefs))
        if self.notes is not None:
            self.browser.setHtml(self.notes.html)
        self.clock_view.refresh()

    def clear(self) -> None:
        """Nothing shown and nothing loading: what anyone but a facilitator has."""
        self._request = None
        self.notes = None
        self.browser.clear()
        self.clock_view.set_clock(None)
        self.clock_view.hide()
        self.empty.hide()

    def show_module(self, course_id: str, module_id: str, language: str) -> None:
        """Load the module's notes off the UI thread (a no-op if they are the ones shown)."""
        request = (course_id, module_id, language)
        if request == self._request:
            return
        self._request = request
        view = self.ctx.course_view(course_id)

        def done(notes: Notes | None) -> None:
            # A later module wins over a slower render; a learner signed in since gets nothing.
            if self._request == request and self.ctx.facilitator_mode:
                self._show(notes)

        def failed(message: str) -> None:
            if self._request == request:
                self._request = None
                self.ctx.message.emit(message)

        jobs.start(lambda _t: load_notes(view, module_id, language), done, failed)

    def _show(self, notes: Notes | None) -> None:
        self.notes = notes
        self.empty.setVisible(notes is None)
        if notes is None:
            self.browser.clear()
            self.clock_view.set_clock(None)
            self.clock_view.hide()
            return
        self.browser.setHtml(notes.html)
        self.browser.verticalScrollBar().setValue(0)
        self.clock_view.set_clock(self._clock_for(notes))
        self.clock_view.setVisible(self.clock_view.clock is not None)

    def _clock_for(self, notes: Notes) -> SessionClock | None:
        if not notes.timings or self.ctx.learner is None:
            return None
        key = (self.ctx.learner.id, notes.course_id, notes.module_id, notes.path)
        if key not in self._clocks:
            self._clocks[key] = SessionClock(notes.timings, now=self.clock_time)
        return self._clocks[key]

    def _follow_link(self, url: QUrl) -> None:
        if url.scheme() == "module":
            self.module_link.emit(url.path(), url.fragment())
        elif url.hasFragment():
            self.browser.scrollToAnchor(url.fragment())

    # Shortcuts act on the clock of the module on screen.
    def toggle_clock(self) -> None:
        self.clock_view.toggle()

    def next_activity(self) -> None:
        self.clock_view.next()
