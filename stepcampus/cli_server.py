"""`stepcampus serve` (the campus server and its LRS) and `stepcampus admin` (its accounts, and
learners' questions)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from stepcampus.errors import InputError

ADMIN_HELP = ("manage the campus server's accounts, classes and enrolment codes, and answer "
              "learners' questions")


def add_parsers(subparsers: Any) -> None:
    """Register `serve` and `admin` on an argparse subparsers object."""
    p = subparsers.add_parser(
        "serve", help="run the campus server: an xAPI LRS with accounts, for desktops to sync",
        description="Serve the campus: the xAPI 1.0.3 LRS at /xapi/, the account API at /api/ "
                    "and, with --content, a published course tree at /content/.")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1; 0.0.0.0 for the network)")
    p.add_argument("--port", type=int, default=8470, help="port (default: 8470)")
    _database_option(p)
    p.add_argument("--content", type=Path, metavar="DIR",
                   help="a published course tree to serve at /content/")
    p.add_argument("--home-page", metavar="IRI", default=None,
                   help="the homePage of learners' xAPI accounts (default: "
                        "urn:stepcampus:campus)")
    p.add_argument("--max-body", type=int, metavar="BYTES", default=None,
                   help="largest request body accepted, after gunzip (default: 16 MiB)")
    p.set_defaults(func=cmd_serve)

    admin = subparsers.add_parser("admin", help=ADMIN_HELP, description=ADMIN_HELP + ".")
    _database_option(admin)
    sub = admin.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    for role in ("admin", "facilitator", "learner"):
        article = "an" if role == "admin" else "a"
        q = sub.add_parser(f"create-{role}", help=f"create {article} {role} account")
        q.add_argument("username", metavar="USER")
        q.add_argument("--name", help="the name shown to people (default: USER)")
        if role == "learner":
            q.add_argument("--class", dest="class_name", metavar="NAME",
                           help="put the learner in this class")
        password_options(q)
        q.set_defaults(func=cmd_create_account, role=role)
    q = sub.add_parser("create-class", help="create a class run by a facilitator")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--facilitator", required=True, metavar="USER")
    q.set_defaults(func=cmd_create_class)
    q = sub.add_parser("create-code", help="make an enrolment code for a class (printed)")
    q.add_argument("--class", dest="class_name", required=True, metavar="NAME")
    q.add_argument("--uses", type=int, default=30, metavar="N",
                   help="how many learners may use it (default: 30)")
    q.add_argument("--days", type=float, default=14, metavar="D",
                   help="days until it expires (default: 14)")
    q.set_defaults(func=cmd_create_code)
    q = sub.add_parser("list", help="show the accounts and classes")
    q.set_defaults(func=cmd_list)
    q = sub.add_parser("questions", help="show the questions learners asked about webinars")
    q.add_argument("--unanswered", action="store_true", help="only those still unanswered")
    q.add_argument("--json", action="store_true", help="print them as JSON (as the API does)")
    q.set_defaults(func=cmd_questions)
    q = sub.add_parser("answer", help="answer a learner's question (or replace its answer)",
                       description="Answer a question; the learner's desktop fetches the "
                                   "answer at its next sync and shows it as new.")
    q.add_argument("question_id", metavar="QUESTION_ID")
    q.add_argument("--text", metavar="TEXT",
                   help="the answer (default: read from standard input)")
    q.add_argument("--as", dest="as_user", required=True, metavar="USER",
                   help="the facilitator or admin account answering")
    q.set_defaults(func=cmd_answer)


def _database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", metavar="URL",
                        help="sqlite:///FILE, a file path, or postgresql+psycopg://USER@HOST/NAME "
                             "(default: server.sqlite in the data folder)")


def password_options(parser: argparse.ArgumentParser) -> None:
    """--password and --password-stdin, for every command that takes a password."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--password", metavar="P", help="the password (visible to other users "
                       "of this computer; prefer --password-stdin or the prompt)")
    group.add_argument("--password-stdin", action="store_true",
                       help="read the password from the first line of standard input")


def _database(args: argparse.Namespace) -> str:
    if args.database:
        return str(args.database)
    from stepcampus.paths import default_data_dir
    from stepcampus.server.database import DEFAULT_FILE

    return str((args.data_dir or default_data_dir()) / DEFAULT_FILE)


def cmd_serve(args: argparse.Namespace) -> int:
    from stepcampus.server.app import DEFAULT_HOME_PAGE, serve
    from stepcampus.server.web import DEFAULT_MAX_BODY

    if not 0 < args.port < 65536:
        raise InputError(f"--port must be within 1..65535, not {args.port}")
    if args.content is not None and not args.content.is_dir():
        raise InputError(f"--content {args.content}: no such folder")
    home = args.home_page or DEFAULT_HOME_PAGE
    if ":" not in home or " " in home:
        raise InputError(f"--home-page {home!r} is not an IRI")
    serve(_database(args), args.host, args.port, home_page=home, content_dir=args.content,
          max_body=args.max_body or DEFAULT_MAX_BODY)
    return 0


