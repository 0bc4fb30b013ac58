"""LAN hub tokens: a facilitator's token scoped to the LRS, for the hub that relays their room.

It may write and read what the facilitator may in the LRS (their classes' learners), nothing
else: no other learner's records, no account API, no token swapping. Listed and revoked by its
facilitator or an admin."""

from __future__ import annotations

import json

import httpx

from tests.lrs_server import Campus
from tests.server.helpers import statement

STATE = "/xapi/activities/state"


def _hub(lrs: Campus, who: str, **body: object) -> httpx.Response:
    return httpx.post(lrs.url + "/api/hubs", auth=lrs.auth(who), json={"label": "Room 4",
                                                                         **body})


def test_a_hub_token_relays_its_facilitators_learners_only(lrs: Campus) -> None:
    made = _hub(lrs, lrs.facilitator)
    assert made.status_code == 201, made.text
    hub = made.json()
    assert hub["facilitator"] == lrs.facilitator and hub["label"] == "Room 4"
    assert hub["learners"] == sorted([lrs.learner, lrs.learner2]) and len(hub["id"]) == 16
    with lrs.server.client(token=hub["token"]) as client:
        mine = [statement(lrs, lrs.learner), statement(lrs, lrs.learner2)]
        assert client.post("/xapi/statements", json=mine).status_code == 200
        assert client.post("/xapi/statements", json=mine).status_code == 200  # idempotent
        stored = client.get("/xapi/statements", params={"statementId": mine[0]["id"]}).json()
        # The authority is the facilitator the hub acts for.
        assert stored["authority"]["account"]["name"] == lrs.facilitator
        params = {"activityId": "urn:test:a", "stateId": "resume",
                  "agent": json.dumps(lrs.agent(lrs.learner))}
        assert client.put(STATE, params=params, json={"p": 1},
                          headers={"If-None-Match": "*"}).status_code == 204
        # Another class's learner: refused, and the batch holding them stores nothing.
        theirs = [statement(lrs, lrs.learner), statement(lrs, lrs.other_learner)]
        refused = client.post("/xapi/statements", json=theirs)
        assert refused.status_code == 403
        assert f"account '{lrs.other_learner}'" in refused.json()["error"]
        assert client.get("/xapi/statements", params={
            "statementId": theirs[0]["id"]}).status_code == 404
        # Nothing under /api/ but who it is: no classes, no plain token in exchange.
        me = client.get("/api/me").json()
        assert me["username"] == lrs.facilitator and me["scope"] == "hub"
        for method, path in (("GET", "/api/classes"), ("POST", "/api/token"),
                             ("GET", "/api/hubs"), ("POST", "/api/hubs"),
                             ("GET", "/api/questions")):
            answer = client.request(method, path, json={"label": "x"})
            assert answer.status_code == 403, (method, path)
            assert "LAN hub's token" in answer.json()["error"]


def test_hubs_are_listed_revoked_and_made_only_by_facilitators(lrs: Campus) -> None:
    first = _hub(lrs, lrs.facilitator).json()
    second = _hub(lrs, lrs.facilitator, label="Room 5").json()
    theirs = _hub(lrs, lrs.other_facilitator).json()
    listed = httpx.get(lrs.url + "/api/hubs", auth=lrs.auth(lrs.facilitator)).json()["hubs"]
    assert [h["id"] for h in listed] == [first["id"], second["id"]]
    assert "token" not in listed[0]
    everyone = httpx.get(lrs.url + "/api/hubs", auth=lrs.auth(lrs.admin)).json()["hubs"]
    assert {h["id"] for h in everyone} == {first["id"], second["id"], theirs["id"]}
    # Revoking another facilitator's hub is refused; one's own works, and its token is dead.
    assert httpx.delete(f"{lrs.url}/api/hubs/{theirs['id']}",
                        auth=lrs.auth(lrs.facilitator)).status_code == 404
    assert httpx.delete(f"{lrs.url}/api/hubs/{first['id']}",
                        auth=lrs.auth(lrs.facilitator)).status_code == 204
    with lrs.server.client(token=first["token"]) as client:
        assert client.post("/xapi/statements",
                           json=[statement(lrs, lrs.learner)]).status_code == 401
    with lrs.server.client(token=second["token"]) as client:
        assert client.post("/xapi/statements",
                           json=[statement(lrs, lrs.learner)]).status_code == 200
    # Bad input: a clear refusal, nothing made.
    learner = _hub(lrs, lrs.learner)
    assert learner.status_code == 403 and "only facilitators and admins" in learner.json()[
        "error"]
    assert _hub(lrs, lrs.admin).status_code == 400  # an admin names the facilitator
    made = _hub(lrs, lrs.admin, facilitator=lrs.learner)
    assert made.status_code == 400 and "a hub belongs to a facilitator" in made.json()["error"]
    assert _hub(lrs, lrs.admin, facilitator="nobody").status_code == 404
    assert _hub(lrs, lrs.facilitator, facilitator=lrs.other_facilitator).status_code == 403
    assert _hub(lrs, lrs.facilitator, label="").status_code == 400
    assert _hub(lrs, lrs.facilitator, colour="red").status_code == 400
    assert httpx.delete(f"{lrs.url}/api/hubs/not-an-id%25",
                        auth=lrs.auth(lrs.facilitator)).status_code == 400
    by_admin = _hub(lrs, lrs.admin, facilitator=lrs.facilitator)
    assert by_admin.status_code == 201 and by_admin.json()["facilitator"] == lrs.facilitator
    listed = httpx.get(lrs.url + "/api/hubs", auth=lrs.auth(lrs.facilitator)).json()["hubs"]
    assert len(listed) == 2
