"""Learners' questions about webinars and their answers; used by the API and `stepcampus admin`.

A question keeps the id its desktop gave it, so a batch sent again (the acknowledgement lost on a
cut connection) stores nothing twice. The rules for a question's fields are the desktop's own
(stepcampus.webinar.questions): what a desktop queues, the server accepts.

Every function works inside the caller's session and raises Refused (with an HTTP status and a
message naming the field) before changing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from stepcampus.progress.xapi import format_timestamp, parse_timestamp
from stepcampus.server.accounts import Principal
from stepcampus.server.models import Account, Question
from stepcampus.server.problems import Refused, bad_request, forbidden, not_found
from stepcampus.store.models import utcnow
from stepcampus.webinar.questions import QUESTION_ID, TEXT_MAX, id_problem, text_problem

MAX_BATCH = 100
ANSWER_MAX = 20_000
ANSWERERS = ("facilitator", "admin")
_FIELDS = frozenset({"id", "series", "session", "text", "asked"})


@dataclass(frozen=True)
class Incoming:
    id: str
    series_id: str
    session_id: str | None
    text: str
    asked_at: datetime

    def same_question(self, row: Question) -> bool:
        return (row.series_id, row.session_id, row.text) == (
            self.series_id, self.session_id, self.text)


def parse_batch(data: Any) -> list[Incoming]:
    """The questions of a `POST /api/questions` body; 400 naming the first bad field."""
    if not isinstance(data, dict) or set(data) != {"questions"}:
        raise bad_request('the body must be {"questions": [...]}')
    listed = data["questions"]
    if not isinstance(listed, list) or not 1 <= len(listed) <= MAX_BATCH:
        raise bad_request(f"questions must be a list of 1 to {MAX_BATCH} questions")
    batch: dict[str, Incoming] = {}
    for index, item in enumerate(listed):
        incoming = _parse_one(item, f"questions[{index}]")
        seen = batch.get(incoming.id)
        if seen is not None and seen != incoming:
            raise bad_request(f"questions[{index}]: id {incoming.id} appears twice in the batch "
                              "with different content")
        batch.setdefault(incoming.id, incoming)
    return list(batch.values())


def _parse_one(item: Any, where: str) -> Incoming:
    if not isinstance(item, dict):
        raise bad_request(f"{where} is not a JSON object")
    unknown = sorted(str(key) for key in item if key not in _FIELDS)
    if unknown:
        raise bad_request(f"{where}: unknown field {', '.join(unknown)} (a question has "
                          "id, series, session, text and asked)")
    missing = [key for key in ("id", "series", "text", "asked") if key not in item]
    if missing:
        raise bad_request(f"{where}.{missing[0]} is missing")
    question_id = item["id"]
    if not isinstance(question_id, str) or not QUESTION_ID.match(question_id.lower()):
        raise bad_request(f"{where}.id must be 32 hexadecimal digits (a UUID without dashes)")
    why = id_problem(item["series"])
    if why:
        raise bad_request(f"{where}.series {why}")
    session_id = item.get("session")
    why = id_problem(session_id) if session_id is not None else None
    if why:
        raise bad_request(f"{where}.session {why} (or null for the whole series)")
    why = text_problem(item["text"], TEXT_MAX)
    if why:
        raise bad_request(f"{where}.text {why}")
    asked = parse_timestamp(item["asked"])
    if asked is None:
        raise bad_request(f"{where}.asked is not an ISO 8601 time with a time zone")
    return Incoming(question_id.lower(), item["series"], session_id, item["text"].strip(),
                    asked)


def submit(session: Session, who: Principal, batch: list[Incoming]) -> list[str]:
    """Store the new questions of the batch; those already here from the same account with the
    same content are accepted as they are. 409 naming the id for any other clash."""
    existing = {row.id: row for row in session.scalars(
        select(Question).where(Question.id.in_([q.id for q in batch])))}
    now = utcnow()
    for incoming in batch:
        row = existing.get(incoming.id)
        if row is None:
            continue
        if row.account_id != who.id:
            raise Refused(409, f"question {incoming.id} was sent by another account")
        if not incoming.same_question(row):
            raise Refused(409, f"question {incoming.id} is already stored with other content")
    session.add_all(Question(id=q.id, account_id=who.id, series_id=q.series_id,
                             session_id=q.session_id, text=q.text, asked_at=q.asked_at,
                             received_at=now)
                    for q in batch if q.id not in existing)
    session.flush()
    return [q.id for q in batch]


def listing(session: Session, *, account_id: int | None = None,
            unanswered: bool = False) -> list[dict[str, Any]]:
    """Questions as the API shows them: of one account (oldest first), or of everyone;
    unanswered ones oldest received first, as a queue to work through."""
    asker, answerer = aliased(Account), aliased(Account)
    query = (select(Question, asker, answerer)
             .join(asker, asker.id == Question.account_id)
             .outerjoin(answerer, answerer.id == Question.answered_by_id))
    if account_id is not None:
        query = query.where(Question.account_id == account_id)
    if unanswered:
        query = query.where(Question.answered_at.is_(None))
        query = query.order_by(Question.received_at, Question.asked_at, Question.id)
    else:
        query = query.order_by(Question.asked_at, Question.id)
    return [as_json(q, a, b) for q, a, b in session.execute(query)]


def find(session: Session, question_id: str) -> Question:
    row = session.get(Question, question_id.lower()) if isinstance(question_id, str) else None
    if row is None:
        raise not_found(f"no question {question_id}")
    return row


def check_answerer(who: Principal) -> None:
    if who.role not in ANSWERERS:
        raise forbidden(f"{who.username} is a {who.role}; only facilitators and admins "
                        "answer questions")


def answer(session: Session, question_id: str, who: Principal, text: Any) -> dict[str, Any]:
    """Answer a question, replacing an earlier answer (which the learner then sees as new).

    The same text again changes nothing: a double submit does not notify the learner twice.
    """
    check_answerer(who)
    why = text_problem(text, ANSWER_MAX)
    if why:
        raise bad_request(f"answer {why}")
    row = find(session, question_id)
    if row.answer != text.strip():
        row.answer = text.strip()
        row.answered_by_id = who.id
        row.answered_at = utcnow()
        session.flush()
    asker = session.get(Account, row.account_id)
    answerer = session.get(Account, row.answered_by_id) if row.answered_by_id else None
    assert asker is not None  # the foreign key guarantees it
    return as_json(row, asker, answerer)


def _person(account: Account | None) -> dict[str, str] | None:
    return {"username": account.username, "name": account.display_name} if account else None


def as_json(row: Question, asker: Account, answerer: Account | None) -> dict[str, Any]:
    return {
        "id": row.id, "series": row.series_id, "session": row.session_id, "text": row.text,
        "asked": format_timestamp(row.asked_at), "received": format_timestamp(row.received_at),
        "asked_by": _person(asker),
        "answer": row.answer,
        "answered": format_timestamp(row.answered_at) if row.answered_at else None,
        "answered_by": _person(answerer),
    }
