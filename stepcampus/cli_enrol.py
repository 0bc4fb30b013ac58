"""`stepcampus enrol`: a learner joins a class of the campus server with its enrolment code;
their profile then syncs with the new account."""

from __future__ import annotations

import argparse
from typing import Any

from stepcampus.errors import InputError, Problem


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `enrol` command."""
    from stepcampus.cli_server import password_options

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "enrol", help="join a class of the campus server with its enrolment code",
        description="Create your campus account in the class of an enrolment code your "
        "facilitator gave you, then link a profile of this desktop to it: `stepcampus sync` "
        "sends its progress there. The link keeps a sign-in token of the account, not the "
        "password.")
    parser.add_argument("server", metavar="SERVER",
                        help="the campus server's address, e.g. https://campus.example.org")
    parser.add_argument("code", metavar="CODE", help="the enrolment code, e.g. ABCDE-FGH23")
    parser.add_argument("--user", required=True, metavar="U",
                        help="the user name to sign in with (1-64 letters, digits or . _ @ -)")
    parser.add_argument("--name", metavar="NAME",
                        help="your name as your facilitator sees it (default: the profile's)")
    password_options(parser)
    parser.add_argument("--profile", metavar="NAME",
                        help="the profile to link (needed when this desktop has several)")
    parser.set_defaults(func=run)
    return parser


def _new_password(args: argparse.Namespace) -> str:
    """The chosen password: from the options, else typed twice."""
    from stepcampus.cli_server import read_password

    password = read_password(args, f"choose a password for {args.user}: ", "type it again: ")
    if password is None:
        raise InputError(Problem("password", None, "the two passwords differ",
                                 "type the same password twice"))
    return password


def run(args: argparse.Namespace) -> int:
    from stepcampus.classroom.campus_enrolment import enrol_with_code
    from stepcampus.cli import _campus
    from stepcampus.cli_sync import _profile_id
    from stepcampus.progress.activity import list_profiles

    campus = _campus(args)
    try:
        factory = campus.sessions
        profile_id = _profile_id(factory, args.profile)
        name = args.name
        if name is None:
            name = next(p.name for p in list_profiles(factory) if p.id == profile_id)
        joined = enrol_with_code(factory, profile_id, args.server, args.code, args.user, name,
                                 _new_password(args))
    finally:
        campus.close()
    where = f" in {joined.class_name}" if joined.class_name else ""
    print(f"enrolled{where} as {joined.username} ({joined.name})")
    print(f"this profile now syncs with {joined.link.endpoint}: run `stepcampus sync`")
    return 0
