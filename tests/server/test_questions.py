"""Learners' questions on the real campus server: a batch from a desktop stored once whatever
is sent again, answers by facilitators and admins only, clear refusals, and the admin commands."""

from __future__ import annotations

import gzip
import json
import uuid
from typing import Any

import httpx

from tests.lrs_server import Campus
from tests.server.helpers import run_cli

SERIES = "social-protection-in-crises"
SESSION = "linking-cash-and-safety-nets"


def _question(text: str = "How are payments targeted?", **changes: Any) -> dict[str, Any]:
    made: dict[str, Any] = {"id": uuid.uuid4().hex, "series": SERIES, "session": SESSION,
                            "text": text, "asked": "2026-03-01T09:00:00.000Z"}
    made.update(changes)
    return made


def _mine(client: httpx.Client) -> list[dict[str, Any]]:
    answer = client.get("/api/questions")
    assert answer.status_code == 200, answer.text
    return answer.json()["questions"]


def _unanswered(client: httpx.Client) -> list[dict[str, Any]]:
    answer = client.get("/api/questions", params={"unanswered": "1"})
    assert answer.status_code == 200, answer.text
    return answer.json()["questions"]


def test_ask_resend_answer_and_answer_again(lrs: Campus) -> None:
    first = _question()
    second = _question("And who pays?", session=None, asked="2026-03-01T09:30:00+00:00")
    with lrs.client(lrs.learner) as amina, lrs.client(lrs.facilitator) as fatou, \
            lrs.client(lrs.other_facilitator) as farid, lrs.client(lrs.learner2) as bilal:
        sent = amina.post("/api/questions", json={"questions": [first, second]})
        assert sent.status_code == 200, sent.text
        assert sent.json() == {"accepted": [first["id"], second["id"]]}
        stored = _mine(amina)
        # The acknowledgement was lost: the desktop sends the same batch again.
        again = amina.post("/api/questions", json={"questions": [second, first]})
        assert again.json() == {"accepted": [second["id"], first["id"]]}
        assert _mine(amina) == stored
        assert [(q["id"], q["text"], q["session"], q["answer"]) for q in stored] == [
            (first["id"], first["text"], SESSION, None), (second["id"], second["text"], None,
                                                          None)]
        assert stored[0]["asked"] == "2026-03-01T09:00:00.000Z"
        assert stored[0]["asked_by"] == {"username": lrs.learner, "name": "Amina"}

        # Learners see only their own, and may not list everyone's nor answer.
        assert _mine(bilal) == []
        refused = amina.get("/api/questions", params={"unanswered": "1"})
        assert refused.status_code == 403 and "only facilitators and admins" in refused.text
        refused = amina.post(f"/api/questions/{first['id']}/answer", json={"answer": "Me"})
        assert refused.status_code == 403

        # Someone else's id, or the same id with other text, is a conflict naming the id.
        clash = bilal.post("/api/questions", json={"questions": [first]})
        assert clash.status_code == 409 and first["id"] in clash.json()["error"]
        assert "another account" in clash.json()["error"]
        changed = amina.post("/api/questions", json={"questions": [{**first, "text": "Edited"}]})
        assert changed.status_code == 409 and first["id"] in changed.json()["error"]
        assert _mine(amina) == stored and _mine(bilal) == []

        waiting = _unanswered(fatou)
        assert [q["id"] for q in waiting] == [first["id"], second["id"]]
        assert waiting[0]["asked_by"] == {"username": lrs.learner, "name": "Amina"}

        answered = fatou.post(f"/api/questions/{first['id']}/answer",
                              json={"answer": "  By household survey.  "})
        assert answered.status_code == 200, answered.text
        body = answered.json()
        assert body["answer"] == "By household survey."
        assert body["answered_by"] == {"username": lrs.facilitator, "name": "Fatou"}
        assert [q["id"] for q in _unanswered(farid)] == [second["id"]]
        [got, _] = _mine(amina)
        assert (got["answer"], got["answered"]) == ("By household survey.", body["answered"])

        # The same answer again changes nothing; another replaces it, with a new time.
        same = fatou.post(f"/api/questions/{first['id']}/answer",
                          json={"answer": "By household survey."})
        assert same.json()["answered"] == body["answered"]
        replaced = farid.post(f"/api/questions/{first['id']}/answer",
                              json={"answer": "By survey and by a proxy means test."})
        assert replaced.json()["answered_by"]["username"] == lrs.other_facilitator
        assert replaced.json()["answered"] > body["answered"]
        assert _mine(amina)[0]["answer"] == "By survey and by a proxy means test."

        missing = fatou.post(f"/api/questions/{'e' * 32}/answer", json={"answer": "?"})
        assert missing.status_code == 404 and "e" * 32 in missing.text
        empty = fatou.post(f"/api/questions/{first['id']}/answer", json={"answer": "  "})
        assert empty.status_code == 400 and "answer is empty" in empty.text
        odd = fatou.post(f"/api/questions/{first['id']}/answer", json={"text": "x"})
        assert odd.status_code == 400
    with lrs.client(lrs.admin) as ada:
        assert _unanswered(ada)[0]["id"] == second["id"]
        assert ada.post(f"/api/questions/{second['id']}/answer",
                        json={"answer": "The treasury."}).status_code == 200
        assert _unanswered(ada) == []
        assert ada.get("/api/questions", params={"unanswered": "yes"}).status_code == 400
    assert httpx.get(lrs.url + "/api/questions").status_code == 401


