"""xAPI state documents on the real server: replace, merge, list, preconditions, delete."""

from __future__ import annotations

import hashlib
import json
import uuid

from tests.lrs_server import Campus

ACTIVITY = "urn:stepcampus:course:isp:module:m-1"


def _params(lrs: Campus, who: str, **extra: str) -> dict[str, str]:
    return {"activityId": ACTIVITY, "agent": json.dumps(lrs.agent(who)), **extra}


def test_put_get_merge_list_delete(lrs: Campus) -> None:
    with lrs.client(lrs.learner) as client:
        params = _params(lrs, lrs.learner, stateId="bookmark")
        body = json.dumps({"page": 3}).encode()
        put = client.put("/xapi/activities/state", params=params, content=body,
                         headers={"Content-Type": "application/json"})
        assert put.status_code == 204
        got = client.get("/xapi/activities/state", params=params)
        assert got.status_code == 200 and got.json() == {"page": 3}
        assert got.headers["ETag"] == f'"{hashlib.sha1(body).hexdigest()}"'
        assert got.headers["Content-Type"] == "application/json"
        merged = client.post("/xapi/activities/state", params=params,
                             json={"seconds": 42, "page": 4})
        assert merged.status_code == 204
        assert client.get("/xapi/activities/state", params=params).json() == {
            "page": 4, "seconds": 42}
        not_object = client.post("/xapi/activities/state", params=params, json=[1, 2])
        assert not_object.status_code == 400

        other = _params(lrs, lrs.learner, stateId="notes.txt")
        assert client.put("/xapi/activities/state", params=other, content=b"hello",
                          headers={"Content-Type": "text/plain"}).status_code == 204
        text = client.get("/xapi/activities/state", params=other)
        assert text.content == b"hello" and text.headers["Content-Type"].startswith("text/plain")
        assert client.post("/xapi/activities/state", params=other, json={"a": 1}
                           ).status_code == 400  # cannot merge into text

        listing = client.get("/xapi/activities/state", params=_params(lrs, lrs.learner))
        assert listing.json() == ["bookmark", "notes.txt"]
        assert client.delete("/xapi/activities/state", params=other).status_code == 204
        assert client.get("/xapi/activities/state", params=other).status_code == 404
        assert client.get("/xapi/activities/state", params=_params(lrs, lrs.learner)
                          ).json() == ["bookmark"]
        assert client.delete("/xapi/activities/state",
                             params=_params(lrs, lrs.learner)).status_code == 204
        assert client.get("/xapi/activities/state", params=_params(lrs, lrs.learner)
                          ).json() == []


def test_preconditions_and_concurrency(lrs: Campus) -> None:
    with lrs.client(lrs.learner) as client:
        params = _params(lrs, lrs.learner, stateId="resume")
        assert client.put("/xapi/activities/state", params=params, json={"v": 1},
                          headers={"If-None-Match": "*"}).status_code == 204
        etag = client.get("/xapi/activities/state", params=params).headers["ETag"]
        # Someone else's write exists: a blind PUT is refused, If-None-Match: * fails.
        blind = client.put("/xapi/activities/state", params=params, json={"v": 2})
        assert blind.status_code == 409 and "If-Match" in blind.json()["error"]
        assert client.put("/xapi/activities/state", params=params, json={"v": 2},
                          headers={"If-None-Match": "*"}).status_code == 412
        assert client.put("/xapi/activities/state", params=params, json={"v": 2},
                          headers={"If-Match": '"0000"'}).status_code == 412
        assert client.get("/xapi/activities/state", params=params).json() == {"v": 1}
        ok = client.put("/xapi/activities/state", params=params, json={"v": 2},
                        headers={"If-Match": etag})
        assert ok.status_code == 204
        assert client.post("/xapi/activities/state", params=params, json={"w": 1},
                           headers={"If-Match": etag}).status_code == 412
        assert client.delete("/xapi/activities/state", params=params,
                             headers={"If-Match": etag}).status_code == 412
        assert client.get("/xapi/activities/state", params=params).json() == {"v": 2}


def test_registration_and_bad_parameters(lrs: Campus) -> None:
    with lrs.client(lrs.learner) as client:
        registration = str(uuid.uuid4())
        with_reg = _params(lrs, lrs.learner, stateId="s", registration=registration)
        assert client.put("/xapi/activities/state", params=with_reg,
                          json={"r": 1}).status_code == 204
        assert client.get("/xapi/activities/state",
                          params=_params(lrs, lrs.learner, stateId="s")).status_code == 404
        assert client.get("/xapi/activities/state", params=with_reg).json() == {"r": 1}
        bad = client.get("/xapi/activities/state", params={"activityId": ACTIVITY,
                                                           "agent": "{nope"})
        assert bad.status_code == 400 and "agent" in bad.json()["error"]
        assert client.get("/xapi/activities/state", params={
            "agent": json.dumps(lrs.agent(lrs.learner))}).status_code == 400
        assert client.put("/xapi/activities/state", params=_params(lrs, lrs.learner),
                          json={}).status_code == 400  # no stateId
        assert client.get("/xapi/activities/state", params={
            **with_reg, "registration": "not-a-uuid"}).status_code == 400
