"""xAPI state documents: one document per (activity, agent, registration, stateId).

Concurrency follows the spec: If-Match / If-None-Match preconditions (412 on a mismatch), and
a PUT over an existing document without either header is refused (409) so two devices never
overwrite each other blindly.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from stepcampus.server.database import write_session
from stepcampus.server.models import StateDocument
from stepcampus.server.problems import Refused, bad_request, not_found
from stepcampus.store.models import utcnow

JSON_TYPE = "application/json"
ATTEMPTS = 4


@dataclass(frozen=True)
class StateKey:
    activity_id: str
    agent_key: str
    registration: str  # "" for none
    owner: str | None


@dataclass(frozen=True)
class Preconditions:
    if_match: str | None
    if_none_match: str | None

    @property
    def given(self) -> bool:
        return self.if_match is not None or self.if_none_match is not None

    def check(self, current: StateDocument | None) -> None:
        etag = current.etag if current is not None else None
        if self.if_match is not None and not _matches(self.if_match, etag):
            raise Refused(412, f"If-Match {self.if_match} does not match the document's "
                          f"ETag {_quoted(etag) if etag else '(no document)'}")
        if self.if_none_match is not None and _matches(self.if_none_match, etag):
            raise Refused(412, f"If-None-Match {self.if_none_match}: the document exists "
                          f"with ETag {_quoted(etag or '')}")


def _quoted(etag: str) -> str:
    return f'"{etag}"'


def _matches(header: str, etag: str | None) -> bool:
    if etag is None:
        return False
    tags = [tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")]
    return "*" in tags or etag in tags


def etag_of(body: bytes) -> str:
    return hashlib.sha1(body).hexdigest()


def _is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == JSON_TYPE


def _json_object(body: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except ValueError as exc:
        raise bad_request(f"{what} is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise bad_request(f"{what} is not a JSON object; POST merges JSON objects only")
    return value


def _find(session: Session, key: StateKey, state_id: str) -> StateDocument | None:
    d = StateDocument
    return session.scalar(select(d).where(
        d.activity_id == key.activity_id, d.agent_key == key.agent_key,
        d.registration == key.registration, d.state_id == state_id))


def read(factory: sessionmaker[Session], key: StateKey, state_id: str) -> StateDocument:
    with factory() as session:
        document = _find(session, key, state_id)
    if document is None:
        raise not_found(f"no state document {state_id!r} for this activity and agent")
    return document


def list_ids(factory: sessionmaker[Session], key: StateKey,
             since: datetime | None) -> list[str]:
    d = StateDocument
    where = [d.activity_id == key.activity_id, d.agent_key == key.agent_key]
    if key.registration:
        where.append(d.registration == key.registration)
    if since is not None:
        where.append(d.updated > since)
    with factory() as session:
        return list(session.scalars(select(d.state_id).where(*where).distinct()
                                    .order_by(d.state_id)))


def write(factory: sessionmaker[Session], key: StateKey, state_id: str, body: bytes,
          content_type: str, conditions: Preconditions, *, merge: bool) -> str:
    """PUT (replace) or POST (merge JSON objects); the new ETag."""
    if merge and _is_json(content_type):
        _json_object(body, "the posted document")
    for attempt in range(ATTEMPTS):
        try:
            with write_session(factory) as session:
                return _write(session, key, state_id, body, content_type, conditions, merge)
        except IntegrityError:  # created concurrently: run again and see it
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _write(session: Session, key: StateKey, state_id: str, body: bytes, content_type: str,
           conditions: Preconditions, merge: bool) -> str:
    current = _find(session, key, state_id)
    conditions.check(current)
    if current is not None and not merge and not conditions.given:
        raise Refused(409, f"state document {state_id!r} exists: send If-Match with its "
                      "ETag (or If-None-Match: *) to say whether to overwrite it")
    if current is not None and merge:
        if not (_is_json(current.content_type) and _is_json(content_type)):
            raise bad_request("POST merges JSON documents only: both the stored and the posted "
                              "document must be application/json objects")
        merged = _json_object(current.body, "the stored document")
        merged.update(_json_object(body, "the posted document"))
        body = json.dumps(merged, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        content_type = JSON_TYPE
    if current is None:
        current = StateDocument(activity_id=key.activity_id, agent_key=key.agent_key,
                                registration=key.registration, state_id=state_id,
                                owner=key.owner)
        session.add(current)
    current.body = body
    current.content_type = content_type
    current.etag = etag_of(body)
    current.updated = utcnow()
    session.flush()
    return current.etag


def remove(factory: sessionmaker[Session], key: StateKey, state_id: str | None,
           conditions: Preconditions) -> None:
    with write_session(factory) as session:
        if state_id is not None:
            current = _find(session, key, state_id)
            conditions.check(current)
            if current is not None:
                session.delete(current)
            return
        d = StateDocument
        session.execute(delete(d).where(d.activity_id == key.activity_id,
                                        d.agent_key == key.agent_key,
                                        *([d.registration == key.registration]
                                          if key.registration else [])))
