"""Questions asked offline reach the campus server at the next sync, exactly once, and their
answers come back as new at a later one; with an LRS that is no campus server they wait."""

from __future__ import annotations

import json
import random
import string
from typing import Any

import httpx
import pytest

from stepcampus.progress import activity
from stepcampus.sync.accounts import get_link
from stepcampus.sync.engine import SyncReport, queued_count, sync_profile
from stepcampus.sync.errors import SyncError
from stepcampus.webinar import questions
from tests.faultproxy import Cut, FaultProxy
from tests.lrs_server import RunningServer, free_port, start_server
from tests.sync.conftest import ADMIN, Desktop, new_learner, no_wait, server_ids

SERIES = "social-protection-in-crises"
SESSION = "linking-cash-and-safety-nets"


class Watching(httpx.HTTPTransport):
    """The real transport, noting each request; it can hide the campus server's home page from
    /about (then it looks like any other LRS), answer 404 for the questions API (a campus server
    from before questions), or drop the connection once the server has answered a request."""

    def __init__(self, *, hide_home_page: bool = False, no_questions_api: bool = False,
                 drop_after: tuple[str, str] | None = None) -> None:
        super().__init__()
        self.hide_home_page = hide_home_page
        self.no_questions_api = no_questions_api
        self.drop_after = drop_after
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.no_questions_api and request.url.path.startswith("/api/questions"):
            return httpx.Response(404, json={"error": "no such resource"})
        response = super().handle_request(request)
        if self.drop_after == (request.method, request.url.path):
            response.read()  # the server did all the work; only its answer gets lost
            self.drop_after = None
            raise httpx.RemoteProtocolError("connection dropped", request=request)
        if self.hide_home_page and request.url.path.endswith("/about"):
            response.read()
            about = response.json()
            del about["extensions"]["urn:stepcampus:home-page"]
            return httpx.Response(200, json=about)
        return response

    def calls(self, method: str, path: str) -> int:
        return sum(1 for r in self.requests if (r.method, r.url.path) == (method, path))


def _sync(desk: Desktop, transport: httpx.BaseTransport | None = None,
          attempts: int = 6) -> SyncReport:
    link = get_link(desk.factory, desk.profile_id)
    assert link is not None
    return sync_profile(desk.factory, desk.profile_id, link, transport=transport,
                        retry=no_wait(attempts))


def _on_server(server: RunningServer, username: str) -> list[dict[str, Any]]:
    """The learner's questions as the server holds them, read with the admin command."""
    listed = json.loads(server.admin("questions", "--json"))
    return [q for q in listed if q["asked_by"]["username"] == username]


def _ask(desk: Desktop, *texts: str) -> list[str]:
    return [questions.ask_question(desk.factory, desk.profile_id, SERIES, SESSION, text).id
            for text in texts]


def test_asked_offline_sent_answered_and_back_as_new(any_lrs, desktops) -> None:
    learner = new_learner(any_lrs)
    desk = desktops()
    first, second = _ask(desk, "Who pays for the top-ups?", "How fast can they scale up?")
    desk.link(any_lrs, learner)

    watching = Watching()
    report = _sync(desk, watching)
    assert (report.questions_sent, report.answers_received, report.questions_waiting) == (
        2, 0, 0)
    assert "sent 2 questions" in report.lines()
    assert not any("answer" in line for line in report.lines())
    assert report.as_dict()["questions_sent"] == 2
    assert questions.unsent_questions(desk.factory, desk.profile_id) == []
    held = _on_server(any_lrs, learner.username)
    assert [(q["id"], q["text"], q["series"], q["session"]) for q in held] == [
        (first, "Who pays for the top-ups?", SERIES, SESSION),
        (second, "How fast can they scale up?", SERIES, SESSION)]
    # The "asked" statements went with the rest of the outbox.
    assert queued_count(desk.factory, desk.profile_id) == 0
    assert len(server_ids(any_lrs, learner.username)) == 2

    watching = Watching()
    report = _sync(desk, watching)
    assert (report.questions_sent, report.answers_received) == (0, 0)
    assert watching.calls("POST", "/api/questions") == 0  # nothing left to send
    assert watching.calls("GET", "/api/questions") == 1
    assert not any("question" in line or "answer" in line for line in report.lines())

    any_lrs.admin("answer", first, "--text", "The treasury, with donor support.",
                  "--as", ADMIN[0])
    report = _sync(desk)
    assert report.answers_received == 1 and "received 1 answer" in report.lines()
    assert questions.new_answer_count(desk.factory, desk.profile_id) == 1
    [answered] = [q for q in questions.list_questions(desk.factory, desk.profile_id)
                  if q.id == first]
    assert (answered.answer, answered.answered_by) == ("The treasury, with donor support.",
                                                       ADMIN[0])
    assert answered.answer_seen_at is None

    assert _sync(desk).answers_received == 0  # the same answer is not new twice
    assert questions.new_answer_count(desk.factory, desk.profile_id) == 1
    questions.mark_answers_seen(desk.factory, desk.profile_id, [first])
    assert questions.new_answer_count(desk.factory, desk.profile_id) == 0

    # Answered again on the server: new again on the desktop.
    any_lrs.admin("answer", first, "--as", ADMIN[0], stdin="The treasury alone, from 2027.")
    any_lrs.admin("answer", second, "--text", "Within a week.", "--as", ADMIN[0])
    report = _sync(desk)
    assert report.answers_received == 2 and "received 2 answers" in report.lines()
    assert questions.new_answer_count(desk.factory, desk.profile_id) == 2
    assert {q.answer for q in questions.list_questions(desk.factory, desk.profile_id)} == {
        "The treasury alone, from 2027.", "Within a week."}
    assert len(_on_server(any_lrs, learner.username)) == 2

    # Another computer of the same learner gets the questions with their answers.
    other = desktops("two", "Amina")
    other.link(any_lrs, learner)
    assert _sync(other).answers_received == 2
    assert sorted(q.id for q in questions.list_questions(other.factory, other.profile_id)) \
        == sorted([first, second])
    assert questions.unsent_questions(other.factory, other.profile_id) == []


