"""What a learner does, kept locally.

Each action commits its state change and its xAPI statement in the same transaction before it
returns, so the outbox never misses a record nor holds one for a change that was rolled back.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from stepcampus.errors import InputError, Problem, StepCampusError
from stepcampus.progress import xapi
from stepcampus.store.database import SessionFactory, write_session
from stepcampus.store.models import (
    ROLES,
    Bookmark,
    InstalledCourse,
    ModuleProgress,
    OutboxStatement,
    Profile,
    QuizAnswer,
    QuizAttempt,
    utcnow,
)

if TYPE_CHECKING:
    from stepcampus.progress.summary import CourseSummary

NAME_MAX = 80
# scrypt cost: ~50 ms and 16 MB per check. A short PIN only keeps other people on a shared
# computer out of a profile; it cannot resist someone who copies the database file.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_ID_CHUNK = 500


# Profiles ------------------------------------------------------------------------------------


def create_profile(factory: SessionFactory, name: str, pin: str | None = None,
                   role: str = "learner") -> Profile:
    """A new profile; an empty pin means none. InputError for an empty or taken name, an
    unknown role, or a facilitator without a PIN."""
    name = name.strip()
    if not name:
        raise InputError(Problem("profile", None, "the name is empty", "type a name"))
    if len(name) > NAME_MAX:
        raise InputError(Problem("profile", None, f"the name is longer than {NAME_MAX} letters"))
    _check_role(role, has_pin=bool(pin))
    with write_session(factory) as session:
        # Case-insensitive: "Ana" and "ana" would be indistinguishable in the profile picker.
        taken = {n.casefold() for n in session.scalars(select(Profile.name))}
        if name.casefold() in taken:
            raise InputError(
                Problem("profile", None, f"a profile named {name!r} exists", "choose another name")
            )
        profile = Profile(name=name, pin_hash=_hash_pin(pin) if pin else None, role=role)
        session.add(profile)
    return profile


def set_role(factory: SessionFactory, profile_id: str, role: str,
             pin: str | None = None) -> Profile:
    """Make a profile a facilitator or a learner again; a given pin becomes its PIN.

    A facilitator needs a PIN: the profile's own, or pin. A learner again keeps the PIN.
    """
    with write_session(factory) as session:
        profile = _profile(session, profile_id)
        _check_role(role, has_pin=bool(pin) or profile.pin_hash is not None)
        if pin:
            profile.pin_hash = _hash_pin(pin)
        profile.role = role
    return profile


def _check_role(role: str, has_pin: bool) -> None:
    if role not in ROLES:
        raise InputError(Problem("role", None, f"unknown role {role!r}",
                                 f"use one of {', '.join(ROLES)}"))
    if role == "facilitator" and not has_pin:
        # Facilitator mode shows notes learners must not see: never open to a click.
        raise InputError(Problem("pin", None, "a facilitator profile needs a PIN",
                                 "choose a PIN of 4 or more digits"))


def list_profiles(factory: SessionFactory) -> list[Profile]:
    with factory() as session:
        return list(session.scalars(select(Profile).order_by(func.lower(Profile.name))))


def check_pin(profile: Profile, pin: str | None) -> bool:
    """Whether pin opens the profile; a profile without a PIN opens with anything."""
    if profile.pin_hash is None:
        return True
    if not pin:
        return False
    _, n, r, p, salt, digest = profile.pin_hash.split("$")
    expected = base64.b64decode(digest)
    actual = hashlib.scrypt(
        pin.encode(),
        salt=base64.b64decode(salt),
        n=int(n),
        r=int(r),
        p=int(p),
        dklen=len(expected),
    )
    return hmac.compare_digest(actual, expected)


def delete_profile(factory: SessionFactory, profile_id: str) -> bool:
    """Delete a profile with its progress, bookmarks and attempts; False if there was none.

    Statements already in the outbox stay until sent: they record learning that happened.
    """
    with write_session(factory) as session:
        profile = session.get(Profile, profile_id)
        if profile is None:
            return False
        session.delete(profile)  # the database cascades to the profile's rows
    return True


def _hash_pin(pin: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    parts = [str(_SCRYPT_N), str(_SCRYPT_R), str(_SCRYPT_P), _b64(salt), _b64(digest)]
    return "$".join(["scrypt", *parts])


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# Reading -------------------------------------------------------------------------------------


def record_launch(factory: SessionFactory, profile_id: str, course_id: str) -> None:
    """The learner opened a course."""
    with write_session(factory) as session:
        profile = _profile(session, profile_id)
        course = session.get(InstalledCourse, course_id)
        _record(
            session,
            profile,
            "launched",
            xapi.course_iri(course_id),
            course.title if course else None,
            at=utcnow(),
        )


def record_progress(
    factory: SessionFactory,
    profile_id: str,
    course_id: str,
    module_id: str,
    position: str | None,
    percent: int,
) -> ModuleProgress:
    """Where the learner is in a module. The percent never goes down.

    A progressed statement is written only when the percent rises: scrolling back and forth
    moves the position, which is local, and would otherwise flood the outbox.
    """
    _check_percent(percent)
    now = utcnow()
    with write_session(factory) as session:
        profile = _profile(session, profile_id)
        row = _progress_row(session, profile_id, course_id, module_id)
        if position is not None:
            row.position = position
        row.updated_at = now
        if percent > row.percent:
            row.percent = percent
            _record(
                session,
                profile,
                "progressed",
                xapi.module_iri(course_id, module_id),
                result=xapi.result(progress=percent),
                context_parent=xapi.course_iri(course_id),
                at=now,
            )
        else:
            profile.last_used_at = now
    return row


def complete_module(
    factory: SessionFactory, profile_id: str, course_id: str, module_id: str
) -> ModuleProgress:
    """Mark a module read to the end; calling it again changes nothing and records nothing."""
    now = utcnow()
    with write_session(factory) as session:
        profile = _profile(session, profile_id)
        row = _progress_row(session, profile_id, course_id, module_id)
        if row.completed_at is None:
            row.completed_at = now
            row.percent = 100
            row.updated_at = now
            _record(
                session,
                profile,
                "completed",
                xapi.module_iri(course_id, module_id),
                result=xapi.result(completion=True),
                context_parent=xapi.course_iri(course_id),
                at=now,
            )
    return row


def course_progress(
    factory: SessionFactory, profile_id: str, course_id: str
) -> list[ModuleProgress]:
    """The learner's progress rows for a course, for resuming and ticking modules off."""
    with factory() as session:
        query = select(ModuleProgress).where(
            ModuleProgress.profile_id == profile_id, ModuleProgress.course_id == course_id
        )
        return list(session.scalars(query.order_by(ModuleProgress.module_id)))


