"""Statements on the real server: store, fetch, filter, page, void, refuse, on both databases."""

from __future__ import annotations

import gzip
import json
import threading
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from tests.lrs_server import Campus
from tests.server.helpers import VERB, statement, voiding


def test_post_batch_get_by_id_and_lrs_properties(lrs: Campus) -> None:
    with lrs.client(lrs.learner) as client:
        one = statement(lrs, lrs.learner)
        no_id = statement(lrs, lrs.learner)
        del no_id["id"]
        answer = client.post("/xapi/statements", json=[one, no_id])
        assert answer.status_code == 200, answer.text
        ids = answer.json()
        assert ids[0] == one["id"] and uuid.UUID(ids[1]).version == 4
        assert answer.headers["X-Experience-API-Version"] == "1.0.3"
        got = client.get("/xapi/statements", params={"statementId": one["id"]})
        assert got.status_code == 200
        body = got.json()
        # Kept as sent, plus what the LRS sets.
        assert {k: body[k] for k in one} == one
        assert body["version"] == "1.0.3"
        assert body["authority"]["account"] == {"homePage": lrs.home_page, "name": lrs.learner}
        assert datetime.fromisoformat(body["stored"]) <= datetime.now(UTC)
        # it vouches only for what is older than a batch still being written could be
        through = datetime.fromisoformat(got.headers["X-Experience-API-Consistent-Through"])
        assert through <= datetime.now(UTC) - timedelta(seconds=9)
        single = client.post("/xapi/statements", json=statement(lrs, lrs.learner))
        assert single.status_code == 200 and len(single.json()) == 1


def test_put_and_idempotence_and_conflict(lrs: Campus) -> None:
    with lrs.client(lrs.learner) as client:
        made = statement(lrs, lrs.learner)
        sid = made.pop("id")
        assert client.put("/xapi/statements", params={"statementId": sid},
                          json=made).status_code == 204
        # Same content, timestamp written in another zone: accepted, nothing changes.
        same = {**made, "timestamp": "2026-01-05T11:00:00+01:00", "id": sid}
        assert client.put("/xapi/statements", params={"statementId": sid},
                          json=same).status_code == 204
        again = client.post("/xapi/statements", json=[same, statement(lrs, lrs.learner)])
        assert again.status_code == 200 and again.json()[0] == sid
        different = {**same, "verb": {"id": VERB + "failed"}}
        conflict = client.post("/xapi/statements", json=[statement(lrs, lrs.learner), different])
        assert conflict.status_code == 409 and sid in conflict.json()["error"]
        # All or nothing: the good statement of the refused batch was not stored.
        everything = client.get("/xapi/statements").json()["statements"]
        assert len(everything) == 2
        twice = statement(lrs, lrs.learner)
        changed = {**twice, "verb": {"id": VERB + "failed"}}
        assert client.post("/xapi/statements", json=[twice, changed]).status_code == 400
        assert client.post("/xapi/statements", json=[twice, twice]).json() == [twice["id"]] * 2
        assert client.put("/xapi/statements", params={"statementId": str(uuid.uuid4())},
                          json=statement(lrs, lrs.learner)).status_code == 400


def test_concurrent_identical_posts_store_one(lrs: Campus) -> None:
    batch = [statement(lrs, lrs.learner, activity=f"urn:test:c:{i}") for i in range(20)]
    results: list[int] = []

    def post() -> None:
        with lrs.client(lrs.learner) as client:
            results.append(client.post("/xapi/statements", json=batch).status_code)

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 6
    with lrs.client(lrs.learner) as client:
        assert len(client.get("/xapi/statements").json()["statements"]) == 20


