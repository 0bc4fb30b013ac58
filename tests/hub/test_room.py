"""A quiz with the room through a real `stepcampus hub`: the facilitator starts it from the
installed sample course, two learners' `stepcampus room join` processes answer, the tally and
the reveal are right, and the results reach a real campus server upstream exactly once; what
a learner may not do or see, malformed answers and the long poll."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from stepcampus.classroom.room_client import FacilitatorClient, LearnerClient, RoomClientError
from tests.hub.conftest import COURSE, HUB_PASSWORD, ROOT, env, query_sqlite, wait_for
from tests.lrs_server import HOME_PAGE, start_campus

MODULE = "social-exclusion"  # 1: one of four choices (the first right); 2: several right
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def join(url: str, user: str, *answers: str) -> subprocess.Popen[str]:
    """A learner's terminal: `stepcampus room join` giving the answers it is told."""
    cmd = [sys.executable, "-m", "stepcampus.cli", "room", "join", url, "--user", user,
           "--password-stdin", *[arg for a in answers for arg in ("--answer", a)]]
    process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env(), cwd=ROOT)
    assert process.stdin is not None
    process.stdin.write(HUB_PASSWORD + "\n")
    process.stdin.close()
    process.stdin = None  # given: communicate() has nothing more to send
    return process


def until(client: FacilitatorClient, condition, timeout: float = 30) -> dict:  # type: ignore[no-untyped-def]
    """The facilitator's view once condition(view) holds, following the long poll."""
    deadline = time.monotonic() + timeout
    view = client.view()
    while not condition(view):
        if time.monotonic() > deadline:
            raise AssertionError(f"the room never got there: {view}")
        view = client.view(after=view["version"], wait=5)
    return view


def test_two_learner_processes_answer_and_the_results_reach_the_campus_once(
        tmp_path: Path, facilitator: Path, hubs) -> None:  # type: ignore[no-untyped-def]
    campus_db = tmp_path / "campus.sqlite"
    campus = start_campus(f"sqlite:///{campus_db}")
    try:
        hub = hubs(facilitator, "--upstream", campus.url, "--user", campus.facilitator,
                   "--password-stdin", stdin=campus.passwords[campus.facilitator] + "\n")
        done = hub.cli("admin", "create-facilitator", "fatou", "--password", HUB_PASSWORD)
        assert done.returncode == 0, done.stderr
        for name in ("amina", "bilal"):  # in fatou's class on the campus too
            hub.add_learner(name)
        learners = {"amina": join(hub.url, "amina", "1=1", "2=1,2,3,4"),
                    "bilal": join(hub.url, "bilal", "1=2", "2=1,5")}
        with FacilitatorClient.sign_in(hub.url, "fatou", HUB_PASSWORD) as desk:
            until(desk, lambda v: v["joined"] == 2)  # both in the room before the start
            started = desk.start(COURSE, MODULE, class_id="cohort-3", class_name="Cohort 3")
            assert (started["state"], started["joined"], started["count"]) == ("waiting", 2, 8)
            run = started["run"]

            desk.release()
            view = until(desk, lambda v: v["tally"]["answered"] == 2)
            assert view["tally"]["counts"] == [1, 1, 0, 0] and "correct" not in view
            view = desk.reveal()
            assert view["state"] == "revealed" and view["correct"] == [0]
            assert view["feedback"][0].startswith("Right. Both halves matter")
            assert view["statements"] == 2  # the two answers, written at the reveal

            desk.release()
            view = until(desk, lambda v: v["tally"]["answered"] == 2)
            assert view["tally"]["counts"] == [2, 1, 1, 1, 1, 0]
            view = desk.reveal()
            assert view["correct"] == [0, 1, 2, 3]
            view = desk.finish()
            assert view["state"] == "finished" and view["statements"] == 6
            assert desk.finish()["statements"] == 6  # a second finish writes nothing more
        outputs = {}
        for name, process in learners.items():
            out, err = process.communicate(timeout=60)
            assert process.returncode == 0, err
            outputs[name] = out
        assert "right: you answered A situation" in outputs["amina"]
        assert "not right: you answered A household income" in outputs["bilal"]
        assert outputs["bilal"].rstrip().endswith("the room quiz is over: thank you")

        # On the hub: 2 answers each and a completion each, under the learners' accounts.
        rows = hub.sql("SELECT owner, verb_id FROM statements "
                       f"WHERE registration = '{run}' ORDER BY owner, verb_id")
        assert rows == [("amina", ANSWERED), ("amina", ANSWERED), ("amina", COMPLETED),
                        ("bilal", ANSWERED), ("bilal", ANSWERED), ("bilal", COMPLETED)]
        wait_for(lambda: hub.waiting() == 0 and len(_on_campus(campus_db, run)) == 6, 60,
                 f"the room's statements on the campus ({hub.log[-1500:]})")
        hub_ids = {row[0] for row in hub.sql(f"SELECT id FROM statements "
                                             f"WHERE registration = '{run}'")}
        held = _on_campus(campus_db, run)
        assert {row[0] for row in held} == hub_ids and len(held) == 6  # each once
        with campus.client(campus.facilitator) as client:
            found = client.get("/xapi/statements", params={"registration": run}).json()
        by_verb = {(s["actor"]["account"]["name"], s["verb"]["id"], s["object"]["id"]): s
                   for s in found["statements"]}
        done_amina = by_verb[("amina", COMPLETED, f"urn:stepcampus:course:{COURSE}:quiz:"
                                                  f"{MODULE}:room:{run}")]
        assert done_amina["actor"]["account"]["homePage"] == HOME_PAGE
        assert done_amina["result"]["score"] == {"scaled": 1.0, "raw": 2.0, "min": 0,
                                                  "max": 2}
        groups = {g["id"] for g in done_amina["context"]["contextActivities"]["grouping"]}
        assert groups == {f"urn:stepcampus:course:{COURSE}", "urn:stepcampus:class:cohort-3"}
        first = by_verb[("bilal", ANSWERED, f"urn:stepcampus:course:{COURSE}:quiz:{MODULE}:"
                                            "question:0")]
        assert first["result"]["response"] == "1" and first["result"]["score"]["scaled"] == 0
        assert first["context"]["contextActivities"]["parent"][0]["id"].endswith(f":room:{run}")
        assert first["context"]["registration"] == run
    finally:
        campus.server.stop()