def _progress_row(
    session: Session, profile_id: str, course_id: str, module_id: str
) -> ModuleProgress:
    row = session.scalar(
        select(ModuleProgress).where(
            ModuleProgress.profile_id == profile_id,
            ModuleProgress.course_id == course_id,
            ModuleProgress.module_id == module_id,
        )
    )
    if row is None:
        row = ModuleProgress(
            profile_id=profile_id, course_id=course_id, module_id=module_id, percent=0
        )
        session.add(row)
    return row


def _check_percent(percent: int) -> None:
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise ValueError(f"percent must be an integer within 0..100, not {percent!r}")


# Quizzes -------------------------------------------------------------------------------------


def start_attempt(factory: SessionFactory, profile_id: str, course_id: str, quiz_id: str) -> str:
    """The id of the learner's attempt at a quiz: the one in progress if any (resume), else new."""
    with write_session(factory) as session:
        profile = _profile(session, profile_id)
        current = session.scalar(
            select(QuizAttempt.id).where(
                QuizAttempt.profile_id == profile_id,
                QuizAttempt.course_id == course_id,
                QuizAttempt.quiz_id == quiz_id,
                QuizAttempt.state == "in_progress",
            )
        )
        if current is not None:
            return current
        now = utcnow()
        attempt = QuizAttempt(
            profile_id=profile_id, course_id=course_id, quiz_id=quiz_id, started_at=now
        )
        session.add(attempt)
        session.flush()  # assigns the id the statement refers to
        _record(
            session,
            profile,
            "attempted",
            xapi.quiz_iri(course_id, quiz_id),
            context_parent=xapi.course_iri(course_id),
            registration=attempt.id,
            at=now,
        )
        return attempt.id


