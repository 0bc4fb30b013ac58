"""Questions a learner asks about a webinar: kept here first, sent to the campus server by sync,
and their answers, fetched by a later sync, shown as new until the learner has seen them.

Asking commits the question and its xAPI "asked" statement in one transaction. The question's
id goes to the server with it, so sending it again after a cut connection stores it once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select, text, update

from stepcampus.errors import InputError, Problem
from stepcampus.progress import xapi
from stepcampus.progress.activity import _profile, _record
from stepcampus.store.database import SessionFactory, write_session
from stepcampus.store.models import AskedQuestion, utcnow

TEXT_MAX = 2000
ID_MAX = 100  # a series or session id, as the learner store keeps it
ANSWERED_BY_MAX = 200
QUESTION_ID = re.compile(r"^[0-9a-f]{32}$")
_ID_CHUNK = 500


# Rules shared with the campus server: a question this side accepts, the server accepts too,
# or it would stay queued for ever.


def text_problem(value: object, limit: int = TEXT_MAX) -> str | None:
    """Why value cannot be a question (or answer) text once stripped, or None if it can."""
    if not isinstance(value, str):
        return "is not a text"
    value = value.strip()
    if not value:
        return "is empty"
    if len(value) > limit:
        return f"is longer than {limit} characters ({len(value)})"
    return _unstorable(value)


def id_problem(value: object) -> str | None:
    """Why value cannot be a series or session id, or None if it can."""
    if not isinstance(value, str) or not value:
        return "is not a non-empty text"
    if len(value) > ID_MAX:
        return f"is longer than {ID_MAX} characters"
    return _unstorable(value)


def _unstorable(value: str) -> str | None:
    # PostgreSQL keeps no NUL in text, and a lone surrogate is no UTF-8 at all.
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode text"
    return None


def session_activity(series_id: str, session_id: str | None) -> str:
    """The activity a question is about: the session, a module of its series (the same IRI its
    progress statements use), or the series itself."""
    if session_id is None:
        return xapi.course_iri(series_id)
    return xapi.module_iri(series_id, session_id)


# Asking ----------------------------------------------------------------------------------------


def ask_question(factory: SessionFactory, profile_id: str, series_id: str,
                 session_id: str | None, text: str) -> AskedQuestion:
    """Keep a new question (text stripped, 1..2000 characters) until sync sends it.

    InputError naming the field for bad input; nothing is kept then.
    """
    problems = []
    why = text_problem(text)
    if why:
        hint = "shorten it" if why.startswith("is longer") else "type your question"
        problems.append(Problem("text", None, f"the question {why}", hint))
    why = id_problem(series_id)
    if why:
        problems.append(Problem("series", None, f"the series id {why}"))
    why = id_problem(session_id) if session_id is not None else None
    if why:
        problems.append(Problem("session", None, f"the session id {why}"))
    if problems:
        raise InputError(problems)
    question_text = text.strip()
    now = utcnow()
    with write_session(factory) as session:
        profile = _profile(session, profile_id)
        question = AskedQuestion(profile_id=profile_id, series_id=series_id,
                                 session_id=session_id, text=question_text, asked_at=now)
        session.add(question)
        _record(session, profile, "asked", session_activity(series_id, session_id), at=now,
                result=xapi.result(response=question_text),
                context_parent=xapi.course_iri(series_id) if session_id is not None else None)
    return question


# Reading ---------------------------------------------------------------------------------------


def list_questions(factory: SessionFactory, profile_id: str, series_id: str | None = None,
                   session_id: str | None = None) -> list[AskedQuestion]:
    """The learner's questions, newest first; of one series, or one session of it, if given."""
    query = select(AskedQuestion).where(AskedQuestion.profile_id == profile_id)
    if series_id is not None:
        query = query.where(AskedQuestion.series_id == series_id)
    if session_id is not None:
        query = query.where(AskedQuestion.session_id == session_id)
    # rowid breaks ties between questions asked within the same microsecond.
    order = (AskedQuestion.asked_at.desc(), text("asked_questions.rowid DESC"))
    with factory() as session:
        return list(session.scalars(query.order_by(*order)))


def unsent_questions(factory: SessionFactory, profile_id: str,
                     limit: int | None = None) -> list[AskedQuestion]:
    """The learner's questions the campus server has not acknowledged, oldest first."""
    query = (select(AskedQuestion)
             .where(AskedQuestion.profile_id == profile_id, AskedQuestion.sent_at.is_(None))
             .order_by(AskedQuestion.asked_at, text("asked_questions.rowid")))
    if limit is not None:
        query = query.limit(limit)
    with factory() as session:
        return list(session.scalars(query))


def unsent_count(factory: SessionFactory, profile_id: str) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(AskedQuestion).where(
            AskedQuestion.profile_id == profile_id, AskedQuestion.sent_at.is_(None))) or 0)


def new_answer_count(factory: SessionFactory, profile_id: str) -> int:
    """How many of the learner's questions have an answer not seen yet."""
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(AskedQuestion).where(
            AskedQuestion.profile_id == profile_id, AskedQuestion.answer.is_not(None),
            AskedQuestion.answer_seen_at.is_(None))) or 0)


