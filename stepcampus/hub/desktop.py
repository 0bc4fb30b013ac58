"""What the facilitator's desktop does with its hub's database (the app's Room page): link the
hub to the campus the facilitator's profile syncs with, so the room's results go on there
without a terminal; the facilitator's own token; a class's room accounts.

The link is made once (a hub token of that facilitator, kept in hub.sqlite as `stepcampus hub
--upstream URL --user U` keeps it) and before the hub's first start, which fixes the homePage
of the room's accounts to the campus's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from stepcampus.hub import room_accounts
from stepcampus.hub.database import HubDatabase
from stepcampus.hub.link import load_link, save_link
from stepcampus.hub.upstream import Upstream, campus_base
from stepcampus.sync.accounts import SyncLink
from stepcampus.sync.lrs import TOKEN_PREFIX

Linked = Literal["linked", "already", "elsewhere"]


def link_to_campus(data_dir: Path, sync: SyncLink, label: str) -> tuple[Linked, str]:
    """(what happened, the campus's address): "linked" now, "already" to this campus, or
    "elsewhere" (the hub forwards to another campus, which is left as it is). UpstreamError
    when the campus does not answer or refuses (not a facilitator there): nothing is kept."""
    base = campus_base(sync.endpoint)
    with HubDatabase.for_data_dir(data_dir) as db:
        link = load_link(db)
        if link is not None:
            return ("already" if link.base == base else "elsewhere"), link.base
        token = sync.secret.removeprefix(TOKEN_PREFIX) if sync.secret.startswith(
            TOKEN_PREFIX) else None
        with Upstream(base, token) as campus:
            made = campus.create_hub(sync.username, None if token else sync.secret,
                                     label[:200])
            home, _ = campus.about()
        save_link(db, made, home)
        return "linked", base


def desk_token(data_dir: Path, name: str) -> tuple[str, str]:
    """The facilitator's (user name, token) on this desktop's hub (room_accounts.desk_token)."""
    with HubDatabase.for_data_dir(data_dir) as db:
        return room_accounts.desk_token(db, name)


def give_accounts(data_dir: Path, learners: Iterable[tuple[str, str | None]]
                  ) -> list[room_accounts.RoomAccount]:
    with HubDatabase.for_data_dir(data_dir) as db:
        return room_accounts.give_accounts(db, learners)


def new_password(data_dir: Path, username: str) -> str:
    with HubDatabase.for_data_dir(data_dir) as db:
        return room_accounts.new_password(db, username)