def save_answer(
    factory: SessionFactory,
    attempt_id: str,
    question_index: int,
    response: Any,
    fraction: float | None,
) -> QuizAnswer:
    """Keep the answer to one question (replacing an earlier one); fraction is its credit 0..1.

    response is anything JSON can hold; fraction None means not (yet) marked.
    """
    if question_index < 0:
        raise ValueError(f"question index must be 0 or more, not {question_index}")
    if fraction is not None and not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be within 0..1, not {fraction}")
    now = utcnow()
    with write_session(factory) as session:
        attempt = _open_attempt(session, attempt_id)
        profile = _profile(session, attempt.profile_id)
        answer = session.scalar(
            select(QuizAnswer).where(
                QuizAnswer.attempt_id == attempt_id, QuizAnswer.question_index == question_index
            )
        )
        if answer is None:
            answer = QuizAnswer(attempt_id=attempt_id, question_index=question_index)
            session.add(answer)
        answer.response = json.dumps(response, ensure_ascii=False)
        answer.fraction = fraction
        answer.answered_at = now
        _record(
            session,
            profile,
            "answered",
            xapi.question_iri(attempt.course_id, attempt.quiz_id, question_index),
            result=xapi.result(response=_response_text(response), scaled=fraction),
            context_parent=xapi.quiz_iri(attempt.course_id, attempt.quiz_id),
            context_grouping=xapi.course_iri(attempt.course_id),
            registration=attempt.id,
            at=now,
        )
    return answer


def finish_attempt(
    factory: SessionFactory, attempt_id: str, score: float, pass_mark_percent: float
) -> QuizAttempt:
    """Close an attempt with its score (0..1): passed if score reaches the pass mark.

    Finishing an attempt already finished returns it unchanged (a double click records once).
    """
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"score must be within 0..1, not {score}")
    now = utcnow()
    with write_session(factory) as session:
        attempt = _attempt(session, attempt_id)
        if attempt.state == "finished":
            return attempt
        profile = _profile(session, attempt.profile_id)
        # Rounded so that 0.7 of the questions reaches a 70 % mark despite binary floats.
        passed = round(score * 100, 6) >= pass_mark_percent
        attempt.score = score
        attempt.passed = passed
        attempt.finished_at = now
        attempt.state = "finished"
        _record(
            session,
            profile,
            "passed" if passed else "failed",
            xapi.quiz_iri(attempt.course_id, attempt.quiz_id),
            result=xapi.result(scaled=score, success=passed, completion=True),
            context_parent=xapi.course_iri(attempt.course_id),
            registration=attempt.id,
            at=now,
        )
    return attempt


def attempt_answers(factory: SessionFactory, attempt_id: str) -> dict[int, Any]:
    """The answers saved so far in an attempt, by question index, as given to save_answer."""
    with factory() as session:
        rows = session.execute(
            select(QuizAnswer.question_index, QuizAnswer.response).where(
                QuizAnswer.attempt_id == attempt_id
            )
        )
        return {index: json.loads(response) for index, response in rows}


def best_score(
    factory: SessionFactory, profile_id: str, course_id: str, quiz_id: str
) -> float | None:
    """The best score (0..1) of the learner's finished attempts at a quiz, None if none."""
    with factory() as session:
        return session.scalar(
            select(func.max(QuizAttempt.score)).where(
                QuizAttempt.profile_id == profile_id,
                QuizAttempt.course_id == course_id,
                QuizAttempt.quiz_id == quiz_id,
                QuizAttempt.state == "finished",
            )
        )


def _attempt(session: Session, attempt_id: str) -> QuizAttempt:
    attempt = session.get(QuizAttempt, attempt_id)
    if attempt is None:
        raise StepCampusError(f"no quiz attempt {attempt_id}")
    return attempt


def _open_attempt(session: Session, attempt_id: str) -> QuizAttempt:
    attempt = _attempt(session, attempt_id)
    if attempt.state != "in_progress":
        raise StepCampusError(f"quiz attempt {attempt_id} is finished; its answers are final")
    return attempt


def _response_text(response: Any) -> str:
    # xAPI wants a string; free text goes as is, anything else (choices, pairs) as JSON.
    if isinstance(response, str):
        return response
    return json.dumps(response, ensure_ascii=False, separators=(",", ":"))


def list_attempts(
    factory: SessionFactory, profile_id: str, course_id: str, quiz_id: str
) -> list[QuizAttempt]:
    """The learner's attempts at a quiz, finished and in progress, newest first."""
    with factory() as session:
        query = select(QuizAttempt).where(
            QuizAttempt.profile_id == profile_id,
            QuizAttempt.course_id == course_id,
            QuizAttempt.quiz_id == quiz_id,
        )
        # rowid breaks ties between attempts started within the same microsecond.
        order = (QuizAttempt.started_at.desc(), text("quiz_attempts.rowid DESC"))
        return list(session.scalars(query.order_by(*order)))


