"""The xAPI 1.0.3 resources under /xapi/: about, statements and activity state."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from stepcampus.progress.xapi import format_timestamp
from stepcampus.server import state as state_docs
from stepcampus.server import statements
from stepcampus.server.agents import agent_key, owner_of, parse_agent_param
from stepcampus.server.context import access_for, context
from stepcampus.server.problems import bad_request
from stepcampus.server.web import parse_time, read_body, read_json

CONSISTENT = "X-Experience-API-Consistent-Through"
# `stored` is set before a batch's transaction commits, so a batch still being written can land
# just before a time already answered for. Answers vouch only for what is older than this
# margin (far longer than a batch takes); a client's next pull reads the last seconds again.
WRITE_MARGIN = timedelta(seconds=10)
_SINGLE_PARAMS = {"statementId", "voidedStatementId", "attachments", "format"}


async def about(request: Request) -> Response:
    return JSONResponse({"version": ["1.0.3"], "extensions": {
        "urn:stepcampus:home-page": context(request).home_page,
        "urn:stepcampus:gzip-requests": True,
    }})


# ------------------------------------------------------------------ statements


async def post_statements(request: Request) -> Response:
    ctx = context(request)
    access = await access_for(request)
    data = await read_json(request, ctx.max_body)
    batch = data if isinstance(data, list) else [data]
    if not batch:
        raise bad_request("the request holds no statements")
    if len(batch) > 5000:
        raise bad_request("send at most 5000 statements per request")
    now = datetime.now(UTC)
    authority = ctx.agent(access.principal)

    def prepare_and_store() -> list[str]:  # CPU and database work, off the event loop
        prepared = [statements.prepare(raw, i, ctx.home_page, authority, access, now)
                    for i, raw in enumerate(batch)]
        return statements.store(ctx.factory, prepared, access)

    return JSONResponse(await run_in_threadpool(prepare_and_store))


async def put_statement(request: Request) -> Response:
    ctx = context(request)
    access = await access_for(request)
    statement_id = request.query_params.get("statementId")
    if not statement_id:
        raise bad_request("PUT needs the statementId parameter")
    data = await read_json(request, ctx.max_body)
    if not isinstance(data, dict):
        raise bad_request("statement 0: is not a JSON object")
    if "id" in data and str(data["id"]).lower() != statement_id.lower():
        raise bad_request(f"statement 0: id {data['id']} differs from statementId "
                          f"{statement_id}")
    data = {**data, "id": statement_id}
    prepared = statements.prepare(data, 0, ctx.home_page, ctx.agent(access.principal), access,
                                  datetime.now(UTC))
    await run_in_threadpool(statements.store, ctx.factory, [prepared], access)
    return Response(status_code=204)


def _one_of(params: Any, name: str, choices: tuple[str, ...], default: str) -> str:
    value = params.get(name, default)
    if value not in choices:
        raise bad_request(f"the {name} parameter must be one of {', '.join(choices)}")
    return str(value)


def _query(request: Request, access: Any) -> statements.Query:
    params = request.query_params
    ctx = context(request)
    query = statements.Query(ceiling=datetime.now(UTC))
    if "agent" in params:
        agent = parse_agent_param(params["agent"])
        access.require(owner_of(agent, ctx.home_page), agent, "read statements")
        query.agent = agent_key(agent)
    query.verb = params.get("verb")
    query.activity = params.get("activity")
    query.registration = params.get("registration")
    query.since = parse_time(params.get("since"), "since")
    query.until = parse_time(params.get("until"), "until")
    limit = params.get("limit", "0")
    if not limit.isdigit():
        raise bad_request("the limit parameter must be a whole number")
    query.limit = min(int(limit), statements.MAX_LIMIT) or statements.MAX_LIMIT
    query.ascending = _one_of(params, "ascending", ("true", "false"), "false") == "true"
    query.format = _one_of(params, "format", statements.FORMATS, "exact")
    return query


async def get_statements(request: Request) -> Response:
    ctx = context(request)
    access = await access_for(request)
    params = request.query_params
    single = params.get("statementId") or params.get("voidedStatementId")
    if single:
        if "statementId" in params and "voidedStatementId" in params:
            raise bad_request("send statementId or voidedStatementId, not both")
        extra = sorted(set(params) - _SINGLE_PARAMS)
        if extra:
            raise bad_request(f"with statementId only format and attachments are allowed, "
                              f"not {', '.join(extra)}")
        body = await run_in_threadpool(statements.get_one, ctx.factory, single,
                                       voided="voidedStatementId" in params, access=access)
        if params.get("format") == "ids":
            body = statements.ids_only(body)
        return JSONResponse(body, headers={
            CONSISTENT: format_timestamp(datetime.now(UTC) - WRITE_MARGIN)})
    if "more" in params:
        # Tokens are not signed, but find() limits any query to what the asker may read.
        query = statements.Query.from_token(params["more"])
    else:
        query = _query(request, access)
    found, following = await run_in_threadpool(statements.find, ctx.factory, query, access)
    more = f"/xapi/statements?more={following.to_token()}" if following else ""
    assert query.ceiling is not None
    return JSONResponse({"statements": found, "more": more},
                        headers={CONSISTENT: format_timestamp(query.ceiling - WRITE_MARGIN)})


async def statements_endpoint(request: Request) -> Response:
    if request.method == "POST":
        return await post_statements(request)
    if request.method == "PUT":
        return await put_statement(request)
    return await get_statements(request)


# ------------------------------------------------------------------ state


async def _state_key(request: Request, write: bool) -> state_docs.StateKey:
    ctx = context(request)
    access = await access_for(request)
    params = request.query_params
    activity = params.get("activityId")
    if not activity or ":" not in activity:
        raise bad_request("the activityId parameter must be an IRI")
    agent = parse_agent_param(params.get("agent"))
    owner = owner_of(agent, ctx.home_page)
    access.require(owner, agent, "write state" if write else "read state")
    registration = params.get("registration", "")
    if registration:
        try:
            registration = str(uuid.UUID(registration))
        except ValueError as exc:
            raise bad_request("the registration parameter is not a UUID") from exc
    return state_docs.StateKey(activity, agent_key(agent), registration, owner)


def _conditions(request: Request) -> state_docs.Preconditions:
    return state_docs.Preconditions(request.headers.get("if-match"),
                                    request.headers.get("if-none-match"))


async def state_endpoint(request: Request) -> Response:
    ctx = context(request)
    method = request.method
    key = await _state_key(request, write=method in ("PUT", "POST", "DELETE"))
    state_id = request.query_params.get("stateId")
    if method in ("PUT", "POST"):
        if not state_id:
            raise bad_request(f"{method} needs the stateId parameter")
        body = await read_body(request, ctx.max_body)
        content_type = request.headers.get("content-type", "application/octet-stream")
        etag = await run_in_threadpool(state_docs.write, ctx.factory, key, state_id, body,
                                       content_type, _conditions(request),
                                       merge=method == "POST")
        return Response(status_code=204, headers={"ETag": f'"{etag}"'})
    if method == "DELETE":
        await run_in_threadpool(state_docs.remove, ctx.factory, key, state_id,
                                _conditions(request))
        return Response(status_code=204)
    if state_id:
        document = await run_in_threadpool(state_docs.read, ctx.factory, key, state_id)
        return Response(document.body, media_type=None, headers={
            "Content-Type": document.content_type, "ETag": f'"{document.etag}"',
            "Last-Modified": document.updated.strftime("%a, %d %b %Y %H:%M:%S GMT")})
    since = parse_time(request.query_params.get("since"), "since")
    ids = await run_in_threadpool(state_docs.list_ids, ctx.factory, key, since)
    return Response(json.dumps(ids), media_type="application/json")


ROUTES = [
    Route("/xapi/about", about, methods=["GET"]),
    Route("/xapi/statements", statements_endpoint, methods=["GET", "POST", "PUT"]),
    Route("/xapi/activities/state", state_endpoint, methods=["GET", "PUT", "POST", "DELETE"]),
]
