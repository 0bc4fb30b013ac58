"""The campus JSON API under /api/: tokens, the asking account, enrolment, classes and the
questions learners ask about webinars."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from stepcampus.server import accounts
from stepcampus.server import questions as asked
from stepcampus.server.accounts import Principal
from stepcampus.server.context import authenticate, client_address, context
from stepcampus.server.database import write_session
from stepcampus.server.models import Account, ClassGroup, ClassMember
from stepcampus.server.problems import Refused, bad_request, forbidden
from stepcampus.server.web import read_json

MAX_API_BODY = 64 * 1024


async def _json_object(request: Request, limit: int = MAX_API_BODY) -> dict[str, Any]:
    data = await read_json(request, limit)
    if not isinstance(data, dict):
        raise bad_request("the request body must be a JSON object")
    return data


def _account_json(request: Request, who: Principal) -> dict[str, Any]:
    return {"username": who.username, "name": who.display_name, "role": who.role,
            "agent": context(request).agent(who)}


def _class_json(session: Any, group: ClassGroup) -> dict[str, Any]:
    facilitator = session.get(Account, group.facilitator_id)
    learners = accounts.members(session, group)
    return {"id": group.id, "name": group.name,
            "facilitator": facilitator.username if facilitator else None,
            "learners": [m.username for m in learners],
            # The same learners with their names, which a facilitator's desktop enrols them by.
            "members": [{"username": m.username, "name": m.display_name} for m in learners]}


async def _manager(request: Request, what: str = "manage classes") -> Principal:
    who = await authenticate(request)
    if who.role not in ("facilitator", "admin"):
        raise forbidden(f"{who.username} is a {who.role}; only facilitators and admins "
                        f"{what}")
    return who


async def token(request: Request) -> Response:
    who = await authenticate(request)
    ctx = context(request)

    def issue() -> str:
        with write_session(ctx.factory) as session:
            return accounts.issue_token(session, who.id)

    return JSONResponse({"token": await run_in_threadpool(issue), **_account_json(request, who)})


async def me(request: Request) -> Response:
    who = await authenticate(request, hub_ok=True)  # a hub checks its link with it
    ctx = context(request)

    def classes() -> list[str]:
        with ctx.factory() as session:
            if who.role == "learner":
                return list(session.scalars(
                    select(ClassGroup.name).join(ClassMember,
                                                 ClassMember.class_id == ClassGroup.id)
                    .where(ClassMember.account_id == who.id).order_by(ClassGroup.name)))
            return [g.name for g in accounts.classes_of(session, who)]

    return JSONResponse({**_account_json(request, who), "scope": who.scope,
                         "classes": await run_in_threadpool(classes)})


async def enrol(request: Request) -> Response:
    ctx = context(request)
    key = (client_address(request),)
    ctx.auth.enrolments.check(key, "enrolment attempts")
    data = await _json_object(request)

    def run() -> tuple[Principal, str, str]:
        with write_session(ctx.factory) as session:
            account, group = accounts.enrol(session, data.get("code"), data.get("username"),
                                            data.get("name"), data.get("password"))
            return accounts.principal(account), group.name, accounts.issue_token(session,
                                                                                 account.id)

    try:
        who, class_name, new_token = await run_in_threadpool(run)
    except Refused as exc:
        if exc.message.startswith("code:"):
            ctx.auth.enrolments.fail(key)
        raise
    return JSONResponse({**_account_json(request, who), "class": class_name,
                         "token": new_token}, status_code=201)


async def classes(request: Request) -> Response:
    who = await _manager(request)
    ctx = context(request)
    if request.method == "GET":
        def listing() -> list[dict[str, Any]]:
            with ctx.factory() as session:
                return [_class_json(session, g) for g in accounts.classes_of(session, who)]

        return JSONResponse(await run_in_threadpool(listing))
    data = await _json_object(request)
    facilitator = data.get("facilitator", who.username)
    if facilitator != who.username and who.role != "admin":
        raise forbidden("only an admin may create a class for another facilitator")

    def create() -> dict[str, Any]:
        with write_session(ctx.factory) as session:
            group = accounts.create_class(session, data.get("name"), str(facilitator))
            return _class_json(session, group)

    return JSONResponse(await run_in_threadpool(create), status_code=201)


def _class_id(request: Request) -> int:
    return int(request.path_params["class_id"])


async def class_learners(request: Request) -> Response:
    who = await _manager(request)
    ctx = context(request)
    data = await _json_object(request)

    def create() -> dict[str, Any]:
        with write_session(ctx.factory) as session:
            group = accounts.class_for(session, who, _class_id(request))
            account = accounts.create_account(session, accounts.check_username(
                data.get("username")), accounts.check_password(data.get("password")),
                "learner", accounts.check_name(data.get("name", data.get("username"))))
            accounts.add_member(session, group, account)
            return {**_account_json(request, accounts.principal(account)), "class": group.name}

    return JSONResponse(await run_in_threadpool(create), status_code=201)


async def class_codes(request: Request) -> Response:
    who = await _manager(request)
    ctx = context(request)
    data = await _json_object(request)

    def create() -> dict[str, Any]:
        with write_session(ctx.factory) as session:
            group = accounts.class_for(session, who, _class_id(request))
            entry = accounts.create_code(session, group, data.get("uses", 30),
                                         data.get("days", 14))
            return {"code": accounts.format_code(entry.code), "class": group.name,
                    "uses": entry.max_uses, "expires": entry.expires_at.isoformat()}

    return JSONResponse(await run_in_threadpool(create), status_code=201)


async def questions(request: Request) -> Response:
    """POST: a learner's desktop sends a batch; GET: the asking account's own questions with
    their answers, or (?unanswered=1, facilitators and admins) everyone's unanswered ones."""
    who = await authenticate(request)
    ctx = context(request)
    if request.method == "POST":
        # A full batch of long questions outgrows the small API limit: the LRS's applies.
        batch = asked.parse_batch(await _json_object(request, ctx.max_body))

        def submit() -> list[str]:
            for attempt in range(2):
                try:
                    with write_session(ctx.factory) as session:
                        return asked.submit(session, who, batch)
                except IntegrityError:
                    # The same new id from a concurrent request (PostgreSQL lets both read
                    # "absent"): the second look sees the stored row and judges it.
                    if attempt == 1:
                        raise
            raise AssertionError("unreachable")

        return JSONResponse({"accepted": await run_in_threadpool(submit)})
    flag = request.query_params.get("unanswered", "0")
    if flag not in ("0", "1"):
        raise bad_request("the unanswered parameter must be 0 or 1")
    unanswered = flag == "1"
    if unanswered:
        asked.check_answerer(who)

    def listing() -> list[dict[str, Any]]:
        with ctx.factory() as session:
            return asked.listing(session, account_id=None if unanswered else who.id,
                                 unanswered=unanswered)

    return JSONResponse({"questions": await run_in_threadpool(listing)})


