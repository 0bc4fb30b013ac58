"""What the desktop benchmarks share: a prepared data folder, the longest sample module, and
waiting on the Qt event loop without holding it up.

Qt is imported inside the functions that need it, so `desktop.py` (the parent, which only
starts and times processes) stays cheap to import.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ui.app import MainWindow

PROFILE_NAME = "Ana"


def longest_module() -> tuple[str, int]:
    """(module id, words) of the sample course's longest English module, by words of text."""
    from stepcampus.campus import SAMPLE_COURSE
    from stepcampus.paths import SAMPLE_COURSES_DIR
    from stepcampus.render.frontmatter import split_front_matter

    counts = {}
    for path in (SAMPLE_COURSES_DIR / SAMPLE_COURSE / "en").glob("*.md"):
        body = split_front_matter(path.read_text(encoding="utf-8"), path.name).body
        counts[path.stem] = len(body.split())
    module = max(counts, key=lambda m: counts[m])
    return module, counts[module]


def prepare_data_dir(data_dir: Path) -> str:
    """A learner's data folder as on any later start: the sample course installed and indexed
    for search, one profile without a PIN, last used (so the app opens into its library).
    Returns the profile id."""
    from stepcampus.campus import Campus
    from stepcampus.progress.activity import create_profile
    from stepcampus.search.index import SearchIndex
    from stepcampus.settings import Settings, save_settings

    campus = Campus(data_dir)
    try:
        campus.ensure_sample_course()
        SearchIndex.for_campus(campus).ensure_indexed(campus)
        profile_id = create_profile(campus.sessions, PROFILE_NAME).id
    finally:
        campus.close()
    save_settings(data_dir, Settings(last_profile=profile_id))
    return profile_id


def wait_until(done: Callable[[], bool], timeout: float = 60.0, what: str = "") -> None:
    """Run the event loop (sleeping between events, as the app's own loop does) until done()."""
    from PySide6.QtCore import QEventLoop, QTimer

    if done():
        return
    loop = QEventLoop()
    deadline = time.monotonic() + timeout
    poll = QTimer()
    poll.setInterval(10)
    poll.timeout.connect(lambda: loop.quit() if done() or time.monotonic() > deadline else None)
    poll.start()
    loop.exec()
    poll.stop()
    if not done():
        raise TimeoutError(f"gave up waiting for {what or done}")


def settle(ms: int) -> None:
    """Let the event loop run for ms milliseconds."""
    end = time.monotonic() + ms / 1000
    wait_until(lambda: time.monotonic() >= end, timeout=ms / 1000 + 5)


def background_idle() -> bool:
    """No job of the app's is running (store opening, rendering, saving, indexing)."""
    from ui import jobs

    return not jobs._running


def open_window(data_dir: Path) -> MainWindow:
    """The app's main window on data_dir, as `run_app` builds it, shown and started."""
    from PySide6.QtWidgets import QApplication

    from stepcampus.campus import Campus
    from stepcampus.settings import load_settings
    from ui import i18n, theme
    from ui.app import MainWindow
    from ui.context import AppContext

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    campus = Campus(data_dir)
    ctx = AppContext(campus, load_settings(campus.data_dir))
    theme.apply(app, ctx.preferences)
    i18n.set_language(ctx.preferences.language)
    window = MainWindow(ctx)
    window.show()
    window.start()
    return window


def module_shown(window: MainWindow, module_id: str) -> Callable[[], bool]:
    reader = window.reader
    return lambda: (reader.page is not None and reader.page.module_id == module_id
                    and reader._loading is None)


def report(result: dict[str, object]) -> None:
    """A child's figures, on one stdout line the parent picks out of Qt's chatter."""
    print("RESULT " + json.dumps(result), flush=True)


def prepare_in_child(data_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    """prepare_data_dir in a child process, so the caller stays small: a child forked from a
    big process reports that process's peak RSS as its own."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "tests.benchmarks.appdriver", str(data_dir)],
                          capture_output=True, text=True, env=env, check=True,
                          cwd=Path(__file__).resolve().parents[2])
    return read_report(done.stdout)


def read_report(stdout: str) -> dict[str, Any]:
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
            return result
    raise RuntimeError("the benchmark child printed no result:\n" + stdout[-2000:])


if __name__ == "__main__":
    import sys

    profile = prepare_data_dir(Path(sys.argv[1]))
    module, words = longest_module()
    report({"profile": profile, "module": module, "words": words})
