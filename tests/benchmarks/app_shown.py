"""`stepcampus --data-dir DIR app --quit-after-start`, also printing when the content is shown.

    .venv/bin/python -m tests.benchmarks.app_shown --data-dir DIR app --quit-after-start

The same command line and code path as the `stepcampus` script; the only addition prints
`shown <time.monotonic()>` when the main window emits `content_shown` (the first screen is
filled), so the caller can time process start to first screen as well as to exit.
"""

from __future__ import annotations

import sys
import time


def main() -> int:
    from stepcampus.cli import main as cli_main
    from ui.app import MainWindow

    start = MainWindow.start

    def start_and_report(window: MainWindow) -> None:
        window.content_shown.connect(lambda: print(f"shown {time.monotonic()}", flush=True))
        start(window)

    MainWindow.start = start_and_report  # type: ignore[method-assign]
    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