async def answer_question(request: Request) -> Response:
    who = await authenticate(request)
    asked.check_answerer(who)  # before reading the body: a learner learns nothing more
    ctx = context(request)
    data = await _json_object(request, ctx.max_body)  # a long answer outgrows the small limit
    if set(data) != {"answer"}:
        raise bad_request('the body must be {"answer": "..."}')

    def run() -> dict[str, Any]:
        with write_session(ctx.factory) as session:
            return asked.answer(session, request.path_params["question_id"], who,
                                data["answer"])

    return JSONResponse(await run_in_threadpool(run))


async def hubs(request: Request) -> Response:
    """POST: a facilitator (or an admin, naming one) makes a LAN hub's token; GET: the hubs."""
    who = await _manager(request, "make and list LAN hubs")
    ctx = context(request)
    if request.method == "GET":
        def listing() -> list[dict[str, Any]]:
            with ctx.factory() as session:
                rows = accounts.hub_tokens(session, None if who.role == "admin" else who.id)
                names = {a.id: a.username for a in session.scalars(
                    select(Account).where(Account.id.in_({r.account_id for r in rows})))}
                return [accounts.hub_json(r, names.get(r.account_id, "?")) for r in rows]

        return JSONResponse({"hubs": await run_in_threadpool(listing)})
    data = await _json_object(request)
    unknown = sorted(set(data) - {"label", "facilitator"})
    if unknown:
        raise bad_request(f"unexpected field {unknown[0]!r} (send label and, for an admin, "
                          "facilitator)")
    facilitator = data.get("facilitator", who.username)
    if facilitator != who.username and who.role != "admin":
        raise forbidden("only an admin may make a hub for another facilitator")
    if who.role == "admin" and "facilitator" not in data:
        raise bad_request("facilitator: an admin names the facilitator the hub belongs to")

    def create() -> dict[str, Any]:
        with write_session(ctx.factory) as session:
            account = accounts.find_account(session, str(facilitator))
            if account is None:
                raise Refused(404, f"facilitator: no account named {facilitator!r}")
            token, row = accounts.issue_hub_token(session, account, data.get("label"))
            learners = sorted(accounts.learners_of(session, account.id))
            return {**accounts.hub_json(row, account.username), "token": token,
                    "learners": learners}

    return JSONResponse(await run_in_threadpool(create), status_code=201)


async def hub_revoke(request: Request) -> Response:
    who = await _manager(request, "revoke LAN hubs")
    ctx = context(request)

    def revoke() -> None:
        with write_session(ctx.factory) as session:
            accounts.revoke_hub_token(session, who, request.path_params["hub_id"])

    await run_in_threadpool(revoke)
    return Response(status_code=204)


ROUTES = [
    Route("/api/token", token, methods=["POST"]),
    Route("/api/me", me, methods=["GET"]),
    Route("/api/enrol", enrol, methods=["POST"]),
    Route("/api/classes", classes, methods=["GET", "POST"]),
    Route("/api/classes/{class_id:int}/learners", class_learners, methods=["POST"]),
    Route("/api/classes/{class_id:int}/codes", class_codes, methods=["POST"]),
    Route("/api/questions", questions, methods=["GET", "POST"]),
    Route("/api/questions/{question_id}/answer", answer_question, methods=["POST"]),
    Route("/api/hubs", hubs, methods=["GET", "POST"]),
    Route("/api/hubs/{hub_id}", hub_revoke, methods=["DELETE"]),
]
