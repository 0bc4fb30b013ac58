"""The course editor, for trainers and facilitators who adapt a course to their context.

It edits a course source folder: an editable copy of an installed course (made by
`stepcampus.coursepack.adapt`, with its provenance) or any course folder. The Markdown is
edited beside a live preview rendered by the same sanitised renderer learners see (off the UI
thread, a moment after typing stops); saving checks the whole folder and lists every problem
with its file and line, one click away. Build and install signs the course with this
computer's publisher key (or a key file) and installs it here, and says where the bundle and
the public key are, since learners must trust that key before they can install it.

Entry points for the window: `CourseEditorPage(ctx)`, `open_installed(course_id)`,
`open_folder(path)`, and `confirm_leave()` before showing another page or closing (False: the
trainer chose to stay on unsaved changes).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFontDatabase,
    QGuiApplication,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QShortcut,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from stepcampus.coursepack.adapt import (
    SHIPPED_LANGUAGES,
    AdaptPlan,
    FolderFiles,
    editable_files,
    folder_meta,
    require_course_folder,
)
from stepcampus.coursepack.source import MANIFEST_NAME
from stepcampus.errors import InputError, Problem
from stepcampus.render.glossary import Term
from stepcampus.tasks import Task
from ui import jobs, theme
from ui.context import AppContext
from ui.i18n import LANGUAGE_NAMES, tr
from ui.library import provenance_text
from ui.reader import ModuleBrowser
from ui.widgets import label

PREVIEW_DELAY_MS = 300  # after the last keystroke
BUILDS_FOLDER = "builds"  # in the data folder, never inside a course folder (it would be part)
_ROLE = Qt.ItemDataRole.UserRole


# -- the preview, rendered off the UI thread ------------------------------------------------------
@dataclass(frozen=True)
class Preview:
    generation: int
    path: str
    html: str
    files: FolderFiles  # where the preview's images come from
    terms: dict[str, Term] = field(default_factory=dict)


def file_kind(path: str) -> str:
    """course, module, quiz, notes, glossary, or other: what a file of a course folder is."""
    parts = PurePosixPath(path).parts
    if path == MANIFEST_NAME:
        return "course"
    if len(parts) == 2 and path.endswith(".md"):
        return "module"
    if len(parts) == 2 and parts[1] == "glossary.yaml":
        return "glossary"
    if len(parts) == 3 and parts[1] == "quizzes" and path.endswith(".gift"):
        return "quiz"
    if len(parts) == 3 and parts[1] == "facilitator" and path.endswith(".md"):
        return "notes"
    return "other"


def render_preview(folder: Path, path: str, text: str, generation: int = 0) -> Preview:
    """The file as learners (or, for notes, facilitators) will see it; runs on a worker."""
    files = FolderFiles(folder)
    terms: list[Term] = []
    try:
        kind = file_kind(path)
        if kind == "module":
            body, terms = _module_html(files, path, text)
        elif kind == "notes":
            body = _notes_html(files, path, text)
        elif kind == "quiz":
            body = _quiz_html(path, text)
        elif kind == "glossary":
            body = _glossary_html(path, text)
        elif kind == "course":
            body = _course_html(text)
        else:
            body = f"<pre>{html.escape(text)}</pre>"
    except InputError as exc:
        body = ('<div class="admonition"><p class="admonition-title">'
                f'{html.escape(tr("This file cannot be shown as it is:"))}</p>'
                + "".join(f"<p>{html.escape(str(p))}</p>" for p in exc.problems) + "</div>")
    return Preview(generation, path, body, files, {t.id: t for t in terms})


def _module_links(files: FolderFiles, language: str) -> dict[str, str]:
    """Module files by package path -> module id; links may reach default-language modules."""
    found = {rel: PurePosixPath(rel).stem for rel in files.files
             if rel.count("/") == 1 and rel.endswith(".md")}
    for stem in list(found.values()):
        found.setdefault(f"{language}/{stem}.md", stem)
    return found


def _module_html(files: FolderFiles, path: str, text: str) -> tuple[str, list[Term]]:
    from stepcampus.render.frontmatter import split_front_matter
    from stepcampus.render.glossary import load_glossary, mark_terms
    from stepcampus.render.markdown import render_markdown

    front = split_front_matter(text, path)
    language = path.split("/")[0]
    rendered = render_markdown(front.body, module_path=path, package_files=files.files,
                               link_modules=_module_links(files, language))
    meta = front.meta
    title = meta.get("title") if isinstance(meta.get("title"), str) else ""
    objectives = [o for o in meta.get("objectives") or [] if isinstance(o, str)] \
        if isinstance(meta.get("objectives"), list) else []
    header = f'<h1 id="top">{html.escape(title or PurePosixPath(path).stem)}</h1>'
    if isinstance(meta.get("duration"), int):
        header += (f'<p class="meta">'
                   f'{html.escape(tr("About {minutes} minutes", minutes=meta["duration"]))}</p>')
    if objectives:
        items = "".join(f"<li>{html.escape(o)}</li>" for o in objectives)
        header += (f"<p><b>{html.escape(tr('By the end of this module you can:'))}</b></p>"
                   f"<ul>{items}</ul>")
    try:  # a glossary being edited may not parse: the text shows without its terms
        terms = load_glossary(files, language)  # type: ignore[arg-type]
    except Exception:
        terms = []
    return header + "<hr>" + mark_terms(rendered.html, terms), terms


def _notes_html(files: FolderFiles, path: str, text: str) -> str:
    from stepcampus.render.frontmatter import split_front_matter
    from stepcampus.render.markdown import render_markdown

    front = split_front_matter(text, path)
    timings = front.meta.get("timings") if isinstance(front.meta.get("timings"), list) else []
    rows = "".join(
        f"<tr><td>{html.escape(str(t.get('minutes', '')))}</td>"
        f"<td>{html.escape(str(t.get('activity', '')))}</td></tr>"
        for t in timings if isinstance(t, dict))
    table = (f"<table><tr><th>{html.escape(tr('Minutes'))}</th>"
             f"<th>{html.escape(tr('Activity'))}</th></tr>{rows}</table>") if rows else ""
    rendered = render_markdown(front.body, module_path=path, package_files=files.files,
                               link_modules=_module_links(files, path.split("/")[0]))
    return f"<h1>{html.escape(tr('Facilitator notes'))}</h1>{table}{rendered.html}"


def _quiz_html(path: str, text: str) -> str:
    from stepcampus.coursepack.gift import parse_gift
    from ui.quiz_widgets import correct_answers, plain_text, rich_text

    parts: list[str] = []
    number = 0
    for question in parse_gift(text, path):
        if question.type == "description":
            parts.append(f"<p>{rich_text(question.display_text, question.text_format)}</p>")
            continue
        number += 1
        answers = "".join(
            f"<li>{html.escape(plain_text(a.text, a.format or question.text_format))}"
            + (f" → {html.escape(plain_text(a.match, question.text_format))}" if a.match else "")
            + "</li>" for a in question.answers if question.type in ("multichoice",
                                                                    "multiple_answers",
                                                                    "matching"))
        right = ", ".join(correct_answers(question))
        parts.append(f"<h3>{number}. {rich_text(question.display_text, question.text_format)}"
                     f"</h3><ul>{answers}</ul>"
                     + (f'<p class="meta">{html.escape(tr("Right answer: {answer}", answer=right))}'
                        "</p>" if right else ""))
    return "".join(parts) or f"<p>{html.escape(tr('No question yet.'))}</p>"


def _glossary_html(path: str, text: str) -> str:
    from stepcampus.coursepack.yamlfile import load_yaml

    entries = load_yaml(text, path).data or []
    rows = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            rows.append(f"<dt><b>{html.escape(str(entry.get('term', '')))}</b></dt>"
                        f"<dd>{html.escape(str(entry.get('definition', '')))}</dd>")
    return f"<h1>{html.escape(tr('Glossary'))}</h1><dl>{''.join(rows)}</dl>"


def _course_html(text: str) -> str:
    from stepcampus.coursepack.yamlfile import load_yaml

    data = load_yaml(text, MANIFEST_NAME).data
    if not isinstance(data, dict):
        return ""
    titles = data.get("title") if isinstance(data.get("title"), dict) else {}
    default = data.get("default_language")
    title = str(titles.get(default) or next(iter(titles.values()), data.get("id", "")))
    parts = [f"<h1>{html.escape(title)}</h1>",
             f'<p class="meta">{html.escape(str(data.get("id", "")))} '
             f'{html.escape(str(data.get("version", "")))}</p>']
    origin = provenance_text(data)
    if origin:
        parts.append(f"<p><i>{html.escape(origin)}</i></p>")
    descriptions = data.get("description") if isinstance(data.get("description"), dict) else {}
    if descriptions.get(default):
        parts.append(f"<p>{html.escape(str(descriptions[default]))}</p>")
    modules = data.get("modules") if isinstance(data.get("modules"), list) else []
    parts.append("<ol>" + "".join(f"<li>{html.escape(str(m))}</li>" for m in modules) + "</ol>")
    return "".join(parts)


# -- the text editor with line numbers ------------------------------------------------------------
class _LineNumbers(QWidget):
    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.editor.paint_gutter(event)


class CodeEditor(QPlainTextEdit):
    """Monospace text with line numbers and the current line highlighted."""

    def __init__(self) -> None:
        super().__init__()
        self.gutter = _LineNumbers(self)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setTabChangesFocus(False)
        self.blockCountChanged.connect(self._update_margin)
        self.updateRequest.connect(self._update_gutter)
        self.cursorPositionChanged.connect(self._highlight_line)
        self._update_margin()
        self._highlight_line()

    def _dark(self) -> bool:
        return self.palette().base().color().lightness() < 60  # high contrast

    def gutter_width(self) -> int:
        digits = max(3, len(str(self.blockCount())))
        return 14 + self.fontMetrics().horizontalAdvance("9") * digits

    def _update_margin(self, _count: int = 0) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())
        if rect.contains(self.viewport().rect()):
            self._update_margin()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        rect = self.contentsRect()
        self.gutter.setGeometry(QRect(rect.left(), rect.top(), self.gutter_width(),
                                      rect.height()))

    def paint_gutter(self, event: QPaintEvent) -> None:
        painter = QPainter(self.gutter)
        dark = self._dark()
        painter.fillRect(event.rect(), QColor("#1a1a1a" if dark else "#eef2f6"))
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        bottom = top + round(self.blockBoundingRect(block).height())
        current = self.textCursor().blockNumber()
        height = self.fontMetrics().height()
        font = painter.font()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                font.setBold(number == current)
                painter.setFont(font)
                painter.setPen(QColor("#ffffff" if dark else
                                      "#17324d" if number == current else "#7a8794"))
                painter.drawText(0, top, self.gutter.width() - 6, height,
                                 Qt.AlignmentFlag.AlignRight, str(number + 1))
            block = block.next()
            top = bottom
            bottom = top + round(self.blockBoundingRect(block).height())
            number += 1
        painter.end()

    def _highlight_line(self) -> None:
        selection = QTextEdit.ExtraSelection()
        selection.format.setBackground(QColor("#333300" if self._dark() else "#fff6d5"))
        selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        selection.cursor = self.textCursor()
        selection.cursor.clearSelection()
        self.setExtraSelections([selection])
        self.gutter.update()

    def go_to_line(self, line: int) -> None:
        block = self.document().findBlockByNumber(max(line - 1, 0))
        if not block.isValid():
            block = self.document().lastBlock()
        self.setTextCursor(QTextCursor(block))
        self.centerCursor()
        self.setFocus()

    def line_and_column(self) -> tuple[int, int]:
        cursor = self.textCursor()
        return cursor.blockNumber() + 1, cursor.positionInBlock() + 1


# -- dialogs --------------------------------------------------------------------------------------
def slug(text: str) -> str:
    """A module id from a title: 'Étude de cas : Kisumu' -> 'etude-de-cas-kisumu'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")


