"""Forward what learners sent the hub to the campus server, exactly once end to end.

Statements: a queue row is written with each stored statement (database.py); the forwarder
sends each learner's queue in order, in batches, and deletes rows only after the campus
acknowledged their batch. Killed between the two, the hub sends the batch again; the campus
stores a statement id once and accepts an id it holds with the same content, so nothing is
lost or doubled. Actors are filed under the campus's home page (when the hub's differs) by a
rewrite that gives the same bytes every time.

A learner the campus refuses (not in the facilitator's classes there) waits, and is tried
again every minute; the others go on. A statement whose id the campus holds with other
content is set aside with the reason, never resent blindly.

State documents: the last written version of each is sent (JSON objects merged into the
campus's copy; a document with an `updated` time only if newer than the campus's), under the
campus's ETag so a concurrent write there is read again, not overwritten.
"""

from __future__ import annotations

import json
import threading
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update

from stepcampus.hub.database import HubDatabase
from stepcampus.hub.link import FORWARD_STATUS, UPSTREAM_HOME_PAGE, ForwardStatus, save_link
from stepcampus.hub.link import load_link as stored_link
from stepcampus.hub.models import ForwardState, ForwardStatement, Refusal
from stepcampus.hub.upstream import HubLink, Upstream, UpstreamError, agent_param
from stepcampus.server.database import write_session
from stepcampus.server.models import StateDocument, StoredStatement
from stepcampus.store.models import utcnow

BATCH = 500
REFUSAL_RETRY = timedelta(seconds=60)
# Back-off while the campus is out of reach: a connection attempt every 5 s costs a hub
# nothing, and the room's records go up soon after the line comes back.
FIRST_DELAY, LONGEST_DELAY = 0.5, 5.0
IDLE_SECONDS = 5.0  # a look at the queue now and then, for writes by other processes
RELINK_SECONDS = 60.0
STATE_TRIES = 3
JSON_TYPE = "application/json"


def upstream_body(body: str, hub_home: str, campus_home: str) -> str:
    """The stored statement as sent to the campus: without what an LRS sets (stored,
    authority), the actor under the campus's home page. Same input, same bytes."""
    statement = json.loads(body)
    statement.pop("stored", None)
    statement.pop("authority", None)
    actor = statement.get("actor")
    account = actor.get("account") if isinstance(actor, dict) else None
    if isinstance(account, dict) and account.get("homePage") == hub_home != campus_home:
        statement["actor"] = {**actor, "account": {**account, "homePage": campus_home}}
    return json.dumps(statement, ensure_ascii=False, separators=(",", ":"))


def state_to_send(remote: tuple[bytes, str] | None, local: tuple[bytes, str]
                  ) -> tuple[bytes, str] | None:
    """What to write over the campus's copy of a state document; None when it is up to date."""
    body, content_type = local
    if remote is None:
        return local
    theirs, their_type = remote
    ours_json, theirs_json = _json_object(body, content_type), _json_object(theirs, their_type)
    if ours_json is not None and theirs_json is not None:
        ours_at, theirs_at = _updated(ours_json), _updated(theirs_json)
        if ours_at is not None and theirs_at is not None:  # a resume point: the newer wins
            return local if ours_at > theirs_at else None
        merged = {**theirs_json, **ours_json}  # bookmarks, the course index: keys add up
        if merged == theirs_json:
            return None
        return json.dumps(merged, ensure_ascii=False, separators=(",", ":")).encode(), JSON_TYPE
    return None if theirs == body else local


def _json_object(body: bytes, content_type: str) -> dict[str, Any] | None:
    if content_type.split(";")[0].strip().lower() != JSON_TYPE:
        return None
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _updated(document: dict[str, Any]) -> datetime | None:
    from stepcampus.progress.xapi import parse_timestamp

    return parse_timestamp(document.get("updated"))