def test_filters_and_paging(lrs: Campus) -> None:
    registration = str(uuid.uuid4())
    with lrs.client(lrs.facilitator) as client:
        mine = [statement(lrs, lrs.learner, activity=f"urn:test:page:{i}") for i in range(7)]
        mine[2]["context"] = {"registration": registration}
        mine[3]["verb"] = {"id": VERB + "passed"}
        theirs = [statement(lrs, lrs.learner2) for _ in range(3)]
        assert client.post("/xapi/statements", json=mine[:4] + theirs).status_code == 200
        between = datetime.now(UTC).isoformat()
        assert client.post("/xapi/statements", json=mine[4:]).status_code == 200

        def ids(**params: object) -> list[str]:
            answer = client.get("/xapi/statements", params=params)
            assert answer.status_code == 200, answer.text
            return [s["id"] for s in answer.json()["statements"]]

        agent = json.dumps(lrs.agent(lrs.learner))
        assert set(ids(agent=agent)) == {s["id"] for s in mine}
        assert ids(verb=VERB + "passed") == [mine[3]["id"]]
        assert ids(activity="urn:test:page:5") == [mine[5]["id"]]
        assert ids(registration=registration) == [mine[2]["id"]]
        assert set(ids(since=between)) == {s["id"] for s in mine[4:]}
        assert len(ids(until=between)) == 7
        # Newest first by default; ascending reverses it.
        assert ids(agent=agent, ascending="true") == list(reversed(ids(agent=agent)))
        assert client.get("/xapi/statements", params={"since": "yesterday"}).status_code == 400

        first = client.get("/xapi/statements", params={"agent": agent, "limit": 3}).json()
        assert len(first["statements"]) == 3 and first["more"].startswith("/xapi/statements")
        # New statements arriving mid-way do not shift the pages.
        assert client.post("/xapi/statements",
                           json=[statement(lrs, lrs.learner)]).status_code == 200
        seen = [s["id"] for s in first["statements"]]
        more = first["more"]
        while more:
            page = client.get(more).json()
            seen += [s["id"] for s in page["statements"]]
            more = page["more"]
        assert sorted(seen) == sorted(s["id"] for s in mine) and len(seen) == 7
        assert client.get("/xapi/statements", params={"more": "garbage"}).status_code == 400

        compact = client.get("/xapi/statements", params={"statementId": mine[0]["id"],
                                                          "format": "ids"}).json()
        assert "name" not in compact["actor"] and "display" not in compact["verb"]


def test_voiding(lrs: Campus) -> None:
    with lrs.client(lrs.learner) as client:
        target = statement(lrs, lrs.learner, activity="urn:test:void")
        void = voiding(lrs, lrs.learner, target["id"])
        assert client.post("/xapi/statements", json=[target]).status_code == 200
        assert client.post("/xapi/statements", json=[void]).status_code == 200
        assert client.get("/xapi/statements",
                          params={"statementId": target["id"]}).status_code == 404
        hidden = client.get("/xapi/statements",
                            params={"voidedStatementId": target["id"]})
        assert hidden.status_code == 200 and hidden.json()["id"] == target["id"]
        listed = [s["id"] for s in client.get("/xapi/statements").json()["statements"]]
        assert target["id"] not in listed and void["id"] in listed
        assert client.get("/xapi/statements", params={"activity": "urn:test:void"}
                          ).json()["statements"] == []
        again = client.post("/xapi/statements", json=[voiding(lrs, lrs.learner, void["id"])])
        assert again.status_code == 400 and "cannot be voided" in again.json()["error"]
        # A voiding statement may arrive before its target (two devices, two syncs).
        late = statement(lrs, lrs.learner)
        assert client.post("/xapi/statements",
                           json=[voiding(lrs, lrs.learner, late["id"])]).status_code == 200
        assert client.post("/xapi/statements", json=[late]).status_code == 200
        assert client.get("/xapi/statements",
                          params={"statementId": late["id"]}).status_code == 404
        # Target and voiding statement in one batch.
        pair = statement(lrs, lrs.learner)
        assert client.post("/xapi/statements",
                           json=[pair, voiding(lrs, lrs.learner, pair["id"])]).status_code == 200
        assert client.get("/xapi/statements",
                          params={"voidedStatementId": pair["id"]}).status_code == 200
    with lrs.client(lrs.learner2) as other:
        victim = statement(lrs, lrs.learner)
        with lrs.client(lrs.learner) as client:
            assert client.post("/xapi/statements", json=[victim]).status_code == 200
        refused = other.post("/xapi/statements",
                             json=[voiding(lrs, lrs.learner2, victim["id"])])
        assert refused.status_code == 403, refused.text


