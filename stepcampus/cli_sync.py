"""`stepcampus sync`: send a profile's progress to its LRS account and fetch what other
computers recorded. Options given are saved as the profile's link for later syncs."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from stepcampus.errors import InputError, Problem

if TYPE_CHECKING:
    from stepcampus.store.database import SessionFactory

EXIT_SYNC_FAILED = 1


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `sync` subcommand on an argparse subparsers object."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sync",
        help="sync learning progress with the campus server or another xAPI LRS",
        description="Sync one profile (the only one, or --profile NAME) or, with no option, "
        "every linked profile. --endpoint, --user and --password link the profile to an "
        "account, remembered for later syncs.")
    parser.add_argument("--endpoint", metavar="URL",
                        help="the LRS address (for the campus server, http://HOST:PORT is "
                        "enough: /xapi/ is added)")
    parser.add_argument("--user", metavar="U", help="the account's user name")
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument("--password", metavar="P", help="the account's password")
    secret.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of standard input")
    parser.add_argument("--profile", metavar="NAME", help="the learner profile to sync")
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")
    parser.set_defaults(func=run)
    return parser


def _profile_id(factory: SessionFactory, name: str | None) -> str:
    from stepcampus.progress.activity import list_profiles

    profiles = list_profiles(factory)
    if name is not None:
        found = [p for p in profiles if p.name.casefold() == name.strip().casefold()]
        if not found:
            known = ", ".join(p.name for p in profiles) or "none"
            raise InputError(Problem("--profile", None, f"no profile named {name!r}",
                                     f"profiles here: {known}"))
        return found[0].id
    if len(profiles) != 1:
        raise InputError(Problem("--profile", None, f"there are {len(profiles)} profiles",
                                 "say which one with --profile NAME"))
    return profiles[0].id


def _targets(args: argparse.Namespace, factory: SessionFactory) -> list[str]:
    """Profile ids to sync, saving the link first when link options were given."""
    from stepcampus.sync.accounts import get_link, linked_profiles, save_link

    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else args.password
    linking = args.endpoint is not None or args.user is not None or password is not None
    if not linking and args.profile is None:
        linked = linked_profiles(factory)
        if not linked:
            raise InputError(Problem("sync", None, "no profile is linked to a server yet",
                                     "give --endpoint URL --user U --password P"))
        return linked
    profile_id = _profile_id(factory, args.profile)
    link = get_link(factory, profile_id)
    if linking:
        endpoint = args.endpoint or (link and link.endpoint)
        user = args.user or (link and link.username)
        secret = password or (link and link.secret)
        missing = [name for name, value in (("--endpoint", endpoint), ("--user", user),
                                            ("--password", secret)) if not value]
        if missing:
            raise InputError([Problem(name, None, "is needed to link this profile")
                              for name in missing])
        save_link(factory, profile_id, str(endpoint), str(user), str(secret))
    elif link is None:
        raise InputError(Problem("--profile", None, f"profile {args.profile!r} is not linked",
                                 "give --endpoint URL --user U --password P"))
    return [profile_id]


def run(args: argparse.Namespace) -> int:
    from stepcampus.campus import Campus
    from stepcampus.cli import _end_progress, _task
    from stepcampus.progress.activity import list_profiles
    from stepcampus.sync.accounts import get_link
    from stepcampus.sync.engine import sync_profile
    from stepcampus.sync.errors import SyncError

    campus = Campus(args.data_dir)
    try:
        factory = campus.sessions
        names = {p.id: p.name for p in list_profiles(factory)}
        outcomes: list[dict[str, Any]] = []
        failed = False
        for profile_id in _targets(args, factory):
            link = get_link(factory, profile_id)
            assert link is not None  # _targets only returns linked profiles
            name = names.get(profile_id, profile_id)
            try:
                report = sync_profile(factory, profile_id, link, _task())
            except SyncError as exc:
                _end_progress()
                failed = True
                outcomes.append({"profile": name, "ok": False, "kind": exc.kind,
                                 "error": exc.message})
                print(f"error: {exc}", file=sys.stderr)
                continue
            _end_progress()
            outcomes.append({"profile": name, "ok": True, **report.as_dict()})
            if not args.json:
                for line in report.lines():
                    print(f"{name}: {line}" if len(names) > 1 else line)
    finally:
        campus.close()
    if args.json:
        print(json.dumps(outcomes, indent=2, ensure_ascii=False))
    return EXIT_SYNC_FAILED if failed else 0
