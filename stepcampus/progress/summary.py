"""Where a learner stands in a course: what the library's ring, the reader's table of contents
and the certificate all read from one query of the store.

The ORM is imported inside the functions that use it: the first screen summarises courses
from a read-only snapshot before the ORM has loaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from stepcampus.store.snapshot import ProgressRow, QuizRow, Snapshot

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
    """The learner's standing, read through the ORM or, at start-up, a read-only snapshot."""
    if isinstance(source, Snapshot):
        progress = source.progress(profile_id, view.id)
        quiz_rows = source.quizzes(profile_id, view.id)
    else:
        progress, quiz_rows = _load(source, profile_id, view.id)
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


def _load(factory: SessionFactory, profile_id: str,
          course_id: str) -> tuple[list[ProgressRow], list[QuizRow]]:
    from sqlalchemy import func, select

    from stepcampus.store.models import ModuleProgress, QuizAttempt

    with factory() as session:
        progress = [
            ProgressRow(r.module_id, r.percent, r.completed_at is not None, r.position,
                        r.updated_at)
            for r in session.scalars(select(ModuleProgress).where(
                ModuleProgress.profile_id == profile_id, ModuleProgress.course_id == course_id))
        ]
        quizzes = [
            QuizRow(quiz_id, best, bool(passed))
            for quiz_id, best, passed in session.execute(
                select(QuizAttempt.quiz_id, func.max(QuizAttempt.score),
                       func.max(QuizAttempt.passed))
                .where(QuizAttempt.profile_id == profile_id,
                       QuizAttempt.course_id == course_id,
                       QuizAttempt.state == "finished")
                .group_by(QuizAttempt.quiz_id))
        ]
    return progress, quizzes


def record_course_completion(factory: SessionFactory, profile_id: str,
                             summary: CourseSummary) -> bool:
    """The course-level "completed" statement, once per learner and course, when it is done.

    Returns True if it was recorded now.
    """
    if not summary.complete:
        return False
    from sqlalchemy import func, select

    from stepcampus.progress import xapi
    from stepcampus.store.database import write_session
    from stepcampus.store.models import OutboxStatement, Profile, utcnow

    object_id = xapi.course_iri(summary.course_id)
    with write_session(factory) as session:
        profile = session.get(Profile, profile_id)
        if profile is None:
            return False
        done_before = session.scalar(select(func.count()).select_from(OutboxStatement).where(
            OutboxStatement.profile_id == profile_id,
            OutboxStatement.statement.like(f'%"verb":{{"id":"{xapi.VERB_BASE}completed"%'),
            OutboxStatement.statement.like(
                f'%"object":{{"objectType":"Activity","id":"{object_id}"%')))
        if done_before:
            return False
        now = utcnow()
        statement = xapi.statement(
            xapi.agent(profile.id, profile.name), "completed", object_id, summary.title,
            timestamp=now,
            result=xapi.result(scaled=summary.score, success=True, completion=True))
        session.add(OutboxStatement(id=statement["id"], profile_id=profile_id,
                                    statement=json.dumps(statement, ensure_ascii=False,
                                                         separators=(",", ":")),
                                    created_at=now))
    return True