class AdaptDialog(QDialog):
    """The copy's id, version and folder, checked by the core before the copy is made."""

    def __init__(self, parent: QWidget, ctx: AppContext, plan: AdaptPlan) -> None:
        super().__init__(parent)
        self.ctx, self.plan = ctx, plan
        self.setWindowTitle(tr("Adapt {course}", course=plan.provenance.course_label))
        self.new_id = QLineEdit(plan.new_id)
        self.version = QLineEdit(plan.new_version)
        self.folder = QLineEdit(str(plan.folder))
        # The folder is named after the id until the adapter chooses another one.
        self.new_id.textEdited.connect(self._id_edited)
        self._folder_follows = plan.folder.name == plan.new_id
        self.folder.textEdited.connect(lambda _t: setattr(self, "_folder_follows", False))
        browse = QPushButton(tr("Choose…"))
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.error = label(name="error")
        self.error.hide()
        form = QFormLayout()
        form.addRow(tr("Id of the adapted course:"), self.new_id)
        form.addRow(tr("Version:"), self.version)
        form.addRow(tr("Folder:"), folder_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Make the copy"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(label(tr(
            "You will edit a copy; the installed course stays as it is. A course signed by "
            "another publisher gets an id of its own, so your adaptation installs beside the "
            "original, and learners see where it comes from.")))
        column.addLayout(form)
        column.addWidget(self.error)
        column.addWidget(buttons)
        self.resize(620, self.sizeHint().height())

    def _id_edited(self, text: str) -> None:
        if self._folder_follows and text.strip():
            self.folder.setText(str(Path(self.folder.text()).parent / text.strip()))

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, tr("Where to make the copy"),
                                                  str(Path(self.folder.text()).parent))
        if chosen:
            self.folder.setText(str(Path(chosen) / self.new_id.text().strip()))
            self._folder_follows = True

    def accept(self) -> None:
        from stepcampus.coursepack.adapt import plan_adaptation

        try:
            self.plan = plan_adaptation(self.ctx.campus, self.plan.course_id,
                                        folder=Path(self.folder.text().strip()),
                                        new_id=self.new_id.text(),
                                        version=self.version.text())
        except InputError as exc:  # the dialog stays open with what was typed
            self.error.setText(str(exc))
            self.error.show()
            return
        super().accept()


