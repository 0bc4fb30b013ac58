"""The hub as one Starlette app, and `run_hub` serving it with the forwarder and the
announcement beside it.

Routes: the campus server's LRS (/xapi/) and account API (/api/: tokens, the asking account,
classes and enrolment codes) on the hub's own database; the installed packages at /content/;
the hub's own under /hub/ (about, offers); the room quiz under /room/ (room.py). Questions
about webinars are not taken (404): a learner's desktop keeps them until it reaches the campus
itself, rather than leaving them with a hub that would not pass them on.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from stepcampus.errors import InputError
from stepcampus.hub.content import HubTree, OnDemand, hub_content_app
from stepcampus.hub.database import HubDatabase
from stepcampus.hub.link import load_link
from stepcampus.hub.offer import MAX_OFFER_BYTES, OFFER_PATH, OfferDesk
from stepcampus.hub.room import RoomDesk, room_routes
from stepcampus.server import api, lrs
from stepcampus.server.auth import Authenticator
from stepcampus.server.context import ServerContext, authenticate
from stepcampus.server.problems import Refused
from stepcampus.server.web import (
    DEFAULT_MAX_BODY,
    XapiVersionMiddleware,
    error_response,
    refused_handler,
)

if TYPE_CHECKING:
    from stepcampus.campus import Campus
    from stepcampus.hub.forward import Forwarder

# The account API a room needs; not questions (see above), not hubs of hubs.
HUB_API = ("/api/token", "/api/me", "/api/enrol", "/api/classes")


@dataclass
class Hub:
    """Everything a hub request handler needs."""

    campus: Campus
    db: HubDatabase
    name: str
    home_page: str
    say: Callable[[str], None] = print
    tree: HubTree = field(init=False)
    on_demand: OnDemand = field(init=False)
    offers: OfferDesk = field(init=False)
    room: RoomDesk = field(init=False)

    def __post_init__(self) -> None:
        self.tree = HubTree(self.campus, self.say)
        self.on_demand = OnDemand(self.campus, self.tree, say=self.say)
        self.offers = OfferDesk(self.campus)
        self.room = RoomDesk(self.campus, self.db.factory, self.home_page, say=self.say)


def hub_of(request: Request) -> Hub:
    return request.app.state.hub  # type: ignore[no-any-return]


async def about(request: Request) -> Response:
    hub = hub_of(request)
    link = await run_in_threadpool(load_link, hub.db)
    return JSONResponse({"name": hub.name, "home_page": hub.home_page, "content": "/content/",
                         "xapi": "/xapi/", "upstream": link.base if link else None})


def _incoming_file(hub: Hub) -> Path:
    with tempfile.NamedTemporaryFile(dir=hub.offers.incoming(), suffix=".stepcampus",
                                     delete=False) as out:
        return Path(out.name)


async def receive_offer(request: Request) -> Response:
    """A learner's bundle of a newer course version: installed as any install is, or refused
    (422, the installer's words) with nothing changed."""
    hub = hub_of(request)
    who = await authenticate(request)  # any account of the room; keeps strangers' uploads out
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_OFFER_BYTES:
        raise Refused(413, f"a bundle is at most {MAX_OFFER_BYTES} bytes")
    path = await run_in_threadpool(_incoming_file, hub)
    try:
        size = 0
        # Written through worker threads: a disk slowed by a copy must not hold the event loop
        # that answers the room's long polls.
        async with await anyio.open_file(path, "wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_OFFER_BYTES:
                    raise Refused(413, f"a bundle is at most {MAX_OFFER_BYTES} bytes")
                await out.write(chunk)
        try:
            result = await run_in_threadpool(hub.offers.install, path)
        except InputError as exc:
            # The installer names the file: here a temporary one, the learner's bundle to them.
            said = "; ".join(str(p) for p in exc.problems).replace(str(path), "the bundle")
            hub.say(f"refused a course offered by {who.username}: {said}")
            raise Refused(422, said) from None
    finally:
        await run_in_threadpool(path.unlink, missing_ok=True)
    hub.tree.invalidate()
    if not result.already_installed:
        hub.say(f"installed {result.course_id} {result.version} offered by {who.username}")
    return JSONResponse({"course": result.course_id, "version": result.version,
                         "previous": result.previous_version,
                         "already_installed": result.already_installed,
                         "fetched_files": result.fetched_blobs},
                        status_code=200 if result.already_installed else 201)


def hub_routes() -> list[BaseRoute]:
    return [Route("/hub/about", about, methods=["GET"]),
            Route(OFFER_PATH, receive_offer, methods=["POST"]),
            *room_routes()]


async def _not_found(_request: Request, _exc: Exception) -> Response:
    return error_response(404, "no such resource")


async def _not_allowed(request: Request, _exc: Exception) -> Response:
    return error_response(405, f"{request.method} is not allowed here")


def build_hub_app(hub: Hub, max_body: int = DEFAULT_MAX_BODY) -> Starlette:
    account_api = [r for r in api.ROUTES
                   if isinstance(r, Route) and r.path.startswith(HUB_API)]
    routes = [*lrs.ROUTES, *account_api, *hub_routes(),
              Mount("/content", app=hub_content_app(hub.campus, hub.tree, hub.on_demand))]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(XapiVersionMiddleware),
                    Middleware(GZipMiddleware, minimum_size=1000)],
        exception_handlers={Refused: refused_handler, 404: _not_found, 405: _not_allowed},
    )
    app.state.context = ServerContext(hub.db.factory, Authenticator(hub.db.factory),
                                      hub.home_page, max_body)
    app.state.hub = hub
    return app


def run_hub(hub: Hub, host: str, port: int, *, forwarder: Forwarder,
            announce: bool = True, banner: list[str] | None = None) -> None:
    """Serve until SIGTERM or Ctrl+C; the forwarder and the announcement start once the hub
    listens and stop with it."""
    import uvicorn

    from stepcampus.hub.discovery import Announcer

    app = build_hub_app(hub)
    announcer = Announcer(hub.name, host, port, hub.say) if announce else None
    lines = banner or []

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[Any] | None = None) -> None:
            await super().startup(sockets)
            if self.started:  # listening: only now are the address and the relay worth it
                for line in lines:
                    hub.say(line)
                forwarder.start()
                if announcer is not None:
                    announcer.start()

        async def shutdown(self, sockets: list[Any] | None = None) -> None:
            hub.room.close()  # long polls answer now, not at the end of the grace time
            await super().shutdown(sockets)

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            server_header=False, lifespan="off", timeout_graceful_shutdown=10)
    from stepcampus.server.app import _exit_cleanly

    signal.signal(signal.SIGTERM, _exit_cleanly)
    try:
        Server(config).run()
    finally:
        if announcer is not None:
            with contextlib.suppress(Exception):
                announcer.close()
        hub.room.shutdown()  # a room quiz under way is finished, its results stored
        forwarder.stop()
        hub.db.close()
        hub.campus.close()
    sys.stdout.flush()
