"""Room accounts made by the desktop that owns the hub's data folder, on the hub's database:
accounts for a class's learners, each with a one-time password shown to the facilitator once,
and the facilitator's own account with a token the desktop keeps, to run room quizzes.

One-time passwords rather than a room code: a code would have each learner choose a user name
and a password on a shared device in front of the room, and the names would not be the campus
ones the hub forwards under. Here a learner enrolled with a campus account gets that user name;
a learner of this desktop gets one made from their name. Only the hash is kept, so a lost
password is replaced, never shown again (`stepcampus hub admin` or the app makes a new one).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from stepcampus.hub.database import HubDatabase
from stepcampus.hub.models import HubSetting
from stepcampus.server import accounts
from stepcampus.server.database import write_session
from stepcampus.server.problems import Refused

# Read aloud and typed on a phone: no 0/o, 1/l/i; 12 of them are about 59 bits.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
DESK_TOKEN = "room.desk_token.{username}"
RUNNER_ROLES = ("facilitator", "admin")


@dataclass(frozen=True)
class RoomAccount:
    name: str
    username: str
    password: str | None  # None: the account was there already (its password is not known)


def one_time_password() -> str:
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))


def room_username(name: str) -> str:
    """A user name from a person's name: "José Pérez" -> "jose.perez"."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    ascii_name = "".join(c for c in folded if not unicodedata.combining(c)).encode(
        "ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", ".", ascii_name).strip(".")[:60]
    return slug or "learner"


def _free(session: Session, wanted: str, taken: set[str], ok_role: str | None) -> tuple[str, bool]:
    """`wanted`, or it with -2, -3...: a name nobody in this batch has, whose account is free or
    (ok_role) of that role; and whether the account exists already."""
    for n in range(1, 1000):
        name = wanted if n == 1 else f"{wanted[:60]}-{n}"
        if name in taken:
            continue
        account = accounts.find_account(session, name)
        if account is None:
            return name, False
        if ok_role is not None and account.role == ok_role:
            return name, True
    raise Refused(409, f"no free user name like {wanted!r}")


def give_accounts(db: HubDatabase, learners: Iterable[tuple[str, str | None]]
                  ) -> list[RoomAccount]:
    """A learner account on the hub for each (name, campus user name or None); those who have
    one keep it (password None). One transaction: all are made, or none."""
    made: list[RoomAccount] = []
    taken: set[str] = set()
    with write_session(db.factory) as session:
        for name, campus_username in learners:
            wanted = campus_username if campus_username and accounts.USERNAME.match(
                campus_username) else room_username(name)
            username, exists = _free(session, wanted, taken, "learner")
            taken.add(username)
            if exists:
                made.append(RoomAccount(name, username, None))
                continue
            password = one_time_password()
            accounts.create_account(session, username, password, "learner", name.strip()
                                    or username)
            made.append(RoomAccount(name, username, password))
    return made


def new_password(db: HubDatabase, username: str) -> str:
    """Replace a learner's forgotten password with a new one-time password."""
    from stepcampus.server.passwords import hash_password

    password = one_time_password()
    with write_session(db.factory) as session:
        account = accounts.find_account(session, username)
        if account is None or account.role != "learner":
            raise Refused(404, f"no learner {username!r} on the hub")
        account.password_hash = hash_password(password)
    return password


def desk_token(db: HubDatabase, name: str, username: str | None = None) -> tuple[str, str]:
    """(user name, bearer token) of the facilitator's account on the hub, made on first use.

    Its password is random and thrown away: the desktop signs in with the token, kept in the
    hub's settings beside the campus link's. A token revoked or an account removed since is
    made again.
    """
    wanted = username if username and accounts.USERNAME.match(username) else room_username(
        name)
    with write_session(db.factory) as session:
        chosen, exists = _free(session, wanted, set(), "facilitator")
        if not exists:
            accounts.create_account(session, chosen, secrets.token_urlsafe(24), "facilitator",
                                    name.strip() or chosen)
        key = DESK_TOKEN.format(username=chosen)
        row = session.get(HubSetting, key)
        if row is not None:
            found = accounts.account_for_token(session, row.value)
            if found is not None and found[0].username == chosen:
                return chosen, row.value
        account = accounts.find_account(session, chosen)
        assert account is not None  # made above, or found by _free
        token = accounts.issue_token(session, account.id, label="the facilitator's desktop")
        if row is None:
            session.add(HubSetting(key=key, value=token))
        else:
            row.value = token
    return chosen, token
