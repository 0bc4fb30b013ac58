"""Enrolment codes of the campus server, for a facilitator's classes on this desktop, and the
learner's side of them.

A facilitator's desktop speaks to the campus with the facilitator profile's sync link (its
server and account): it finds, or creates, the campus class named as the desktop class, makes
an enrolment code for it (`make_code`), and later enrols the campus class's learners in the
desktop class as campus accounts (`fetch_learners`). A learner types the code on their own
desktop (`enrol_with_code`): the campus creates their account in the class, and their profile's
sync link is saved with the account's token, so their progress syncs under it.

A campus class is matched by name (any case): a desktop class renamed later is matched with,
or makes, the campus class of its new name.

Every failure is a CampusError naming the field (server, code, username, name, password,
campus account, class, uses, days) and changes nothing on this desktop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import httpx

from stepcampus.classroom.classes import NAME_MAX, USERNAME, enrol, get_class, list_members
from stepcampus.errors import InputError, Problem
from stepcampus.http_errors import server_said
from stepcampus.store.database import SessionFactory
from stepcampus.store.models import ClassMember, Profile
from stepcampus.sync.accounts import SyncLink, get_link, save_link
from stepcampus.sync.lrs import TOKEN_PREFIX

TIMEOUT = 20.0
# As the campus server accepts them (stepcampus/server/accounts.py): checked here first so a
# bad value is refused before the campus class is created.
MAX_CODE_USES = 10000
MAX_CODE_DAYS = 366
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
CODE = re.compile(r"^[A-Z2-7]{10}$")  # base32, as the server makes them; shown ABCDE-FGH23
DEFAULT_USES = 30
DEFAULT_DAYS = 14
# Fields the server's refusals begin with ("username 'x' is already taken").
_SERVER_FIELDS = ("code", "username", "name", "password", "uses", "days")

# What to do about a refusal that the server's words leave open.
_HINTS = {
    (409, "username"): "choose another user name",
    (409, "class"): "another facilitator runs a campus class of that name: rename this class, "
                    "or ask the campus admin",
}

Kind = Literal["offline", "unauthorised", "refused", "server"]


class CampusError(InputError):
    """The campus refused, failed or could not be reached; `kind` says which."""

    def __init__(self, problem: Problem, kind: Kind = "refused") -> None:
        super().__init__(problem)
        self.kind: Kind = kind
        self.message = str(problem)


@dataclass(frozen=True)
class CampusCode:
    code: str  # as the server formats it, e.g. ABCDE-FGH23
    class_name: str  # of the campus class
    uses: int
    expires: datetime  # in UTC
    server: str  # the campus server's address, which learners type with the code


@dataclass(frozen=True)
class Fetched:
    class_name: str
    added: list[ClassMember]  # newly enrolled here, by user name
    already: int  # learners of the campus class who were in the class already
    server: str


@dataclass(frozen=True)
class Joined:
    username: str
    name: str
    class_name: str  # the campus class the code was for
    link: SyncLink


# Addresses --------------------------------------------------------------------------------------


def campus_address(text: str, field: str = "server") -> tuple[str, str]:
    """(server address, LRS endpoint) from what a person typed: the server's address, with or
    without its /xapi/."""
    typed = text.strip() if isinstance(text, str) else ""
    hint = "type the campus server's address, e.g. https://campus.example.org"
    if not typed:
        raise CampusError(Problem(field, None, "no server address", hint))
    try:
        parts = urlsplit(typed)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise CampusError(Problem(field, None, f"{typed!r} is not an http(s) address",
                                  hint)) from None
    if parts.scheme not in ("http", "https") or not parts.hostname \
            or any(c.isspace() for c in typed):
        raise CampusError(Problem(field, None, f"{typed!r} is not an http(s) address", hint))
    if parts.query or parts.fragment:
        raise CampusError(Problem(field, None, f"{typed!r} has a query or fragment",
                                  "give the address without '?' or '#'"))
    base = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/').removesuffix('/xapi')}"
    return base, base + "/xapi/"


def link_server(link: SyncLink) -> str:
    """The campus server's address of a sync link: its account API sits beside the LRS, where
    the sync client finds it (`../api/token`)."""
    return urljoin(link.endpoint if link.endpoint.endswith("/") else link.endpoint + "/",
                   "../").rstrip("/")


# Talking to the campus --------------------------------------------------------------------------


class _Campus:
    """One account (or none) on one campus server's /api/."""

    def __init__(self, base: str, *, link: SyncLink | None = None,
                 timeout: float = TIMEOUT) -> None:
        self.base = base
        self.link = link
        headers: dict[str, str] = {}
        auth: tuple[str, str] | None = None
        if link is not None and link.secret.startswith(TOKEN_PREFIX):
            headers["Authorization"] = "Bearer " + link.secret.removeprefix(TOKEN_PREFIX)
        elif link is not None:
            auth = (link.username, link.secret)
        self._http = httpx.Client(base_url=base, auth=auth, headers=headers,
                                  timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)))

    def __enter__(self) -> _Campus:
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    def send(self, method: str, path: str, what: str, field: str, *,
             ok: tuple[int, ...] = (200,), **kwargs: Any) -> Any:
        """The answer's JSON; a CampusError naming `field` for a refusal that names none."""
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            why = "no answer in time" if isinstance(exc, httpx.TimeoutException) else \
                "cannot connect" if isinstance(exc, httpx.ConnectError) else \
                "the connection broke"
            raise CampusError(Problem("server", None, f"the campus server at {self.base} cannot "
                                      f"be reached to {what} ({why})",
                                      "check the address and this computer's network "
                                      "connection"), "offline") from None
        except httpx.InvalidURL as exc:
            raise CampusError(Problem("server", None, f"{self.base!r} is not a server address "
                                      f"({exc})")) from None
        status = response.status_code
        if status in ok:
            try:
                return response.json()
            except ValueError:
                raise self._malformed(what) from None
        said = server_said(response)
        if status == 401 and self.link is not None:
            raise CampusError(Problem("campus account", None, f"the campus server at "
                                      f"{self.base} refused user {self.link.username}'s "
                                      "sign-in", "type the account's password again in "
                                      "Settings, under Sync with your campus"), "unauthorised")
        if status == 404 and (not said or said == "no such resource"):
            raise CampusError(Problem("server", None, f"{self.base} has no STEP Campus account "
                                      "service", "check the address: it is the campus "
                                      "server's, e.g. https://campus.example.org"), "server")
        if status == 429 and said:  # too many wrong codes or passwords: it says how long
            raise CampusError(Problem(field, None, said))
        if status >= 500 or not said:
            detail = f": {said}" if said else ""
            raise CampusError(Problem("server", None, f"the campus server at {self.base} could "
                                      f"not {what} (HTTP {status}{detail})", "try again later"),
                              "server")
        named, _, rest = said.partition(" ")
        if named.rstrip(":") in _SERVER_FIELDS and rest:
            field, said = named.rstrip(":"), rest
        raise CampusError(Problem(field, None, said, _HINTS.get((status, field), "")),
                          "unauthorised" if status == 403 and field == "campus account"
                          else "refused")

    def _malformed(self, what: str) -> CampusError:
        return CampusError(Problem("server", None, f"the campus server at {self.base} sent a "
                                   f"malformed answer when asked to {what}"), "server")


