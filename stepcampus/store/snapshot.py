"""Read-only views of the learner store through plain sqlite3, for the first screen.

The ORM costs more to import than a whole bare window; the profile picker and the library read
what they show from here, while the ORM loads in the background for the first write.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from stepcampus.errors import StepCampusError
from stepcampus.store.schema_version import HEAD, REVISIONS


@dataclass(frozen=True)
class ProfileRow:
    id: str
    name: str
    pin_hash: str | None
    last_used_at: datetime
    role: str = "learner"  # or "facilitator", which always has a PIN

    @property
    def has_pin(self) -> bool:
        return self.pin_hash is not None

    @property
    def is_facilitator(self) -> bool:
        return self.role == "facilitator"


@dataclass(frozen=True)
class CourseRow:
    course_id: str
    version: str
    title: str
    manifest: str


@dataclass(frozen=True)
class ProgressRow:
    module_id: str
    percent: int
    completed: bool
    position: str | None
    updated_at: datetime | None


@dataclass(frozen=True)
class QuizRow:
    quiz_id: str
    best: float | None
    passed: bool


class Snapshot:
    """A read-only connection; use `Snapshot.open`, which gives None for a store not ready."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @classmethod
    def open(cls, path: Path) -> Snapshot | None:
        """None when the store is missing or needs a migration (the ORM path handles those)."""
        try:
            if read_revision(path) != HEAD:
                return None
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                   check_same_thread=False)
        except (StepCampusError, sqlite3.Error):
            return None
        return cls(conn)

    def close(self) -> None:
        self.conn.close()

    def profiles(self) -> list[ProfileRow]:
        rows = self.conn.execute(
            "SELECT id, name, pin_hash, last_used_at, role FROM profiles ORDER BY lower(name)")
        return [ProfileRow(i, n, h, datetime.fromisoformat(t), r) for i, n, h, t, r in rows]

    def installed(self) -> list[CourseRow]:
        """Installed courses (webinar series are packages too, listed by `installed_series`)."""
        rows = self.conn.execute(
            "SELECT course_id, version, title, manifest FROM installed_courses "
            f"WHERE {_KIND} IS NOT 'webinar-series' ORDER BY title")
        return [CourseRow(*row) for row in rows]

    def installed_series(self) -> list[CourseRow]:
        rows = self.conn.execute(
            "SELECT course_id, version, title, manifest FROM installed_courses "
            f"WHERE {_KIND} = 'webinar-series' ORDER BY title")
        return [CourseRow(*row) for row in rows]

    def progress(self, profile_id: str, course_id: str) -> list[ProgressRow]:
        rows = self.conn.execute(
            "SELECT module_id, percent, completed_at, position, updated_at FROM module_progress "
            "WHERE profile_id = ? AND course_id = ?", (profile_id, course_id))
        return [ProgressRow(m, p, c is not None, pos, _time(u)) for m, p, c, pos, u in rows]

    def quizzes(self, profile_id: str, course_id: str) -> list[QuizRow]:
        rows = self.conn.execute(
            "SELECT quiz_id, max(score), max(passed) FROM quiz_attempts WHERE profile_id = ? "
            "AND course_id = ? AND state = 'finished' GROUP BY quiz_id", (profile_id, course_id))
        return [QuizRow(q, best, bool(passed)) for q, best, passed in rows]


_KIND = "json_extract(manifest, '$.course.kind')"


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def read_revision(path: Path) -> str | None:
    """The schema revision stored in the file, None if new or empty; opened read-only."""
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StepCampusError(f"cannot open the learner database {path}: {exc}") from exc
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "alembic_version" not in tables:
            if tables:
                raise StepCampusError(
                    f"{path} is not a STEP Campus learner database (it has tables but no schema "
                    "version); it was left unchanged"
                )
            return None
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as exc:
        raise StepCampusError(f"{path} cannot be read as a database: {exc}") from exc
    finally:
        conn.close()
    if not rows:
        return None
    revision = rows[0][0]
    if len(rows) > 1 or revision not in REVISIONS:
        found = ", ".join(str(row[0]) for row in rows)
        raise StepCampusError(
            f"{path} has schema revision {found}, which this version of STEP Campus does not "
            f"know (it knows up to {HEAD}): it was probably written by a newer version. Install "
            "that version or newer; the database was left unchanged."
        )
    return revision
