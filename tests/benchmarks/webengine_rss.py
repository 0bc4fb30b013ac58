"""Memory of a bare window showing one HTML page, in a QTextBrowser or a QWebEngineView.

    python -m tests.benchmarks.webengine_rss textbrowser|webengine PAGE.html

The comparison for the reader's memory: the same page (as the reader rendered it) in a plain
QMainWindow, with nothing of the app around it. `webengine` needs QtWebEngine, which is not
one of the project's dependencies: `desktop.py --webengine` runs this script with a throw-away
interpreter that has it. The browser engine starts helper processes (QtWebEngineProcess): the
figure is the summed RSS of this process and all its descendants, read once the page has
loaded and painted.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.benchmarks.appdriver import report
from tests.benchmarks.procinfo import status_kb, tree_rss_kb

SETTLE_MS = 1500  # after loadFinished, for the page to paint and the helpers to settle


def main() -> int:
    widget_kind, page = sys.argv[1], Path(sys.argv[2])
    text = page.read_text(encoding="utf-8")
    from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer, QUrl
    from PySide6.QtWidgets import QApplication, QMainWindow, QTextBrowser

    if widget_kind == "webengine":
        from PySide6.QtWebEngineWidgets import QWebEngineView  # before the QApplication

        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1180, 760)
    loop = QEventLoop()
    if widget_kind == "webengine":
        view = QWebEngineView()
        loaded: list[bool] = []
        view.loadFinished.connect(lambda ok: (loaded.append(ok), loop.quit()))
        window.setCentralWidget(view)
        window.show()
        view.setHtml(text, QUrl("about:blank"))
        QTimer.singleShot(60000, loop.quit)
        loop.exec()
        if not loaded or not loaded[0]:
            raise SystemExit("the page did not load in QWebEngineView")
    else:
        browser = QTextBrowser()
        window.setCentralWidget(browser)
        window.show()
        browser.setHtml(text)
        bar = browser.verticalScrollBar()
        app.processEvents()
        bar.setValue(bar.maximum())  # lay out and paint down to the end, as the reader does
        app.processEvents()
        bar.setValue(0)
    QTimer.singleShot(SETTLE_MS, loop.quit)
    loop.exec()
    app.processEvents()
    rss, processes = tree_rss_kb()
    report({"rss_kb": rss, "processes": processes, "own_rss_kb": status_kb()})
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