def test_a_lost_acknowledgement_sends_nothing_twice(lrs, desktops) -> None:
    learner = new_learner(lrs)
    desk = desktops()
    desk.link(lrs, learner)
    asked = _ask(desk, "One?", "Two?", "Three?")
    # The server stores the batch, then the connection drops before its answer arrives.
    dropping = Watching(drop_after=("POST", "/api/questions"))
    with pytest.raises(SyncError) as failure:
        _sync(desk, dropping, attempts=1)
    assert failure.value.kind == "offline"
    assert len(_on_server(lrs, learner.username)) == 3
    # Nothing is lost: the statements acknowledged before stay sent, the questions queued.
    assert queued_count(desk.factory, desk.profile_id) == 0
    assert len(questions.unsent_questions(desk.factory, desk.profile_id)) == 3

    report = _sync(desk)
    assert report.questions_sent == 3
    assert questions.unsent_questions(desk.factory, desk.profile_id) == []
    held = _on_server(lrs, learner.username)
    assert sorted(q["id"] for q in held) == sorted(asked)  # each once

    # The answers' fetch cut: the questions are sent, the answer comes at the next sync.
    lrs.admin("answer", asked[0], "--text", "Yes.", "--as", ADMIN[0])
    with pytest.raises(SyncError):
        _sync(desk, Watching(drop_after=("GET", "/api/questions")), attempts=1)
    assert questions.new_answer_count(desk.factory, desk.profile_id) == 0
    assert _sync(desk).answers_received == 1


def test_an_lrs_that_is_no_campus_server_keeps_questions_queued(tmp_path, desktops) -> None:
    # A real server whose /about hides that it is a campus server: to the desktop it is any
    # LRS, whose accounts' homePage is its own address.
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}/xapi/"
    server = start_server(f"sqlite:///{tmp_path / 'plain.sqlite'}", port=port,
                          extra_args=["--home-page", endpoint])
    try:
        server.admin("create-admin", *ADMIN[:1], "--password", ADMIN[1])
        learner = new_learner(server)
        desk = desktops()
        desk.link(server, learner)
        _ask(desk, "Is anyone there?", "Hello?")
        plain = Watching(hide_home_page=True)
        report = _sync(desk, plain)
        assert report.sent == 2 and queued_count(desk.factory, desk.profile_id) == 0
        assert report.questions_sent == 0 and report.questions_waiting == 2
        assert "2 questions wait for a campus server" in report.lines()
        assert report.as_dict()["questions_waiting"] == 2
        assert not any(r.url.path.startswith("/api/") for r in plain.requests)
        assert len(questions.unsent_questions(desk.factory, desk.profile_id)) == 2
        assert _on_server(server, learner.username) == []

        # A campus server from before questions (no /api/questions): they wait as well.
        older = Watching(no_questions_api=True)
        report = _sync(desk, older)
        assert report.questions_waiting == 2 and older.calls("POST", "/api/questions") == 1
        assert len(questions.unsent_questions(desk.factory, desk.profile_id)) == 2

        # Once the endpoint turns out to be a campus server, they go.
        report = _sync(desk)
        assert (report.questions_sent, report.questions_waiting) == (2, 0)
        assert len(_on_server(server, learner.username)) == 2
    finally:
        server.stop()


