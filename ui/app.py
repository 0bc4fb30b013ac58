"""The desktop window: installed courses, their modules, and the selected module's text.

Thin over `stepcampus.campus.Campus`; the window shows first and the store opens after, off
the UI thread, so start-up does not wait for the ORM or the first install of the sample.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QObject, QRunnable, Qt, QThreadPool, QTimer, QUrl, Signal
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from stepcampus.campus import Campus

if TYPE_CHECKING:  # the ORM loads off the UI thread, after the window shows
    from stepcampus.store.models import InstalledCourse


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(str)


class _Job(QRunnable):
    """Runs one core call on the thread pool and reports back through signals."""

    def __init__(self, work: Callable[[], object]) -> None:
        super().__init__()
        self.work = work
        self.signals = _Signals()

    def run(self) -> None:
        try:
            self.signals.done.emit(self.work())
        except Exception as exc:  # shown to the user, never swallowed
            self.signals.failed.emit(str(exc))


# QTextBrowser understands a subset of CSS 2: enough for readable text, boxes and tables.
MODULE_CSS = """
body { font-size: 11pt; line-height: 140%; }
h1 { font-size: 20pt; color: #17324d; }
h2 { font-size: 15pt; color: #17324d; margin-top: 18px; }
h3 { font-size: 12.5pt; color: #17324d; }
table { border-collapse: collapse; margin: 8px 0; }
th { background: #e6edf4; padding: 4px 8px; border: 1px solid #b7c4d1; }
td { padding: 4px 8px; border: 1px solid #c9d3dd; }
div.admonition { background: #fff8e1; border: 1px solid #e8c66a; padding: 6px 10px; }
p.admonition-title { font-weight: bold; }
h2.case-study { color: #7a3b00; }
h2.activity-individual, h2.activity-group { color: #1f6b3a; }
.footnote { font-size: 9.5pt; color: #444; }
.missing-image { color: #8a1c1c; font-style: italic; }
"""


class ModuleBrowser(QTextBrowser):
    """Resolves the package's `pkg:` images from the content store; never the network."""

    def __init__(self) -> None:
        super().__init__()
        self.course = None
        self.setOpenLinks(False)
        self.setAccessibleName("Module text")
        self.document().setDefaultStyleSheet(MODULE_CSS)
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


class MainWindow(QMainWindow):
    def __init__(self, campus: Campus) -> None:
        super().__init__()
        self.campus = campus
        self.setWindowTitle("STEP Campus")
        self.resize(1100, 720)
        self.courses = QListWidget()
        self.courses.setAccessibleName("Installed courses")
        self.modules = QListWidget()
        self.modules.setAccessibleName("Modules")
        self.reader = ModuleBrowser()
        self.status = QLabel("Opening your library…")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        left = QWidget()
        column = QVBoxLayout(left)
        column.addWidget(QLabel("Courses"))
        column.addWidget(self.courses, 1)
        column.addWidget(QLabel("Modules"))
        column.addWidget(self.modules, 3)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.reader)
        split.setStretchFactor(1, 3)
        split.setSizes([340, 760])
        self.modules.setWordWrap(True)
        self.setCentralWidget(split)
        self.statusBar().addWidget(self.status, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.courses.currentItemChanged.connect(self._show_course)
        self.modules.currentItemChanged.connect(self._show_module)
        self.reader.anchorClicked.connect(self._follow_link)

    def load_library(self) -> None:
        job = _Job(lambda: (self.campus.ensure_sample_course(), self.campus.installed())[1])
        job.signals.done.connect(self._library_ready)
        job.signals.failed.connect(self._failed)
        QThreadPool.globalInstance().start(job)

    def _library_ready(self, rows: list[InstalledCourse]) -> None:
        self.progress.hide()
        self.status.setText(f"{len(rows)} course(s) installed")
        self.courses.clear()
        for row in rows:
            item = QListWidgetItem(row.title)
            item.setData(Qt.ItemDataRole.UserRole, row.course_id)
            self.courses.addItem(item)
        if rows:
            self.courses.setCurrentRow(0)

    def _failed(self, message: str) -> None:
        self.progress.hide()
        self.status.setText(f"Could not open the library: {message}")

    def _show_course(self, item: QListWidgetItem | None) -> None:
        self.modules.clear()
        if item is None:
            return
        course = self.campus.course(item.data(Qt.ItemDataRole.UserRole))
        self.reader.course = course
        for number, module_id in enumerate(course.module_ids, start=1):
            info = course.module(module_id)
            entry = QListWidgetItem(f"{number}. {info.title}")
            entry.setData(Qt.ItemDataRole.UserRole, module_id)
            self.modules.addItem(entry)
        self.modules.setCurrentRow(0)

    def _show_module(self, item: QListWidgetItem | None) -> None:
        course = self.reader.course
        if item is None or course is None:
            return
        module_id = item.data(Qt.ItemDataRole.UserRole)
        info = course.module(module_id)
        rendered = course.render_module(module_id)
        objectives = "".join(f"<li>{_esc(o)}</li>"
                             for o in info.objectives)
        header = (f"<h1>{_esc(info.title)}</h1><p><i>About {info.duration} minutes</i></p>"
                  f"<p><b>By the end of this module you can:</b></p><ul>{objectives}</ul><hr>")
        self.reader.setHtml(header + rendered.html)

    def _follow_link(self, url: QUrl) -> None:
        if url.scheme() == "module":
            for row in range(self.modules.count()):
                if self.modules.item(row).data(Qt.ItemDataRole.UserRole) == url.path():
                    self.modules.setCurrentRow(row)
        elif url.hasFragment():
            self.reader.scrollToAnchor(url.fragment())


def _esc(text: str) -> str:
    import html

    return html.escape(text)


def run_app(data_dir: Path | None = None, quit_after_start: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    window = MainWindow(Campus(data_dir))
    window.show()
    if quit_after_start:
        QTimer.singleShot(0, app.quit)
    else:
        QTimer.singleShot(0, window.load_library)
    return app.exec()
