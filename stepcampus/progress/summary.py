"""Where a learner stands in a course: what the library's ring, the reader's table of contents
and the certificate all read from one query of the store.

The first screen summarises courses from a read-only snapshot before the ORM has loaded, so
this module never imports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from stepcampus.store.snapshot import Snapshot

if TYPE_CHECKING:
    from stepcampus.coursepack.installed import CourseView
    from stepcampus.store.database import SessionFactory

DEFAULT_PASS_MARK = 70.0


@dataclass(frozen=True)
class ModuleState:
    module_id: str
    title: str
    duration: int  # minutes, as the author estimated
    percent: int
    completed: bool
    position: str | None  # the paragraph id the learner last read
    updated_at: datetime | None
    has_quiz: bool
    quiz_best: float | None  # 0..1, None before any finished attempt
    quiz_passed: bool

    @property
    def done(self) -> bool:
        """Read to the end and, if it has a quiz, passed it."""
        return self.completed and (self.quiz_passed or not self.has_quiz)


@dataclass(frozen=True)
class CourseSummary:
    course_id: str
    title: str
    version: str
    pass_mark: float
    modules: list[ModuleState]

    @property
    def percent(self) -> int:
        """Share of the course's steps done: each module read and each quiz passed counts one."""
        steps = sum(1 + m.has_quiz for m in self.modules)
        done = sum(m.completed + (m.has_quiz and m.quiz_passed) for m in self.modules)
        return round(100 * done / steps) if steps else 0

    @property
    def minutes_left(self) -> int:
        """Reading time left, counting the unread part of each module."""
        return round(sum(m.duration * (100 - m.percent) / 100
                         for m in self.modules if not m.completed))

    @property
    def complete(self) -> bool:
        return bool(self.modules) and all(m.done for m in self.modules)

    @property
    def score(self) -> float | None:
        """The mean of the best quiz scores (0..1), None if the course has no quiz."""
        scores = [m.quiz_best or 0.0 for m in self.modules if m.has_quiz]
        return sum(scores) / len(scores) if scores else None

    @property
    def started(self) -> bool:
        return any(m.updated_at is not None for m in self.modules)

    def resume_point(self) -> tuple[str, str | None]:
        """Where "continue" goes: the module last read and its paragraph; once that module is
        finished, the next one not yet done; the first module for a new learner."""
        if not self.modules:
            raise ValueError("a course without modules has nothing to continue")
        touched = [m for m in self.modules if m.updated_at is not None]
        if not touched:
            return self.modules[0].module_id, None
        last = max(touched, key=lambda m: m.updated_at or datetime.min)
        if not last.completed:
            return last.module_id, last.position
        order = [m.module_id for m in self.modules]
        after = order.index(last.module_id)
        for module in self.modules[after + 1:] + self.modules[:after]:
            if not module.done:
                return module.module_id, module.position
        return last.module_id, last.position


def course_summary(source: SessionFactory | Snapshot, view: CourseView, profile_id: str,
                   language: str | None = None) -> CourseSummary:
    """The learner's standing, read through the store or, at start-up, a read-only snapshot.

    Either way the same queries run (the snapshot's), on the store's own sqlite3 connection.
    """
    if isinstance(source, Snapshot):
        progress = source.progress(profile_id, view.id)
        quiz_rows = source.quizzes(profile_id, view.id)
    else:
        with source() as session:
            raw = Snapshot(session.connection().connection.driver_connection)
            progress = raw.progress(profile_id, view.id)
            quiz_rows = raw.quizzes(profile_id, view.id)
    rows = {r.module_id: r for r in progress}
    quizzes = {q.quiz_id: q for q in quiz_rows}
    modules = []
    for module_id in view.module_ids:
        info = view.module(module_id, language)
        row = rows.get(module_id)
        quiz = quizzes.get(module_id)
        modules.append(ModuleState(
            module_id=module_id, title=info.title, duration=info.duration,
            percent=row.percent if row else 0,
            completed=bool(row and row.completed),
            position=row.position if row else None,
            updated_at=row.updated_at if row else None,
            has_quiz=info.quiz is not None,
            quiz_best=quiz.best if quiz else None,
            quiz_passed=bool(quiz and quiz.passed)))
    pass_mark = float(view.course.get("pass_mark", DEFAULT_PASS_MARK))
    return CourseSummary(view.id, view.title(language), view.version, pass_mark, modules)
