"""The search page: one field, results as they are typed, each opening where its words are.

Searching runs off the UI thread (a query takes about a millisecond, but the first one opens
the index file and a slow disk should never freeze typing). A result that arrives after the
learner typed on is dropped. Indexing is long work with a progress bar: `start_indexing`.
"""

from __future__ import annotations

import html
import math

from PySide6.QtCore import QElapsedTimer, QEvent, QModelIndex, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QKeyEvent,
    QPainter,
    QPalette,
    QShowEvent,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from stepcampus.search import Hit, SearchIndex
from stepcampus.tasks import Task
from stepcampus.webinar.vtt import clock
from ui import jobs
from ui.context import AppContext
from ui.i18n import tr

DEBOUNCE_MS = 200
RESULT_LIMIT = 50
HIT_ROLE = Qt.ItemDataRole.UserRole
HTML_ROLE = Qt.ItemDataRole.UserRole + 1
# Matched words: bold on a pale yellow that stays readable on a selected (dark) row and in
# the high-contrast theme, whose text is white on black.
_MARK = '<span style="font-weight:600; background-color:#ffe680; color:#000000">'


# -- indexing ----------------------------------------------------------------------------------
class _Indexing(QObject):
    """Which contexts are indexing now; pages show "Indexing…" and search again after."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.running: dict[int, jobs.Job] = {}

    def busy(self, ctx: AppContext) -> bool:
        return id(ctx) in self.running


_indexing: _Indexing | None = None


def indexing() -> _Indexing:
    global _indexing
    if _indexing is None:
        _indexing = _Indexing()
    return _indexing


def start_indexing(ctx: AppContext) -> jobs.Job | None:
    """Index the installed courses not yet indexed (and forget removed ones), as long work
    with a progress bar. None if this context is indexing already. Call it when the library
    changes; it costs next to nothing when everything is indexed."""
    state = indexing()
    if state.busy(ctx):
        return None
    campus = ctx.campus

    def work(task: Task) -> int:
        return SearchIndex.for_campus(campus).ensure_indexed(campus, task)

    def failed(message: str) -> None:
        ctx.message.emit(tr("Search index could not be updated: {error}", error=message))

    job = ctx.run_long(tr("Indexing courses for search"), work, None, failed)
    state.running[id(ctx)] = job

    def finished() -> None:
        state.running.pop(id(ctx), None)
        state.changed.emit()

    job.signals.finished.connect(finished)
    state.changed.emit()
    return job


# -- drawing a result --------------------------------------------------------------------------
class _HitDelegate(QStyledItemDelegate):
    """Draws an item's rich text (title in bold, matched words marked), wrapped to the width."""

    def __init__(self, view: QListWidget) -> None:
        super().__init__(view)
        self.view = view

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex,
                  width: int) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(6)
        doc.setHtml(str(index.data(HTML_ROLE) or ""))
        doc.setTextWidth(max(80, width))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # the background, selection and focus come from the style; text from us
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self._document(opt, index, opt.rect.width())
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        painter.translate(opt.rect.topLeft())
        painter.setClipRect(opt.rect.translated(-opt.rect.topLeft()))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        width = self.view.viewport().width() or option.rect.width()
        doc = self._document(option, index, width)
        return QSize(width, math.ceil(doc.size().height()) + 2)


