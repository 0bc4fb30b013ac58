"""Fold statements pulled from the LRS into the local store, without queueing any.

Every rule only ever moves toward "more done" (highest percent, earliest completion, attempts
added, never removed), so merging the same statements twice changes nothing the second time.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stepcampus.progress import xapi
from stepcampus.store.models import (
    ModuleProgress,
    OutboxStatement,
    Profile,
    QuizAttempt,
    SyncLinkRecord,
    utcnow,
)

_ACTIVITY = re.compile(r"^urn:stepcampus:course:([^:]+)(?::(module|quiz):([^:]+))?$")
_CHUNK = 500


@dataclass
class MergeResult:
    received: int = 0  # statements made on other computers (not in this outbox)
    merged: Counter[str] = field(default_factory=Counter)


def merge_page(session: Session, profile_id: str, statements: list[dict[str, Any]],
               cursor: str | None, result: MergeResult) -> None:
    """Apply one page of pulled statements and move the pull cursor, in the caller's transaction.

    Cursor and changes commit together: an interrupted pull resumes after the last whole page.
    """
    ids = [s.get("id") for s in statements if isinstance(s.get("id"), str)]
    own: set[str] = set()
    for start in range(0, len(ids), _CHUNK):
        own.update(session.scalars(select(OutboxStatement.id).where(
            OutboxStatement.id.in_(ids[start:start + _CHUNK]))))
    for statement in statements:
        statement_id = statement.get("id")
        if statement_id in own:
            continue  # made here, or merged before: the local store already holds its effect
        result.received += 1
        kind = _apply(session, profile_id, statement)
        if kind:
            result.merged[kind] += 1
        session.flush()
        _keep_as_sent(session, profile_id, statement_id, statement)
    if cursor is not None:
        link = session.get(SyncLinkRecord, profile_id)
        if link is not None:
            link.pull_cursor = cursor


def page_cursor(statements: list[dict[str, Any]], consistent_through: str | None,
                previous: str | None) -> str | None:
    """Where the next pull starts: the latest `stored` seen, but not past the time up to which
    the LRS says its answers are complete (a statement still being stored may land earlier)."""
    best, best_text = xapi.parse_timestamp(previous), previous
    for statement in statements:
        moment = xapi.parse_timestamp(statement.get("stored"))
        if moment is not None and (best is None or moment > best):
            best, best_text = moment, statement["stored"]
    through = xapi.parse_timestamp(consistent_through)
    if best is not None and through is not None and through < best:
        previous_moment = xapi.parse_timestamp(previous)
        if previous_moment is None or through > previous_moment:
            return consistent_through
        return previous
    return best_text


def _keep_as_sent(session: Session, profile_id: str, statement_id: Any,
                  statement: dict[str, Any]) -> None:
    """Keep a merged statement in the outbox as already sent, so a pull that reads it again
    (the server vouches only for what is a few seconds old) knows it and counts it once."""
    if not isinstance(statement_id, str) or len(statement_id) > 36 \
            or session.get(OutboxStatement, statement_id) is not None:
        return
    now = utcnow()
    session.add(OutboxStatement(id=statement_id, profile_id=profile_id, created_at=now,
                                sent_at=now, statement=json.dumps(
                                    statement, ensure_ascii=False, separators=(",", ":"))))


def _apply(session: Session, profile_id: str, statement: dict[str, Any]) -> str | None:
    """The kind of local record this statement changed, if any. Statements this program does
    not make (other tools may write for the same learner) are ignored."""
    verb = statement.get("verb")
    obj = statement.get("object")
    if not isinstance(verb, dict) or not isinstance(obj, dict):
        return None
    verb_id = verb.get("id")
    match = _ACTIVITY.match(obj.get("id") or "") if isinstance(obj.get("id"), str) else None
    if not isinstance(verb_id, str) or not verb_id.startswith(xapi.VERB_BASE) or not match:
        return None
    name = verb_id[len(xapi.VERB_BASE):]
    course_id = unquote(match.group(1))
    part, item = match.group(2), unquote(match.group(3)) if match.group(3) else None
    at = (xapi.parse_timestamp(statement.get("timestamp"))
          or xapi.parse_timestamp(statement.get("stored")))
    result = statement.get("result") if isinstance(statement.get("result"), dict) else {}
    if at is None or len(course_id) > 100 or (item is not None and len(item) > 100):
        return None
    if part == "module" and item and name == "progressed":
        extensions = result.get("extensions")
        percent = extensions.get(xapi.PROGRESS_EXTENSION) if isinstance(extensions, dict) else None
        if isinstance(percent, int) and not isinstance(percent, bool) and 0 <= percent <= 100:
            return _progressed(session, profile_id, course_id, item, percent, at)
    elif part == "module" and item and name == "completed":
        return _completed(session, profile_id, course_id, item, at)
    elif part == "quiz" and item and name in ("passed", "failed"):
        return _finished_attempt(session, profile_id, course_id, item, statement, result, at)
    elif part is None and name == "completed":
        return _course_completed(session, profile_id, course_id, statement, at)
    return None


def _row(session: Session, profile_id: str, course_id: str, module_id: str,
         at: datetime) -> ModuleProgress:
    row = session.scalar(select(ModuleProgress).where(
        ModuleProgress.profile_id == profile_id, ModuleProgress.course_id == course_id,
        ModuleProgress.module_id == module_id))
    if row is None:
        # Read elsewhere at that time: it only counts as "last read here" if nothing newer is.
        row = ModuleProgress(profile_id=profile_id, course_id=course_id, module_id=module_id,
                             percent=0, updated_at=at)
        session.add(row)
    return row


def _progressed(session: Session, profile_id: str, course_id: str, module_id: str,
                percent: int, at: datetime) -> str | None:
    row = _row(session, profile_id, course_id, module_id, at)
    if percent <= (row.percent or 0):
        return None
    row.percent = percent
    return "modules"


def _completed(session: Session, profile_id: str, course_id: str, module_id: str,
               at: datetime) -> str | None:
    row = _row(session, profile_id, course_id, module_id, at)
    if row.completed_at is not None and row.completed_at <= at and row.percent == 100:
        return None
    row.percent = 100
    row.completed_at = at if row.completed_at is None else min(row.completed_at, at)
    return "modules"


def _finished_attempt(session: Session, profile_id: str, course_id: str, quiz_id: str,
                      statement: dict[str, Any], result: dict[str, Any],
                      at: datetime) -> str | None:
    context = statement.get("context")
    registration = context.get("registration") if isinstance(context, dict) else None
    score = result.get("score", {}).get("scaled") if isinstance(result.get("score"), dict) \
        else None
    if not isinstance(registration, str) or isinstance(score, bool) \
            or not isinstance(score, int | float) or not 0 <= score <= 1:
        return None
    try:
        attempt_id = uuid.UUID(registration).hex
    except ValueError:
        return None
    passed = statement["verb"]["id"].endswith("/passed")
    attempt = session.get(QuizAttempt, attempt_id)
    if attempt is None:
        session.add(QuizAttempt(id=attempt_id, profile_id=profile_id, course_id=course_id,
                                quiz_id=quiz_id, started_at=at, finished_at=at,
                                score=float(score), passed=passed, state="finished"))
        return "quiz attempts"
    if attempt.profile_id != profile_id or attempt.state == "finished":
        return None
    attempt.score, attempt.passed = float(score), passed
    attempt.finished_at, attempt.state = at, "finished"
    return "quiz attempts"


def _course_completed(session: Session, profile_id: str, course_id: str,
                      statement: dict[str, Any], at: datetime) -> str | None:
    """Keep the statement as already sent: the outbox is where this computer looks to know the
    course completion was recorded, so it will not record (and send) a second one."""
    object_id = xapi.course_iri(course_id)
    done = session.scalar(select(func.count()).select_from(OutboxStatement).where(
        OutboxStatement.profile_id == profile_id,
        OutboxStatement.statement.like(f'%"verb":{{"id":"{xapi.VERB_BASE}completed"%'),
        OutboxStatement.statement.like(f'%"object":{{"objectType":"Activity","id":"{object_id}"%')))
    if done:
        return None
    profile = session.get(Profile, profile_id)
    local = dict(statement)
    for key in ("stored", "authority"):
        local.pop(key, None)
    local["actor"] = xapi.agent(profile_id, profile.name if profile else profile_id)
    # Key order as the desktop writes it, so the outbox's text search finds it.
    ordered = {key: local[key] for key in ("id", "actor", "verb", "object") if key in local}
    ordered["object"] = {"objectType": "Activity", **{k: v for k, v in local["object"].items()
                                                      if k != "objectType"}}
    ordered["verb"] = {"id": local["verb"]["id"], **{k: v for k, v in local["verb"].items()
                                                     if k != "id"}}
    ordered.update({k: v for k, v in local.items() if k not in ordered})
    session.add(OutboxStatement(id=statement["id"], profile_id=profile_id,
                                statement=json.dumps(ordered, ensure_ascii=False,
                                                     separators=(",", ":")),
                                created_at=at, sent_at=at))
    return "courses"
