"""What every request handler needs: the database, the authenticator and the settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from stepcampus.server.access import Access
from stepcampus.server.accounts import Principal, learners_of
from stepcampus.server.agents import learner_agent
from stepcampus.server.auth import Authenticator
from stepcampus.server.models import HUB_SCOPE
from stepcampus.server.problems import forbidden


@dataclass
class ServerContext:
    factory: sessionmaker[Session]
    auth: Authenticator
    home_page: str
    max_body: int

    def agent(self, who: Principal) -> dict[str, object]:
        return learner_agent(self.home_page, who.username, who.display_name)


def context(request: Request) -> ServerContext:
    return request.app.state.context  # type: ignore[no-any-return]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def authenticate(request: Request, *, hub_ok: bool = False) -> Principal:
    """Who is asking; a LAN hub's token only where hub_ok (the LRS, /api/me)."""
    ctx = context(request)
    who = await run_in_threadpool(ctx.auth.authenticate, request.headers.get("authorization"),
                                  client_address(request))
    if who.scope == HUB_SCOPE and not hub_ok:
        raise forbidden(f"this is a LAN hub's token of {who.username}: it may only send and "
                        "read the xAPI records of their classes' learners")
    return who


async def access_for(request: Request) -> Access:
    """The asking principal and, for a facilitator (or their hub), their classes' learners."""
    ctx = context(request)
    who = await authenticate(request, hub_ok=True)
    if who.role != "facilitator":
        return Access(who)

    def load() -> frozenset[str]:
        with ctx.factory() as session:
            return frozenset(learners_of(session, who.id))

    return Access(who, await run_in_threadpool(load))
