"""The course reader: contents with completion marks, the module text, bookmarks and notes;
in facilitator mode, the module's facilitator notes and session clock beside the text too.

Modules render off the UI thread (Markdown, sanitising, glossary marks); the reader only lays
the HTML out. Where the learner is (the paragraph at the top of the view) and how far they
got are saved a moment after they stop scrolling, off the UI thread too.
"""

from __future__ import annotations

import bisect
import html
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QImage, QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QToolTip,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from stepcampus.progress.summary import CourseSummary
from stepcampus.render.glossary import TERM_SCHEME, Term
from ui import jobs, theme
from ui.context import AppContext
from ui.facilitator_notes import FacilitatorNotesPanel
from ui.i18n import tr
from ui.library import provenance_text
from ui.widgets import label

_ROLE = Qt.ItemDataRole.UserRole
SAVE_DELAY_MS = 800  # after the learner stops scrolling
END_MARGIN = 0.97  # read to here counts as read to the end


@dataclass(frozen=True)
class RenderedPage:
    course_id: str
    module_id: str
    language: str
    html: str
    anchors: list[str]
    headings: list[tuple[str, str]]  # (anchor, title) of the module's sections
    terms: dict[str, Term]


def render_page(ctx: AppContext, course_id: str, module_id: str, language: str) -> RenderedPage:
    """The module as the reader shows it; runs on a worker thread."""
    from stepcampus.render.glossary import load_glossary, mark_terms

    view = ctx.course_view(course_id)
    info = view.module(module_id, language)
    rendered = view.render_module(module_id, language)
    glossary = load_glossary(view, info.language)
    objectives = "".join(f"<li>{html.escape(o)}</li>" for o in info.objectives)
    # The header strings are translated here: tr() only reads a dict, safe off the UI thread.
    header = (f'<h1 id="top">{html.escape(info.title)}</h1>'
              f'<p class="meta">{html.escape(tr("About {minutes} minutes", minutes=info.duration))}'
              f"</p><p><b>{html.escape(tr('By the end of this module you can:'))}</b></p>"
              f"<ul>{objectives}</ul><hr>")
    return RenderedPage(
        course_id, module_id, language, header + mark_terms(rendered.html, glossary),
        ["top", *rendered.anchors],
        [(e.id, e.title) for e in rendered.toc if e.level <= 2],
        {t.id: t for t in glossary})


class ModuleBrowser(QTextBrowser):
    """Module text: images from the package only (never the network), glossary hovers."""

    def __init__(self) -> None:
        super().__init__()
        self.course: Any = None  # the CourseView whose files images come from
        self.terms: dict[str, Term] = {}
        self.setOpenLinks(False)
        self.setMouseTracking(True)
        self.document().setDocumentMargin(18)

    def loadResource(self, kind: int, url: QUrl) -> object:
        if url.scheme() == "pkg" and self.course is not None:
            path = url.path()
            if self.course.has_file(path):
                data = self.course.read_bytes(path)
                if kind == QTextDocument.ResourceType.ImageResource:
                    return QImage.fromData(data)
                return QByteArray(data)
        return None

    def term_at(self, pos: QPoint) -> Term | None:
        href = self.anchorAt(pos)
        return self.terms.get(href.removeprefix(TERM_SCHEME)) if href.startswith(
            TERM_SCHEME) else None

    def mouseMoveEvent(self, event: Any) -> None:
        super().mouseMoveEvent(event)
        term = self.term_at(event.position().toPoint())
        if term is not None:
            QToolTip.showText(event.globalPosition().toPoint(), _definition(term), self)
        else:
            QToolTip.hideText()


def _definition(term: Term) -> str:
    return (f"<div style='max-width: 420px'><b>{html.escape(term.term)}</b><br>"
            f"{html.escape(term.definition)}</div>")


class ReaderPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.course_id: str | None = None
        self.module_id: str | None = None
        self.summary: CourseSummary | None = None
        self.page: RenderedPage | None = None
        self._anchor_positions: list[tuple[int, str]] = []
        self._pending_anchor: str | None = None
        self._loading: tuple[str, str, str] | None = None
        self._completed_here = False

        self.toc = QTreeWidget()
        self.toc.setHeaderHidden(True)
        self.toc.setMinimumWidth(260)
        self.browser = ModuleBrowser()
        self.course_title = label(name="subtitle")
        self.provenance = label(name="hint")  # an adapted course says what it comes from
        self.provenance.hide()
        self.time_left = label(name="hint")
        self.smaller = QPushButton("A−")
        self.larger = QPushButton("A+")
        self.bookmark_button = QPushButton()
        self.notes_button = QPushButton()
        self.notes_button.setCheckable(True)
        self.facilitator_button = QPushButton()
        self.facilitator_button.setCheckable(True)
        self.facilitator_button.hide()
        self.present_button = QPushButton()
        self.present_button.hide()
        self.previous_button = QPushButton()
        self.next_button = QPushButton()
        self.quiz_button = QPushButton()
        self.quiz_button.setObjectName("primary")
        self.bookmarks = QListWidget()
        self.bookmarks_title = label(name="subtitle")
        self.delete_bookmark_button = QPushButton()

        titles_box = QWidget()
        titles = QVBoxLayout(titles_box)
        titles.setContentsMargins(0, 0, 0, 0)
        titles.addWidget(self.course_title)
        titles.addWidget(self.provenance)
        titles.addWidget(self.time_left)
        self.tools = QWidget()
        tools = QHBoxLayout(self.tools)
        tools.setContentsMargins(0, 0, 0, 0)
        for button in (self.smaller, self.larger, self.bookmark_button, self.notes_button,
                       self.facilitator_button, self.present_button):
            tools.addWidget(button)
        # Beside the buttons while there is room; above them when a panel or a longer
        # language leaves the title no room to be read.
        self.header = top = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        top.addWidget(titles_box, 1)
        top.addWidget(self.tools, 0, Qt.AlignmentFlag.AlignRight)
        bottom = QHBoxLayout()
        bottom.addWidget(self.previous_button)
        bottom.addStretch(1)
        bottom.addWidget(self.quiz_button)
        bottom.addStretch(1)
        bottom.addWidget(self.next_button)
        self.middle = middle = QWidget()
        middle.installEventFilter(self)
        middle_column = QVBoxLayout(middle)
        middle_column.setContentsMargins(0, 0, 0, 0)
        middle_column.addLayout(top)
        middle_column.addWidget(self.browser, 1)
        middle_column.addLayout(bottom)
        self.notes_panel = QWidget()
        notes_column = QVBoxLayout(self.notes_panel)
        notes_column.setContentsMargins(0, 0, 0, 0)
        notes_column.addWidget(self.bookmarks_title)
        notes_column.addWidget(self.bookmarks, 1)
        notes_column.addWidget(self.delete_bookmark_button)
        self.notes_panel.hide()
        self.notes_browser = ModuleBrowser()  # the facilitator notes, images from the package
        self.facilitator = FacilitatorNotesPanel(ctx, self.notes_browser)
        self.facilitator.hide()
        self.split = split = QSplitter()
        split.addWidget(self.toc)
        split.addWidget(middle)
        split.addWidget(self.facilitator)
        split.addWidget(self.notes_panel)
        split.setStretchFactor(1, 4)
        split.setSizes([330, 800, 0, 260])
        QVBoxLayout(self).addWidget(split)

        self.save_timer = QTimer(self)
        self.save_timer.setSingleShot(True)
        self.save_timer.setInterval(SAVE_DELAY_MS)
        self.save_timer.timeout.connect(self.save_position)
        self.browser.verticalScrollBar().valueChanged.connect(lambda _v: self.save_timer.start())
        self.browser.anchorClicked.connect(self._follow_link)
        self.toc.itemActivated.connect(self._toc_activated)
        self.toc.itemClicked.connect(self._toc_activated)
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.quiz_button.clicked.connect(self._open_quiz)
        self.smaller.clicked.connect(lambda: self.change_text_size(-1))
        self.larger.clicked.connect(lambda: self.change_text_size(1))
        self.bookmark_button.clicked.connect(self.add_bookmark)
        self.notes_button.toggled.connect(self._toggle_notes)
        self.facilitator_button.toggled.connect(self._toggle_facilitator)
        self.present_button.clicked.connect(self._present)
        self.facilitator.module_link.connect(self._open_linked_module)
        self.bookmarks.itemActivated.connect(self._bookmark_activated)
        self.bookmarks.itemClicked.connect(self._bookmark_activated)
        self.delete_bookmark_button.clicked.connect(self.delete_bookmark)
        ctx.preferences_changed.connect(self._restyle)
        for keys, slot in ((QKeySequence("Alt+Right"), lambda: self.step(1)),
                           (QKeySequence("Alt+Left"), lambda: self.step(-1)),
                           (QKeySequence("Ctrl+D"), self.add_bookmark),
                           (QKeySequence("Ctrl+B"), self.notes_button.toggle),
                           (QKeySequence.StandardKey.ZoomIn, lambda: self.change_text_size(1)),
                           (QKeySequence("Ctrl+="), lambda: self.change_text_size(1)),
                           (QKeySequence.StandardKey.ZoomOut, lambda: self.change_text_size(-1))):
            QShortcut(keys, self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        # The session clock's keys, for facilitators only; chosen clear of text selection keys.
        self.clock_shortcuts = [
            QShortcut(QKeySequence(keys), self, slot,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            for keys, slot in (("Ctrl+T", self.facilitator.toggle_clock),
                               ("Ctrl+Shift+N", self.facilitator.next_activity))]
        ctx.learner_changed.connect(self._apply_mode)
        self._restyle()
        self.retranslate()
        self._apply_mode()

    # -- strings -------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.smaller.setToolTip(tr("Smaller text (Ctrl+-)"))
        self.smaller.setAccessibleName(tr("Smaller text"))
        self.larger.setToolTip(tr("Larger text (Ctrl++)"))
        self.larger.setAccessibleName(tr("Larger text"))
        self.bookmark_button.setText(tr("Bookmark"))
        self.bookmark_button.setToolTip(tr("Bookmark this paragraph, with a note (Ctrl+D)"))
        self.notes_button.setText(tr("Bookmarks and notes"))
        self.notes_button.setToolTip(tr("Show or hide your bookmarks and notes (Ctrl+B)"))
        self.facilitator_button.setText(tr("Facilitator notes"))
        self.present_button.setText(tr("Present to the room"))
        self.present_button.setToolTip(tr("Show this module to the room, section by section, "
                                          "with your notes and clock on this screen"))
        self.facilitator_button.setToolTip(tr("Show or hide the facilitator notes and the "
                                              "session clock"))
        self.facilitator.retranslate()
        self._fit_header()
        self.previous_button.setText(tr("← Previous module"))
        self.previous_button.setToolTip(tr("Alt+Left"))
        self.next_button.setText(tr("Next module →"))
        self.next_button.setToolTip(tr("Alt+Right"))
        self.quiz_button.setText(tr("Take the quiz"))
        self.bookmarks_title.setText(tr("Bookmarks and notes"))
        self.delete_bookmark_button.setText(tr("Delete bookmark"))
        self.toc.setAccessibleName(tr("Contents"))
        self.browser.setAccessibleName(tr("Module text"))
        self.bookmarks.setAccessibleName(tr("Bookmarks and notes"))
        if self.course_id is not None:
            if self.page is not None and self.page.language != self.ctx.content_language:
                self.open(self.course_id, self.module_id or "", self.current_anchor())
            else:
                self.refresh_progress()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.middle and event.type() == QEvent.Type.Resize:
            self._fit_header()
        return super().eventFilter(watched, event)

    def _fit_header(self) -> None:
        title_room = 240  # enough for a course title on two lines at most
        stacked = self.middle.width() < self.tools.sizeHint().width() + title_room
        direction = (QBoxLayout.Direction.TopToBottom if stacked
                     else QBoxLayout.Direction.LeftToRight)
        if self.header.direction() != direction:
            self.header.setDirection(direction)

    def _restyle(self) -> None:
        anchor = self.current_anchor() if self.page else None
        prefs = self.ctx.preferences
        font = self.browser.document().defaultFont()
        font.setPointSize(prefs.text_size)  # body text; CSS sizes headings relative to it
        self.browser.document().setDefaultFont(font)
        self.browser.document().setDefaultStyleSheet(theme.module_css(prefs))
        self.facilitator.restyle()
        if self.page is not None:
            self._show_page(self.page, anchor)

    def change_text_size(self, step: int) -> None:
        from stepcampus.settings import TEXT_SIZES, Preferences

        prefs = self.ctx.preferences
        size = min(max(prefs.text_size + step, TEXT_SIZES[0]), TEXT_SIZES[-1])
        if size != prefs.text_size:
            self.ctx.set_preferences(Preferences(prefs.language, size, prefs.high_contrast))

    # -- opening -------------------------------------------------------------------------------
    def open(self, course_id: str, module_id: str, anchor: str | None = None) -> None:
        """Show a module (rendered off the UI thread), at anchor or where the learner was."""
        if self.course_id is not None and self.page is not None:
            self.save_position()
        new_course = course_id != self.course_id
        self.course_id = course_id
        self.browser.course = self.ctx.course_view(course_id)
        self.notes_browser.course = self.browser.course
        if new_course:
            self._record_launch(course_id)
        self.refresh_progress()
        if not module_id and self.summary is not None:
            module_id, anchor = self.summary.resume_point()
        if not anchor and self.summary is not None:
            state = next((m for m in self.summary.modules if m.module_id == module_id), None)
            anchor = state.position if state else None
        language = self.ctx.content_language
        request = (course_id, module_id, language)
        self._loading = request
        self._pending_anchor = anchor
        self.module_id = module_id
        self._select_toc(module_id)

        def done(page: RenderedPage) -> None:
            if self._loading == request:  # a later click wins over a slower render
                self._loading = None
                self._show_page(page, self._pending_anchor)

        jobs.start(lambda _t: render_page(self.ctx, course_id, module_id, language), done,
                   lambda message: self.ctx.message.emit(message))

    def _show_page(self, page: RenderedPage, anchor: str | None) -> None:
        self.page = page
        self.module_id = page.module_id
        self.browser.terms = page.terms
        self.save_timer.stop()
        bar = self.browser.verticalScrollBar()
        bar.blockSignals(True)
        self.browser.setHtml(page.html)
        self._index_anchors()
        if anchor and anchor in page.anchors and anchor != "top":
            self.browser.scrollToAnchor(anchor)
        else:
            bar.setValue(0)
        bar.blockSignals(False)
        self._completed_here = False
        self._update_buttons()
        self._update_time_left()
        self._fill_toc()  # the open module lists its sections
        self._show_facilitator_notes()
        # A module short enough to fit on screen is read once shown.
        QTimer.singleShot(0, lambda: self.save_timer.start() if bar.maximum() == 0 else None)

    def _index_anchors(self) -> None:
        """Document positions of the paragraph and heading ids, to know what is on screen."""
        wanted = set(self.page.anchors) if self.page else set()
        found: list[tuple[int, str]] = []
        block = self.browser.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                names = it.fragment().charFormat().anchorNames()
                for name in names:
                    if name in wanted:
                        found.append((block.position(), name))
                it += 1
            block = block.next()
        self._anchor_positions = sorted(found)

    def current_anchor(self) -> str | None:
        """The id of the paragraph or heading at the top of the view."""
        if not self._anchor_positions:
            return None
        cursor = self.browser.cursorForPosition(QPoint(4, 4))
        positions = [p for p, _ in self._anchor_positions]
        index = bisect.bisect_right(positions, cursor.position()) - 1
        return self._anchor_positions[max(index, 0)][1]

    def read_percent(self) -> int:
        bar = self.browser.verticalScrollBar()
        if bar.maximum() <= 0:
            return 100
        return min(100, round(100 * (bar.value() + bar.pageStep()) /
                              (bar.maximum() + bar.pageStep())))

    # -- progress ------------------------------------------------------------------------------
    def save_position(self) -> None:
        """Keep the paragraph at the top and how far the learner read; off the UI thread."""
        if self.ctx.learner is None or self.page is None or self.course_id is None:
            return
        learner, course_id, module_id = self.ctx.learner.id, self.course_id, self.page.module_id
        anchor, percent = self.current_anchor(), self.read_percent()
        at_end = percent >= END_MARGIN * 100
        if at_end and not self._completed_here:
            self._completed_here = True
        factory = self.ctx.campus.sessions if self.ctx.store_ready else None
        if factory is None:
            return

        def save(_task: object) -> bool:
            from stepcampus.progress.activity import complete_module, record_progress

            record_progress(factory, learner, course_id, module_id, anchor,
                            100 if at_end else percent)
            if at_end:
                complete_module(factory, learner, course_id, module_id)
            return at_end

        def saved(completed: bool) -> None:
            from shiboken6 import isValid

            if not isValid(self.course_title):
                return  # the window closed while the position was being saved
            if completed:
                self.ctx.progress_changed.emit(course_id)
            self.refresh_progress()

        jobs.start(save, saved, lambda message: self.ctx.message.emit(message))

    def _record_launch(self, course_id: str) -> None:
        if self.ctx.learner is None or not self.ctx.store_ready:
            return
        learner, factory = self.ctx.learner.id, self.ctx.campus.sessions

        def launch(_task: object) -> None:
            from stepcampus.progress.activity import record_launch

            record_launch(factory, learner, course_id)

        jobs.start(launch, on_failed=self.ctx.message.emit)

    def refresh_progress(self) -> None:
        """Re-read the learner's standing: completion marks, time left, bookmarks."""
        if self.course_id is None or self.ctx.learner is None:
            return
        self.summary = self.ctx.summary(self.course_id)
        self._fill_toc()
        self._update_time_left()
        self._update_buttons()
        self._fill_bookmarks()

    def _fill_toc(self) -> None:
        summary = self.summary
        if summary is None:
            return
        self.course_title.setText(summary.title)
        if self.course_id is not None:
            self.provenance.setText(provenance_text(self.ctx.course_view(self.course_id).course))
            self.provenance.setVisible(bool(self.provenance.text()))
        expanded = self.module_id
        self.toc.blockSignals(True)
        self.toc.clear()
        for number, state in enumerate(summary.modules, start=1):
            if state.completed:
                mark, status = "✓", tr("read")
            elif state.percent:
                mark, status = "◐", tr("{percent} % read", percent=state.percent)
            else:
                mark, status = "○", tr("not started")
            item = QTreeWidgetItem([f"{mark} {number}. {state.title}"])
            item.setData(0, _ROLE, ("module", state.module_id, ""))
            item.setToolTip(0, f"{state.title} ({status})")
            item.setData(0, Qt.ItemDataRole.AccessibleTextRole,
                         f"{number}. {state.title}, {status}")
            self.toc.addTopLevelItem(item)
            if self.page is not None and state.module_id == self.page.module_id:
                for anchor, title in self.page.headings:
                    child = QTreeWidgetItem([title])
                    child.setData(0, _ROLE, ("module", state.module_id, anchor))
                    item.addChild(child)
            if state.has_quiz:
                if state.quiz_passed:
                    quiz_text = tr("✓ Quiz: passed, best {score} %",
                                   score=round((state.quiz_best or 0) * 100))
                elif state.quiz_best is not None:
                    quiz_text = tr("✗ Quiz: best {score} %, not yet passed",
                                   score=round(state.quiz_best * 100))
                else:
                    quiz_text = tr("Quiz")
                quiz = QTreeWidgetItem([quiz_text])
                quiz.setData(0, _ROLE, ("quiz", state.module_id, ""))
                item.addChild(quiz)
            item.setExpanded(state.module_id == expanded)
        self.toc.blockSignals(False)
        self._select_toc(self.module_id)

    def _select_toc(self, module_id: str | None) -> None:
        for index in range(self.toc.topLevelItemCount()):
            item = self.toc.topLevelItem(index)
            if item.data(0, _ROLE)[1] == module_id:
                self.toc.blockSignals(True)
                self.toc.setCurrentItem(item)
                item.setExpanded(True)
                self.toc.blockSignals(False)

    def _update_time_left(self) -> None:
        if self.summary is None or self.module_id is None:
            self.time_left.clear()
            return
        state = next((m for m in self.summary.modules if m.module_id == self.module_id), None)
        module_left = 0 if state is None or state.completed else round(
            state.duration * (100 - max(state.percent, 0)) / 100)
        self.time_left.setText(tr("About {module} min left in this module · {course} min in "
                                  "the course", module=module_left,
                                  course=self.summary.minutes_left))

    def _update_buttons(self) -> None:
        order = [m.module_id for m in self.summary.modules] if self.summary else []
        index = order.index(self.module_id) if self.module_id in order else -1
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(0 <= index < len(order) - 1)
        state = self.summary.modules[index] if self.summary and index >= 0 else None
        self.quiz_button.setVisible(bool(state and state.has_quiz))

    def step(self, direction: int) -> None:
        if self.summary is None or self.course_id is None:
            return
        order = [m.module_id for m in self.summary.modules]
        if self.module_id not in order:
            return
        index = order.index(self.module_id) + direction
        if 0 <= index < len(order):
            self.open(self.course_id, order[index])

    # -- navigation ----------------------------------------------------------------------------
    def _toc_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        kind, module_id, anchor = item.data(0, _ROLE)
        if self.course_id is None:
            return
        if kind == "quiz":
            self.save_position()
            self.ctx.open_quiz.emit(self.course_id, module_id)
        elif module_id == self.module_id and anchor and self.page is not None:
            self.browser.scrollToAnchor(anchor)
        elif module_id != self.module_id or self.page is None:
            self.open(self.course_id, module_id, anchor or None)

    def _follow_link(self, url: QUrl) -> None:
        if url.scheme() == "module" and self.course_id:
            self.open(self.course_id, url.path(), url.fragment() or None)
        elif url.scheme() == "term":
            term = self.browser.terms.get(url.path())
            if term is not None:  # keyboard users reach terms with Tab and Enter
                rect = self.browser.cursorRect()
                QToolTip.showText(self.browser.mapToGlobal(rect.bottomLeft()),
                                  _definition(term), self.browser)
        elif url.hasFragment():
            self.browser.scrollToAnchor(url.fragment())

    def _open_quiz(self) -> None:
        if self.course_id and self.module_id:
            self.save_position()
            self.ctx.open_quiz.emit(self.course_id, self.module_id)

    # -- bookmarks -----------------------------------------------------------------------------
    def add_bookmark(self) -> None:
        if self.ctx.learner is None or self.page is None or not self.ctx.store_ready:
            return
        note, ok = QInputDialog.getMultiLineText(
            self, tr("Bookmark"), tr("A note for this paragraph (optional):"))
        if not ok:
            return
        learner, course_id = self.ctx.learner.id, self.page.course_id
        module_id, anchor = self.page.module_id, self.current_anchor() or "top"
        factory = self.ctx.campus.sessions

        def add(_task: object) -> None:
            from stepcampus.progress.activity import add_bookmark

            add_bookmark(factory, learner, course_id, module_id, anchor, note.strip())

        jobs.start(add, lambda _r: self._bookmark_added(),
                   lambda message: self.ctx.message.emit(message))

    def _bookmark_added(self) -> None:
        self._fill_bookmarks()
        self.notes_button.setChecked(True)
        self.ctx.message.emit(tr("Bookmark added"))

    def _fill_bookmarks(self) -> None:
        if self.ctx.learner is None or self.course_id is None or not self.ctx.store_ready:
            return
        from stepcampus.progress.activity import list_bookmarks

        titles = {m.module_id: m.title for m in self.summary.modules} if self.summary else {}
        self.bookmarks.clear()
        for mark in list_bookmarks(self.ctx.campus.sessions, self.ctx.learner.id,
                                   self.course_id):
            text = titles.get(mark.module_id, mark.module_id)
            item = QListWidgetItem(f"{text}\n{mark.note}" if mark.note else text)
            item.setData(_ROLE, (mark.id, mark.module_id, mark.anchor))
            item.setToolTip(mark.note or text)
            self.bookmarks.addItem(item)

    def _bookmark_activated(self, item: QListWidgetItem) -> None:
        _id, module_id, anchor = item.data(_ROLE)
        if self.course_id is None:
            return
        if module_id == self.module_id and self.page is not None:
            self.browser.scrollToAnchor(anchor)
        else:
            self.open(self.course_id, module_id, anchor)

    def delete_bookmark(self) -> None:
        item = self.bookmarks.currentItem()
        if item is None:
            return
        from stepcampus.progress.activity import delete_bookmark

        delete_bookmark(self.ctx.campus.sessions, item.data(_ROLE)[0])
        self._fill_bookmarks()

    # -- facilitator mode ----------------------------------------------------------------------
    def _apply_mode(self) -> None:
        """Notes and clock for a facilitator (shown at first); nothing of them for a learner."""
        mode = self.ctx.facilitator_mode
        self.facilitator_button.setVisible(mode)
        self.present_button.setVisible(mode)
        self._fit_header()
        for shortcut in self.clock_shortcuts:
            shortcut.setEnabled(mode)
        self.facilitator.clear()  # another profile: nothing of the last one's stays on screen
        if not mode:
            self.facilitator_button.setChecked(False)
            self.facilitator.hide()
            return
        if self.facilitator_button.isChecked():
            self._toggle_facilitator(True)
        else:
            self.facilitator_button.setChecked(True)

    def _toggle_facilitator(self, shown: bool) -> None:
        shown = shown and self.ctx.facilitator_mode
        was_hidden = self.facilitator.isHidden()
        self.facilitator.setVisible(shown)
        if shown and was_hidden:  # room for the notes, taken from the contents and the text
            sizes = self.split.sizes()
            width = sum(sizes) or self.width()
            toc, notes = min(sizes[0] or 260, 260), max(360, width // 3)
            self.split.setSizes([toc, max(width - toc - notes - sizes[3], 300), notes, sizes[3]])
        self._show_facilitator_notes()

    def _show_facilitator_notes(self) -> None:
        if self.page is not None and self.ctx.facilitator_mode and self.facilitator.isVisibleTo(
                self):
            self.facilitator.show_module(self.page.course_id, self.page.module_id,
                                         self.page.language)

    def _present(self) -> None:
        if self.page is not None and self.ctx.facilitator_mode:
            self.ctx.present.emit("module", self.page.course_id, self.page.module_id)

    def _open_linked_module(self, module_id: str, anchor: str) -> None:
        if self.course_id is not None:
            self.open(self.course_id, module_id, anchor or None)

    def _toggle_notes(self, shown: bool) -> None:
        self.notes_panel.setVisible(shown)
        if shown:
            self._fill_bookmarks()
