"""Storing and querying xAPI statements: idempotent by id, all-or-nothing per batch, voiding.

The statement is kept as sent, plus `stored`, `authority` and (if missing) `version`; a few
columns beside it (actor key, verb, activity, registration, owner) serve the query filters.
"""

from __future__ import annotations

import base64
import copy
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from stepcampus.progress.xapi import XAPI_VERSION, format_timestamp, statement_problems
from stepcampus.server.access import Access
from stepcampus.server.agents import agent_key, owner_of
from stepcampus.server.database import write_session
from stepcampus.server.models import StoredStatement
from stepcampus.server.problems import Refused, bad_request, forbidden, not_found

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
MAX_LIMIT = 500
FORMATS = ("exact", "ids", "canonical")
# Concurrent inserts of one id: the loser's transaction fails, and the retry compares instead.
INSERT_ATTEMPTS = 4


@dataclass
class Prepared:
    id: str
    body: dict[str, Any]
    owner: str | None
    actor_key: str
    verb_id: str
    activity_id: str | None
    registration: str | None
    voids: str | None


def prepare(raw: Any, index: int, home_page: str, authority: dict[str, Any],
            access: Access, stored: datetime) -> Prepared:
    """Validate one statement from a request and fill in what the LRS sets (400/403)."""
    if not isinstance(raw, dict):
        raise bad_request(f"statement {index}: is not a JSON object")
    body = copy.deepcopy(raw)
    if "id" not in body:
        body["id"] = str(uuid.uuid4())
    problems = statement_problems(body)
    if "attachments" in body:
        problems.append("attachments are not supported by this LRS")
    if problems:
        raise bad_request(f"statement {index}: {'; '.join(problems)}")
    body["id"] = body["id"].lower()
    actor = body["actor"]
    owner = owner_of(actor, home_page)
    access.require(owner, actor, "write statements")
    body["stored"] = format_timestamp(stored)
    # The account that sent it: a client cannot claim another authority.
    body["authority"] = authority
    body.setdefault("version", XAPI_VERSION)
    obj = body["object"]
    kind = obj.get("objectType", "Activity")
    voids = None
    if body["verb"]["id"] == VOIDED:
        if kind != "StatementRef":
            raise bad_request(f"statement {index}: a voiding statement's object must be a "
                              "StatementRef")
        voids = obj["id"].lower()
    context = body.get("context") or {}
    registration = context.get("registration")
    return Prepared(
        id=body["id"], body=body, owner=owner, actor_key=agent_key(actor, "actor"),
        verb_id=body["verb"]["id"], activity_id=obj["id"] if kind == "Activity" else None,
        registration=registration.lower() if registration else None, voids=voids)


def comparable(statement: dict[str, Any]) -> dict[str, Any]:
    """The statement as compared for idempotence: without what the LRS sets, times as instants."""
    out = {k: v for k, v in statement.items() if k not in ("stored", "authority", "version")}
    out["id"] = str(out.get("id", "")).lower()
    if isinstance(out.get("timestamp"), str):
        moment = datetime.fromisoformat(out["timestamp"])
        out["timestamp"] = moment.astimezone(UTC).isoformat()
    return out


def store(factory: sessionmaker[Session], prepared: Sequence[Prepared],
          access: Access) -> list[str]:
    """Store a batch in one transaction; the ids in request order (409/400/403 change nothing)."""
    unique: dict[str, Prepared] = {}
    for index, item in enumerate(prepared):
        seen = unique.get(item.id)
        if seen is not None and comparable(seen.body) != comparable(item.body):
            raise bad_request(f"statement {index}: id {item.id} appears twice in the batch "
                              "with different content")
        unique.setdefault(item.id, item)
    for attempt in range(INSERT_ATTEMPTS):
        try:
            with write_session(factory) as session:
                _store(session, list(unique.values()), access)
            break
        except IntegrityError:
            if attempt == INSERT_ATTEMPTS - 1:
                raise
    return [item.id for item in prepared]


def _store(session: Session, items: list[Prepared], access: Access) -> None:
    ids = [item.id for item in items]
    existing = {row.id: row for row in session.scalars(
        select(StoredStatement).where(StoredStatement.id.in_(ids)))}
    new = []
    for item in items:
        row = existing.get(item.id)
        if row is None:
            new.append(item)
        elif comparable(json.loads(row.body)) != comparable(item.body):
            raise Refused(409, f"statement {item.id} is already stored with different content")
    in_batch = {item.id: item for item in new}
    targets = [item.voids for item in new if item.voids]
    stored_targets = {row.id: row for row in session.scalars(
        select(StoredStatement).where(StoredStatement.id.in_(targets)))} if targets else {}
    for item in new:
        if item.voids is None:
            continue
        target = stored_targets.get(item.voids)
        target_voids = target.voids if target else None
        target_owner = target.owner if target else None
        if target is None and item.voids in in_batch:
            target_voids, target_owner = in_batch[item.voids].voids, in_batch[item.voids].owner
        elif target is None:
            continue  # an unknown target: voided when it arrives
        if target_voids is not None:
            raise bad_request(f"statement {item.id}: a voiding statement ({item.voids}) cannot "
                              "be voided")
        if not access.allows(target_owner):
            raise forbidden(f"statement {item.id}: {access.principal.username} may not void "
                            f"statement {item.voids}, which is someone else's")
    already_voided = set(session.scalars(
        select(StoredStatement.voids).where(StoredStatement.voids.in_(list(in_batch)))))
    voided_now = {item.voids for item in new if item.voids}
    for item in new:
        session.add(StoredStatement(
            id=item.id, stored=datetime.fromisoformat(item.body["stored"]), owner=item.owner,
            actor_key=item.actor_key, verb_id=item.verb_id, activity_id=item.activity_id,
            registration=item.registration, voids=item.voids,
            voided=item.id in already_voided or item.id in voided_now,
            authority_id=access.principal.id,
            body=json.dumps(item.body, ensure_ascii=False, separators=(",", ":"))))
    session.flush()
    if voided_now:
        session.execute(update(StoredStatement).where(StoredStatement.id.in_(voided_now))
                        .values(voided=True))


