"""Send a profile's queued statements to its LRS account, each exactly once.

A statement leaves the outbox only after the LRS acknowledged its batch. A batch interrupted at
any moment is sent again byte for byte (same ids, same actor), which the LRS stores only once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select, text

from stepcampus.progress.activity import mark_sent
from stepcampus.store.database import SessionFactory
from stepcampus.store.models import OutboxStatement
from stepcampus.sync.errors import Conflict, SyncError
from stepcampus.sync.lrs import LrsClient


def account_agent(home_page: str, username: str, name: str | None = None) -> dict[str, Any]:
    """The learner as the LRS knows them; name only labels it (matching ignores it)."""
    agent: dict[str, Any] = {"objectType": "Agent"}
    if name:
        agent["name"] = name
    agent["account"] = {"homePage": home_page, "name": username}
    return agent


def queued_count(factory: SessionFactory, profile_id: str | None = None) -> int:
    """Statements waiting for an LRS: of one profile, or of everyone on this computer."""
    query = select(func.count()).select_from(OutboxStatement).where(
        OutboxStatement.sent_at.is_(None))
    if profile_id is not None:
        query = query.where(OutboxStatement.profile_id == profile_id)
    with factory() as session:
        return int(session.scalar(query) or 0)


def pending_batch(factory: SessionFactory, profile_id: str, limit: int) -> list[tuple[str, str]]:
    """(id, JSON) of the profile's oldest unsent statements, in the order they were made."""
    with factory() as session:
        rows = session.execute(
            select(OutboxStatement.id, OutboxStatement.statement)
            .where(OutboxStatement.sent_at.is_(None), OutboxStatement.profile_id == profile_id)
            .order_by(OutboxStatement.created_at, text("rowid"))
            .limit(limit))
        return [(row[0], row[1]) for row in rows]


def for_account(statement_json: str, home_page: str, username: str) -> str:
    """The queued statement with the account's agent as actor, as compact JSON.

    Only stored data goes in (the name the statement was made under, not today's profile name),
    so sending it again gives the same bytes.
    """
    statement = json.loads(statement_json)
    actor = statement.get("actor") or {}
    statement["actor"] = account_agent(home_page, username, actor.get("name"))
    return json.dumps(statement, ensure_ascii=False, separators=(",", ":"))


def push_outbox(factory: SessionFactory, client: LrsClient, profile_id: str, home_page: str,
                *, compress: bool, batch_size: int,
                progress: Callable[[int], None] | None = None) -> int:
    """Send every queued statement of the profile; how many the LRS acknowledged now."""
    sent = 0
    while True:
        batch = pending_batch(factory, profile_id, batch_size)
        if not batch:
            return sent
        bodies = [for_account(body, home_page, client.username) for _, body in batch]
        ids = [statement_id for statement_id, _ in batch]
        try:
            _post(client, bodies, compress)
        except Conflict:
            _resolve_conflict(client, ids, bodies, compress)
        sent += mark_sent(factory, ids)
        if progress is not None:
            progress(sent)


def _post(client: LrsClient, bodies: list[str], compress: bool) -> None:
    payload = ("[" + ",".join(bodies) + "]").encode()
    client.post_statements(payload, len(bodies), compress=compress)


def _resolve_conflict(client: LrsClient, ids: list[str], bodies: list[str],
                      compress: bool) -> None:
    """Some LRSs answer 409 to a batch holding an id they already store, even unchanged: find
    which are there, and send only the others."""
    missing = [body for statement_id, body in zip(ids, bodies, strict=True)
               if not client.statement_exists(statement_id)]
    if not missing:
        return
    try:
        _post(client, missing, compress)
    except Conflict as exc:
        raise SyncError("refused", f"{exc.message}; {len(missing)} statements could not be "
                        "stored and stay queued") from exc
