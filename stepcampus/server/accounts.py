"""Accounts, classes, enrolment codes and bearer tokens; used by the API and `stepcampus admin`.

Every function works inside the caller's session and raises Refused (with an HTTP status and
a message naming the field) for bad input, before changing anything.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from stepcampus.server.models import (
    HUB_SCOPE,
    ROLES,
    Account,
    ClassGroup,
    ClassMember,
    EnrolmentCode,
    Token,
)
from stepcampus.server.passwords import hash_password
from stepcampus.server.problems import Refused, bad_request, forbidden, not_found
from stepcampus.store.models import utcnow

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
CODE_LENGTH = 10
MAX_CODE_USES = 10000
MAX_CODE_DAYS = 366
MAX_HUBS = 20  # per facilitator: a handful of rooms, not a way to mint tokens without end
HUB_ID_LENGTH = 16


@dataclass(frozen=True)
class Principal:
    """Who is asking: the account, and for facilitators the learners of their classes."""

    id: int
    username: str
    display_name: str
    role: str
    scope: str | None = None  # HUB_SCOPE when signed in with a LAN hub's token


def check_username(username: object) -> str:
    if not isinstance(username, str) or not USERNAME.match(username):
        raise bad_request("username must be 1-64 letters, digits or . _ @ -, starting with a "
                          "letter or digit")
    return username


def check_password(password: object) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise bad_request(f"password must be at least {MIN_PASSWORD} characters")
    return password


def check_name(name: object, field: str = "name") -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise bad_request(f"{field} must be a non-empty text of at most 200 characters")
    return name.strip()


def find_account(session: Session, username: str) -> Account | None:
    return session.scalar(select(Account).where(Account.username == username))


def create_account(session: Session, username: str, password: str, role: str,
                   display_name: str | None = None) -> Account:
    if role not in ROLES:
        raise bad_request(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    check_username(username)
    check_password(password)
    name = check_name(display_name if display_name is not None else username)
    if find_account(session, username) is not None:
        raise Refused(409, f"username {username!r} is already taken")
    account = Account(username=username, display_name=name, role=role,
                      password_hash=hash_password(password))
    session.add(account)
    session.flush()
    return account


def find_class(session: Session, name: str) -> ClassGroup:
    group = session.scalar(select(ClassGroup).where(ClassGroup.name == name))
    if group is None:
        raise not_found(f"no class named {name!r}")
    return group


def create_class(session: Session, name: str, facilitator: str) -> ClassGroup:
    name = check_name(name)
    account = find_account(session, facilitator)
    if account is None:
        raise not_found(f"no account named {facilitator!r}")
    if account.role not in ("facilitator", "admin"):
        raise bad_request(f"{facilitator!r} is a {account.role}, not a facilitator")
    if session.scalar(select(ClassGroup).where(ClassGroup.name == name)) is not None:
        raise Refused(409, f"a class named {name!r} already exists")
    group = ClassGroup(name=name, facilitator_id=account.id)
    session.add(group)
    session.flush()
    return group


def add_member(session: Session, group: ClassGroup, account: Account) -> None:
    if account.role != "learner":
        raise bad_request(f"{account.username!r} is a {account.role}; only learners join classes")
    if session.get(ClassMember, (group.id, account.id)) is None:
        session.add(ClassMember(class_id=group.id, account_id=account.id))
        session.flush()


def class_for(session: Session, principal: Principal, class_id: int) -> ClassGroup:
    """The class, when principal may manage it (its facilitator, or an admin)."""
    group = session.get(ClassGroup, class_id)
    if group is None:
        raise not_found(f"no class with id {class_id}")
    if principal.role != "admin" and group.facilitator_id != principal.id:
        raise forbidden(f"class {class_id} is not one of {principal.username}'s classes")
    return group


def classes_of(session: Session, principal: Principal) -> list[ClassGroup]:
    query = select(ClassGroup).order_by(ClassGroup.name)
    if principal.role != "admin":
        query = query.where(ClassGroup.facilitator_id == principal.id)
    return list(session.scalars(query))


def members(session: Session, group: ClassGroup) -> list[Account]:
    return list(session.scalars(
        select(Account).join(ClassMember, ClassMember.account_id == Account.id)
        .where(ClassMember.class_id == group.id).order_by(Account.username)))


def learners_of(session: Session, facilitator_id: int) -> set[str]:
    """Usernames of the learners in the classes a facilitator runs."""
    return set(session.scalars(
        select(Account.username)
        .join(ClassMember, ClassMember.account_id == Account.id)
        .join(ClassGroup, ClassGroup.id == ClassMember.class_id)
        .where(ClassGroup.facilitator_id == facilitator_id)))


# ------------------------------------------------------------------ enrolment codes


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def normalise_code(text: object) -> str:
    if not isinstance(text, str):
        raise bad_request("code must be a text")
    return re.sub(r"[\s-]", "", text).upper()


def create_code(session: Session, group: ClassGroup, uses: object = 30,
                days: object = 14) -> EnrolmentCode:
    if not isinstance(uses, int) or isinstance(uses, bool) or not 1 <= uses <= MAX_CODE_USES:
        raise bad_request(f"uses must be a whole number from 1 to {MAX_CODE_USES}")
    if not isinstance(days, int | float) or isinstance(days, bool) \
            or not 0 < days <= MAX_CODE_DAYS:
        raise bad_request(f"days must be a number above 0 and at most {MAX_CODE_DAYS}")
    # Base32 without padding: no 0/1/8/9, easy to read aloud and type from a whiteboard.
    code = base64.b32encode(secrets.token_bytes(10)).decode("ascii")[:CODE_LENGTH]
    entry = EnrolmentCode(code=code, class_id=group.id, max_uses=uses, uses=0,
                          expires_at=utcnow() + timedelta(days=days))
    session.add(entry)
    session.flush()
    return entry


def enrol(session: Session, code: object, username: object, name: object,
          password: object) -> tuple[Account, ClassGroup]:
    """Create a learner in the class of a valid code, using it up by one."""
    entry = session.get(EnrolmentCode, normalise_code(code), with_for_update=True)
    if entry is None:
        raise bad_request("code: no such enrolment code (check it with your facilitator)")
    if entry.expires_at <= utcnow():
        raise forbidden("code: this enrolment code has expired (ask your facilitator for a "
                        "new one)")
    if entry.uses >= entry.max_uses:
        raise forbidden("code: this enrolment code has been used up (ask your facilitator "
                        "for a new one)")
    account = create_account(session, check_username(username), check_password(password),
                             "learner", check_name(name))
    group = session.get(ClassGroup, entry.class_id)
    assert group is not None  # the foreign key guarantees it
    add_member(session, group, account)
    entry.uses += 1
    return account, group


# ------------------------------------------------------------------ bearer tokens


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, account_id: int, scope: str | None = None,
                label: str | None = None) -> str:
    token = secrets.token_urlsafe(32)
    session.add(Token(token_hash=token_hash(token), account_id=account_id, scope=scope,
                      label=label))
    session.flush()
    return token


def account_for_token(session: Session, token: str) -> tuple[Account, str | None] | None:
    """The token's account and scope, or None for an unknown token."""
    row = session.execute(select(Account, Token.scope).join(Token, Token.account_id == Account.id)
                          .where(Token.token_hash == token_hash(token))).first()
    return (row[0], row[1]) if row is not None else None


