"""How long the UI thread is blocked while the app does real work.

    .venv/bin/python -m tests.benchmarks.ui_freeze EMPTY_DATA_DIR

A precise timer ticks every TICK_MS on the UI thread; a gap between two ticks is how long the
thread could not answer input or paint. The app runs in this process (offscreen), driven the
way a learner drives it, and the gaps are kept per phase:

- the window built and `start()` (before its first event loop turn: the window paints after),
- first start on an empty data folder: the store opened, the sample course built and installed,
  the search index built, all off the UI thread,
- a profile created and the library shown,
- the longest module opened in the reader, then scrolled through a page at a time (which
  saves the position and completes the module), then the other modules opened in turn,
- searching, typed a key at a time (if the app has a search page),
- a quiz opened and submitted (if the app has a quiz page),

after an idle event loop in the same process, for comparison.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from typing import Any

from tests.benchmarks.appdriver import (
    PROFILE_NAME,
    background_idle,
    longest_module,
    module_shown,
    open_window,
    report,
    settle,
    wait_until,
)

TICK_MS = 5
TYPING_MS = 90  # between two keys of a quick typist
SCROLL_MS = 30  # between two page steps of a learner flicking through the text
SEARCH_TEXT = "social protection"


class GapMeter:
    """Gaps between ticks of a precise timer on the UI thread, kept per phase."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.phase: str | None = None
        self.last = 0.0
        self.started = 0.0
        self.gaps: list[float] = []
        self.results: list[dict[str, Any]] = []
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.phase is not None:
            self.gaps.append(now - self.last)
        self.last = now

    def begin(self, phase: str) -> None:
        self.phase = phase
        self.gaps = []
        self.started = self.last = time.perf_counter()

    def end(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self.last)  # a block at the very end counts too
        self.last = now
        gaps = sorted(self.gaps)
        self.results.append({
            "phase": self.phase, "seconds": round(now - self.started, 3),
            "max_ms": round(gaps[-1] * 1000, 1),
            "p99_ms": round(gaps[int(0.99 * (len(gaps) - 1))] * 1000, 1),
            "over_50ms": sum(g > 0.050 for g in gaps), "ticks": len(gaps)})
        self.phase = None


def main() -> int:
    data_dir = Path(sys.argv[1])
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from stepcampus.campus import SAMPLE_COURSE
    from ui import search

    app = QApplication(sys.argv[:1])
    meter = GapMeter()
    settle(200)
    meter.begin("idle event loop (baseline)")
    settle(1500)
    meter.end()

    # Not a freeze: nothing is on screen before the first turn of the loop. Timed apart.
    build_start = time.perf_counter()
    window = open_window(data_dir)
    build_ms = (time.perf_counter() - build_start) * 1000

    meter.begin("first start: store, sample build + install, search index (background)")
    wait_until(lambda: window.ctx.store_ready and background_idle()
               and not search.indexing().running, timeout=120, what="the first start")
    meter.end()

    meter.begin("create a profile, open the library")
    window.profiles.new_name.setText(PROFILE_NAME)
    window.profiles.create()
    wait_until(lambda: window.ctx.learner is not None and window.current_page() == "library"
               and background_idle(), what="the new profile")
    settle(200)
    meter.end()

    module_id, _words = longest_module()
    meter.begin(f"open the longest module ({module_id})")
    window.open_module(SAMPLE_COURSE, module_id, "")
    wait_until(module_shown(window, module_id), what="the module")
    settle(300)
    meter.end()

    meter.begin("scroll through it a page at a time; position saved, module completed")
    bar = window.reader.browser.verticalScrollBar()
    while bar.value() < bar.maximum():
        bar.setValue(bar.value() + bar.pageStep())
        settle(SCROLL_MS)
    settle(1200)  # the reader saves the position a moment after scrolling stops
    wait_until(background_idle, what="saving the position")
    settle(200)
    meter.end()

    summary = window.reader.summary
    assert summary is not None
    others = [m.module_id for m in summary.modules if m.module_id != module_id]
    meter.begin(f"switch modules ({len(others)}, one after another)")
    for other in others:
        window.reader.open(SAMPLE_COURSE, other)
        wait_until(module_shown(window, other), what=other)
        settle(150)
    meter.end()

    if hasattr(search, "SearchPage"):
        meter.begin(f"search: type {SEARCH_TEXT!r}, results listed")
        window.open_search()
        page = window.page("search")
        for char in SEARCH_TEXT:
            QTest.keyClick(page.field, char)
            settle(TYPING_MS)
        wait_until(lambda: page._searching is None and page._shown_query == SEARCH_TEXT
                   and background_idle(), what="the search results")
        settle(300)
        meter.end()
        hits = page.results.count()
    else:
        hits = -1

    quiz_module = next((m.module_id for m in summary.modules if m.has_quiz), None)
    if importlib.util.find_spec("ui.quiz") is not None and quiz_module is not None:
        meter.begin(f"quiz: open ({quiz_module}), submit, results shown")
        window.open_quiz(SAMPLE_COURSE, quiz_module)
        wait_until(lambda: window.current_page() == "quiz", what="the quiz")
        settle(300)
        quiz = window.page("quiz")
        quiz.confirm = lambda _text: True  # submit with questions left unanswered
        quiz.submit()
        wait_until(background_idle, what="the quiz result")
        settle(300)
        meter.end()

    meter.begin("idle event loop, app open")
    settle(1500)
    meter.end()
    report({"build_ms": round(build_ms, 1), "phases": meter.results, "tick_ms": TICK_MS,
            "search_hits": hits})
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