class NewModuleDialog(QDialog):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Add a module"))
        self.title = QLineEdit()
        self.title.setPlaceholderText(tr("e.g. Case study: the Kisumu county health fund"))
        self.module_id = QLineEdit()
        self._typed_id = False
        self.title.textEdited.connect(self._suggest_id)
        self.module_id.textEdited.connect(lambda _t: setattr(self, "_typed_id", True))
        form = QFormLayout()
        form.addRow(tr("Title:"), self.title)
        form.addRow(tr("Module id (its file name):"), self.module_id)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Add the module"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(label(tr("A new module at the end of the course, for a local case "
                                  "study or activity. It starts with front matter to fill "
                                  "in and a case-study section.")))
        column.addLayout(form)
        column.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def _suggest_id(self, title: str) -> None:
        if not self._typed_id:
            self.module_id.setText(slug(title))


class TranslateDialog(QDialog):
    def __init__(self, parent: QWidget, modules: list[tuple[str, str]], current: str,
                 languages: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Translate a module"))
        self.module = QComboBox()
        for module_id, title in modules:
            self.module.addItem(title or module_id, module_id)
        index = self.module.findData(current)
        self.module.setCurrentIndex(max(index, 0))
        self.language = QComboBox()
        self.language.setEditable(True)  # any ISO 639-1 code, beyond the suggestions
        for code in languages:
            name = LANGUAGE_NAMES.get(code)
            self.language.addItem(f"{name} ({code})" if name else code, code)
        form = QFormLayout()
        form.addRow(tr("Module:"), self.module)
        form.addRow(tr("Into (a language code such as fr, es, pt, sw):"), self.language)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Copy for translation"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(label(tr("The module (with its quiz and facilitator notes) is copied "
                                  "into the language's folder for you to translate; the "
                                  "language is added to the course if it is new.")))
        column.addLayout(form)
        column.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def choice(self) -> tuple[str, str]:
        typed = self.language.currentText().strip()
        data = self.language.currentData()
        code = data if data and self.language.itemText(self.language.currentIndex()) == typed \
            else typed
        match = re.search(r"\(([a-z]{2})\)\s*$", code)
        return str(self.module.currentData()), (match.group(1) if match else code).lower()


# -- the page -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BuildOutcome:
    course_id: str
    version: str
    bundle: Path
    public_key: Path  # what learners need, to trust the adapter as a publisher
    already_installed: bool


