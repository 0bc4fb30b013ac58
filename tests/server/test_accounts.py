"""Logins, tokens, the login limit, enrolment codes and classes, through the real server."""

from __future__ import annotations

import time

import httpx

from tests.lrs_server import Campus
from tests.server.helpers import statement


def test_token_and_me(lrs: Campus) -> None:
    issued = httpx.post(lrs.url + "/api/token", auth=lrs.auth(lrs.learner))
    assert issued.status_code == 200
    body = issued.json()
    assert body["username"] == lrs.learner and body["role"] == "learner"
    assert body["agent"]["account"] == {"homePage": lrs.home_page, "name": lrs.learner}
    with lrs.server.client(token=body["token"]) as client:
        me = client.get("/api/me").json()
        assert me["username"] == lrs.learner and me["classes"] == [lrs.class_name]
        # The token works for the LRS too, and statements are filed under the same agent.
        assert client.post("/xapi/statements",
                           json=[statement(lrs, lrs.learner)]).status_code == 200
    assert httpx.get(lrs.url + "/api/me", headers={
        "Authorization": "Bearer " + body["token"][:-2]}).status_code == 401


def test_failed_logins_are_limited(lrs: Campus) -> None:
    with httpx.Client(base_url=lrs.url) as client:
        for _ in range(5):
            assert client.get("/api/me", auth=(lrs.learner, "guess")).status_code == 401
        blocked = client.get("/api/me", auth=lrs.auth(lrs.learner))  # even the right one
        assert blocked.status_code == 429
        assert 1 <= int(blocked.headers["Retry-After"]) <= 61
        # Limited per name: another account from the same address is unaffected.
        assert client.get("/api/me", auth=lrs.auth(lrs.learner2)).status_code == 200


def test_enrolment_code_flow(lrs: Campus) -> None:
    with lrs.client(lrs.facilitator) as facilitator:
        class_id = facilitator.get("/api/classes").json()[0]["id"]
        made = facilitator.post(f"/api/classes/{class_id}/codes", json={"uses": 1, "days": 2})
        assert made.status_code == 201
        code = made.json()["code"]
        assert len(code.replace("-", "")) == 10
        assert facilitator.post(f"/api/classes/{class_id}/codes",
                                json={"uses": 0}).status_code == 400
    enrolled = httpx.post(lrs.url + "/api/enrol", json={
        "code": code.lower(), "username": "dara", "name": "Dara", "password": "dara-password"})
    assert enrolled.status_code == 201, enrolled.text
    assert enrolled.json()["class"] == lrs.class_name and enrolled.json()["role"] == "learner"
    with lrs.server.client(token=enrolled.json()["token"]) as client:
        assert client.get("/api/me").json()["username"] == "dara"
    used_up = httpx.post(lrs.url + "/api/enrol", json={
        "code": code, "username": "eli", "name": "Eli", "password": "eli-password"})
    assert used_up.status_code == 403 and "used up" in used_up.json()["error"]
    with lrs.client(lrs.facilitator) as facilitator:
        learners = facilitator.get("/api/classes").json()[0]["learners"]
        assert "dara" in learners and "eli" not in learners
        # The facilitator now reads the new learner's statements.
        assert facilitator.post("/xapi/statements",
                                json=[statement(lrs, "dara")]).status_code == 200


def test_an_expired_code_is_refused(lrs: Campus) -> None:
    with lrs.client(lrs.facilitator) as facilitator:
        class_id = facilitator.get("/api/classes").json()[0]["id"]
        code = facilitator.post(f"/api/classes/{class_id}/codes",
                                json={"days": 0.00002}).json()["code"]  # about 1.7 s

    def attempt() -> httpx.Response:
        # A too-short password fails after the code check: a probe that never enrols.
        return httpx.post(lrs.url + "/api/enrol", json={
            "code": code, "username": "late", "name": "Late", "password": "short"})

    assert "password" in attempt().json()["error"]  # the code was still valid
    deadline = time.monotonic() + 30
    while (answer := attempt()).status_code != 403 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert answer.status_code == 403 and "expired" in answer.json()["error"]


def test_bad_enrolments_change_nothing_and_are_limited(lrs: Campus) -> None:
    with lrs.client(lrs.facilitator) as facilitator:
        class_id = facilitator.get("/api/classes").json()[0]["id"]
        code = facilitator.post(f"/api/classes/{class_id}/codes", json={}).json()["code"]
    taken = httpx.post(lrs.url + "/api/enrol", json={
        "code": code, "username": lrs.learner2, "name": "X", "password": "long-password"})
    assert taken.status_code == 409 and lrs.learner2 in taken.json()["error"]
    short = httpx.post(lrs.url + "/api/enrol", json={
        "code": code, "username": "newbie", "name": "N", "password": "short"})
    assert short.status_code == 400 and "password" in short.json()["error"]
    for _ in range(5):
        wrong = httpx.post(lrs.url + "/api/enrol", json={
            "code": "AAAAA-AAAAA", "username": "z1", "name": "Z", "password": "long-password"})
        assert wrong.status_code == 400 and "code" in wrong.json()["error"]
    limited = httpx.post(lrs.url + "/api/enrol", json={
        "code": code, "username": "z2", "name": "Z", "password": "long-password"})
    assert limited.status_code == 429
    with lrs.client(lrs.admin) as admin:
        everyone = {name for c in admin.get("/api/classes").json() for name in c["learners"]}
    assert everyone == {lrs.learner, lrs.learner2, lrs.other_learner}


def test_classes_and_learners_through_the_api(lrs: Campus) -> None:
    with lrs.client(lrs.facilitator) as facilitator:
        made = facilitator.post("/api/classes", json={"name": "Evening group"})
        assert made.status_code == 201 and made.json()["facilitator"] == lrs.facilitator
        class_id = made.json()["id"]
        added = facilitator.post(f"/api/classes/{class_id}/learners", json={
            "username": "femi", "name": "Femi", "password": "femi-password"})
        assert added.status_code == 201 and added.json()["class"] == "Evening group"
        duplicate = facilitator.post("/api/classes", json={"name": "Evening group"})
        assert duplicate.status_code == 409 and "Evening group" in duplicate.json()["error"]
        assert facilitator.post("/api/classes", json={
            "name": "Stolen", "facilitator": lrs.other_facilitator}).status_code == 403
        assert facilitator.post("/api/classes/9999/codes", json={}).status_code == 404
    with lrs.client(lrs.other_facilitator) as other:
        assert other.post(f"/api/classes/{class_id}/learners", json={
            "username": "gil", "password": "gil-password"}).status_code == 403
    with lrs.client(lrs.admin) as admin:
        assert admin.post("/api/classes", json={
            "name": "Assigned", "facilitator": lrs.other_facilitator}).status_code == 201