def read_password(args: argparse.Namespace, prompt: str, again: str | None = None
                  ) -> str | None:
    """The password from --password or --password-stdin, else typed at `prompt` (and once
    more at `again`, for a new one); None when the two typed differ."""
    if args.password is not None:
        return str(args.password)
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(prompt)
    if again is not None and getpass.getpass(again) != first:
        return None
    return first


def _password(args: argparse.Namespace) -> str:
    password = read_password(args, f"password for {args.username}: ", "again: ")
    if password is None:
        raise InputError("the two passwords differ; nothing was created")
    return password


def _session(args: argparse.Namespace) -> Any:
    from stepcampus.server.database import open_server_database, session_factory, write_session

    engine = open_server_database(_database(args))
    return write_session(session_factory(engine))


def cmd_create_account(args: argparse.Namespace) -> int:
    from stepcampus.server import accounts

    password = _password(args)
    with _session(args) as session:
        group = accounts.find_class(session, args.class_name) if getattr(
            args, "class_name", None) else None
        account = accounts.create_account(session, args.username, password, args.role,
                                          args.name)
        if group is not None:
            accounts.add_member(session, group, account)
    where = f" in class {group.name}" if group is not None else ""
    print(f"created {args.role} {args.username}{where}")
    return 0


def cmd_create_class(args: argparse.Namespace) -> int:
    from stepcampus.server import accounts

    with _session(args) as session:
        group = accounts.create_class(session, args.name, args.facilitator)
    print(f"created class {group.name} (id {group.id}) run by {args.facilitator}")
    return 0


def cmd_create_code(args: argparse.Namespace) -> int:
    from stepcampus.server import accounts

    uses: Any = args.uses
    days: Any = int(args.days) if float(args.days).is_integer() else args.days
    with _session(args) as session:
        group = accounts.find_class(session, args.class_name)
        entry = accounts.create_code(session, group, uses, days)
    print(accounts.format_code(entry.code))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from stepcampus.server import accounts
    from stepcampus.server.models import Account, ClassGroup

    lines = []
    with _session(args) as session:
        rows = list(session.scalars(select(Account).order_by(Account.role, Account.username)))
        lines.append(f"{len(rows)} account(s)")
        lines += [f"  {a.role:<12} {a.username:<24} {a.display_name}" for a in rows]
        groups = list(session.scalars(select(ClassGroup).order_by(ClassGroup.name)))
        lines.append(f"{len(groups)} class(es)")
        for group in groups:
            facilitator = session.get(Account, group.facilitator_id)
            learners = [m.username for m in accounts.members(session, group)]
            lines.append(f"  {group.name} (id {group.id}, facilitator "
                         f"{facilitator.username if facilitator else '?'}): "
                         f"{len(learners)} learner(s) {' '.join(learners)}".rstrip())
    print("\n".join(lines))
    return 0


def cmd_questions(args: argparse.Namespace) -> int:
    from stepcampus.server import questions

    with _session(args) as session:
        listed = questions.listing(session, unanswered=args.unanswered)
    if args.json:
        print(json.dumps(listed, ensure_ascii=False, indent=2))
        return 0
    what = "unanswered question(s)" if args.unanswered else "question(s)"
    lines = [f"{len(listed)} {what}"]
    for entry in listed:
        where = entry["series"] + (f" / {entry['session']}" if entry["session"] else "")
        asker = entry["asked_by"]
        lines.append(f"{entry['id']}  {where}  asked by {asker['username']} "
                     f"({asker['name']}) at {entry['asked']}")
        lines += _indented("Q: ", entry["text"])
        if entry["answer"] is None:
            lines.append("  (unanswered)")
        else:
            by = entry["answered_by"]
            lines += _indented("A: ", entry["answer"])
            lines.append(f"  answered by {by['username'] if by else '?'} at "
                         f"{entry['answered']}")
    print("\n".join(lines))
    return 0


def _indented(label: str, text: str) -> list[str]:
    rows = text.splitlines() or [""]
    return [f"  {label}{rows[0]}", *(f"     {row}" for row in rows[1:])]


def cmd_answer(args: argparse.Namespace) -> int:
    from stepcampus.server import accounts, questions
    from stepcampus.server.problems import not_found

    text = args.text
    if text is None:
        if sys.stdin.isatty():
            print("type the answer, then Ctrl+D (Ctrl+Z and Enter on Windows):",
                  file=sys.stderr)
        text = sys.stdin.read()
    with _session(args) as session:
        account = accounts.find_account(session, args.as_user)
        if account is None:
            raise not_found(f"no account named {args.as_user!r} (--as)")
        questions.find(session, args.question_id)  # an unknown id before a learner's role
        entry = questions.answer(session, args.question_id, accounts.principal(account), text)
    print(f"answered question {entry['id']} from {entry['asked_by']['username']} as "
          f"{args.as_user}")
    return 0
