"""Every endpoint, tried by people who should not get in: nobody, a wrong password, another
learner (by bearer token), a facilitator of another class. And by those who should."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest

from tests.lrs_server import Campus
from tests.server.helpers import statement

STATE = "/xapi/activities/state"


@dataclass
class Call:
    name: str
    send: Callable[[httpx.Client, Campus, dict[str, str]], httpx.Response]
    learners_own: bool = True  # False: only facilitators/admins may (class management)
    # A facilitator may list classes: their own (checked in test_reads_are_scoped...).
    lists_own: bool = False


def _state(lrs: Campus, state_id: str = "bookmark") -> dict[str, str]:
    return {"activityId": "urn:test:a", "agent": json.dumps(lrs.agent(lrs.learner)),
            "stateId": state_id}


CALLS = [
    Call("GET statements?agent", lambda c, lrs, ids: c.get(
        "/xapi/statements", params={"agent": json.dumps(lrs.agent(lrs.learner))})),
    Call("GET statements?statementId", lambda c, lrs, ids: c.get(
        "/xapi/statements", params={"statementId": ids["statement"]})),
    Call("POST statements", lambda c, lrs, ids: c.post(
        "/xapi/statements", json=[statement(lrs, lrs.learner)])),
    Call("PUT statements", lambda c, lrs, ids: c.put(
        "/xapi/statements", params={"statementId": (s := statement(lrs, lrs.learner))["id"]},
        json=s)),
    Call("POST voiding", lambda c, lrs, ids: c.post(
        "/xapi/statements", json=[statement(lrs, lrs.learner, verb="voided", object={
            "objectType": "StatementRef", "id": ids["statement"]})])),
    Call("GET state", lambda c, lrs, ids: c.get(STATE, params=_state(lrs))),
    Call("GET state ids", lambda c, lrs, ids: c.get(
        STATE, params={k: v for k, v in _state(lrs).items() if k != "stateId"})),
    Call("PUT state", lambda c, lrs, ids: c.put(
        STATE, params=_state(lrs, f"other{ids['n']}"), json={"x": 1})),
    Call("POST state", lambda c, lrs, ids: c.post(STATE, params=_state(lrs), json={"y": 1})),
    Call("DELETE state", lambda c, lrs, ids: c.delete(STATE, params=_state(lrs, "gone"))),
    Call("GET classes", lambda c, lrs, ids: c.get("/api/classes"), learners_own=False,
         lists_own=True),
    Call("POST classes", lambda c, lrs, ids: c.post(
        "/api/classes", json={"name": f"New {ids['n']}", "facilitator": lrs.facilitator}),
         learners_own=False),
    Call("POST class learners", lambda c, lrs, ids: c.post(
        f"/api/classes/{ids['class']}/learners",
        json={"username": f"new{ids['n']}", "password": "long-enough-pw"}), learners_own=False),
    Call("POST class codes", lambda c, lrs, ids: c.post(
        f"/api/classes/{ids['class']}/codes", json={"uses": 2}), learners_own=False),
]


@pytest.fixture
def setup(lrs: Campus) -> dict[str, str]:
    with lrs.client(lrs.learner) as client:
        made = statement(lrs, lrs.learner)
        assert client.post("/xapi/statements", json=[made]).status_code == 200
        assert client.put(STATE, params=_state(lrs), json={"p": 1}).status_code == 204
    with lrs.client(lrs.facilitator) as client:
        classes = client.get("/api/classes").json()
    token = httpx.post(lrs.url + "/api/token", auth=lrs.auth(lrs.learner2)).json()["token"]
    return {"statement": made["id"], "class": str(classes[0]["id"]), "token": token, "n": "0"}


def test_outsiders_are_refused_everywhere(lrs: Campus, setup: dict[str, str]) -> None:
    users = sorted(lrs.passwords)
    # Wrong passwords rotate over the accounts: five failures for one name trip the limit.
    outsiders: dict[str, tuple[Callable[[int], httpx.Client], int]] = {
        "no credentials": (lambda i: lrs.client(None), 401),
        "wrong password": (lambda i: lrs.server.client(auth=(users[i % len(users)], "wrong")),
                           401),
        "bad token": (lambda i: lrs.server.client(token="made-up-token"), 401),
        "another learner's token": (lambda i: lrs.server.client(token=setup["token"]), 403),
        "facilitator of another class": (lambda i: lrs.client(lrs.other_facilitator), 403),
    }
    failures = []
    for who, (make_client, expected) in outsiders.items():
        for i, call in enumerate(CALLS):
            with make_client(i) as client:
                answer = call.send(client, lrs, setup)
                if call.lists_own and who == "facilitator of another class":
                    assert [c["name"] for c in answer.json()] == [lrs.other_class]
                elif answer.status_code != expected:
                    failures.append(f"{who} / {call.name}: {answer.status_code} {answer.text}")
                elif expected == 401:
                    assert answer.headers["WWW-Authenticate"] == 'Basic realm="STEP Campus"'
                elif call.learners_own:
                    assert lrs.learner in answer.json()["error"]  # names the actor
    assert failures == []


def test_insiders_are_let_in(lrs: Campus, setup: dict[str, str]) -> None:
    # The same calls succeed for the learner (their own records), their facilitator and the
    # admin: the refusals above are about who asks, not about broken requests.
    for n, who in enumerate((lrs.learner, lrs.facilitator, lrs.admin)):
        with lrs.client(who) as client:
            for call in CALLS:
                if call.name in ("POST voiding", "DELETE state"):
                    continue  # would change what the next caller sees
                setup["n"] = f"{n}{call.name.replace(' ', '')}"
                answer = call.send(client, lrs, setup)
                expected = (403,) if who == lrs.learner and not call.learners_own else (
                    200, 201, 204)
                assert answer.status_code in expected, (who, call.name, answer.text)


def test_reads_are_scoped_to_what_each_role_may_see(lrs: Campus) -> None:
    everyone = (lrs.learner, lrs.learner2, lrs.other_learner)
    for who in everyone:
        with lrs.client(who) as client:
            assert client.post("/xapi/statements",
                               json=[statement(lrs, who)]).status_code == 200

    def owners(user: str) -> set[str]:
        with lrs.client(user) as client:
            answer = client.get("/xapi/statements")
            assert answer.status_code == 200
            return {s["actor"]["account"]["name"] for s in answer.json()["statements"]}

    assert owners(lrs.learner) == {lrs.learner}
    assert owners(lrs.facilitator) == {lrs.learner, lrs.learner2}
    assert owners(lrs.other_facilitator) == {lrs.other_learner}
    assert owners(lrs.admin) == set(everyone)
    for user, classes in ((lrs.facilitator, [lrs.class_name]),
                          (lrs.other_facilitator, [lrs.other_class]),
                          (lrs.admin, [lrs.class_name, lrs.other_class])):
        with lrs.client(user) as client:
            assert [c["name"] for c in client.get("/api/classes").json()] == classes
    with lrs.client(lrs.learner) as client:
        other = client.get("/xapi/statements",
                           params={"agent": json.dumps(lrs.agent(lrs.learner2))})
        assert other.status_code == 403 and lrs.learner2 in other.json()["error"]
        assert client.post("/xapi/statements",
                           json=[statement(lrs, lrs.learner2)]).status_code == 403
    with lrs.client(lrs.facilitator) as client:
        assert client.post("/xapi/statements",
                           json=[statement(lrs, lrs.learner2)]).status_code == 200
        assert client.post("/xapi/statements",
                           json=[statement(lrs, lrs.other_learner)]).status_code == 403


def test_unknown_routes_and_methods(lrs: Campus) -> None:
    with lrs.client(lrs.admin) as client:
        assert client.get("/xapi/agents/profile").status_code == 404
        assert client.get("/nothing/here").status_code == 404
        assert client.delete("/xapi/statements").status_code == 405