# The facilitator's side -------------------------------------------------------------------------


def _manager(factory: SessionFactory, class_id: str) -> tuple[str, SyncLink]:
    """The desktop class's name and its facilitator's link; CampusError if not linked."""
    group = get_class(factory, class_id)
    link = get_link(factory, group.facilitator_id)
    if link is None:
        with factory() as session:
            profile = session.get(Profile, group.facilitator_id)
        who = profile.name if profile is not None else "the facilitator"
        raise CampusError(Problem("campus account", None, f"{who}'s profile is not linked to a "
                                  "campus server", "link this desktop to the campus first: in "
                                  "Settings, under Sync with your campus, type the server "
                                  "address and your facilitator account"))
    return group.name, link


def _classes(api: _Campus, what: str) -> list[dict[str, Any]]:
    listed = api.send("GET", "/api/classes", what, "campus account")
    if not isinstance(listed, list) or not all(
            isinstance(c, dict) and isinstance(c.get("id"), int)
            and isinstance(c.get("name"), str) for c in listed):
        raise api._malformed(what)
    return listed


def _matching(classes: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    exact = [c for c in classes if c["name"] == name]
    return (exact or [c for c in classes if c["name"].casefold() == name.casefold()] or
            [None])[0]


def _number(problems: list[Problem], field: str, value: object, low: int, high: int,
            whole: bool) -> None:
    if whole:
        fits = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        what = f"a whole number from {low} to {high}"
    else:
        fits = isinstance(value, int | float) and not isinstance(value, bool) \
            and low < value <= high
        what = f"a number above {low} and at most {high}"
    if not fits:
        problems.append(Problem(field, None, f"{value!r} is not {what}"))


def make_code(factory: SessionFactory, class_id: str, uses: int = DEFAULT_USES,
              days: float = DEFAULT_DAYS, *, timeout: float = TIMEOUT) -> CampusCode:
    """A new enrolment code for the campus class named as the desktop class, which is
    created on the campus (run by the linked account) if it has none of that name."""
    problems: list[Problem] = []
    _number(problems, "uses", uses, 1, MAX_CODE_USES, whole=True)
    _number(problems, "days", days, 0, MAX_CODE_DAYS, whole=False)
    if problems:
        raise InputError(problems)
    name, link = _manager(factory, class_id)
    base = link_server(link)
    with _Campus(base, link=link, timeout=timeout) as api:
        found = _matching(_classes(api, "list your classes"), name)
        if found is None:
            found = api.send("POST", "/api/classes", f"create the class {name!r}", "class",
                             ok=(201,), json={"name": name})
            if not isinstance(found, dict) or not isinstance(found.get("id"), int):
                raise api._malformed(f"create the class {name!r}")
        what = f"make an enrolment code for {found.get('name', name)!r}"
        made = api.send("POST", f"/api/classes/{found['id']}/codes", what, "class", ok=(201,),
                        json={"uses": uses, "days": days})
    try:
        expires = datetime.fromisoformat(str(made["expires"]))
        code = CampusCode(str(made["code"]), str(made.get("class") or name), int(made["uses"]),
                          expires if expires.tzinfo else expires.replace(tzinfo=UTC), base)
    except (KeyError, TypeError, ValueError):
        raise api._malformed(what) from None
    return code


def _shown(name: object, username: str) -> str:
    """The display name a campus account is enrolled with here: its name, if it is one the
    class can keep, else the user name."""
    clean = name.strip()[:NAME_MAX] if isinstance(name, str) else ""
    if not clean or "\x00" in clean or any(0xD800 <= ord(c) <= 0xDFFF for c in clean):
        return username
    return clean


def _learners(found: dict[str, Any]) -> list[tuple[str, str]]:
    """(user name, display name) of a campus class's learners; servers that list usernames
    only ("learners") give no names, so the user name stands for it."""
    names: dict[str, object] = {}
    for member in found.get("members") or []:
        if isinstance(member, dict) and isinstance(member.get("username"), str):
            names[member["username"]] = member.get("name")
    return [(user, _shown(names.get(user), user)) for user in found.get("learners") or []
            if isinstance(user, str) and USERNAME.match(user)]


def fetch_learners(factory: SessionFactory, class_id: str, *,
                   timeout: float = TIMEOUT) -> Fetched:
    """Enrol the learners of the campus class named as the desktop class, as campus
    accounts; those already in the class are left as they are."""
    name, link = _manager(factory, class_id)
    base = link_server(link)
    with _Campus(base, link=link, timeout=timeout) as api:
        found = _matching(_classes(api, "list your classes"), name)
    if found is None:
        raise CampusError(Problem("class", None, f"the campus has no class named {name!r} run "
                                  f"by {link.username}", "make an enrolment code for it first; "
                                  "learners enrol with it"))
    campus = _learners(found)
    before = {m.campus_username for m in list_members(factory, class_id) if m.campus_username}
    new = [(user, shown) for user, shown in campus if user not in before]
    added = enrol(factory, class_id, accounts=new) if new else []
    return Fetched(str(found["name"]), added, len(campus) - len(new), base)


# The learner's side -----------------------------------------------------------------------------


def normalise_code(text: object) -> str:
    """The code without spaces or dashes, in capitals, as the server reads it."""
    return re.sub(r"[\s-]", "", text).upper() if isinstance(text, str) else ""


def enrol_with_code(factory: SessionFactory, profile_id: str, server: str, code: str,
                    username: str, name: str, password: str, *,
                    timeout: float = TIMEOUT) -> Joined:
    """Create the learner's campus account in the class of an enrolment code, then link the
    profile to it (with the account's token, not the password) so their progress syncs there."""
    problems: list[Problem] = []
    try:
        base, endpoint = campus_address(server)
    except CampusError as exc:
        problems += exc.problems
        base = endpoint = ""
    clean_code = normalise_code(code)
    if not clean_code:
        problems.append(Problem("code", None, "no enrolment code",
                                "type the code your facilitator shows"))
    elif not CODE.match(clean_code):
        problems.append(Problem("code", None, f"{code.strip()!r} is not an enrolment code",
                                "it is 10 letters and digits, such as ABCDE-FGH23"))
    user = username.strip() if isinstance(username, str) else ""
    if not USERNAME.match(user):
        problems.append(Problem("username", None, f"{user!r} cannot be a campus user name" if user
                                else "no user name", "1-64 letters, digits or . _ @ -, starting "
                                "with a letter or digit"))
    shown = name.strip() if isinstance(name, str) else ""
    if not shown or len(shown) > NAME_MAX:
        problems.append(Problem("name", None, "no name" if not shown else
                                f"longer than {NAME_MAX} characters", "type your name as your "
                                "facilitator should see it"))
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        problems.append(Problem("password", None, f"shorter than {MIN_PASSWORD} characters"
                                if isinstance(password, str) and len(password) < MIN_PASSWORD
                                else "not a password", "choose a longer one"))
    with factory() as session:
        if session.get(Profile, profile_id) is None:
            problems.append(Problem("profile", None, f"no profile {profile_id!r} on this "
                                    "desktop"))
    if problems:
        raise InputError(problems)
    with _Campus(base, timeout=timeout) as api:
        made = api.send("POST", "/api/enrol", "enrol you", "code", ok=(201,), json={
            "code": clean_code, "username": user, "name": shown, "password": password})
    token = made.get("token") if isinstance(made, dict) else None
    if not isinstance(token, str) or not token:
        raise api._malformed("enrol you")
    link = save_link(factory, profile_id, endpoint, user, TOKEN_PREFIX + token)
    return Joined(user, str(made.get("name") or shown), str(made.get("class") or ""), link)