class CourseEditorPage(QWidget):
    file_opened = Signal(str)
    preview_updated = Signal()
    validated = Signal()
    build_finished = Signal(object)  # a BuildOutcome, or None when it failed or was cancelled

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.folder: Path | None = None
        self.current: str | None = None
        self.problems: list[Problem] = []
        self.preview_html = ""
        self.key_file: Path | None = None
        self.outcome: BuildOutcome | None = None
        self.building = False
        self._generation = 0
        self._validation = 0
        self._result_error = ""
        # Questions to the trainer, as attributes so a test (or a script) can answer them.
        self.ask_unsaved: Callable[[str], str] = self._ask_unsaved  # save, discard or cancel
        self.confirm: Callable[[str], bool] = self._confirm
        self.choose_adaptation: Callable[[AdaptPlan], AdaptPlan | None] = self._choose_adaptation
        self.ask_new_module: Callable[[], tuple[str, str] | None] = self._ask_new_module
        self.ask_translation: Callable[[list[tuple[str, str]], str, list[str]],
                                       tuple[str, str] | None] = self._ask_translation

        self.title = label(name="title")
        self.folder_label = label(name="hint")
        self.adapt_button = QPushButton()
        self.open_button = QPushButton()
        self.add_button = QPushButton()
        self.translate_button = QPushButton()
        self.save_button = QPushButton()
        self.files = QTreeWidget()
        self.files.setHeaderHidden(True)
        self.files.setMinimumWidth(220)
        self.file_label = label(name="subtitle", wrap=False)
        self.position = label(name="hint", wrap=False)
        self.editor = CodeEditor()
        self.problems_title = label(name="subtitle")
        self.problem_list = QListWidget()
        self.problem_list.setWordWrap(True)  # a problem's hint is part of it: never cut off
        self.problem_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.preview_title = label(name="hint")
        self.preview = ModuleBrowser()
        self.key_label = label(wrap=False)
        self.key_choice = QComboBox()
        self.key_choice.addItems(["", ""])
        self.build_button = QPushButton()
        self.build_button.setObjectName("primary")
        self.result = label()
        self.copy_button = QPushButton()
        self.show_button = QPushButton()
        self.empty = label(name="hint")

        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.folder_label)
        head.addLayout(titles, 1)
        head.addWidget(self.adapt_button, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        tools = QHBoxLayout()
        for button in (self.add_button, self.translate_button, self.save_button):
            tools.addWidget(button)
        tools.addStretch(1)
        tools.addWidget(self.key_label)
        tools.addWidget(self.key_choice)
        tools.addWidget(self.build_button)

        editor_box = QWidget()
        editor_column = QVBoxLayout(editor_box)
        editor_column.setContentsMargins(0, 0, 0, 0)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(self.position)
        file_row.addSpacing(8)
        editor_column.addLayout(file_row)
        editor_column.addWidget(self.editor, 1)
        problems_box = QWidget()
        problems_column = QVBoxLayout(problems_box)
        problems_column.setContentsMargins(0, 0, 0, 0)
        problems_column.addWidget(self.problems_title)
        problems_column.addWidget(self.problem_list, 1)
        self.editor_split = QSplitter(Qt.Orientation.Vertical)
        self.editor_split.addWidget(editor_box)
        self.editor_split.addWidget(problems_box)
        self.editor_split.setSizes([520, 140])
        preview_box = QWidget()
        preview_column = QVBoxLayout(preview_box)
        preview_column.setContentsMargins(0, 0, 0, 0)
        preview_column.addWidget(self.preview_title)
        preview_column.addWidget(self.preview, 1)
        self.split = QSplitter()
        self.split.addWidget(self.files)
        self.split.addWidget(self.editor_split)
        self.split.addWidget(preview_box)
        self.split.setStretchFactor(1, 3)
        self.split.setStretchFactor(2, 3)
        self.split.setSizes([250, 520, 480])
        result_row = QHBoxLayout()
        result_row.addWidget(self.result, 1)
        result_row.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        result_row.addWidget(self.show_button, 0, Qt.AlignmentFlag.AlignTop)
        self.work_area = QWidget()
        work = QVBoxLayout(self.work_area)
        work.setContentsMargins(0, 0, 0, 0)
        work.addLayout(tools)
        work.addWidget(self.split, 1)
        work.addLayout(result_row)
        outer = QVBoxLayout(self)
        outer.addLayout(head)
        outer.addWidget(self.empty)
        outer.addWidget(self.work_area, 1)

        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DELAY_MS)
        self.preview_timer.timeout.connect(self._render_preview)
        self.editor.textChanged.connect(self.preview_timer.start)
        self.editor.modificationChanged.connect(lambda _m: self._update_status())
        self.editor.cursorPositionChanged.connect(self._update_status)
        self.files.currentItemChanged.connect(self._file_chosen)
        self.problem_list.itemActivated.connect(self._problem_chosen)
        self.problem_list.itemClicked.connect(self._problem_chosen)
        self.preview.anchorClicked.connect(self._follow_link)
        self.adapt_button.clicked.connect(self.choose_installed)
        self.open_button.clicked.connect(self.choose_folder)
        self.add_button.clicked.connect(self.add_module)
        self.translate_button.clicked.connect(self.translate)
        self.save_button.clicked.connect(self.save)
        self.build_button.clicked.connect(self.build_and_install)
        self.key_choice.activated.connect(self._key_chosen)
        self.copy_button.clicked.connect(self._copy_bundle_path)
        self.show_button.clicked.connect(self._show_bundle_folder)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        ctx.preferences_changed.connect(self._restyle)
        self._restyle()
        self.retranslate()

    # -- strings and looks -------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.adapt_button.setText(tr("Adapt an installed course…"))
        self.adapt_button.setToolTip(tr("Make an editable copy of a course installed here"))
        self.open_button.setText(tr("Open a course folder…"))
        self.add_button.setText(tr("Add a module…"))
        self.add_button.setToolTip(tr("A new module for a local case study or activity"))
        self.translate_button.setText(tr("Translate…"))
        self.translate_button.setToolTip(tr("Copy a module into another language to translate "
                                            "it"))
        self.save_button.setText(tr("Save"))
        self.save_button.setToolTip(tr("Save this file (Ctrl+S)"))
        self.key_label.setText(tr("Sign with:"))
        self._update_key_choice()
        self.build_button.setText(tr("Build and install"))
        self.build_button.setToolTip(tr("Sign the course, install it on this computer and "
                                        "make a bundle to give to learners"))
        self.copy_button.setText(tr("Copy the bundle's path"))
        self.show_button.setText(tr("Show the folder"))
        self.preview_title.setText(tr("Preview, as learners will see it"))
        self.empty.setText(tr("Adapt a course installed on this computer, or open a course "
                              "source folder, to edit its modules."))
        self.editor.setAccessibleName(tr("Text of the file"))
        self.preview.setAccessibleName(tr("Preview"))
        self.files.setAccessibleName(tr("Files of the course"))
        self.problem_list.setAccessibleName(tr("Problems"))
        self._update_title()
        self._update_status()
        self._show_problems(self.problems)
        self._show_outcome()
        if self.folder is not None:
            self._fill_files()
            self._render_preview()  # its headings are translated too
        self._update_state()

    def _update_key_choice(self) -> None:
        self.key_choice.setItemText(0, tr("This computer's publisher key"))
        self.key_choice.setItemText(1, tr("Key file: {name}", name=self.key_file.name)
                                    if self.key_file else tr("A key file…"))

    def _restyle(self) -> None:
        prefs = self.ctx.preferences
        font = self.preview.document().defaultFont()
        font.setPointSize(prefs.text_size)
        self.preview.document().setDefaultFont(font)
        self.preview.document().setDefaultStyleSheet(theme.module_css(prefs))
        if self.preview_html:
            self._set_preview_html(self.preview_html, keep_place=True)
        self.editor.gutter.update()

    def _update_title(self) -> None:
        if self.folder is None:
            self.title.setText(tr("Course editor"))
            self.folder_label.setText("")
            return
        meta = folder_meta(self.folder)
        titles = meta.get("title") if isinstance(meta.get("title"), dict) else {}
        name = titles.get(self.ctx.content_language) or titles.get(
            meta.get("default_language")) or meta.get("id") or self.folder.name
        version = meta.get("version", "")
        self.title.setText(tr("Editing {course} {version}", course=name, version=version))
        origin = provenance_text(meta)
        where = tr("Folder: {folder}", folder=self.folder)
        self.folder_label.setText(f"{origin}\n{where}" if origin else where)

    def _update_state(self) -> None:
        has_folder = self.folder is not None
        self.empty.setVisible(not has_folder)
        self.work_area.setVisible(has_folder)
        self.build_button.setEnabled(has_folder and not self.building)
        self.save_button.setEnabled(self.current is not None)

    def _update_status(self) -> None:
        if self.current is None:
            self.file_label.setText("")
            self.position.setText("")
            return
        dirty = self.editor.document().isModified()
        self.file_label.setText(f"{self.current} •" if dirty else self.current)
        line, column = self.editor.line_and_column()
        text = tr("Line {line}, column {column}", line=line, column=column)
        self.position.setText(f"{text} · {tr('Unsaved changes')}" if dirty else text)

    def _say(self, message: str) -> None:
        self.ctx.message.emit(message)

    # -- opening -----------------------------------------------------------------------------------
    def open_folder(self, path: Path | str) -> bool:
        """Edit a course source folder; False if it is not one or the trainer stayed."""
        try:
            folder = require_course_folder(Path(path)).resolve()
        except InputError as exc:
            self._error(tr("This is not a course folder"), str(exc))
            return False
        if not self._settle_unsaved():
            return False
        self.folder, self.current, self.outcome, self._result_error = folder, None, None, ""
        self.problems = []
        self.editor.blockSignals(True)
        self.editor.clear()
        self.editor.blockSignals(False)
        self._fill_files()
        files = editable_files(folder)
        first = next((f.path for f in files if f.kind == "module"), MANIFEST_NAME)
        self.open_file(first)
        self._update_title()
        self._show_outcome()
        self._update_state()
        self.validate()
        return True

    def open_installed(self, course_id: str) -> None:
        """Adapt an installed course: make its editable copy (asking for id, version and
        folder), or open the copy made earlier in its default folder."""
        from stepcampus.coursepack.adapt import (
            adapt_course,
            default_folder,
            plan_adaptation,
            suggested_id,
        )

        if not self.ctx.store_ready:  # the installed courses are not readable yet
            self._say(tr("Opening your library…"))
            return
        campus = self.ctx.campus
        try:
            earlier = default_folder(campus, suggested_id(campus, course_id))
            if (earlier / MANIFEST_NAME).is_file():
                if self.open_folder(earlier):
                    self._say(tr("Opened the adaptation you made earlier, in {folder}",
                                 folder=earlier))
                return
            plan = plan_adaptation(campus, course_id)
        except InputError as exc:
            self._error(tr("Could not adapt the course"), str(exc))
            return
        chosen = self.choose_adaptation(plan)
        if chosen is None:
            return

        def copied(result: Any) -> None:
            if self.open_folder(result.folder):
                self._say(tr("Made an editable copy of {course} in {folder}",
                             course=result.provenance.course_label, folder=result.folder))

        self.ctx.run_long(tr("Copying {course} to adapt it",
                             course=chosen.provenance.course_label),
                          lambda task: adapt_course(campus, chosen, task), copied,
                          lambda message: self._error(tr("Could not adapt the course"),
                                                      message))

    def choose_installed(self) -> None:
        rows = list(self.ctx.installed_rows())
        if not rows:
            self._say(tr("No course is installed yet. Install one from a file or a catalog."))
            return
        names = [f"{r.title} ({r.course_id} {r.version})" for r in rows]
        name, ok = QInputDialog.getItem(self, tr("Adapt an installed course"),
                                        tr("The course to adapt:"), names, 0, False)
        if ok and name in names:
            self.open_installed(rows[names.index(name)].course_id)

    def choose_folder(self) -> None:
        start = str(self.folder.parent if self.folder else self.ctx.campus.data_dir)
        chosen = QFileDialog.getExistingDirectory(self, tr("Open a course folder"), start)
        if chosen:
            self.open_folder(chosen)

    def _fill_files(self) -> None:
        if self.folder is None:
            return
        self.files.blockSignals(True)
        self.files.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        modules: dict[tuple[str, str], QTreeWidgetItem] = {}
        number: dict[str, int] = {}
        for entry in editable_files(self.folder):
            if entry.kind == "course":
                item = QTreeWidgetItem([tr("Course description (course.yaml)")])
                self.files.addTopLevelItem(item)
            else:
                group = groups.get(entry.language)
                if group is None:
                    name = LANGUAGE_NAMES.get(entry.language)
                    group = groups[entry.language] = QTreeWidgetItem([
                        f"{name} ({entry.language})" if name else entry.language])
                    group.setFlags(group.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                    self.files.addTopLevelItem(group)
                parent = modules.get((entry.language, entry.module), group)
                if entry.kind == "module":
                    number[entry.language] = number.get(entry.language, 0) + 1
                    text = f"{number[entry.language]}. {entry.title or entry.module}"
                    parent = group
                elif entry.kind == "quiz":
                    text = tr("Quiz")
                elif entry.kind == "notes":
                    text = tr("Facilitator notes")
                else:
                    text = tr("Glossary")
                if parent is group and entry.kind in ("quiz", "notes"):
                    text = f"{text}: {entry.module}"  # of a module not written in this language
                item = QTreeWidgetItem([text])
                parent.addChild(item)
                if entry.kind == "module":
                    modules[(entry.language, entry.module)] = item
            item.setData(0, _ROLE, entry.path)
            item.setToolTip(0, entry.path)
        self.files.expandAll()
        self.files.blockSignals(False)
        self._select_in_tree(self.current)

    def _items(self) -> list[QTreeWidgetItem]:
        found: list[QTreeWidgetItem] = []
        stack = [self.files.topLevelItem(i) for i in range(self.files.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            found.append(item)
            stack[0:0] = [item.child(i) for i in range(item.childCount())]
        return found

    def item_for(self, path: str) -> QTreeWidgetItem | None:
        return next((i for i in self._items() if i.data(0, _ROLE) == path), None)

    def _select_in_tree(self, path: str | None) -> None:
        item = self.item_for(path) if path else None
        self.files.blockSignals(True)
        if item is not None:
            self.files.setCurrentItem(item)
        else:
            self.files.clearSelection()
        self.files.blockSignals(False)

    def _file_chosen(self, item: QTreeWidgetItem | None, _previous: Any = None) -> None:
        path = item.data(0, _ROLE) if item is not None else None
        if path and path != self.current and not self.open_file(path):
            self._select_in_tree(self.current)  # the trainer stayed on unsaved changes

    def open_file(self, path: str, line: int | None = None) -> bool:
        """Show a file of the folder in the editor (at a line); False if the trainer stayed
        on the unsaved changes of the file open now, or the file cannot be read."""
        from stepcampus.textfile import read_text

        if self.folder is None:
            return False
        if path != self.current:
            if not self._settle_unsaved():
                return False
            try:
                text = read_text(self.folder / path)
            except InputError as exc:
                self._error(tr("Could not open {file}", file=path), str(exc))
                return False
            self.current = path
            self.editor.setPlainText(text.removeprefix("\ufeff").replace("\r\n", "\n"))
            self.editor.document().setModified(False)
            self.preview_timer.stop()
            self._select_in_tree(path)
            self._render_preview(new_file=True)
        if line:
            self.editor.go_to_line(line)
        self._update_status()
        self._update_state()
        self.file_opened.emit(path)
        return True

    def _reload_current(self) -> None:
        """The open file changed on disk (course.yaml after Add or Translate): show it."""
        if self.current is not None and self.folder is not None:
            path, self.current = self.current, None
            if not (self.folder / path).is_file() or not self.open_file(path):
                self.editor.clear()

    # -- unsaved changes ---------------------------------------------------------------------------
    @property
    def unsaved(self) -> bool:
        return self.current is not None and self.editor.document().isModified()

    def confirm_leave(self) -> bool:
        """Before the window shows another page or closes: save, discard or stay."""
        return self._settle_unsaved()

    def _settle_unsaved(self) -> bool:
        if not self.unsaved:
            return True
        answer = self.ask_unsaved(self.current or "")
        if answer == "save":
            return self.save()
        if answer == "discard":
            self.editor.document().setModified(False)
            return True
        return False

    def _ask_unsaved(self, path: str) -> str:
        box = QMessageBox(QMessageBox.Icon.Question, tr("Unsaved changes"),
                          tr("{file} has changes that are not saved.", file=path),
                          parent=self)
        save = box.addButton(tr("Save"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(tr("Discard the changes"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.exec()
        clicked = box.clickedButton()
        return "save" if clicked is save else "discard" if clicked is discard else "cancel"

    def _confirm(self, text: str) -> bool:
        reply = QMessageBox.question(self, tr("Build and install"), text,
                                     QMessageBox.StandardButton.Yes
                                     | QMessageBox.StandardButton.No,
                                     QMessageBox.StandardButton.Yes)
        return reply == QMessageBox.StandardButton.Yes

    def _error(self, title: str, message: str) -> None:
        self._say(f"{title}: {message}")
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=self)
        box.setObjectName("error-box")
        box.open()

    # -- saving and checking -----------------------------------------------------------------------
    def save(self) -> bool:
        """Write the open file in one step (whole or not at all), then check the folder."""
        from stepcampus.textfile import write_atomic

        if self.folder is None or self.current is None:
            return False
        try:
            write_atomic(self.folder / self.current,
                         self.editor.toPlainText().encode("utf-8"))
        except OSError as exc:
            self._error(tr("Could not save {file}", file=self.current),
                        exc.strerror or str(exc))
            return False
        self.editor.document().setModified(False)
        self._say(tr("Saved {file}", file=self.current))
        self._fill_files()  # a module's title may have changed
        self._update_title()
        self.validate()
        return True

    def validate(self) -> None:
        """Check the whole folder off the UI thread, as `stepcampus validate` does."""
        if self.folder is None:
            return
        self._validation += 1
        generation, folder = self._validation, self.folder

        def check(_task: Task) -> list[Problem]:
            from stepcampus.coursepack.source import load_course

            return load_course(folder)[1]

        def checked(problems: list[Problem]) -> None:
            if generation == self._validation and folder == self.folder:
                self._show_problems(problems)
                self.validated.emit()

        jobs.start(check, checked, self._say)

    def _show_problems(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        self.problem_list.clear()
        for problem in self.problems:
            item = QListWidgetItem(str(problem))
            item.setData(_ROLE, (problem.file, problem.line or 0))
            item.setToolTip(tr("Open {file} at this line", file=problem.file))
            self.problem_list.addItem(item)
        if self.problems:
            self.problems_title.setObjectName("error")
            self.problems_title.setText(tr("{count} problem(s) to fix before building",
                                           count=len(self.problems)))
        else:
            self.problems_title.setObjectName("subtitle")
            self.problems_title.setText(tr("No problems: the course is ready to build")
                                        if self.folder else "")
        self.problems_title.style().unpolish(self.problems_title)
        self.problems_title.style().polish(self.problems_title)

    def _problem_chosen(self, item: QListWidgetItem) -> None:
        file, line = item.data(_ROLE)
        if self.folder is not None and (self.folder / file).is_file():
            self.open_file(file, line or None)
        else:
            self._say(str(item.text()))

    # -- the preview -------------------------------------------------------------------------------
    def _render_preview(self, new_file: bool = False) -> None:
        if self.folder is None or self.current is None:
            return
        self._generation += 1
        generation, folder, path = self._generation, self.folder, self.current
        text = self.editor.toPlainText()

        def shown(preview: Preview) -> None:
            # Only the latest: an older render finishing late must not replace it.
            if preview.generation == self._generation and preview.path == self.current:
                self.preview.course = preview.files
                self.preview.terms = preview.terms
                self._set_preview_html(preview.html, keep_place=not new_file)
                self.preview_updated.emit()

        jobs.start(lambda _task: render_preview(folder, path, text, generation), shown,
                   self._say)

    def _set_preview_html(self, page: str, keep_place: bool) -> None:
        bar = self.preview.verticalScrollBar()
        place = bar.value() if keep_place else 0
        self.preview_html = page
        self.preview.setHtml(page)
        bar.setValue(place)

    def _follow_link(self, url: QUrl) -> None:
        """A module link in the preview opens that module's file here."""
        if url.scheme() != "module" or self.folder is None or self.current is None:
            return
        language = self.current.split("/")[0]
        default = folder_meta(self.folder).get("default_language", language)
        for lang in (language, default):
            path = f"{lang}/{url.path()}.md"
            if (self.folder / path).is_file():
                self.open_file(path)
                return

    # -- adding and translating --------------------------------------------------------------------
    def add_module(self) -> None:
        from stepcampus.coursepack.adapt import add_module

        if self.folder is None or not self._settle_unsaved():
            return
        answer = self.ask_new_module()
        if answer is None:
            return
        module_id, title = answer
        try:
            path = add_module(self.folder, module_id, title)
        except (InputError, OSError) as exc:
            self._error(tr("Could not add the module"), str(exc))
            return
        self._reload_current()
        self._fill_files()
        self.open_file(path)
        self._update_title()
        self.validate()
        self._say(tr("Added {file} to the course: write it, then save", file=path))

    def _ask_new_module(self) -> tuple[str, str] | None:
        dialog = NewModuleDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.module_id.text().strip(), dialog.title.text().strip()

    def translate(self) -> None:
        from stepcampus.coursepack.adapt import translate_module

        if self.folder is None or not self._settle_unsaved():
            return
        meta = folder_meta(self.folder)
        default = str(meta.get("default_language") or "")
        titles = {f.module: f.title for f in editable_files(self.folder)
                  if f.kind == "module" and f.language == default}
        modules = [(m, titles.get(m, "")) for m in meta.get("modules") or []
                   if isinstance(m, str)]
        if not modules:
            return
        current = PurePosixPath(self.current).stem if self.current and file_kind(
            self.current) in ("module", "quiz", "notes") else ""
        listed = [lang for lang in meta.get("languages") or [] if isinstance(lang, str)]
        choices = [lang for lang in dict.fromkeys([*listed, *SHIPPED_LANGUAGES])
                   if lang != default]
        answer = self.ask_translation(modules, current, choices)
        if answer is None:
            return
        module_id, language = answer
        try:
            written = translate_module(self.folder, module_id, language)
        except (InputError, OSError) as exc:
            self._error(tr("Could not copy the module"), str(exc))
            return
        self._reload_current()
        self._fill_files()
        self.open_file(written[0])
        self.validate()
        self._say(tr("Copied the module into {language}: translate it, then save",
                     language=LANGUAGE_NAMES.get(language, language)))

    def _ask_translation(self, modules: list[tuple[str, str]], current: str,
                         languages: list[str]) -> tuple[str, str] | None:
        dialog = TranslateDialog(self, modules, current, languages)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choice()

    def _choose_adaptation(self, plan: AdaptPlan) -> AdaptPlan | None:
        dialog = AdaptDialog(self, self.ctx, plan)
        return dialog.plan if dialog.exec() == QDialog.DialogCode.Accepted else None

    # -- building ----------------------------------------------------------------------------------
    def _key_chosen(self, index: int) -> None:
        if index != 1:
            return
        path, _ = QFileDialog.getOpenFileName(self, tr("Your publisher key"), "",
                                              tr("Publisher keys (*.key);;All files (*)"))
        if path:
            self.key_file = Path(path)
        elif self.key_file is None:
            self.key_choice.setCurrentIndex(0)
        self._update_key_choice()

    def build_and_install(self) -> None:
        """Sign the folder's course, install it here, and say where the bundle is."""
        from stepcampus.coursepack.adapt import next_version, set_version
        from stepcampus.coursepack.install import version_key
        from stepcampus.coursepack.source import VERSION_PATTERN

        if self.folder is None or self.building:
            return
        if self.unsaved and not self.save():  # what is built is what the trainer sees
            return
        folder = self.folder
        meta = folder_meta(folder)
        course_id, version = meta.get("id"), meta.get("version")
        installed = {row.course_id: row.version for row in self.ctx.installed_rows()}
        have = installed.get(course_id) if isinstance(course_id, str) else None
        if have and isinstance(version, str) and VERSION_PATTERN.match(version) \
                and version_key(have) >= version_key(version):
            # The same version again would be refused, and learners need a higher one.
            new = next_version(max(have, version, key=version_key))
            if not self.confirm(tr("Version {installed} of this course is installed on this "
                                   "computer. Raise this course's version to {version} and "
                                   "build it?", installed=have, version=new)):
                return
            try:
                set_version(folder, new)
            except (InputError, OSError) as exc:
                self._error(tr("Could not build the course"), str(exc))
                return
            if self.current == MANIFEST_NAME:
                self._reload_current()
            self._update_title()
        campus = self.ctx.campus
        key_file = self.key_file if self.key_choice.currentIndex() == 1 else None
        out = campus.data_dir / BUILDS_FOLDER

        def work(task: Task) -> BuildOutcome:
            from stepcampus.coursepack.build import build
            from stepcampus.coursepack.keys import (
                load_private_key,
                public_key_of,
                read_public_key,
            )

            if key_file is None:
                key = campus.default_key()  # made, and trusted here, on the first build
                public_path = Path(f"{campus.default_key_path}.pub")
            else:
                key = load_private_key(key_file)
                public_path = Path(f"{key_file}.pub")
                # Whoever holds the private key is that publisher: trusting it here is safe.
                name = read_public_key(public_path).name if public_path.is_file() \
                    else key_file.stem
                campus.trust.trust(public_key_of(key, name))
            built = build(folder, out, key, task)
            result = campus.install(str(built.bundle), task=task)
            return BuildOutcome(built.course_id, built.version, built.bundle, public_path,
                                result.already_installed)

        self.building = True
        self.outcome, self._result_error = None, ""
        self._show_outcome()
        self._update_state()
        job = self.ctx.run_long(tr("Building and installing {course}", course=course_id),
                                work, self._built, self._build_failed)
        job.signals.cancelled.connect(lambda: self._build_failed(tr("Cancelled: nothing was "
                                                                    "installed")))
        job.signals.finished.connect(self._build_ended)

    def _built(self, outcome: BuildOutcome) -> None:
        self.outcome = outcome
        self._show_outcome()
        self._say(tr("Installed {course} {version}", course=outcome.course_id,
                     version=outcome.version))
        self.ctx.library_changed.emit()
        self.build_finished.emit(outcome)

    def _build_failed(self, message: str) -> None:
        self._result_error = message
        self._show_outcome()
        self.validate()  # the problems that stopped the build, listed with their lines
        self.build_finished.emit(None)

    def _build_ended(self) -> None:
        self.building = False
        self._update_state()

    def _show_outcome(self) -> None:
        done = self.outcome
        self.copy_button.setVisible(done is not None)
        self.show_button.setVisible(done is not None)
        if self._result_error:
            self.result.setObjectName("error")
            self.result.setText(tr("The course was not built: {error}",
                                   error=self._result_error))
        elif done is not None:
            self.result.setObjectName("")
            self.result.setText(
                tr("Built and installed {course} {version} on this computer. The bundle to "
                   "give to learners: {bundle}", course=done.course_id, version=done.version,
                   bundle=done.bundle) + "\n"
                + tr("Learners' computers accept it only once they trust your publisher key: "
                     "give them {key} with the bundle, and they (or an administrator) run "
                     "“stepcampus trust {name}”.", key=done.public_key,
                     name=done.public_key.name))
        else:
            self.result.setObjectName("hint")
            self.result.setText(tr("Building signs the course with your key and installs it "
                                   "here; learners must trust that key once.")
                                if self.folder else "")
        self.result.style().unpolish(self.result)
        self.result.style().polish(self.result)

    def _copy_bundle_path(self) -> None:
        if self.outcome is not None:
            QGuiApplication.clipboard().setText(str(self.outcome.bundle))
            self._say(tr("Copied {path}", path=self.outcome.bundle))

    def _show_bundle_folder(self) -> None:
        if self.outcome is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.outcome.bundle.parent)))
