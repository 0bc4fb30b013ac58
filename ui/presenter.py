"""Presenter view: a module (section by section) or a webinar's slides on the projector, and on
the facilitator's own screen what is shown now, what comes next and the session's notes.

With a second screen the audience view goes full screen there; with one screen, F5 (or the
button) swaps the full-screen audience view in and Escape brings the console back. Keys in
both: Right, Down, Page Down or Space next; Left, Up or Page Up back; B a black screen;
Escape ends (or leaves the full screen on a single screen).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui import theme
from ui.context import AppContext
from ui.facilitator_notes import SessionClockView
from ui.i18n import tr
from ui.player_panes import SlideView
from ui.reader import ModuleBrowser, RenderedPage, render_page
from ui.widgets import label

NEXT_KEYS = (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_PageDown, Qt.Key.Key_Space)
BACK_KEYS = (Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_PageUp)


@dataclass(frozen=True)
class Step:
    """One thing shown at a time: a section of a module (its anchor) or a slide (its index)."""

    title: str
    anchor: str = ""
    slide: int = -1


class AudienceView(QWidget):
    """What the room sees: the module text large, a slide, or black."""

    key_pressed = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(tr("STEP Campus: presentation"))
        self.browser = ModuleBrowser()
        self.browser.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.browser.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slide = SlideView()
        self.slide.setStyleSheet("background: black;")
        self.black = QWidget()
        self.black.setStyleSheet("background: black;")
        self.stack = QStackedWidget()
        for widget in (self.browser, self.slide, self.black):
            self.stack.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.blanked = False
        self._anchor = ""
        self._shown: QWidget = self.browser

    def show_html(self, html: str, css: str, course: Any, point_size: int) -> None:
        self.browser.course = course
        document = self.browser.document()
        font = document.defaultFont()
        font.setPointSize(point_size)  # body text; the CSS sizes headings relative to it
        document.setDefaultFont(font)
        document.setDefaultStyleSheet(css)
        self.browser.setHtml(html)
        self._shown = self.browser
        self._apply()

    def show_section(self, anchor: str) -> None:
        self._anchor = anchor
        if anchor:
            self.browser.scrollToAnchor(anchor)
        else:
            self.browser.verticalScrollBar().setValue(0)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.show_section(self._anchor)  # the text reflows: bring the section back to the top

    def show_slide(self, index: int, data: bytes | None) -> None:
        self.slide.show_slide(index, data)
        self._shown = self.slide
        self._apply()

    def set_blank(self, blank: bool) -> None:
        self.blanked = blank
        self._apply()

    def _apply(self) -> None:
        self.stack.setCurrentWidget(self.black if self.blanked else self._shown)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.key_pressed.emit(event.key())
        event.accept()


class PresenterPage(QWidget):
    """The facilitator's console; it owns the audience view."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.steps: list[Step] = []
        self.index = 0
        self.session: Any = None  # a webinar session when presenting slides
        self.audience = AudienceView()
        self.audience.key_pressed.connect(self.handle_key)
        self.title = label(name="title")
        self.now = label(name="subtitle")
        self.next = label(name="hint")
        self.position = label(name="hint", wrap=False)
        self.notes = QTextBrowser()
        self.notes.setOpenLinks(False)
        # The same clock as the reader's notes panel: presenting does not restart the session.
        self.clock = SessionClockView(lambda: self.ctx.preferences.high_contrast)
        self.clock.hide()
        self.previous_button = QPushButton()
        self.next_button = QPushButton()
        self.next_button.setObjectName("primary")
        self.blank_button = QPushButton()
        self.blank_button.setCheckable(True)
        self.screen_button = QPushButton()
        self.end_button = QPushButton()
        buttons = QHBoxLayout()
        for button in (self.previous_button, self.next_button, self.blank_button):
            buttons.addWidget(button)
        buttons.addWidget(self.position)
        buttons.addStretch(1)
        buttons.addWidget(self.screen_button)
        buttons.addWidget(self.end_button)
        column = QVBoxLayout(self)
        column.addWidget(self.title)
        column.addWidget(self.now)
        column.addWidget(self.next)
        middle = QHBoxLayout()
        middle.addWidget(self.notes, 3)
        middle.addWidget(self.clock, 2)
        column.addLayout(middle, 1)
        column.addLayout(buttons)
        self.previous_button.clicked.connect(lambda: self.go(-1))
        self.next_button.clicked.connect(lambda: self.go(1))
        self.blank_button.toggled.connect(self.audience.set_blank)
        self.screen_button.clicked.connect(self.toggle_audience)
        self.end_button.clicked.connect(self.end)
        self.retranslate()

    # -- what is presented -----------------------------------------------------------------
    def present_module(self, course_id: str, module_id: str, notes_html: str = "",
                       clock: Any = None, page: RenderedPage | None = None) -> None:
        """Present a module: `page`, the reader's rendering of it when it has one (rendering
        reads and converts the module, which is worker-thread work)."""
        from dataclasses import replace

        language = self.ctx.content_language
        if page is None or (page.course_id, page.module_id, page.language) != (
                course_id, module_id, language):
            page = render_page(self.ctx, course_id, module_id, language)
        view = self.ctx.course_view(course_id)
        title = view.module(module_id, language).title
        self.session = None
        self.steps = [Step(t, anchor=anchor) for anchor, t in page.headings] or [Step(title)]
        prefs = self.ctx.preferences
        # The room reads from afar: the text much larger than on a desk.
        big = replace(prefs, text_size=max(prefs.text_size * 2, 22))
        self.audience.show_html(page.html, theme.module_css(big), view, big.text_size)
        self.title.setText(title)
        self.notes.setHtml(notes_html or self._no_notes())
        self.clock.set_clock(clock)
        self.clock.setVisible(clock is not None)
        self._start()

    def present_slides(self, series_id: str, session_id: str, notes_html: str = "") -> None:
        series = self.ctx.series_view(series_id)
        self.session = series.session(session_id)
        self.steps = [Step(slide.title or tr("Slide {n}", n=number), slide=number - 1)
                      for number, slide in enumerate(self.session.slides, start=1)]
        self.title.setText(self.session.title)
        self.notes.setHtml(notes_html or self._no_notes())
        self.clock.set_clock(None)
        self.clock.hide()
        self._start()

    def _no_notes(self) -> str:
        return f"<p><i>{tr('No facilitator notes for this part.')}</i></p>"

    def _start(self) -> None:
        self.index = 0
        self.blank_button.setChecked(False)
        self._show()
        screens = QGuiApplication.screens()
        if len(screens) > 1:  # the projector: the screen this window is not on
            mine = self.screen()
            other = next((s for s in screens if s is not mine), screens[-1])
            self.audience.setScreen(other)
            self.audience.setGeometry(other.geometry())
            self.audience.showFullScreen()
        else:
            self.audience.resize(1024, 640)
            self.audience.show()  # beside the console; F5 makes it full screen
        self.next_button.setFocus()

    def _show(self) -> None:
        if not self.steps:
            return
        step = self.steps[self.index]
        if step.slide >= 0 and self.session is not None:
            self.audience.show_slide(step.slide, self.session.slide_image(step.slide))
        else:
            self.audience.show_section(step.anchor)
        following = self.steps[self.index + 1].title if self.index + 1 < len(self.steps) \
            else tr("(the end)")
        self.now.setText(tr("Now: {title}", title=step.title))
        self.next.setText(tr("Next: {title}", title=following))
        self.position.setText(f"{self.index + 1} / {len(self.steps)}")
        self.previous_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index + 1 < len(self.steps))

    # -- controls ------------------------------------------------------------------------------
    def go(self, step: int) -> None:
        if not self.steps:
            return
        self.index = max(0, min(len(self.steps) - 1, self.index + step))
        self._show()

    def toggle_audience(self) -> None:
        if self.audience.isFullScreen():
            self.audience.showNormal()
        else:
            self.audience.showFullScreen()

    def end(self) -> None:
        self.audience.hide()
        self.ctx.show_page.emit("reader" if self.session is None else "player")

    def handle_key(self, key: int) -> None:
        if key in NEXT_KEYS:
            self.go(1)
        elif key in BACK_KEYS:
            self.go(-1)
        elif key == Qt.Key.Key_B:
            self.blank_button.toggle()
        elif key == Qt.Key.Key_F5:
            self.toggle_audience()
        elif key == Qt.Key.Key_Escape:
            single = len(QGuiApplication.screens()) < 2
            if single and self.audience.isFullScreen():
                self.audience.showNormal()  # one screen: back to the console
            else:
                self.end()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = (*NEXT_KEYS, *BACK_KEYS, Qt.Key.Key_B, Qt.Key.Key_F5, Qt.Key.Key_Escape)
        if event.key() in keys:
            self.handle_key(event.key())
            event.accept()
        else:
            super().keyPressEvent(event)

    def retranslate(self) -> None:
        self.previous_button.setText(tr("← Back"))
        self.next_button.setText(tr("Next →"))
        self.blank_button.setText(tr("Black screen (B)"))
        self.screen_button.setText(tr("Full screen (F5)"))
        self.end_button.setText(tr("End (Esc)"))
        self.notes.setAccessibleName(tr("Facilitator notes"))
        self.audience.setWindowTitle(tr("STEP Campus: presentation"))
        self.clock.retranslate()
        if self.steps:
            self._show()

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        if not self.isVisible():
            self.audience.hide()