def _on_campus(path: Path, run: str) -> list[tuple[object, ...]]:
    return query_sqlite(path, f"SELECT id, owner FROM statements WHERE registration = '{run}'")


def test_what_learners_may_not_do_or_see_bad_answers_and_the_long_poll(facilitator: Path,
                                                                      hubs) -> None:  # type: ignore[no-untyped-def]
    hub = hubs(facilitator)
    assert hub.cli("admin", "create-facilitator", "fatou", "--password",
                   HUB_PASSWORD).returncode == 0
    for name in ("ana", "kofi"):
        hub.add_learner(name)
    desk = FacilitatorClient.sign_in(hub.url, "fatou", HUB_PASSWORD)
    ana = LearnerClient.sign_in(hub.url, "ana", HUB_PASSWORD)
    kofi = LearnerClient.sign_in(hub.url, "kofi", HUB_PASSWORD)
    raw = httpx.Client(base_url=hub.url, auth=("ana", HUB_PASSWORD), timeout=30)
    try:
        assert httpx.get(hub.url + "/room/quiz").status_code == 401  # no account, no room
        assert ana.view()["state"] == "none"
        # Only a facilitator starts and runs the quiz, and only from what is installed.
        for path, body in (("/room/quiz", {"course": COURSE, "module": MODULE}),
                           ("/room/quiz/release", {}), ("/room/quiz/finish", {})):
            refused = raw.post(path, json=body)
            assert refused.status_code == 403 and "ana is a learner" in refused.json()["error"]
        for course, module, status, said in (
                ("nope", MODULE, 404, "the course 'nope' is not installed on this hub"),
                (COURSE, "nope", 404, f"the course {COURSE} has no module 'nope'")):
            try:
                desk.start(course, module)
                raise AssertionError("started")
            except RoomClientError as exc:
                assert (exc.status, exc.message) == (status, said)
        view = desk.start(COURSE, MODULE)
        assert desk.quizzes()[0]["module"] == MODULE
        try:
            desk.start(COURSE, MODULE)
            raise AssertionError("a second quiz started over the first")
        except RoomClientError as exc:
            assert exc.status == 409 and "finish it first" in exc.message
        ana.join()
        kofi.join()
        desk.release()

        # Ana's view: the question and her own answer; never the key, the tally, or Kofi's.
        kofi.answer(1, 2)
        seen = ana.view()
        assert seen["state"] == "open" and seen["your_answer"] is None
        assert not {"correct", "right_answers", "tally", "names", "feedback"} & set(seen)
        assert "kofi" not in str(seen).casefold()
        # Malformed answers: 400 with the reason; what was answered before stays.
        ana.answer(1, 1)
        for body, said in (
                ({"number": 1, "answer": 7},
                 "the answer must be the number of one of the 4 choices (0 for the first)"),
                ({"number": 1, "answer": "first"},
                 "the answer must be the number of one of the 4 choices (0 for the first)"),
                ({"number": "1", "answer": 0},
                 "number must be the number of the question on screen"),
                ({"number": 1}, 'give the answer: {"number": N, "answer": ...}')):
            refused = raw.post("/room/answer", json=body)
            assert (refused.status_code, refused.json()["error"]) == (400, said)
        refused = raw.post("/room/answer", content=b"{not json",
                           headers={"Content-Type": "application/json"})
        assert refused.status_code == 400 and "not JSON" in refused.json()["error"]
        wrong_question = raw.post("/room/answer", json={"number": 2, "answer": 0})
        assert wrong_question.status_code == 409
        assert ana.view()["your_answer"] == 1
        ana.answer(1, 0)  # a second answer replaces the first
        tally = desk.view()["tally"]
        assert (tally["answered"], tally["counts"]) == (2, [1, 0, 1, 0])
        assert raw.get("/room/quiz", params={"after": "x"}).status_code == 400
        assert raw.get("/room/quiz", params={"after": "1", "wait": "99"}).status_code == 400

        # The long poll: unchanged, it answers after its wait with the same version; a change
        # answers it at once.
        version = ana.view()["version"]
        start = time.monotonic()
        same = ana.view(after=version, wait=0.5)
        assert same["version"] == version and time.monotonic() - start >= 0.45
        got: list[dict] = []  # type: ignore[type-arg]
        poll = threading.Thread(target=lambda: got.append(ana.view(after=version, wait=20)))
        poll.start()
        time.sleep(0.3)
        start = time.monotonic()
        view = desk.reveal()
        poll.join(10)
        assert got and got[0]["version"] > version and got[0]["state"] == "revealed"
        assert time.monotonic() - start < 5
        # Revealed: now the right answer, her feedback and credit.
        seen = ana.view()
        assert seen["correct"] == [0] and seen["credit"] == 1.0
        assert "tally" not in seen and "kofi" not in str(seen).casefold()
        try:
            ana.answer(1, 2)
            raise AssertionError("answered after the reveal")
        except RoomClientError as exc:
            assert exc.status == 409

        # Show of hands on a question no device answered; bad counts change nothing.
        desk.release(3)  # true or false
        for counts in ([1], [1, -2], ["3", 4]):
            try:
                desk.hands(counts)
                raise AssertionError("bad counts taken")
            except RoomClientError as exc:
                assert exc.status == 400 and "one count from 0 to 10000" in exc.message
        tally = desk.hands([4, 11])["tally"]
        assert tally == {"answered": 15, "counts": [4, 11], "labels": ["True", "False"],
                         "show_of_hands": True}
        assert "hands" not in ana.view()
        view = desk.finish()
        # Hands are the room's, not a learner's: the two answers to question 1 and a
        # completion each.
        assert view["statements"] == 4
    finally:
        for client in (desk, ana, kofi, raw):
            client.close()


def test_a_terminal_names_what_is_wrong_and_changes_nothing() -> None:
    from tests.hub.conftest import stepcampus
    from tests.lrs_server import free_port

    gone = f"127.0.0.1:{free_port()}"  # nothing listens there
    for args, said in (
            (["http://bad host"], "error: URL: 'http://bad host' is not a hub's address"),
            ([gone], f"error: URL: the hub at http://{gone} does not answer"),
            ([gone, "--answer", "x=1"], "error: --answer: 'x=1' is not N=ANSWER")):
        done = stepcampus("room", "join", *args, "--user", "ana", "--password-stdin",
                          stdin="pw\n")
        assert done.returncode == 2 and done.stderr.startswith(said), done.stderr
