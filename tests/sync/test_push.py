"""Pushing the outbox to a real campus server: batches, acknowledgement, resends, gzip."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from stepcampus.progress import activity
from stepcampus.store.database import write_session
from stepcampus.store.models import OutboxStatement
from stepcampus.sync.accounts import get_link, save_link
from stepcampus.sync.engine import queued_count, sync_profile
from stepcampus.sync.errors import SyncError
from stepcampus.sync.lrs import TOKEN_PREFIX
from tests.sync.conftest import (
    COURSE,
    HOME,
    new_learner,
    no_wait,
    outbox_ids,
    record_some,
    server_ids,
    server_statements,
)


class Recording(httpx.HTTPTransport):
    """The real transport, noting each request it carries (and, if asked, hiding the gzip
    extension from /about, as an LRS that does not offer it would answer)."""

    def __init__(self, hide_gzip: bool = False) -> None:
        super().__init__()
        self.hide_gzip = hide_gzip
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response = super().handle_request(request)
        if self.hide_gzip and request.url.path.endswith("/about"):
            response.read()
            about = response.json()
            del about["extensions"]["urn:stepcampus:gzip-requests"]
            return httpx.Response(200, json=about)
        return response

    def posts(self) -> list[httpx.Request]:
        return [r for r in self.requests
                if r.method == "POST" and r.url.path.endswith("/statements")]


def _sent_batches(transport: Recording) -> list[list[dict[str, Any]]]:
    import gzip

    out = []
    for request in transport.posts():
        body = request.content
        if request.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        out.append(json.loads(body))
    return out


def test_push_in_batches_oldest_first_with_the_account_as_actor(lrs, desktops) -> None:
    learner = new_learner(lrs)
    desk = desktops()
    for i in range(23):
        activity.record_progress(desk.factory, desk.profile_id, COURSE, f"m-{i}", None, 10)
    made = [s["id"] for s in activity.pending_statements(desk.factory, limit=100)]
    link = desk.link(lrs, learner)
    transport = Recording()

    report = sync_profile(desk.factory, desk.profile_id, link, batch_size=5, transport=transport,
                          retry=no_wait())

    batches = _sent_batches(transport)
    assert [len(b) for b in batches] == [5, 5, 5, 5, 3]
    assert [s["id"] for b in batches for s in b] == made
    actor = {"objectType": "Agent", "name": "Amina",
             "account": {"homePage": HOME, "name": learner.username}}
    assert all(s["actor"] == actor for b in batches for s in b)
    assert sorted(server_ids(lrs, learner.username)) == sorted(made)
    assert (report.sent, report.queued, queued_count(desk.factory, desk.profile_id)) == (23, 0, 0)


def test_gzip_is_used_when_the_server_offers_it(lrs, desktops) -> None:
    desk = desktops()
    record_some(desk)
    transport = Recording()
    sync_profile(desk.factory, desk.profile_id, desk.link(lrs, new_learner(lrs)),
                 transport=transport, retry=no_wait())
    [post] = transport.posts()
    assert post.headers["Content-Encoding"] == "gzip"
    assert post.content[:2] == b"\x1f\x8b"


def test_plain_json_when_about_does_not_offer_gzip(lrs, desktops) -> None:
    learner = new_learner(lrs)
    desk = desktops()
    record_some(desk)
    transport = Recording(hide_gzip=True)
    sync_profile(desk.factory, desk.profile_id, desk.link(lrs, learner), transport=transport,
                 retry=no_wait())
    [post] = transport.posts()
    assert "Content-Encoding" not in post.headers
    assert json.loads(post.content)[0]["verb"]["id"].endswith("/launched")
    assert len(server_ids(lrs, learner.username)) == len(outbox_ids(desk))


def _forget_acknowledgements(desk) -> None:
    """As if the program died after the server acknowledged but before the outbox knew."""
    with write_session(desk.factory) as session:
        session.execute(text("UPDATE outbox_statements SET sent_at = NULL"))


def test_resending_an_acknowledged_batch_stores_nothing_twice(lrs, desktops) -> None:
    learner = new_learner(lrs)
    desk = desktops()
    record_some(desk)
    link = desk.link(lrs, learner)
    sync_profile(desk.factory, desk.profile_id, link, retry=no_wait())
    before = server_statements(lrs, learner.username)
    _forget_acknowledgements(desk)

    transport = Recording()
    report = sync_profile(desk.factory, desk.profile_id, link, transport=transport,
                          retry=no_wait())

    assert report.sent == len(before) and len(transport.posts()) == 1
    after = server_statements(lrs, learner.username)
    assert sorted(s["id"] for s in after) == sorted(s["id"] for s in before)
    assert {s["id"]: s["stored"] for s in after} == {s["id"]: s["stored"] for s in before}
    assert queued_count(desk.factory) == 0


def test_a_409_batch_is_resolved_statement_by_statement(lrs, desktops) -> None:
    # One id the server holds with other content: it refuses the batch with 409. The engine
    # then finds which ids are stored, marks those and sends the rest.
    learner = new_learner(lrs)
    desk = desktops()
    record_some(desk)
    link = desk.link(lrs, learner)
    sync_profile(desk.factory, desk.profile_id, link, retry=no_wait())
    _forget_acknowledgements(desk)
    first = outbox_ids(desk)[0]
    with write_session(desk.factory) as session:
        row = session.get(OutboxStatement, first)
        changed = json.loads(row.statement)
        changed["context"]["platform"] = "changed since"
        row.statement = json.dumps(changed)
    activity.record_progress(desk.factory, desk.profile_id, COURSE, "late", None, 30)
    transport = Recording()

    report = sync_profile(desk.factory, desk.profile_id, link, transport=transport,
                          retry=no_wait())

    lookups = [r for r in transport.requests if r.method == "GET" and "statementId" in
               str(r.url)]
    assert len(transport.posts()) == 2 and lookups
    assert sorted(server_ids(lrs, learner.username)) == sorted(outbox_ids(desk))
    assert report.queued == 0


def test_nothing_leaves_the_outbox_without_an_acknowledgement(lrs, desktops) -> None:
    learner = new_learner(lrs)
    desk = desktops()
    for i in range(7):
        activity.record_progress(desk.factory, desk.profile_id, COURSE, f"m-{i}", None, 10)
    # The 8th statement is one the server refuses (no verb): its batch must stay queued.
    with write_session(desk.factory) as session:
        bad = {"id": "00000000-0000-4000-8000-000000000008", "actor": {"objectType": "Agent",
               "account": {"homePage": "urn:stepcampus:desktop", "name": desk.profile_id}},
               "object": {"id": "urn:stepcampus:course:x"}}
        session.add(OutboxStatement(id=bad["id"], profile_id=desk.profile_id,
                                    statement=json.dumps(bad)))
    for i in range(7, 10):
        activity.record_progress(desk.factory, desk.profile_id, COURSE, f"m-{i}", None, 10)

    with pytest.raises(SyncError) as caught:
        sync_profile(desk.factory, desk.profile_id, desk.link(lrs, learner), batch_size=5,
                     retry=no_wait())

    assert caught.value.kind == "refused" and lrs.xapi in caught.value.message
    assert len(server_ids(lrs, learner.username)) == 5
    assert queued_count(desk.factory, desk.profile_id) == 6


def test_a_campus_server_password_is_swapped_for_a_token_kept_in_its_place(
        lrs, desktops) -> None:
    learner = new_learner(lrs)
    desktop = desktops()
    desktop.link(lrs, learner)
    record_some(desktop)
    sync_profile(desktop.factory, desktop.profile_id, get_link(desktop.factory,
                 desktop.profile_id), retry=no_wait())
    link = get_link(desktop.factory, desktop.profile_id)
    assert link is not None and link.secret.startswith(TOKEN_PREFIX)
    desktop.campus.close()  # the password is nowhere in the store's files any more
    data = b"".join(path.read_bytes() for path in desktop.campus.data_dir.glob("campus.sqlite*"))
    assert learner.password.encode() not in data

    # later syncs sign in with the token
    activity.record_launch(desktop.factory, desktop.profile_id, COURSE)
    recording = Recording()
    sync_profile(desktop.factory, desktop.profile_id, link, transport=recording,
                 retry=no_wait())
    assert queued_count(desktop.factory, desktop.profile_id) == 0
    assert all(r.headers["Authorization"].startswith("Bearer ") for r in recording.requests)

    # a token the server does not know is told as a sign-in to renew, and nothing is lost
    activity.record_launch(desktop.factory, desktop.profile_id, COURSE)
    save_link(desktop.factory, desktop.profile_id, link.endpoint, link.username,
              TOKEN_PREFIX + "not-a-token")
    with pytest.raises(SyncError) as failure:
        sync_profile(desktop.factory, desktop.profile_id,
                     get_link(desktop.factory, desktop.profile_id), retry=no_wait())
    assert failure.value.kind == "unauthorised" and "password again" in str(failure.value)
    assert queued_count(desktop.factory, desktop.profile_id) == 1
