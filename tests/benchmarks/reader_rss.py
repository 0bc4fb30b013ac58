"""Memory of the app with its reader open on a module (the app's own window and rendering).

    .venv/bin/python -m tests.benchmarks.reader_rss DATA_DIR MODULE_ID [HTML_OUT]

Opens the main window on a prepared data folder (it lands in the library), waits for the
store, opens MODULE_ID of the sample course in the reader, scrolls to the end and back so the
whole document is laid out and painted, and reports VmRSS (and the peak, VmHWM) with a few
checkpoints on the way. HTML_OUT, if given, receives the page exactly as the reader got it,
with the reader's style sheet, for showing the same page in other widgets.
"""

from __future__ import annotations

import base64
import html
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tests.benchmarks.appdriver import (
    background_idle,
    module_shown,
    open_window,
    report,
    settle,
    wait_until,
)
from tests.benchmarks.procinfo import status_kb

if TYPE_CHECKING:
    from stepcampus.coursepack.installed import CourseView


def main() -> int:
    data_dir, module_id = Path(sys.argv[1]), sys.argv[2]
    html_out = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    checkpoints: dict[str, int] = {"python": status_kb()}
    from PySide6.QtWidgets import QApplication

    from stepcampus.campus import SAMPLE_COURSE
    from ui import theme

    app = QApplication(sys.argv[:1])
    checkpoints["QApplication"] = status_kb()
    window = open_window(data_dir)
    wait_until(lambda: window.ctx.store_ready and background_idle(), what="the store")
    settle(200)
    checkpoints["window on the library, store open"] = status_kb()
    window.open_module(SAMPLE_COURSE, module_id, "")
    wait_until(module_shown(window, module_id), what="the module")
    browser = window.reader.browser
    bar = browser.verticalScrollBar()
    settle(100)
    bar.setValue(bar.maximum())  # lays out and paints down to the end
    settle(200)
    bar.setValue(0)
    wait_until(background_idle, what="saving the position")
    settle(300)
    app.processEvents()
    checkpoints["reader on the module, laid out"] = status_kb()
    page = window.reader.page
    assert page is not None
    if html_out is not None:
        view = window.reader.browser.course
        body = re.sub(r'src="pkg:([^"]+)"', lambda m: _data_uri(view, m.group(1)), page.html)
        css = theme.module_css(window.ctx.preferences)
        html_out.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'>"
                            f"<style>{css}</style></head><body>{body}</body></html>",
                            encoding="utf-8")
    report({"rss_kb": status_kb(), "hwm_kb": status_kb(field="VmHWM"),
            "checkpoints": checkpoints, "html_chars": len(page.html),
            "document_height": round(browser.document().size().height()),
            "title": html.unescape(window.reader.course_title.text())})
    window.close()
    return 0


def _data_uri(view: CourseView, path: str) -> str:
    """A package image inlined, for a widget that cannot ask the package for it."""
    data = view.read_bytes(path)
    kind = "image/svg+xml" if path.endswith(".svg") else "image/" + path.rsplit(".", 1)[-1]
    return f'src="data:{kind};base64,{base64.b64encode(data).decode()}"'


if __name__ == "__main__":
    sys.exit(main())
