from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from stepcampus.errors import InputError
from stepcampus.progress import xapi

ACTOR = xapi.agent("0f" * 16, "Amina")


def test_activity_iris() -> None:
    assert xapi.course_iri("isp") == "urn:stepcampus:course:isp"
    assert xapi.module_iri("isp", "m-1") == "urn:stepcampus:course:isp:module:m-1"
    assert xapi.quiz_iri("isp", "m-1") == "urn:stepcampus:course:isp:quiz:m-1"
    assert xapi.question_iri("isp", "m-1", 3) == "urn:stepcampus:course:isp:quiz:m-1:question:3"
    assert xapi.course_iri("a b/c") == "urn:stepcampus:course:a%20b%2Fc"


def test_statement_structure() -> None:
    moment = datetime(2024, 5, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    attempt = uuid.uuid4().hex
    made = xapi.statement(
        ACTOR,
        "passed",
        xapi.quiz_iri("isp", "m-1"),
        "Quiz",
        result=xapi.result(scaled=0.8, success=True, completion=True),
        context_parent=xapi.course_iri("isp"),
        registration=attempt,
        timestamp=moment,
    )
    xapi.validate_statement(made)
    assert uuid.UUID(made["id"]).version == 4
    assert made["actor"] == {
        "objectType": "Agent",
        "name": "Amina",
        "account": {"homePage": "urn:stepcampus:desktop", "name": "0f" * 16},
    }
    assert made["verb"] == {
        "id": "http://adlnet.gov/expapi/verbs/passed",
        "display": {"en-US": "passed"},
    }
    assert made["object"]["id"] == "urn:stepcampus:course:isp:quiz:m-1"
    assert made["object"]["definition"] == {"name": {"und": "Quiz"}}
    assert made["result"] == {"score": {"scaled": 0.8}, "success": True, "completion": True}
    assert made["context"]["contextActivities"]["parent"][0]["id"] == "urn:stepcampus:course:isp"
    assert made["context"]["registration"] == str(uuid.UUID(attempt))
    assert made["timestamp"] == "2024-05-01T10:30:00.000Z"


def test_progress_extension_and_default_timestamp() -> None:
    made = xapi.statement(ACTOR, "progressed", "urn:x:y", result=xapi.result(progress=40))
    assert made["result"]["extensions"] == {
        "https://w3id.org/xapi/cmi5/result/extensions/progress": 40
    }
    stamp = datetime.fromisoformat(made["timestamp"])
    assert abs(stamp - datetime.now(UTC)) < timedelta(seconds=5)
    assert "definition" not in made["object"] and "result" in made


def test_each_statement_gets_its_own_id() -> None:
    assert (
        xapi.statement(ACTOR, "launched", "urn:x")["id"]
        != xapi.statement(ACTOR, "launched", "urn:x")["id"]
    )


def test_bad_inputs_to_builders() -> None:
    with pytest.raises(ValueError, match="unknown verb"):
        xapi.statement(ACTOR, "liked", "urn:x")
    with pytest.raises(ValueError):
        xapi.result(scaled=1.5)
    with pytest.raises(ValueError):
        xapi.result(progress=101)
    with pytest.raises(ValueError):
        xapi.format_timestamp(datetime(2024, 1, 1))


def _broken(path: list[str], value: object) -> dict:
    made = copy.deepcopy(xapi.statement(ACTOR, "answered", "urn:x", result=xapi.result(scaled=1)))
    target = made
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return made


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["id"], "not-a-uuid", "id is not a UUID"),
        (["actor"], KeyError, "actor is missing"),
        (["actor", "account"], KeyError, "exactly one identifier"),
        (["actor", "account", "homePage"], "no scheme", "homePage"),
        (["verb", "id"], "answered", "verb.id is not an IRI"),
        (["object"], KeyError, "object is missing"),
        (["object", "id"], KeyError, "object.id is not an IRI"),
        (["result", "score", "scaled"], 2, "scaled"),
        (["result", "success"], "yes", "result.success"),
        (["context", "registration"], "123", "registration"),
        (["timestamp"], "yesterday", "timestamp"),
    ],
)
def test_validate_rejects(path: list[str], value: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        xapi.validate_statement(_broken(path, value))


def test_validate_rejects_non_objects() -> None:
    with pytest.raises(InputError, match="not a JSON object"):
        xapi.validate_statement([])
