"""What the hub refuses, and what the campus refuses it: clear errors, nothing lost.

A learner device may write only its own learner's records. A hub started while the campus is
down links and forwards once it answers. A learner the campus does not let the facilitator
relay waits, said in `hub status`, and holds nobody else up. Bad link options change nothing.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx

from stepcampus.campus import Campus
from stepcampus.cli import main
from stepcampus.progress import activity
from tests.faultproxy import FaultProxy
from tests.hub.conftest import HUB_PASSWORD, learn, query_sqlite, stepcampus, wait_for
from tests.lrs_server import HOME_PAGE, start_campus

XAPI = {"X-Experience-API-Version": "1.0.3"}


def _statement(actor: str) -> dict[str, object]:
    return {"id": str(uuid.uuid4()),
            "actor": {"objectType": "Agent", "account": {"homePage": HOME_PAGE, "name": actor}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"objectType": "Activity", "id": "urn:test:module"}}


def test_a_learner_device_writes_only_its_own_learners_records(facilitator: Path,
                                                              hubs) -> None:  # type: ignore[no-untyped-def]
    hub = hubs(facilitator)
    for name in ("amina", "bilal"):
        hub.add_learner(name)
    with httpx.Client(base_url=hub.url, headers=XAPI, auth=("amina", HUB_PASSWORD)) as client:
        own = _statement("amina")
        assert client.post("/xapi/statements", json=[own]).status_code == 200
        # Another learner's, alone or hidden in a batch of one's own: refused, nothing stored.
        mixed = [_statement("amina"), _statement("bilal")]
        refused = client.post("/xapi/statements", json=mixed)
        assert refused.status_code == 403
        assert refused.json()["error"] == ("amina (learner) may not write statements for "
                                           f"account 'bilal' of {HOME_PAGE}")
        other = _statement("bilal")
        assert client.put("/xapi/statements", params={"statementId": other["id"]},
                          json=other).status_code == 403
        state = client.put("/xapi/activities/state", json={"module": "m"}, params={
            "activityId": "urn:test:course", "stateId": "resume",
            "agent": json.dumps({"account": {"homePage": HOME_PAGE, "name": "bilal"}})})
        assert state.status_code == 403
        # Reading another learner's records is refused too.
        assert client.get("/xapi/statements", params={"agent": json.dumps(
            {"account": {"homePage": HOME_PAGE, "name": "bilal"}})}).status_code == 403
    assert hub.sql("SELECT statement_id, owner FROM hub_forward_statements") == [
        (own["id"], "amina")]
    assert hub.sql("SELECT count(*) FROM statements") == [(1,)]
    assert hub.sql("SELECT count(*) FROM hub_forward_state") == [(0,)]
    # Questions about webinars wait on the learner's computer for the campus itself.
    assert httpx.get(hub.url + "/api/questions", auth=("amina", HUB_PASSWORD)).status_code == 404
    assert httpx.post(hub.url + "/xapi/statements", json=[own]).status_code == 400  # no version
    assert httpx.post(hub.url + "/xapi/statements", json=[own],
                      headers=XAPI).status_code == 401


def test_campus_down_at_start_refused_learners_and_bad_link_options(
        tmp_path: Path, facilitator: Path, hubs, capsys) -> None:  # type: ignore[no-untyped-def]
    campus = start_campus(f"sqlite:///{tmp_path / 'campus.sqlite'}")
    try:
        with FaultProxy(campus.server.port) as proxy:
            campus.server.kill()
            hub = hubs(facilitator, "--upstream", proxy.url, "--user", campus.facilitator,
                       "--password-stdin", stdin=campus.passwords[campus.facilitator] + "\n")
            assert "the campus does not answer yet" in hub.log
            # chen is a learner of the campus, but of another facilitator's class.
            desks = {}
            for name in ("amina", "chen"):
                hub.add_learner(name)
                desk = Campus(tmp_path / name)
                learn(desk.sessions, activity.create_profile(desk.sessions, name).id, 18)
                desk.close()
                done = stepcampus("--data-dir", str(tmp_path / name), "sync", "--endpoint",
                                  hub.url, "--user", name, "--password", HUB_PASSWORD)
                assert done.returncode == 0, done.stderr
                desks[name] = tmp_path / name
            assert hub.waiting() == 36
            campus.server.start()
            wait_for(lambda: hub.sql("SELECT owner FROM hub_forward_statements "
                                     "GROUP BY owner") == [("chen",)], 60,
                     f"amina's records forwarded ({hub.log})")
            wait_for(lambda: "refused chen's records" in hub.log, 30, "chen's refusal")
            assert f"linked to the campus at {proxy.url} as {campus.facilitator}'s hub" in hub.log
            status = hub.cli("status", "--json")
            report = json.loads(status.stdout)
            assert report["waiting"] == {"chen": 18}
            assert "may not write statements for account 'chen'" in report["refused"]["chen"]
            assert report["upstream"]["facilitator"] == campus.facilitator
            text = hub.cli("status").stdout
            assert "waiting to be forwarded: 18 statement(s) (chen 18)" in text
            assert "refused by the campus: chen:" in text
            held = query_sqlite(tmp_path / "campus.sqlite",
                                "SELECT owner, count(*) FROM statements GROUP BY owner")
            assert held == [("amina", 18)]

            # Bad link options: a clear error, and the link stays as it was (in-process: the
            # command stops before it would serve).
            link = hub.sql("SELECT key, value FROM hub_settings WHERE key LIKE 'upstream.%'")

            def refused(*args: str) -> str:
                code = main(["--data-dir", str(facilitator), "hub", "--no-announce",
                             "--host", "127.0.0.1", "--port", "1", *args])
                err = capsys.readouterr().err
                assert code == 2 and err.startswith("error: ") and "Traceback" not in err, err
                return err

            assert "refused the hub's sign-in" in refused(
                "--upstream", proxy.url, "--user", campus.facilitator, "--password", "wrong-pw1")
            assert "only facilitators and admins make and list LAN hubs" in refused(
                "--upstream", proxy.url, "--user", "amina", "--password",
                campus.passwords["amina"])
            assert "not linked to http://127.0.0.1:9 yet" in refused(
                "--upstream", "http://127.0.0.1:9/")
            assert "give --upstream URL too" in refused("--user", "fatou")
            assert "cannot change" in refused("--home-page", "urn:another:campus")
            assert "--port must be" in refused("--port", "0")
            assert "is not a hub name" in refused("--name", "a.b")
            assert "is not an http(s) URL" in refused("--upstream", "ftp://x")
            assert hub.sql("SELECT key, value FROM hub_settings WHERE key LIKE "
                           "'upstream.%'") == link
    finally:
        campus.server.stop()
