"""xAPI 1.0.3 statements as plain dicts: the form the outbox keeps and sync sends to an LRS."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from stepcampus.errors import InputError, Problem

XAPI_VERSION = "1.0.3"
VERB_BASE = "http://adlnet.gov/expapi/verbs/"
VERBS = ("launched", "progressed", "completed", "attempted", "answered", "passed", "failed",
         "asked", "attended")
HOME_PAGE = "urn:stepcampus:desktop"
# cmi5's progress extension: an integer 0..100, understood by LRS dashboards.
PROGRESS_EXTENSION = "https://w3id.org/xapi/cmi5/result/extensions/progress"
PLATFORM = "STEP Campus desktop"

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def verb(name: str) -> dict[str, Any]:
    if name not in VERBS:
        raise ValueError(f"unknown verb {name!r}; expected one of {', '.join(VERBS)}")
    return {"id": VERB_BASE + name, "display": {"en-US": name}}


_verb = verb  # statement() has a parameter named verb


def agent(profile_id: str, name: str) -> dict[str, Any]:
    """The learner as an xAPI Agent: identified by the local profile id, never an e-mail."""
    return {
        "objectType": "Agent",
        "name": name,
        "account": {"homePage": HOME_PAGE, "name": profile_id},
    }


def _part(text: str) -> str:
    # Ids are already URN-safe ([a-z0-9-]); quoting keeps any other input a valid IRI.
    return quote(str(text), safe="-._~")


def course_iri(course_id: str) -> str:
    return f"urn:stepcampus:course:{_part(course_id)}"


def module_iri(course_id: str, module_id: str) -> str:
    return f"{course_iri(course_id)}:module:{_part(module_id)}"


def quiz_iri(course_id: str, module_id: str) -> str:
    return f"{course_iri(course_id)}:quiz:{_part(module_id)}"


def question_iri(course_id: str, module_id: str, index: int) -> str:
    return f"{quiz_iri(course_id, module_id)}:question:{int(index)}"


def room_quiz_iri(course_id: str, module_id: str, run_id: str) -> str:
    """One run of a module's quiz with a room; not a quiz attempt, so sync never merges it into
    the learner's own attempts."""
    return f"{quiz_iri(course_id, module_id)}:room:{_part(run_id)}"


def class_iri(class_id: str) -> str:
    """A class a facilitator runs on this desktop (its id is unique across desktops)."""
    return f"urn:stepcampus:class:{_part(class_id)}"


def class_session_iri(class_id: str, session_id: str) -> str:
    return f"{class_iri(class_id)}:session:{_part(session_id)}"