def _words(rng: random.Random, size: int) -> str:
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 9)))
                    for _ in range(size))


def test_cuts_during_the_questions_step_lose_and_duplicate_nothing(any_lrs, desktops) -> None:
    learner = new_learner(any_lrs)
    desk = desktops()
    desk.link(any_lrs, learner)
    rng = random.Random(20261201)

    def ask_more(n: int) -> list[str]:
        return _ask(desk, *(_words(rng, rng.randint(20, 300)) for _ in range(n)))

    asked = ask_more(230)
    # First the statements alone, to a server without the questions API, so that the cuts
    # below strike the questions' traffic (batches of 100) more often than the statements'.
    assert _sync(desk, Watching(no_questions_api=True)).questions_waiting == 230
    with FaultProxy(any_lrs.port) as proxy:
        desk.link(proxy.url + "/xapi/", learner)
        struck, rounds, synced = 0, 0, False
        # Cuts at random points of each connection until three have struck the questions
        # step; then the cuts stop and a last sync must finish.
        while struck < 3 or not synced:
            assert rounds < 100, "the sync never completed"
            rounds += 1
            if struck < 3 and proxy.planned < 2:
                proxy.plan(*(Cut(rng.choice(["up", "down"]), rng.randint(1, 60_000))
                             for _ in range(4)))
            try:
                _sync(desk, attempts=2)
                synced = True
                if struck < 3:
                    asked += ask_more(120)
            except SyncError as exc:
                assert exc.kind in ("offline", "server"), exc
                synced = False
                struck += "questions" in exc.message
                # What the server acknowledged is marked sent; the rest waits: nothing lost.
                unsent = {q.id for q in questions.unsent_questions(desk.factory,
                                                                   desk.profile_id)}
                held = {q["id"] for q in _on_server(any_lrs, learner.username)}
                assert set(asked) - unsent <= held
    assert questions.unsent_questions(desk.factory, desk.profile_id) == []
    held = [q["id"] for q in _on_server(any_lrs, learner.username)]
    assert len(held) == len(set(held)) == len(asked) and set(held) == set(asked)
    assert queued_count(desk.factory, desk.profile_id) == 0


# Resume positions of webinar sessions (kept here with the rest of the webinar sync) ----------


@pytest.fixture(scope="module")
def series_bundle(tmp_path_factory: pytest.TempPathFactory, sample_key) -> str:
    from stepcampus.campus import SAMPLE_SERIES
    from stepcampus.coursepack.build import build
    from stepcampus.paths import SAMPLE_COURSES_DIR

    made = build(SAMPLE_COURSES_DIR / SAMPLE_SERIES, tmp_path_factory.mktemp("series"),
                 sample_key)
    return str(made.bundle)


def _position(desk: Desktop, session_id: str) -> str | None:
    rows = activity.course_progress(desk.factory, desk.profile_id, SERIES)
    return next((row.position for row in rows if row.module_id == session_id), None)


def _watch(desk: Desktop, session_id: str, seconds: int) -> None:
    activity.record_progress(desk.factory, desk.profile_id, SERIES, session_id,
                             f"t={seconds}", 10)


def test_each_webinar_session_resumes_where_it_was_left(lrs, desktops, series_bundle) -> None:
    learner = new_learner(lrs)
    office, home = desktops("office"), desktops("home")
    for desk in (office, home):
        desk.campus.install(series_bundle)
        desk.link(lrs, learner)
    # At the office: half way through the session, then a few minutes of a session this
    # version of the series does not list yet (the series' own resume point: the latest).
    _watch(office, SESSION, 1800)
    _watch(office, "next-session", 240)
    _sync(office)

    # At home, nothing watched: both positions arrive, not only the latest session's.
    _sync(home)
    assert (_position(home, SESSION), _position(home, "next-session")) == ("t=1800", "t=240")

    # Watched further at home, then at the office later still: the latest move wins.
    _watch(home, SESSION, 2400)
    _sync(home)
    _sync(office)
    assert _position(office, SESSION) == "t=2400"
    _watch(office, SESSION, 2500)
    _watch(home, SESSION, 2600)  # later than the office's, though synced after it
    _sync(office)
    _sync(home)
    _sync(office)
    assert _position(office, SESSION) == _position(home, SESSION) == "t=2600"
    state = f"urn:stepcampus:course:{SERIES}:module:{SESSION}"
    agent = json.dumps({"objectType": "Agent", "account": {
        "homePage": "urn:stepcampus:campus", "name": learner.username}})
    with lrs.client(auth=ADMIN) as admin:
        document = admin.get("/xapi/activities/state", params={
            "activityId": state, "agent": agent, "stateId": "resume"}).json()
    assert document["position"] == "t=2600"