# -- the page ----------------------------------------------------------------------------------
class SearchPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.index = SearchIndex.for_campus(ctx.campus)
        self.hits: list[Hit] = []
        self._shown_query = ""  # the text the listed results answer
        self._failure = ""
        self._searching: str | None = None  # the text a running search job answers
        self._focus_first = False  # Enter pressed before the results came
        self._asked_to_index = False
        self._last_hit: Hit | None = None
        self._last_clock = QElapsedTimer()

        self.heading = QLabel()
        self.heading.setObjectName("title")
        self.field = QLineEdit()
        self.field.setClearButtonEnabled(True)
        self.status = QLabel()
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        self.results = QListWidget()
        self.results.setWordWrap(True)
        self.results.setUniformItemSizes(False)
        self.results.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.results.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.results.setItemDelegate(_HitDelegate(self.results))
        self.definition = QLabel()  # a glossary hit opens here, under the results
        self.definition.setObjectName("card")
        self.definition.setWordWrap(True)
        self.definition.setTextFormat(Qt.TextFormat.RichText)
        self.definition.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                                | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.definition.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.definition.setFrameShape(QFrame.Shape.StyledPanel)
        self.definition.setMargin(8)
        self.definition.hide()
        self._definition_hit: Hit | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.field)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.definition)
        self.status.setBuddy(self.field)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._search_now)
        self.field.textChanged.connect(self._text_changed)
        self.field.returnPressed.connect(self._enter_in_field)
        self.results.itemClicked.connect(self._open_item)
        self.results.itemActivated.connect(self._open_item)  # Enter and double-click
        self.results.installEventFilter(self)
        ctx.language_changed.connect(self._language_changed)
        indexing().changed.connect(self._indexing_changed)
        self.retranslate()

    # -- public ------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def set_query(self, text: str) -> None:
        """Put text in the field and search it now, without waiting for the debounce."""
        self.field.setText(text)
        self._search_now()

    def retranslate(self) -> None:
        self.heading.setText(tr("Search"))
        self.field.setPlaceholderText(tr("Search the courses, modules and glossary"))
        self.field.setAccessibleName(tr("Search the courses"))
        self.field.setToolTip(tr("Type words to find; results appear as you type"))
        self.results.setAccessibleName(tr("Search results"))
        self.definition.setAccessibleName(tr("Glossary definition"))
        self._fill(self.hits)  # item labels hold translated words ("Glossary")
        if self._definition_hit is not None:
            self._show_definition(self._definition_hit)
        self._update_status()

    # -- searching ---------------------------------------------------------------------------
    def _text_changed(self, _text: str) -> None:
        self._timer.start()  # restarts: only a pause in typing searches

    def _search_now(self) -> None:
        self._timer.stop()
        query = self.field.text()
        if not query.strip():
            self._searching = None
            self._failure = ""
            self._shown_query = ""
            self._fill([])
            self._update_status()
            return
        language = self.ctx.content_language
        index = self.index
        self._searching = query

        def work(task: Task) -> tuple[str, str, list[Hit]]:
            return query, language, index.search(query, language, RESULT_LIMIT) + \
                webinar_hits(index, query)

        # Bound methods, not lambdas: Qt drops the connection if this page is gone first.
        jobs.start(work, self._search_done, self._search_failed)
        self._update_status()

    def _search_done(self, result: tuple[str, str, list[Hit]]) -> None:
        query, language, hits = result
        if query != self.field.text() or language != self.ctx.content_language:
            return  # the learner typed on (or switched language): a newer search is coming
        self._searching = None
        self._failure = ""
        self._shown_query = query
        self._fill(hits)
        self._update_status()
        if self._focus_first:
            self._focus_first = False
            self._go_to_first()

    def _search_failed(self, message: str) -> None:
        self._searching = None
        self._failure = message
        self._update_status()

    def _fill(self, hits: list[Hit]) -> None:
        current = self.results.currentRow()
        same = list(hits) == self.hits
        self.hits = list(hits)
        self.results.clear()
        for hit in self.hits:
            item = QListWidgetItem(_plain_label(hit))  # what screen readers and type-ahead use
            item.setData(HIT_ROLE, hit)
            item.setData(HTML_ROLE, _rich_label(hit))
            item.setToolTip(_plain_label(hit))
            self.results.addItem(item)
        if same and 0 <= current < self.results.count():
            self.results.setCurrentRow(current)  # a retranslate keeps the learner's place

    def _update_status(self) -> None:
        if self._failure:
            text = tr("Search failed: {error}", error=self._failure)
        elif indexing().busy(self.ctx):
            text = tr("Indexing…")
        elif self._searching is not None:
            text = tr("Searching…")
        elif not self._shown_query.strip():
            text = tr("Type to search every installed course and webinar.")
        elif not self.hits:
            text = tr("No results for “{query}”", query=self._shown_query.strip())
        elif len(self.hits) == 1:
            text = tr("1 result")
        else:
            text = tr("{n} results", n=len(self.hits))
        self.status.setText(text)
        self.status.setAccessibleName(text)

    def _language_changed(self) -> None:
        self.retranslate()
        if self.field.text().strip():
            self._search_now()  # the same words, in the courses' text for the new language

    def _indexing_changed(self) -> None:
        self._update_status()
        if not indexing().busy(self.ctx) and self.field.text().strip():
            self._search_now()  # new or updated courses may answer now

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._asked_to_index:
            # Whatever the window does, the first visit makes sure the index is complete.
            self._asked_to_index = True
            start_indexing(self.ctx)

    # -- keyboard and opening ----------------------------------------------------------------
    def _enter_in_field(self) -> None:
        if self._timer.isActive() or self._searching is not None:
            self._focus_first = True
            if self._timer.isActive():
                self._search_now()
            return
        self._go_to_first()

    def _go_to_first(self) -> None:
        if self.results.count():
            self.results.setCurrentRow(0)
            self.results.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up from the first result goes back to the field, as in most search boxes.
        if (watched is self.results and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Up
                and self.results.currentRow() <= 0):
            self.field.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return super().eventFilter(watched, event)

    def _open_item(self, item: QListWidgetItem) -> None:
        hit = item.data(HIT_ROLE)
        if not isinstance(hit, Hit):
            return
        # A double-click also clicks; and some styles activate on a single click.
        clock = self._last_clock
        if self._last_hit == hit and clock.isValid() and \
                clock.elapsed() < QApplication.doubleClickInterval():
            return
        clock.start()
        self._last_hit = hit
        if hit.kind == "glossary":
            self._show_definition(hit)
        elif hit.kind in WEBINAR_KINDS:
            self.definition.hide()
            self.ctx.open_webinar.emit(hit.course_id, hit.module_id,
                                       float(hit.anchor) if hit.anchor else -1.0)
        else:
            self.definition.hide()
            self._definition_hit = None
            self.ctx.open_module.emit(hit.course_id, hit.module_id, hit.anchor)

    def _show_definition(self, hit: Hit) -> None:
        self._definition_hit = hit
        definition = hit.definition or html.unescape(_strip_marks(hit.snippet_html))
        glossary = tr("Glossary")
        self.definition.setText(
            f"<p><b>{html.escape(hit.title)}</b> — {html.escape(glossary)} · "
            f"{html.escape(hit.course_title)}</p><p>{html.escape(definition)}</p>")
        self.definition.show()


