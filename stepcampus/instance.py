"""One running desktop app per data folder.

Two apps writing one store would each keep a stale picture of the learner's progress; the
second one is told so and leaves before it touches anything. The lock is an OS file lock, so
it is released when the process ends however it ends (no stale lock after a crash).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from stepcampus.errors import StepCampusError

LOCK_NAME = "app.lock"


class AlreadyRunning(StepCampusError):
    """Another STEP Campus window has this data folder open."""


class InstanceLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_NAME
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise AlreadyRunning; OSError if the folder cannot be written."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held while running)
        try:
            _lock(handle)
        except OSError:
            handle.close()
            raise AlreadyRunning(
                f"STEP Campus is already open with the data folder {self.path.parent}; "
                "switch to that window (only one can use a data folder at a time)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


if os.name == "nt":
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
