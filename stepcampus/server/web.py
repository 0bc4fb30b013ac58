"""HTTP plumbing shared by the LRS and the API: bodies (gzip, size cap), JSON, errors, headers."""

from __future__ import annotations

import json
import zlib
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stepcampus.server.problems import Refused, bad_request

XAPI_VERSION = "1.0.3"
VERSION_HEADER = "X-Experience-API-Version"
DEFAULT_MAX_BODY = 16 * 1024 * 1024


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


async def refused_handler(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    return error_response(exc.status, exc.message, exc.headers)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, gunzipped when sent with Content-Encoding: gzip; 413 past limit."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise Refused(413, f"the request body is larger than {limit} bytes")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refused(413, f"the request body is larger than {limit} bytes")
        chunks.append(chunk)
    body = b"".join(chunks)
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding != "gzip":
        raise Refused(415, f"Content-Encoding {encoding!r} is not supported (use gzip)")
    # A small gzip can unpack to gigabytes: stop at the limit.
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, limit + 1)
        complete = inflater.eof
    except zlib.error as exc:
        raise bad_request(f"the request body is not valid gzip: {exc}") from exc
    if len(out) > limit:
        raise Refused(413, f"the request body unpacks to more than {limit} bytes")
    if not complete:
        raise bad_request("the request body is not valid gzip: it ends early")
    return out


async def read_json(request: Request, limit: int) -> Any:
    body = await read_body(request, limit)
    try:
        return json.loads(body, parse_constant=_no_constants)
    except ValueError as exc:
        raise bad_request(f"the request body is not JSON: {exc}") from exc


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_time(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise bad_request(f"the {name} parameter is not an ISO 8601 time: {value!r}") from exc
    if moment.tzinfo is None:
        raise bad_request(f"the {name} parameter needs a time zone: {value!r}")
    return moment


class XapiVersionMiddleware:
    """Every response says which xAPI version it speaks; LRS requests must say theirs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((VERSION_HEADER.lower().encode(), XAPI_VERSION.encode()))
                message = {**message, "headers": headers}
            await send(message)

        path: str = scope["path"]
        if path.startswith("/xapi/") and path.rstrip("/") != "/xapi/about":
            sent = dict(scope["headers"]).get(VERSION_HEADER.lower().encode(), b"").decode()
            if not sent.strip():
                response = error_response(400, f"the {VERSION_HEADER} header is required "
                                          f"(send {XAPI_VERSION})")
                await response(scope, receive, send_with_version)
                return
            if not (sent.strip() == "1.0" or sent.strip().startswith("1.0.")):
                response = error_response(400, f"{VERSION_HEADER} {sent!r} is not supported "
                                          f"(this LRS speaks {XAPI_VERSION})")
                await response(scope, receive, send_with_version)
                return
        await self.app(scope, receive, send_with_version)