def principal(account: Account, scope: str | None = None) -> Principal:
    return Principal(account.id, account.username, account.display_name, account.role, scope)


# ------------------------------------------------------------------ LAN hubs
# A hub relays a room's statements while the campus is out of reach. Rather than a new kind of
# account, it holds a token of the facilitator it belongs to, scoped to the LRS: it may write
# (and read) exactly what that facilitator may there, their classes' learners' records, and
# nothing under /api/. The facilitator lists and revokes their hubs' tokens.


def hub_id(row: Token) -> str:
    return row.token_hash[:HUB_ID_LENGTH]


def hub_json(row: Token, facilitator: str) -> dict[str, object]:
    return {"id": hub_id(row), "label": row.label, "facilitator": facilitator,
            "created": row.created_at.isoformat()}


def issue_hub_token(session: Session, facilitator: Account, label: object) -> tuple[str, Token]:
    if facilitator.role != "facilitator":
        raise bad_request(f"{facilitator.username!r} is a {facilitator.role}; a hub belongs to "
                          "a facilitator (it relays their classes' learners)")
    name = check_name(label, "label")
    if len(hub_tokens(session, facilitator.id)) >= MAX_HUBS:
        raise Refused(409, f"{facilitator.username} has {MAX_HUBS} hubs already; revoke one "
                      "first")
    token = issue_token(session, facilitator.id, HUB_SCOPE, name)
    row = session.get(Token, token_hash(token))
    assert row is not None
    return token, row


def hub_tokens(session: Session, account_id: int | None) -> list[Token]:
    """The hub tokens of one facilitator, or (None) of everyone, oldest first."""
    query = select(Token).where(Token.scope == HUB_SCOPE).order_by(Token.created_at)
    if account_id is not None:
        query = query.where(Token.account_id == account_id)
    return list(session.scalars(query))


def revoke_hub_token(session: Session, who: Principal, hub: object) -> Token:
    if not isinstance(hub, str) or not re.fullmatch(f"[0-9a-f]{{{HUB_ID_LENGTH}}}", hub):
        raise bad_request(f"a hub id is {HUB_ID_LENGTH} hexadecimal digits (a-f, 0-9)")
    row = session.scalar(select(Token).where(Token.scope == HUB_SCOPE,
                                             Token.token_hash.startswith(hub.lower())))
    if row is None or (who.role != "admin" and row.account_id != who.id):
        raise not_found(f"no hub {hub} of {who.username}")
    session.delete(row)
    session.flush()
    return row
