"""The campus server as an ASGI application, and `serve` running it with uvicorn."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount

from stepcampus.server import api, lrs
from stepcampus.server.auth import Authenticator
from stepcampus.server.context import ServerContext
from stepcampus.server.database import session_factory, shown
from stepcampus.server.problems import Refused
from stepcampus.server.web import (
    DEFAULT_MAX_BODY,
    XapiVersionMiddleware,
    error_response,
    refused_handler,
)

DEFAULT_HOME_PAGE = "urn:stepcampus:campus"


async def _not_found(_request: Request, _exc: Exception) -> Response:
    return error_response(404, "no such resource")


async def _not_allowed(request: Request, _exc: Exception) -> Response:
    return error_response(405, f"{request.method} is not allowed here")


async def _bad_json(_request: Request, exc: Exception) -> Response:
    return error_response(400, str(exc))


def build_app(engine: Engine, *, home_page: str = DEFAULT_HOME_PAGE,
              content_dir: Path | None = None, max_body: int = DEFAULT_MAX_BODY) -> Starlette:
    factory = session_factory(engine)
    routes = [*lrs.ROUTES, *api.ROUTES]
    if content_dir is not None:
        from stepcampus.server.content import content_app  # written apart; only when asked

        routes.append(Mount("/content", app=content_app(content_dir)))
    app = Starlette(
        routes=routes,
        middleware=[Middleware(XapiVersionMiddleware),
                    Middleware(GZipMiddleware, minimum_size=1000)],
        exception_handlers={Refused: refused_handler, 404: _not_found, 405: _not_allowed},
    )
    app.state.context = ServerContext(factory, Authenticator(factory), home_page, max_body)
    return app


def _exit_cleanly(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def serve(database: str, host: str, port: int, *, home_page: str = DEFAULT_HOME_PAGE,
          content_dir: Path | None = None, max_body: int = DEFAULT_MAX_BODY) -> None:
    """Open (migrating) the database and serve until SIGTERM or Ctrl+C."""
    import uvicorn

    from stepcampus.server.database import open_server_database

    engine = open_server_database(database)
    app = build_app(engine, home_page=home_page, content_dir=content_dir, max_body=max_body)
    banner = (f"STEP Campus server on http://{host}:{port} (database {shown(engine.url)}, "
              "LRS at /xapi/)")

    class Server(uvicorn.Server):
        async def startup(self, sockets: list | None = None) -> None:  # type: ignore[type-arg]
            await super().startup(sockets)
            if self.started:  # listening: only now is the address worth printing
                print(banner, flush=True)

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            server_header=False, lifespan="off", timeout_graceful_shutdown=10)
    # After a graceful stop the server re-raises the signal it caught; exit 0 for SIGTERM then,
    # as a service manager expects of a clean shutdown.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    try:
        Server(config).run()
    finally:
        engine.dispose()
    sys.stdout.flush()