def record_course_completion(factory: SessionFactory, profile_id: str,
                             summary: CourseSummary) -> bool:
    """The course-level "completed" statement, once per learner and course, when it is done.

    Returns True if it was recorded now. The outbox keeps sent statements, so it also tells
    whether this one was ever made.
    """
    if not summary.complete:
        return False
    object_id = xapi.course_iri(summary.course_id)
    with write_session(factory) as session:
        profile = _profile(session, profile_id)
        done_before = session.scalar(select(func.count()).select_from(OutboxStatement).where(
            OutboxStatement.profile_id == profile_id,
            OutboxStatement.statement.like(f'%"verb":{{"id":"{xapi.VERB_BASE}completed"%'),
            OutboxStatement.statement.like(
                f'%"object":{{"objectType":"Activity","id":"{object_id}"%')))
        if done_before:
            return False
        _record(session, profile, "completed", object_id, summary.title, at=utcnow(),
                result=xapi.result(scaled=summary.score, success=True, completion=True))
    return True


# Bookmarks -----------------------------------------------------------------------------------


def add_bookmark(
    factory: SessionFactory,
    profile_id: str,
    course_id: str,
    module_id: str,
    anchor: str,
    note: str = "",
) -> Bookmark:
    with write_session(factory) as session:
        _profile(session, profile_id)
        bookmark = Bookmark(
            profile_id=profile_id,
            course_id=course_id,
            module_id=module_id,
            anchor=anchor,
            note=note,
        )
        session.add(bookmark)
    return bookmark


def list_bookmarks(
    factory: SessionFactory, profile_id: str, course_id: str | None = None
) -> list[Bookmark]:
    """The learner's bookmarks, oldest first; of one course if course_id is given."""
    with factory() as session:
        query = select(Bookmark).where(Bookmark.profile_id == profile_id)
        if course_id is not None:
            query = query.where(Bookmark.course_id == course_id)
        return list(session.scalars(query.order_by(Bookmark.created_at, Bookmark.id)))


def delete_bookmark(factory: SessionFactory, bookmark_id: int) -> bool:
    with write_session(factory) as session:
        bookmark = session.get(Bookmark, bookmark_id)
        if bookmark is None:
            return False
        session.delete(bookmark)
    return True


# Outbox --------------------------------------------------------------------------------------


def pending_statements(factory: SessionFactory, limit: int = 100) -> list[dict[str, Any]]:
    """The oldest statements not yet acknowledged by the LRS, in the order they were made."""
    with factory() as session:
        query = (
            select(OutboxStatement.statement)
            .where(OutboxStatement.sent_at.is_(None))
            .order_by(OutboxStatement.created_at, text("rowid"))
            .limit(limit)
        )
        return [json.loads(row) for row in session.scalars(query)]


def mark_sent(factory: SessionFactory, ids: Iterable[str]) -> int:
    """Record that the LRS acknowledged these statements; returns how many were pending."""
    ids = list(ids)
    now = utcnow()
    marked = 0
    with write_session(factory) as session:
        # In chunks: SQLite limits the number of bound parameters in one statement.
        for start in range(0, len(ids), _ID_CHUNK):
            outcome = session.execute(
                update(OutboxStatement)
                .where(
                    OutboxStatement.id.in_(ids[start : start + _ID_CHUNK]),
                    OutboxStatement.sent_at.is_(None),
                )
                .values(sent_at=now)
            )
            marked += outcome.rowcount
    return marked


# Shared --------------------------------------------------------------------------------------


def _profile(session: Session, profile_id: str) -> Profile:
    profile = session.get(Profile, profile_id)
    if profile is None:
        raise StepCampusError(f"no learner profile {profile_id}")
    return profile


def _record(
    session: Session,
    profile: Profile,
    verb: str,
    object_id: str,
    object_name: str | None = None,
    *,
    at: datetime,
    **context: Any,
) -> dict[str, Any]:
    """Put a statement in the outbox, within the caller's transaction."""
    statement = xapi.statement(
        xapi.agent(profile.id, profile.name), verb, object_id, object_name, timestamp=at, **context
    )
    session.add(
        OutboxStatement(
            id=statement["id"],
            profile_id=profile.id,
            statement=json.dumps(statement, ensure_ascii=False, separators=(",", ":")),
            created_at=at,
        )
    )
    profile.last_used_at = at
    return statement
