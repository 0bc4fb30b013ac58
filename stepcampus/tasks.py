"""The small progress/cancel protocol every long core operation speaks.

The CLI prints it, the desktop shows it in one runner with a progress bar and a cancel button;
the core never knows which.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from stepcampus.errors import Cancelled

# done, total (0 when unknown), and a short line for a person to read
ProgressCallback = Callable[[int, int, str], None]


def _ignore(done: int, total: int, message: str) -> None:
    pass


@dataclass
class Task:
    """Handed to a long operation: report progress, check for cancellation."""

    on_progress: ProgressCallback = _ignore
    _cancel: threading.Event = field(default_factory=threading.Event)
    # Set by an operation around one long step whose inner loop counts finer units (the bytes
    # of one download), so the bar moves inside the step too.
    within_step: Callable[[int], None] | None = None

    def report(self, done: int, total: int, message: str = "") -> None:
        self.check()
        self.on_progress(done, total, message)

    def advance(self, done_in_step: int) -> None:
        """Finer progress inside the current step; nothing unless the operation asked for it."""
        if self.within_step is not None:
            self.within_step(done_in_step)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise Cancelled if the user asked to stop; call between steps that can be undone."""
        if self._cancel.is_set():
            raise Cancelled("cancelled")