class Forwarder:
    """A background thread that empties the queue whenever the campus can be reached.

    `login` (campus address, facilitator, password, label) links the hub once the campus
    answers, when it could not be reached at start; the password stays in memory only.
    """

    def __init__(self, db: HubDatabase, home_page: str, *,
                 login: tuple[str, str, str, str] | None = None,
                 say: Callable[[str], None] = print) -> None:
        self.db = db
        self.home_page = home_page
        self.login = login
        self.say = say
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hub-forwarder", daemon=True)
        self._last_state: tuple[str, str] | None = None
        self._login_refused: str | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self.db.queued.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    # -- the loop ------------------------------------------------------------------------------
    def _run(self) -> None:
        delay = FIRST_DELAY
        while not self._stop.is_set():
            self.db.queued.clear()  # before reading the queue: a write after it wakes us
            wait = IDLE_SECONDS
            try:
                link = self._link()
                if link is None:
                    wait = RELINK_SECONDS if self.login else IDLE_SECONDS
                else:
                    moved = self.forward_once(link)
                    delay = FIRST_DELAY
                    if moved:
                        wait = 0.0  # more may have come in meanwhile
            except UpstreamError as exc:
                if exc.kind == "unauthorised":
                    self._status("refused sign-in", exc.message)
                    wait = RELINK_SECONDS
                else:
                    self._status("offline", exc.message)
                    wait, delay = delay, min(delay * 2, LONGEST_DELAY)
            except Exception:  # a bug must not stop the relay: say it, wait, try again
                self.say("hub forwarder failed:\n" + traceback.format_exc())
                wait, delay = delay, min(delay * 2, LONGEST_DELAY)
            if wait:
                self.db.queued.wait(wait)

    def _link(self) -> HubLink | None:
        if self._login_refused is not None:
            # Not the previous link either: the facilitator asked for this campus.
            self._status("refused sign-in", self._login_refused)
            return None
        link = stored_link(self.db)
        if self.login is None:
            if link is None:
                self._status("not linked", "no campus server to forward to: start the hub "
                             "with --upstream URL --user FACILITATOR")
            return link
        base, user, password, label = self.login
        with Upstream(base) as up:
            try:
                made = up.create_hub(user, password, label)
                home, _ = up.about()
            except UpstreamError as exc:
                if exc.kind in ("offline", "server"):
                    raise
                self.login = None  # a wrong password is not tried again and again
                self._login_refused = (f"{exc.message}; start the hub again with --user and "
                                       "the right password")
                self._status("refused sign-in", self._login_refused)
                return None
        save_link(self.db, made, home)
        self.login = None
        self.say(f"linked to the campus at {base} as {made.facilitator}'s hub {made.hub_id}")
        return made

    def _status(self, state: str, message: str) -> None:
        if self._last_state == (state, message):
            return
        self._last_state = (state, message)
        status = ForwardStatus(state, message, utcnow().isoformat())
        self.db.set_settings({FORWARD_STATUS: status.as_json()})
        if state not in ("forwarding", "up to date"):
            self.say(f"forwarding: {state}: {message}")

    # -- one pass ------------------------------------------------------------------------------
    def forward_once(self, link: HubLink) -> int:
        """Send what is queued; how many statements and documents the campus took."""
        with Upstream(link.base, link.token) as up:
            campus_home, compress = up.about()
            campus_home = campus_home or self.home_page
            if campus_home != self.db.setting(UPSTREAM_HOME_PAGE):
                self.db.set_settings({UPSTREAM_HOME_PAGE: campus_home})
            moved = self._statements(up, campus_home, compress)
            moved += self._documents(up, campus_home)
        left = self.waiting()
        self._status("up to date" if not left else "forwarding",
                     f"{left} statements wait" if left else "nothing waits")
        return moved

    def waiting(self) -> int:
        with self.db.factory() as session:
            return int(session.scalar(select(func.count()).select_from(ForwardStatement)
                                      .where(ForwardStatement.error.is_(None))) or 0)

    def _refused(self) -> set[str]:
        since = utcnow() - REFUSAL_RETRY
        with self.db.factory() as session:
            return set(session.scalars(select(Refusal.owner).where(Refusal.at > since)))

    def _refuse(self, owner: str, message: str) -> None:
        with write_session(self.db.factory) as session:
            row = session.get(Refusal, owner)
            if row is None:
                session.add(Refusal(owner=owner, message=message, at=utcnow()))
            else:
                row.message, row.at = message, utcnow()
        self.say(f"forwarding: the campus refused {owner}'s records: {message}")

    def _statements(self, up: Upstream, campus_home: str, compress: bool) -> int:
        moved = 0
        refused = self._refused()
        with self.db.factory() as session:
            owners = sorted(set(session.scalars(
                select(ForwardStatement.owner).where(ForwardStatement.error.is_(None))
                .distinct())) - refused)
        for owner in owners:
            while not self._stop.is_set():
                batch = self._batch(owner, campus_home)
                if not batch:
                    break
                try:
                    up.post_statements([body for _, body in batch], compress=compress)
                except UpstreamError as exc:
                    if exc.kind == "refused":
                        self._refuse(owner, exc.message)
                        break
                    if exc.kind != "conflict":
                        raise
                    moved += self._one_by_one(up, owner, batch, compress)
                    continue
                moved += self._acknowledged(owner, [seq for seq, _ in batch])
        return moved

    def _batch(self, owner: str, campus_home: str) -> list[tuple[int, str]]:
        """(seq, body for the campus) of the owner's oldest queued statements."""
        with self.db.factory() as session:
            rows = list(session.execute(
                select(ForwardStatement.seq, StoredStatement.body)
                .join(StoredStatement, StoredStatement.id == ForwardStatement.statement_id,
                      isouter=True)
                .where(ForwardStatement.owner == owner, ForwardStatement.error.is_(None))
                .order_by(ForwardStatement.seq).limit(BATCH)))
        gone = [seq for seq, body in rows if body is None]
        if gone:  # never happens (the hub deletes no statement); a queue row alone is moot
            self._acknowledged(owner, gone)
        return [(seq, upstream_body(body, self.home_page, campus_home))
                for seq, body in rows if body is not None]

    def _acknowledged(self, owner: str, seqs: list[int]) -> int:
        with write_session(self.db.factory) as session:
            session.execute(delete(ForwardStatement).where(ForwardStatement.seq.in_(seqs)))
            session.execute(delete(Refusal).where(Refusal.owner == owner))
        return len(seqs)

    def _one_by_one(self, up: Upstream, owner: str, batch: list[tuple[int, str]],
                    compress: bool) -> int:
        """A batch the campus answered 409: send each alone, and set aside those it holds
        with other content."""
        moved = 0
        for seq, body in batch:
            try:
                up.post_statements([body], compress=compress)
            except UpstreamError as exc:
                if exc.kind == "conflict":
                    with write_session(self.db.factory) as session:
                        session.execute(update(ForwardStatement)
                                        .where(ForwardStatement.seq == seq)
                                        .values(error=exc.message))
                    self.say(f"forwarding: set aside a statement of {owner}: {exc.message}")
                    continue
                if exc.kind == "refused":
                    self._refuse(owner, exc.message)
                    return moved
                raise
            moved += self._acknowledged(owner, [seq])
        return moved

    def _documents(self, up: Upstream, campus_home: str) -> int:
        moved = 0
        refused = self._refused()
        with self.db.factory() as session:
            queued = list(session.execute(select(ForwardState.document_id,
                                                 ForwardState.changes)))
        for document_id, changes in queued:
            if self._stop.is_set():
                break
            with self.db.factory() as session:
                doc = session.get(StateDocument, document_id)
            if doc is not None and doc.owner in refused:
                continue
            if doc is not None and doc.owner is not None:
                params = {"activityId": doc.activity_id, "stateId": doc.state_id,
                          "agent": agent_param(campus_home, doc.owner)}
                if doc.registration:
                    params["registration"] = doc.registration
                try:
                    self._send_document(up, params, (doc.body, doc.content_type))
                except UpstreamError as exc:
                    if exc.kind == "refused":
                        self._refuse(doc.owner, exc.message)
                        refused.add(doc.owner)
                        continue
                    if exc.kind == "conflict":
                        continue  # kept changing there: next pass
                    raise
                moved += 1
            with write_session(self.db.factory) as session:
                session.execute(delete(ForwardState).where(
                    ForwardState.document_id == document_id, ForwardState.changes == changes))
        return moved

    def _send_document(self, up: Upstream, params: dict[str, str],
                       local: tuple[bytes, str]) -> None:
        for _ in range(STATE_TRIES):
            remote = up.get_state(params)
            chosen = state_to_send(remote[:2] if remote else None, local)
            if chosen is None:
                return
            try:
                up.put_state(params, chosen[0], chosen[1], remote[2] if remote else None)
                return
            except UpstreamError as exc:
                if exc.kind != "conflict":
                    raise  # 412: written there meanwhile; read again and decide again
        raise UpstreamError("conflict", "the document kept changing on the campus")