def test_every_field_is_checked_by_name_and_index_and_nothing_is_stored(lrs: Campus) -> None:
    good = _question()
    cases: list[tuple[Any, str]] = [
        ([good], "must be a JSON object"),
        ({"question": [good]}, "the body must be {\"questions\""),
        ({"questions": []}, "1 to 100"),
        ({"questions": [_question() for _ in range(101)]}, "1 to 100"),
        ({"questions": [good, "text"]}, "questions[1] is not a JSON object"),
        ({"questions": [good, {**_question(), "extra": 1}]}, "questions[1]: unknown field extra"),
        ({"questions": [good, {k: v for k, v in _question().items() if k != "text"}]},
         "questions[1].text is missing"),
        ({"questions": [good, _question(id="not-hex")]}, "questions[1].id must be 32"),
        ({"questions": [good, _question(id=str(uuid.uuid4()))]}, "questions[1].id must be 32"),
        ({"questions": [good, _question(series="")]}, "questions[1].series is not"),
        ({"questions": [good, _question(series=7)]}, "questions[1].series is not"),
        ({"questions": [good, _question(session="s" * 101)]}, "questions[1].session is longer"),
        ({"questions": [good, _question(text="   ")]}, "questions[1].text is empty"),
        ({"questions": [good, _question(text="x" * 2001)]}, "questions[1].text is longer"),
        ({"questions": [good, _question(text="a\x00b")]}, "questions[1].text contains a NUL"),
        ({"questions": [good, _question(text=["a"])]}, "questions[1].text is not a text"),
        ({"questions": [good, _question(asked="yesterday")]}, "questions[1].asked is not"),
        ({"questions": [good, _question(asked="2026-03-01T09:00:00")]}, "questions[1].asked"),
        ({"questions": [good, {**good, "text": "other"}]}, "appears twice"),
    ]
    with lrs.client(lrs.learner) as amina:
        for body, says in cases:
            answer = amina.post("/api/questions", json=body)
            assert answer.status_code == 400, (body, answer.text)
            assert says in answer.json()["error"], (says, answer.json())
        assert amina.post("/api/questions", content=b"{nope").status_code == 400
        assert _mine(amina) == []

        # A batch with one clash is refused whole: its new question is not stored either.
        assert amina.post("/api/questions", json={"questions": [good]}).status_code == 200
        fresh = _question("fresh")
        clash = amina.post("/api/questions", json={"questions": [
            fresh, {**good, "series": "another-series"}]})
        assert clash.status_code == 409 and good["id"] in clash.json()["error"]
        assert [q["id"] for q in _mine(amina)] == [good["id"]]

        # The same id twice in one batch with the same content is one question; an id in
        # capitals is the same id.
        twice = _question("twice")
        assert amina.post("/api/questions", json={"questions": [
            twice, {**twice, "id": twice["id"].upper()}]}).status_code == 200
        assert len(_mine(amina)) == 2


