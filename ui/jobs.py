"""Long work off the UI thread: one core call per job, with progress and cancel.

A job runs on Qt's thread pool and talks back only through signals, which Qt delivers on the
UI thread; the core call gets a `Task` to report progress to and to check for cancellation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from stepcampus.errors import Cancelled, StepCampusError
from stepcampus.tasks import Task


class JobSignals(QObject):
    progress = Signal(int, int, str)
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()  # after any of the three above


class Job(QRunnable):
    """`work(task)` on the pool; its return value arrives in `signals.done`."""

    def __init__(self, work: Callable[[Task], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the caller holds it until `finished`
        self.work = work
        self.signals = JobSignals()
        self.task = Task(on_progress=self.signals.progress.emit)

    def cancel(self) -> None:
        self.task.cancel()

    def run(self) -> None:
        try:
            result = self.work(self.task)
        except Cancelled:
            self.signals.cancelled.emit()
        except StepCampusError as exc:
            self.signals.failed.emit(str(exc))
        except OSError as exc:  # a full disk or a read-only folder, told as the OS says it
            self.signals.failed.emit(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
        except Exception as exc:  # shown to the user, never swallowed
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.signals.done.emit(result)
        self.signals.finished.emit()


_running: set[Job] = set()


def start(
    work: Callable[[Task], Any],
    on_done: Callable[[Any], None] | None = None,
    on_failed: Callable[[str], None] | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
) -> Job:
    """Run work(task) off the UI thread; callbacks run on the UI thread."""
    job = Job(work)
    if on_done:
        job.signals.done.connect(on_done)
    if on_failed:
        job.signals.failed.connect(on_failed)
    if on_progress:
        job.signals.progress.connect(on_progress)
    if on_cancelled:
        job.signals.cancelled.connect(on_cancelled)
    _running.add(job)
    job.signals.finished.connect(lambda: _running.discard(job))
    QThreadPool.globalInstance().start(job)
    return job


def cancel_all() -> None:
    for job in list(_running):
        job.cancel()


def wait_all(timeout_ms: int = 30000) -> bool:
    """Let running jobs end (at exit, so none writes to a closed store)."""
    for job in list(_running):
        job.cancel()
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