# Sync's side -----------------------------------------------------------------------------------


def mark_sent(factory: SessionFactory, ids: Iterable[str]) -> int:
    """Record that the campus server acknowledged these questions; how many were unsent."""
    ids = list(ids)
    now = utcnow()
    marked = 0
    with write_session(factory) as session:
        for start in range(0, len(ids), _ID_CHUNK):  # SQLite's bound-parameter limit
            outcome = session.execute(
                update(AskedQuestion)
                .where(AskedQuestion.id.in_(ids[start:start + _ID_CHUNK]),
                       AskedQuestion.sent_at.is_(None))
                .values(sent_at=now))
            marked += outcome.rowcount
    return marked


def merge_answers(factory: SessionFactory, profile_id: str,
                  answers: Iterable[Mapping[str, Any]]) -> int:
    """Fold the campus server's list of the account's questions into the store; returns how
    many answers are new or changed, each then shown as new until seen.

    Entries are in the server's form (`GET /api/questions`). A question the server holds is
    sent, whatever this computer last knew; one asked on another computer with the same
    account is added here. Entries this program cannot use are skipped, so a server answer
    never stops the rest from merging.
    """
    entries = [entry for entry in (_remote(item) for item in answers) if entry is not None]
    if not entries:
        return 0
    now = utcnow()
    changed = 0
    with write_session(factory) as session:
        _profile(session, profile_id)
        ids = [entry["id"] for entry in entries]
        known: dict[str, AskedQuestion] = {}
        for start in range(0, len(ids), _ID_CHUNK):
            known.update((q.id, q) for q in session.scalars(select(AskedQuestion).where(
                AskedQuestion.id.in_(ids[start:start + _ID_CHUNK]))))
        for entry in entries:
            question = known.get(entry["id"])
            if question is None:
                question = AskedQuestion(
                    id=entry["id"], profile_id=profile_id, series_id=entry["series"],
                    session_id=entry["session"], text=entry["text"], asked_at=entry["asked"],
                    sent_at=now)
                session.add(question)
                known[question.id] = question
            elif question.profile_id != profile_id:
                continue  # another profile's question on this computer: not this account's
            if question.sent_at is None:
                question.sent_at = now  # stored before the acknowledgement got lost
            answer = entry["answer"]
            if answer is None:
                continue  # the server never takes an answer back; keep what is here
            if (answer, entry["answered_at"]) != (question.answer, question.answered_at):
                question.answer = answer
                question.answered_by = entry["answered_by"]
                question.answered_at = entry["answered_at"]
                question.answer_seen_at = None
                changed += 1
    return changed


def mark_answers_seen(factory: SessionFactory, profile_id: str, ids: Iterable[str]) -> int:
    """The learner has read these answers; how many were new."""
    ids = list(ids)
    now = utcnow()
    marked = 0
    with write_session(factory) as session:
        for start in range(0, len(ids), _ID_CHUNK):
            outcome = session.execute(
                update(AskedQuestion)
                .where(AskedQuestion.id.in_(ids[start:start + _ID_CHUNK]),
                       AskedQuestion.profile_id == profile_id,
                       AskedQuestion.answer.is_not(None),
                       AskedQuestion.answer_seen_at.is_(None))
                .values(answer_seen_at=now))
            marked += outcome.rowcount
    return marked


def wire_form(question: AskedQuestion) -> dict[str, Any]:
    """The question as `POST /api/questions` takes it; the same bytes every time it is sent."""
    return {"id": question.id, "series": question.series_id, "session": question.session_id,
            "text": question.text, "asked": xapi.format_timestamp(question.asked_at)}


def _remote(item: Any) -> dict[str, Any] | None:
    """A server entry checked and parsed, or None when it cannot be used."""
    if not isinstance(item, Mapping):
        return None
    question_id, session_id = item.get("id"), item.get("session")
    if not isinstance(question_id, str) or not QUESTION_ID.match(question_id):
        return None
    if id_problem(item.get("series")) or (session_id is not None and id_problem(session_id)):
        return None
    asked = xapi.parse_timestamp(item.get("asked"))
    if text_problem(item.get("text")) or asked is None:
        return None
    answer, answered_at = item.get("answer"), xapi.parse_timestamp(item.get("answered"))
    if answer is not None and (text_problem(answer, limit=10**6) or answered_at is None):
        answer = answered_at = None
    by = item.get("answered_by")
    name = by.get("name") if isinstance(by, Mapping) else None
    if not isinstance(name, str) or not name.strip():
        name = by.get("username") if isinstance(by, Mapping) else None
    return {"id": question_id, "series": item["series"], "session": session_id,
            "text": str(item["text"]).strip(), "asked": asked,
            "answer": answer.strip() if isinstance(answer, str) else None,
            "answered_at": answered_at,
            "answered_by": name.strip()[:ANSWERED_BY_MAX] if isinstance(name, str) else None}