def test_malformed_statements_name_the_field(lrs: Campus) -> None:
    with lrs.client(lrs.learner) as client:
        cases = {
            "verb.id is not an IRI": {"verb": {"id": "not an iri"}},
            "unknown property colour": {"colour": "red"},
            "timestamp": {"timestamp": "last tuesday"},
            "result.score.scaled": {"result": {"score": {"scaled": 3}}},
            "actor needs exactly one identifier": {"actor": {"name": "nobody"}},
        }
        for needle, change in cases.items():
            bad = {**statement(lrs, lrs.learner), **change}
            answer = client.post("/xapi/statements", json=[statement(lrs, lrs.learner), bad])
            assert answer.status_code == 400, needle
            assert "statement 1" in answer.json()["error"] and needle in answer.json()["error"]
        assert client.post("/xapi/statements", content=b"{not json").status_code == 400
        assert client.get("/xapi/statements").json()["statements"] == []


def test_gzip_bodies_and_size_cap(lrs: Campus) -> None:
    with lrs.client(lrs.learner) as client:
        batch = [statement(lrs, lrs.learner) for _ in range(50)]
        packed = gzip.compress(json.dumps(batch).encode())
        answer = client.post("/xapi/statements", content=packed, headers={
            "Content-Encoding": "gzip", "Content-Type": "application/json"})
        assert answer.status_code == 200 and len(answer.json()) == 50
        broken = client.post("/xapi/statements", content=packed[:-20],
                             headers={"Content-Encoding": "gzip"})
        assert broken.status_code == 400 and "gzip" in broken.json()["error"]
        bomb = gzip.compress(b" " * (17 * 1024 * 1024))
        assert client.post("/xapi/statements", content=bomb,
                           headers={"Content-Encoding": "gzip"}).status_code == 413
        assert client.post("/xapi/statements",
                           content=b" " * (17 * 1024 * 1024)).status_code == 413
        # Responses are compressed for clients that accept it.
        listed = client.get("/xapi/statements", headers={"Accept-Encoding": "gzip"})
        assert listed.headers["Content-Encoding"] == "gzip"
        assert len(listed.json()["statements"]) == 50


def test_version_header_is_required(lrs: Campus) -> None:
    with httpx.Client(base_url=lrs.url, auth=lrs.auth(lrs.learner)) as bare:
        about = bare.get("/xapi/about")
        assert about.status_code == 200
        assert about.json() == {"version": ["1.0.3"], "extensions": {
            "urn:stepcampus:home-page": lrs.home_page, "urn:stepcampus:gzip-requests": True}}
        assert about.headers["X-Experience-API-Version"] == "1.0.3"
        missing = bare.get("/xapi/statements")
        assert missing.status_code == 400
        assert "X-Experience-API-Version" in missing.json()["error"]
        assert bare.get("/xapi/statements", headers={
            "X-Experience-API-Version": "0.95"}).status_code == 400
        assert bare.get("/xapi/statements", headers={
            "X-Experience-API-Version": "1.0.1"}).status_code == 200


def test_forged_more_tokens_and_odd_json_are_refused(lrs: Campus) -> None:
    import base64

    def token(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()

    with lrs.client(lrs.learner) as client:
        for forged in ({"limit": "9"}, {"ceiling": None}, {"format": "raw"},
                       {"limit": 10**9}, {"nonsense": 1}, {"cursor": [1]}):
            answer = client.get("/xapi/statements", params={"more": token(forged)})
            assert answer.status_code == 400, forged
        nan = b'[{"actor": {"mbox": "mailto:a@b"}, "result": {"score": {"raw": NaN}}}]'
        assert client.post("/xapi/statements", content=nan).status_code == 400