def test_a_full_batch_of_long_questions_gzipped(lrs: Campus) -> None:
    batch = [_question("¿Quién paga? " + "é" * 1980) for _ in range(100)]
    body = gzip.compress(json.dumps({"questions": batch}, ensure_ascii=False).encode())
    assert len(json.dumps({"questions": batch}).encode()) > 64 * 1024
    with lrs.client(lrs.learner) as amina:
        sent = amina.post("/api/questions", content=body, headers={
            "Content-Type": "application/json", "Content-Encoding": "gzip"})
        assert sent.status_code == 200, sent.text
        assert len(sent.json()["accepted"]) == 100
        assert {q["text"] for q in _mine(amina)} == {q["text"] for q in batch}


def test_admin_commands_list_and_answer(lrs: Campus) -> None:
    first = _question("Who pays?")
    second = _question("Line one\nline two", session=None, asked="2026-03-02T09:00:00Z")
    with lrs.client(lrs.learner) as amina:
        assert amina.post("/api/questions", json={"questions": [first, second]}
                          ).status_code == 200
    database = lrs.server.database_url

    def admin(*args: str, stdin: str | None = None) -> str:
        done = run_cli("admin", "--database", database, *args, stdin=stdin)
        assert done.returncode == 0, done.stderr
        return done.stdout

    listing = admin("questions", "--unanswered")
    assert listing.startswith("2 unanswered question(s)")
    assert f"{first['id']}  {SERIES} / {SESSION}  asked by amina (Amina)" in listing
    assert "  Q: Line one\n     line two\n" in listing and "(unanswered)" in listing

    said = admin("answer", first["id"], "--text", "The ministry.", "--as", lrs.facilitator)
    assert f"answered question {first['id']} from amina as fatou" in said
    admin("answer", second["id"], "--as", lrs.admin, stdin="From the budget,\nmostly.\n")
    assert admin("questions", "--unanswered").startswith("0 unanswered question(s)")
    listed = json.loads(admin("questions", "--json"))
    assert [(q["id"], q["answer"], q["answered_by"]["username"]) for q in listed] == [
        (first["id"], "The ministry.", lrs.facilitator),
        (second["id"], "From the budget,\nmostly.", lrs.admin)]
    assert "  A: The ministry.\n  answered by fatou at " in admin("questions")
    with lrs.client(lrs.learner) as amina:
        assert [q["answer"] for q in _mine(amina)] == ["The ministry.",
                                                       "From the budget,\nmostly."]

    def refused(*args: str, stdin: str | None = None) -> str:
        done = run_cli("admin", "--database", database, *args, stdin=stdin)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr and done.stderr.startswith("error: ")
        return done.stderr

    assert f"no question {'f' * 32}" in refused("answer", "f" * 32, "--text", "x", "--as",
                                                lrs.facilitator)
    assert "no account named 'nobody'" in refused("answer", first["id"], "--text", "x",
                                                  "--as", "nobody")
    assert "amina is a learner" in refused("answer", first["id"], "--text", "x", "--as",
                                           lrs.learner)
    assert "answer is empty" in refused("answer", first["id"], "--as", lrs.admin, stdin="\n")
    no_as = run_cli("admin", "--database", database, "answer", first["id"], "--text", "x")
    assert no_as.returncode == 2 and "--as" in no_as.stderr
    assert json.loads(admin("questions", "--json"))[0]["answer"] == "The ministry."
