"""The running clock of a classroom session: the module's planned activities, one at a time.

A facilitator starts the clock, moves to the next activity as the room does, and sees the
current activity's time and the session's against what the notes planned. The clock reads a
monotonic time function it is given, so it is tested without sleeping and never jumps when
the computer's wall clock is changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Timing:
    """One planned activity of a session, as facilitator notes list it."""

    minutes: int
    activity: str

    @property
    def seconds(self) -> float:
        return self.minutes * 60.0


def parse_timings(meta: Mapping[str, Any]) -> list[Timing]:
    """The `timings:` of facilitator notes' front matter.

    Packages are validated when built, so an entry that is not a minutes/activity pair is
    skipped rather than refused: a stray line must not hide the rest of the notes.
    """
    entries = meta.get("timings")
    if not isinstance(entries, list):
        return []
    return [Timing(entry["minutes"], entry["activity"].strip()) for entry in entries
            if isinstance(entry, dict) and isinstance(entry.get("minutes"), int)
            and not isinstance(entry.get("minutes"), bool) and entry["minutes"] >= 0
            and isinstance(entry.get("activity"), str)]


class SessionClock:
    """Time spent on each planned activity, with one current activity; paused at first.

    Time runs only while started, and always counts towards the current activity; moving on
    (`next`, `go_to`) keeps what the activity left behind had taken.
    """

    def __init__(self, timings: Sequence[Timing],
                 now: Callable[[], float] = time.monotonic) -> None:
        if not timings:
            raise ValueError("a session clock needs at least one planned activity")
        self.timings = list(timings)
        self._now = now
        self._spent = [0.0] * len(self.timings)
        self._index = 0
        self._since: float | None = None  # when the running stretch began; None if paused

    # -- state ---------------------------------------------------------------------------------
    @property
    def index(self) -> int:
        """The current activity, counted from 0."""
        return self._index

    @property
    def current(self) -> Timing:
        return self.timings[self._index]

    @property
    def running(self) -> bool:
        return self._since is not None

    @property
    def started(self) -> bool:
        """Whether the clock has ever run since it was made or reset."""
        return self.running or any(self._spent)

    @property
    def is_last(self) -> bool:
        return self._index == len(self.timings) - 1

    def elapsed(self, index: int | None = None) -> float:
        """Seconds spent on an activity (the current one by default)."""
        index = self._index if index is None else index
        spent = self._spent[index]
        if index == self._index and self._since is not None:
            spent += self._now() - self._since
        return spent

    def planned(self, index: int | None = None) -> float:
        return self.timings[self._index if index is None else index].seconds

    def overrun(self, index: int | None = None) -> float:
        """Seconds an activity has gone past its planned time; 0 while within it."""
        return max(0.0, self.elapsed(index) - self.planned(index))

    def is_over(self, index: int | None = None) -> bool:
        return self.overrun(index) > 0

    def total_elapsed(self) -> float:
        return sum(self.elapsed(i) for i in range(len(self.timings)))

    @property
    def planned_total(self) -> float:
        return sum(t.seconds for t in self.timings)

    # -- actions -------------------------------------------------------------------------------
    def start(self) -> None:
        if self._since is None:
            self._since = self._now()

    def pause(self) -> None:
        self._bank()
        self._since = None

    def toggle(self) -> bool:
        """Start if paused, pause if running; returns whether it now runs."""
        if self.running:
            self.pause()
        else:
            self.start()
        return self.running

    def next(self) -> bool:
        """Move to the following activity, running or paused as before; False at the last."""
        if self.is_last:
            return False
        self.go_to(self._index + 1)
        return True

    def go_to(self, index: int) -> None:
        """Make another activity current (a Next pressed too soon is undone this way)."""
        if not 0 <= index < len(self.timings):
            raise IndexError(f"no activity {index} in a session of {len(self.timings)}")
        self._bank()
        self._index = index

    def reset(self) -> None:
        """Back to the first activity, nothing spent, paused."""
        self._spent = [0.0] * len(self.timings)
        self._index = 0
        self._since = None

    def _bank(self) -> None:
        """Add the running stretch to the current activity and start a new stretch from now."""
        if self._since is not None:
            now = self._now()
            self._spent[self._index] += now - self._since
            self._since = now