def format_timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: xAPI timestamps must be in UTC")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_timestamp(value: Any) -> datetime | None:
    """An ISO 8601 time with its zone, as another party sent it; None if it is anything else
    (a time without a zone cannot be placed, so it is no time at all here)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def result(
    *,
    scaled: float | None = None,
    success: bool | None = None,
    completion: bool | None = None,
    response: str | None = None,
    progress: int | None = None,
) -> dict[str, Any]:
    """An xAPI result holding only the parts given."""
    out: dict[str, Any] = {}
    if scaled is not None:
        if not -1.0 <= scaled <= 1.0:
            raise ValueError(f"score.scaled must be within -1..1, not {scaled}")
        out["score"] = {"scaled": float(scaled)}
    if success is not None:
        out["success"] = bool(success)
    if completion is not None:
        out["completion"] = bool(completion)
    if response is not None:
        out["response"] = response
    if progress is not None:
        if not 0 <= progress <= 100:
            raise ValueError(f"progress must be within 0..100, not {progress}")
        out["extensions"] = {PROGRESS_EXTENSION: int(progress)}
    return out


def statement(
    actor: dict[str, Any],
    verb: str,
    object_id: str,
    object_name: str | None = None,
    *,
    result: dict[str, Any] | None = None,
    context_parent: str | None = None,
    context_grouping: str | None = None,
    registration: str | None = None,
    timestamp: datetime | None = None,
    name_language: str = "und",
) -> dict[str, Any]:
    """A complete statement with a fresh uuid4 id; verb is one of VERBS.

    context_parent is the activity directly containing the object (a question's quiz),
    context_grouping a wider one (its course); registration groups one quiz attempt.

    object_name is shown by the LRS; its language defaults to "und" (undetermined) because
    course titles come in the course's own default language.
    """
    activity: dict[str, Any] = {"objectType": "Activity", "id": object_id}
    if object_name:
        activity["definition"] = {"name": {name_language: object_name}}
    context: dict[str, Any] = {"platform": PLATFORM}
    activities = {
        kind: [{"objectType": "Activity", "id": iri}]
        for kind, iri in (("parent", context_parent), ("grouping", context_grouping))
        if iri
    }
    if activities:
        context["contextActivities"] = activities
    if registration:
        context["registration"] = str(uuid.UUID(registration))
    out: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": _verb(verb),
        "object": activity,
        "context": context,
        "timestamp": format_timestamp(timestamp or datetime.now(UTC)),
        "version": XAPI_VERSION,
    }
    if result:
        out["result"] = result
    return out


def validate_statement(data: Any) -> None:
    """Raise InputError listing every structural problem of an xAPI statement dict."""
    problems = statement_problems(data)
    if problems:
        where = f"statement {data.get('id')}" if isinstance(data, dict) else "statement"
        raise InputError(Problem(where, None, message) for message in problems)


STATEMENT_PROPERTIES = frozenset({
    "id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
    "version", "attachments",
})
_OBJECT_TYPES = ("Activity", "Agent", "Group", "StatementRef", "SubStatement")


def statement_problems(data: Any) -> list[str]:
    """Every structural problem of an xAPI statement dict, each naming its field."""
    if not isinstance(data, dict):
        return ["is not a JSON object"]
    found: list[str] = []
    unknown = sorted(str(key) for key in data if key not in STATEMENT_PROPERTIES)
    if unknown:
        found.append(f"unknown propert{'y' if len(unknown) == 1 else 'ies'} "
                     f"{', '.join(unknown)}")
    if not _is_uuid(data.get("id")):
        found.append("id is not a UUID")
    if "version" in data and not (isinstance(data["version"], str)
                                  and re.fullmatch(r"1\.0(\.\d+)?", data["version"])):
        found.append("version is not 1.0.x")
    found += _actor_problems(data.get("actor"))
    verb_ = data.get("verb")
    if not isinstance(verb_, dict) or not _is_iri(verb_.get("id")):
        found.append("verb.id is not an IRI")
    elif "display" in verb_ and not _is_language_map(verb_["display"]):
        found.append("verb.display is not a language map")
    found += _object_problems(data.get("object"))
    found += _result_problems(data.get("result"))
    found += _context_problems(data.get("context"))
    if "timestamp" in data and not _is_timestamp(data["timestamp"]):
        found.append("timestamp is not an ISO 8601 time with a time zone")
    return found


def _actor_problems(actor: Any) -> list[str]:
    if not isinstance(actor, dict):
        return ["actor is missing"]
    if actor.get("objectType", "Agent") != "Agent":
        return ["actor.objectType is not Agent"]
    ifis = [key for key in _IFIS if key in actor]
    if len(ifis) != 1:
        return ["actor needs exactly one identifier (mbox, mbox_sha1sum, openid or account)"]
    account = actor.get("account")
    if ifis == ["account"] and not (
        isinstance(account, dict)
        and _is_iri(account.get("homePage"))
        and isinstance(account.get("name"), str)
        and account["name"]
    ):
        return ["actor.account needs a homePage IRI and a name"]
    return []


def _object_problems(obj: Any) -> list[str]:
    if not isinstance(obj, dict):
        return ["object is missing"]
    kind = obj.get("objectType", "Activity")
    if kind not in _OBJECT_TYPES:
        return [f"object.objectType is not one of {', '.join(_OBJECT_TYPES)}"]
    if kind == "Agent":
        return [problem.replace("actor", "object", 1) for problem in _actor_problems(obj)]
    if kind == "Activity" and not _is_iri(obj.get("id")):
        return ["object.id is not an IRI"]
    if kind == "StatementRef" and not _is_uuid(obj.get("id")):
        return ["object.id is not a UUID"]
    definition = obj.get("definition", {})
    if not isinstance(definition, dict):
        return ["object.definition is not an object"]
    if "name" in definition and not _is_language_map(definition["name"]):
        return ["object.definition.name is not a language map"]
    return []


def _result_problems(res: Any) -> list[str]:
    if res is None:
        return []
    if not isinstance(res, dict):
        return ["result is not an object"]
    found: list[str] = []
    scaled = res.get("score", {}).get("scaled") if isinstance(res.get("score"), dict) else None
    if scaled is not None and not (_is_number(scaled) and -1 <= scaled <= 1):
        found.append("result.score.scaled is not a number within -1..1")
    for key in ("success", "completion"):
        if key in res and not isinstance(res[key], bool):
            found.append(f"result.{key} is not true or false")
    if "response" in res and not isinstance(res["response"], str):
        found.append("result.response is not a string")
    extensions = res.get("extensions", {})
    if not isinstance(extensions, dict) or not all(_is_iri(key) for key in extensions):
        found.append("result.extensions keys are not IRIs")
    return found


def _context_problems(ctx: Any) -> list[str]:
    if ctx is None:
        return []
    if not isinstance(ctx, dict):
        return ["context is not an object"]
    found: list[str] = []
    if "registration" in ctx and not _is_uuid(ctx["registration"]):
        found.append("context.registration is not a UUID")
    activities = ctx.get("contextActivities", {})
    if not isinstance(activities, dict):
        return [*found, "context.contextActivities is not an object"]
    for kind, entries in activities.items():
        listed = entries if isinstance(entries, list) else [entries]
        if not all(isinstance(e, dict) and _is_iri(e.get("id")) for e in listed):
            found.append(f"context.contextActivities.{kind} has an activity without an IRI id")
    return found


def _is_uuid(value: Any) -> bool:
    return isinstance(value, str) and bool(_UUID.match(value))


def _is_iri(value: Any) -> bool:
    return isinstance(value, str) and bool(_IRI.match(value))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_language_map(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and k and isinstance(v, str) for k, v in value.items()
    )


def _is_timestamp(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return False
    return moment.tzinfo is not None