WEBINAR_KINDS = ("qa", "transcript")
WEBINAR_LIMIT = 10  # of each kind, after the course results (their ranks do not compare)


def webinar_hits(index: SearchIndex, query: str) -> list[Hit]:
    """Q&A and transcript passages of the installed webinars, as search results whose
    anchor is the moment in the recording (off the UI thread)."""
    from stepcampus.search.qa import QAArchive

    archive = QAArchive(index)
    found = [Hit(h.series_id, h.session_id, h.language, "qa",
                 "" if h.at is None else f"{h.at:.3f}", h.question,
                 h.answer_html or h.question_html, h.session_title)
             for h in archive.search(query, limit=WEBINAR_LIMIT)]
    found += [Hit(h.series_id, h.session_id, h.language, "transcript",
                  "" if h.start is None else f"{h.start:.3f}", h.session_title,
                  h.snippet_html, h.series_title)
              for h in archive.search_transcript(query, limit=WEBINAR_LIMIT)]
    return found


def _where(hit: Hit) -> str:
    if hit.kind == "glossary":
        return tr("Glossary")
    if hit.kind == "qa":
        return tr("Questions and answers") + f" · {hit.course_title}"
    if hit.kind == "transcript":
        moment = clock(float(hit.anchor)) if hit.anchor else ""
        return tr("Transcript at {time}", time=moment) + f" · {hit.course_title}"
    return hit.course_title


def _plain_label(hit: Hit) -> str:
    where = _where(hit)
    text = html.unescape(_strip_marks(hit.snippet_html))
    return f"{hit.title} — {where}: {text}"


def _rich_label(hit: Hit) -> str:
    where = _where(hit)
    if hit.kind == "glossary" and hit.course_title:
        where = f"{where} · {hit.course_title}"
    snippet = hit.snippet_html.replace("<b>", _MARK).replace("</b>", "</span>")
    return (f"<b>{html.escape(hit.title)}</b> <small>— {html.escape(where)}</small>"
            f"<br>{snippet}")


def _strip_marks(snippet_html: str) -> str:
    return snippet_html.replace("<b>", "").replace("</b>", "")
