"""Save a PNG of each main screen, with a throw-away data folder and the sample course.

    .venv/bin/python -m ui.screenshots DIR

Runs offscreen unless a display is set; look at the PNGs as a learner would.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

# (file name, module row, anchor to scroll to) for each screen worth looking at
SHOTS = [
    ("reader-first-module.png", 0, None),
    ("reader-table-and-case-study.png", 1, "table-2"),
    ("reader-figure.png", 5, "p-6"),
]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from stepcampus.campus import Campus
    from ui.app import MainWindow

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as data:
        window = MainWindow(Campus(Path(data)))
        window.resize(1200, 760)
        window.show()
        window.load_library()
        while window.modules.count() == 0:  # the sample course installs off the UI thread
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 100)
        for name, row, anchor in SHOTS:
            window.modules.setCurrentRow(row)
            app.processEvents()
            if anchor:
                window.reader.scrollToAnchor(anchor)
            QTimer.singleShot(50, app.quit)
            app.exec()
            window.grab().save(str(out / name))
            print(out / name)
        window.campus.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
