"""The start-up baseline: the least a PySide6 window costs, with the app's exit path.

QApplication, a QMainWindow with a QLabel, shown; closed from the event loop once shown (as
`stepcampus app --quit-after-start` does), then the process exits. Run as a script:
    .venv/bin/python tests/benchmarks/bare_window.py [--print-shown]
With --print-shown it prints `shown <time.monotonic()>` when the window is up, so the caller
can time process start to first screen as well as to exit.
"""

from __future__ import annotations

import sys
import time


def main() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setCentralWidget(QLabel("STEP Campus"))
    window.resize(1180, 760)
    window.show()

    def shown() -> None:
        if "--print-shown" in sys.argv:
            print(f"shown {time.monotonic()}", flush=True)
        window.close()

    QTimer.singleShot(0, shown)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
