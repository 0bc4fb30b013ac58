"""Save a PNG of each main screen, with a throw-away data folder and the sample course.

    .venv/bin/python -m ui.screenshots DIR

Runs offscreen unless a display is set; look at the PNGs as a learner would.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

# (file name, module row, anchor to scroll to) for each screen worth looking at; Qt scrolls
# to paragraph and heading ids, not to table ids
SHOTS = [
    ("reader-first-module.png", 0, None),
    ("reader-case-study.png", 1, "case-study-community-based-health-insurance-in-rwanda"),
    ("reader-figure.png", 5, "p-6"),
]


def settle(app: object, rounds: int = 5) -> None:
    """Let Qt finish layout and painting (offscreen there is no window manager to wait for)."""
    from PySide6.QtCore import QEventLoop

    for _ in range(rounds):
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)  # type: ignore[attr-defined]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop
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
            settle(app)  # lay the new text out before scrolling in it
            if anchor:
                window.reader.scrollToAnchor(anchor)
                settle(app)
            window.grab().save(str(out / name))
            print(out / name)
        window.campus.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
