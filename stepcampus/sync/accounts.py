"""Which LRS account a profile syncs with: one link per profile, kept in the learner store."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from stepcampus.errors import InputError, Problem
from stepcampus.store.database import SessionFactory, write_session
from stepcampus.store.models import Profile, SyncLinkRecord

ENDPOINT_MAX = 500
USERNAME_MAX = 200


@dataclass(frozen=True)
class SyncLink:
    profile_id: str
    endpoint: str
    username: str
    secret: str
    home_page: str | None
    last_sync_at: datetime | None
    last_error: str | None


def _link(row: SyncLinkRecord) -> SyncLink:
    return SyncLink(row.profile_id, row.endpoint, row.username, row.secret, row.home_page,
                    row.last_sync_at, row.last_error)


def normalise_endpoint(endpoint: str) -> str:
    """The LRS endpoint with one trailing slash (a bare server address gets the campus server's
    /xapi/); InputError naming the field if it is no URL."""
    endpoint = endpoint.strip()
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(Problem("endpoint", None, f"{endpoint!r} is not an http(s) URL",
                                 "give the LRS address, e.g. https://campus.example.org/xapi/"))
    if parts.query or parts.fragment:
        raise InputError(Problem("endpoint", None, f"{endpoint!r} has a query or fragment",
                                 "give the LRS address without '?' or '#'"))
    if len(endpoint) >= ENDPOINT_MAX:
        raise InputError(Problem("endpoint", None, f"longer than {ENDPOINT_MAX} characters"))
    if parts.path in ("", "/"):  # a bare server address: the campus server's LRS folder
        return endpoint.rstrip("/") + "/xapi/"
    return endpoint.rstrip("/") + "/"


def get_link(factory: SessionFactory, profile_id: str) -> SyncLink | None:
    with factory() as session:
        row = session.get(SyncLinkRecord, profile_id)
        return _link(row) if row else None


def linked_profiles(factory: SessionFactory) -> list[str]:
    """Ids of the profiles that have a link, by profile name."""
    with factory() as session:
        rows = session.query(SyncLinkRecord.profile_id).join(
            Profile, Profile.id == SyncLinkRecord.profile_id).order_by(Profile.name)
        return [profile_id for (profile_id,) in rows]


def save_link(factory: SessionFactory, profile_id: str, endpoint: str, username: str,
              secret: str) -> SyncLink:
    """Link a profile to an LRS account, replacing its link. InputError naming the bad field.

    A link to another endpoint or account starts afresh: a pull cursor or bookmark memory is
    only meaningful for the account it came from.
    """
    endpoint = normalise_endpoint(endpoint)
    username = username.strip()
    problems = []
    if not username:
        problems.append(Problem("user", None, "the user name is empty"))
    elif len(username) > USERNAME_MAX or any(c in username for c in ":\r\n"):
        problems.append(Problem("user", None, f"{username!r} is not a valid user name",
                                "at most 200 characters, without ':'"))
    if not secret:
        problems.append(Problem("password", None, "the password is empty"))
    if problems:
        raise InputError(problems)
    with write_session(factory) as session:
        if session.get(Profile, profile_id) is None:
            raise InputError(Problem("profile", None, f"no learner profile {profile_id}"))
        row = session.get(SyncLinkRecord, profile_id)
        if row is None:
            row = SyncLinkRecord(profile_id=profile_id)
            session.add(row)
        elif (row.endpoint, row.username) != (endpoint, username):
            row.home_page = row.pull_cursor = row.synced_bookmarks = None
            row.last_sync_at = row.last_error = None
        row.endpoint, row.username, row.secret = endpoint, username, secret
        session.flush()
        return _link(row)


def remove_link(factory: SessionFactory, profile_id: str) -> bool:
    with write_session(factory) as session:
        row = session.get(SyncLinkRecord, profile_id)
        if row is None:
            return False
        session.delete(row)
    return True


# What the engine keeps between syncs -----------------------------------------------------------


def record_outcome(factory: SessionFactory, profile_id: str, at: datetime | None,
                   error: str | None) -> None:
    """A finished sync (at) or a failed one (error; last_sync_at stays that of the last success)."""
    with write_session(factory) as session:
        row = session.get(SyncLinkRecord, profile_id)
        if row is None:
            return
        if at is not None:
            row.last_sync_at = at
        row.last_error = error


def replace_secret(factory: SessionFactory, profile_id: str, secret: str) -> None:
    """Keep a token in place of the password the link was made with."""
    with write_session(factory) as session:
        row = session.get(SyncLinkRecord, profile_id)
        if row is not None:
            row.secret = secret


def set_home_page(factory: SessionFactory, profile_id: str, home_page: str) -> None:
    with write_session(factory) as session:
        row = session.get(SyncLinkRecord, profile_id)
        if row is not None:
            row.home_page = home_page


def pull_cursor(factory: SessionFactory, profile_id: str) -> str | None:
    with factory() as session:
        row = session.get(SyncLinkRecord, profile_id)
        return row.pull_cursor if row else None


def synced_bookmarks(factory: SessionFactory, profile_id: str) -> dict[str, list[str]]:
    with factory() as session:
        row = session.get(SyncLinkRecord, profile_id)
        if row is None or not row.synced_bookmarks:
            return {}
        data = json.loads(row.synced_bookmarks)
        return data if isinstance(data, dict) else {}