# ------------------------------------------------------------------ reading


def get_one(factory: sessionmaker[Session], statement_id: str, *, voided: bool,
            access: Access) -> dict[str, Any]:
    key = statement_id.lower()
    with factory() as session:
        row = session.get(StoredStatement, key)
    if row is None or row.voided != voided:
        raise not_found(f"no {'voided ' if voided else ''}statement {statement_id}")
    body = json.loads(row.body)
    access.require(row.owner, body["actor"], "read statements")
    return body


@dataclass
class Query:
    agent: str | None = None  # an agent key
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = MAX_LIMIT
    ascending: bool = False
    format: str = "exact"
    # Paging: everything stored up to `ceiling`, after the cursor (stored, id).
    ceiling: datetime | None = None
    cursor: tuple[datetime, str] | None = None

    def to_token(self) -> str:
        data = {k: (v.isoformat() if isinstance(v, datetime) else v)
                for k, v in self.__dict__.items() if k != "cursor"}
        if self.cursor:
            data["cursor"] = [self.cursor[0].isoformat(), self.cursor[1]]
        raw = json.dumps(data, separators=(",", ":")).encode("utf-8")
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @classmethod
    def from_token(cls, token: str) -> Query:
        refused = bad_request("the more parameter is not one this LRS gave out")
        try:
            data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            query = cls(**data)
            for key in ("since", "until", "ceiling"):
                value = getattr(query, key)
                setattr(query, key, datetime.fromisoformat(value) if value else None)
            if query.cursor:
                at, last = query.cursor
                query.cursor = (datetime.fromisoformat(at), str(last))
        except (ValueError, TypeError) as exc:
            raise refused from exc
        texts = (query.agent, query.verb, query.activity, query.registration)
        if not (all(t is None or isinstance(t, str) for t in texts)
                and isinstance(query.limit, int) and 0 < query.limit <= MAX_LIMIT
                and isinstance(query.ascending, bool) and query.format in FORMATS
                and query.ceiling is not None):
            raise refused
        return query


def find(factory: sessionmaker[Session], query: Query,
         access: Access) -> tuple[list[dict[str, Any]], Query | None]:
    """One page of statements and the query for the next page (None at the end)."""
    s = StoredStatement
    where = [s.voided.is_(False)]
    if query.agent is not None:
        where.append(s.actor_key == query.agent)
    if query.verb is not None:
        where.append(s.verb_id == query.verb)
    if query.activity is not None:
        where.append(s.activity_id == query.activity)
    if query.registration is not None:
        where.append(s.registration == query.registration.lower())
    if query.since is not None:
        where.append(s.stored > query.since)
    if query.until is not None:
        where.append(s.stored <= query.until)
    if query.ceiling is not None:
        where.append(s.stored <= query.ceiling)
    owners = access.visible_owners()
    if owners is not None:
        where.append(s.owner.in_(sorted(owners)))
    if query.cursor is not None:
        at, last = query.cursor
        if query.ascending:
            where.append(or_(s.stored > at, and_(s.stored == at, s.id > last)))
        else:
            where.append(or_(s.stored < at, and_(s.stored == at, s.id < last)))
    order = (s.stored.asc(), s.id.asc()) if query.ascending else (s.stored.desc(), s.id.desc())
    with factory() as session:
        rows = list(session.execute(select(s.stored, s.id, s.body).where(*where)
                                    .order_by(*order).limit(query.limit + 1)))
    following = None
    if len(rows) > query.limit:
        rows = rows[:query.limit]
        following = Query(**{**query.__dict__, "cursor": (rows[-1].stored, rows[-1].id)})
    statements = [json.loads(row.body) for row in rows]
    if query.format == "ids":
        statements = [ids_only(statement) for statement in statements]
    return statements, following


def ids_only(statement: dict[str, Any]) -> dict[str, Any]:
    """The `ids` format: agents, verbs and activities reduced to their identifiers."""
    out = dict(statement)
    out["actor"] = _agent_ids(out["actor"])
    out["verb"] = {"id": out["verb"]["id"]}
    obj = out["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        out["object"] = {"objectType": "Activity", "id": obj["id"]}
    elif kind in ("Agent", "Group"):
        out["object"] = _agent_ids(obj)
    if "authority" in out:
        out["authority"] = _agent_ids(out["authority"])
    return out


def _agent_ids(agent: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in agent.items() if k != "name"}
