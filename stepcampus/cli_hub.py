"""`stepcampus hub`: the facilitator's desktop serves a room (courses, the LRS, forwarding to
the campus), and the learner's side of it (discover, offer)."""

from __future__ import annotations

import argparse
import json
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from stepcampus.errors import InputError, Problem

if TYPE_CHECKING:
    from stepcampus.campus import Campus
    from stepcampus.hub.database import HubDatabase

DEFAULT_PORT = 8471
EXIT_NONE_FOUND = 1
HELP = "serve this computer's courses and an LRS to a room, forwarding to the campus"


def add_parser(subparsers: Any) -> None:
    """Register `hub` and its actions on an argparse subparsers object."""
    from stepcampus import cli_server

    hub = subparsers.add_parser(
        "hub", help=HELP,
        description="Without an action: run the hub on this data folder. It serves the "
                    "installed courses and webinars at /content/ (install from "
                    "http://HOST:PORT/content/), is the room's xAPI LRS at /xapi/ for the "
                    "accounts made with 'hub admin', forwards what learners send to --upstream "
                    "whenever it answers, and announces itself on the local network.")
    hub.add_argument("--host", default="0.0.0.0",
                     help="address to listen on (default: 0.0.0.0, every network; 127.0.0.1 "
                          "for this computer only)")
    hub.add_argument("--port", type=int, default=DEFAULT_PORT,
                     help=f"port (default: {DEFAULT_PORT})")
    hub.add_argument("--name", help="the name learners see when they look for hubs (default: "
                                    "'STEP Campus hub on HOSTNAME')")
    hub.add_argument("--upstream", metavar="URL",
                     help="the campus server to forward to (remembered)")
    hub.add_argument("--user", metavar="U",
                     help="a facilitator of that campus: links the hub once (the password "
                          "is exchanged for a hub token and not kept)")
    cli_server.password_options(hub)
    hub.add_argument("--home-page", metavar="IRI",
                     help="the homePage of the room's xAPI accounts (default: the campus's)")
    hub.add_argument("--no-announce", action="store_true",
                     help="do not announce the hub on the local network (learners type its "
                          "address)")
    hub.set_defaults(func=cmd_run)
    actions = hub.add_subparsers(dest="hub_command", metavar="ACTION")

    admin = actions.add_parser("admin", help="the room's accounts on the hub (as 'stepcampus "
                               "admin' does for the campus)")
    what = admin.add_subparsers(dest="hub_admin_command", required=True, metavar="ACTION")
    for role in ("facilitator", "learner"):
        q = what.add_parser(f"create-{role}", help=f"create a {role} account on the hub "
                            "(the same user name as on the campus, for forwarding)")
        q.add_argument("username", metavar="USER")
        q.add_argument("--name", help="the name shown to people (default: USER)")
        if role == "learner":
            q.add_argument("--class", dest="class_name", metavar="NAME",
                           help="put the learner in this class")
        cli_server.password_options(q)
        q.set_defaults(func=_on_hub(cli_server.cmd_create_account), role=role)
    q = what.add_parser("create-class", help="create a class run by a facilitator")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--facilitator", required=True, metavar="USER")
    q.set_defaults(func=_on_hub(cli_server.cmd_create_class))
    q = what.add_parser("create-code", help="make an enrolment code for a class (printed)")
    q.add_argument("--class", dest="class_name", required=True, metavar="NAME")
    q.add_argument("--uses", type=int, default=30, metavar="N")
    q.add_argument("--days", type=float, default=1, metavar="D",
                   help="days until it expires (default: 1)")
    q.set_defaults(func=_on_hub(cli_server.cmd_create_code))
    q = what.add_parser("list", help="show the hub's accounts and classes")
    q.set_defaults(func=_on_hub(cli_server.cmd_list))

    q = actions.add_parser("status", help="what waits to be forwarded, and the link")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_status)

    q = actions.add_parser("discover", help="list the hubs on the local network")
    q.add_argument("--timeout", type=float, default=3.0, metavar="S",
                   help="seconds to listen (default: 3)")
    q.add_argument("--interface", action="append", metavar="IP",
                   help="look only through this interface address (repeatable)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_discover)

    q = actions.add_parser("offer", help="give a hub this computer's newer version of a course",
                           description="Send the installed copy of COURSE_ID (the files the "
                                       "hub lacks) to the hub, which installs it after the "
                                       "checks of any install.")
    q.add_argument("url", metavar="URL", help="the hub's address, e.g. http://HOST:8471")
    q.add_argument("course_id", metavar="COURSE_ID")
    q.add_argument("--user", metavar="U", help="your account on the hub (default: the link "
                                               "of a profile that syncs with it)")
    cli_server.password_options(q)
    q.add_argument("--profile", metavar="NAME", help="the profile whose hub link to use")
    q.set_defaults(func=cmd_offer)


def _password(args: argparse.Namespace, who: str) -> str:
    from stepcampus.cli_server import read_password

    return str(read_password(args, f"password for {who}: "))


def _say(line: str) -> None:
    print(line, flush=True)


def _campus(args: argparse.Namespace) -> Campus:
    from stepcampus.cli import _campus as campus_of

    return campus_of(args)


def hub_path(args: argparse.Namespace) -> Path:
    from stepcampus.hub.database import hub_database_path
    from stepcampus.paths import default_data_dir

    return hub_database_path(args.data_dir or default_data_dir())


def _hub_db(args: argparse.Namespace) -> HubDatabase:
    from stepcampus.hub.database import HubDatabase

    return HubDatabase(hub_path(args))


def _on_hub(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A `stepcampus admin` command run on the hub's database (the same code, another file)."""

    def run(args: argparse.Namespace) -> int:
        _hub_db(args).close()  # created and migrated, hub tables included
        args.database = str(hub_path(args))
        return command(args)

    return run


# ------------------------------------------------------------------------------ run


def cmd_run(args: argparse.Namespace) -> int:
    from stepcampus.hub.app import Hub, run_hub
    from stepcampus.hub.discovery import check_name, default_name
    from stepcampus.hub.forward import Forwarder
    from stepcampus.hub.link import HOME_PAGE, UPSTREAM_HOME_PAGE, load_link, save_link
    from stepcampus.hub.upstream import Upstream, UpstreamError, campus_base
    from stepcampus.server.app import DEFAULT_HOME_PAGE

    if not 0 < args.port < 65536:
        raise InputError(f"--port must be within 1..65535, not {args.port}")
    name = check_name(args.name) if args.name else default_name()
    if args.home_page is not None and (":" not in args.home_page or " " in args.home_page):
        raise InputError(Problem("--home-page", None, f"{args.home_page!r} is not an IRI"))
    base = campus_base(args.upstream) if args.upstream else None
    if args.user and base is None:
        raise InputError(Problem("--user", None, "links the hub to a campus: give --upstream "
                                 "URL too"))
    password = _password(args, args.user) if args.user else None
    campus = _campus(args)
    db = _hub_db(args)
    try:
        link = load_link(db)
        login = None
        label = f"{name} ({socket.gethostname()})"[:200]
        if base is not None and args.user:
            try:
                with Upstream(base) as up:
                    made = up.create_hub(args.user, str(password), label)
                    home, _ = up.about()
                save_link(db, made, home)
                link = made
            except UpstreamError as exc:
                if exc.kind not in ("offline", "server"):
                    raise InputError(Problem("--user", None, exc.message,
                                             "a facilitator of that campus links the hub; "
                                             "nothing was changed")) from None
                login = (base, args.user, str(password), label)  # linked once it answers
        elif base is not None and (link is None or link.base != base):
            raise InputError(Problem("--upstream", None, f"the hub is not linked to {base} yet",
                                     "give --user FACILITATOR --password-stdin once"))
        stored_home = db.setting(HOME_PAGE)
        if stored_home is None:
            home_page = (args.home_page or (db.setting(UPSTREAM_HOME_PAGE) if link else None)
                         or DEFAULT_HOME_PAGE)
            db.set_settings({HOME_PAGE: home_page})
        elif args.home_page is not None and args.home_page != stored_home:
            raise InputError(Problem("--home-page", None, f"this hub files its learners' "
                                     f"records under {stored_home!r}", "it cannot change"))
        else:
            home_page = stored_home
    except BaseException:
        db.close()
        campus.close()
        raise
    hub = Hub(campus, db, name, home_page, say=_say)
    forwarder = Forwarder(db, home_page, login=login, say=_say)
    run_hub(hub, args.host, args.port, forwarder=forwarder, announce=not args.no_announce,
            banner=_banner(hub, args.host, args.port, link, login is not None))
    return 0


def _banner(hub: Any, host: str, port: int, link: Any, pending: bool) -> list[str]:
    from sqlalchemy import func, select

    from stepcampus.server.models import Account

    shown = "127.0.0.1" if host in ("0.0.0.0", "", "localhost") else host
    address = f"http://{shown}:{port}"
    tree = hub.tree.current()
    packages = [f"{c['id']} {c['latest']}" for c in json.loads(
        tree.files["catalog.json"][0])["courses"]]
    with hub.db.factory() as session:
        learners = int(session.scalar(select(func.count()).select_from(Account)) or 0)
    if link is not None:
        upstream = f"forwarding to {link.base} as {link.facilitator}'s hub {link.hub_id}"
    elif pending:
        upstream = "the campus does not answer yet: the hub links and forwards once it does"
    else:
        upstream = ("no campus server: records stay here until the hub is started with "
                    "--upstream URL")
    return [f"STEP Campus hub {hub.name!r} on {address} (listening on {host}:{port}): "
            "courses at /content/, LRS at /xapi/",
            f"serving {len(packages)} package(s): {', '.join(packages) or 'none installed'}",
            upstream,
            f"{learners} account(s) on the hub ('stepcampus hub admin create-learner NAME' "
            "adds one)",
            f"learners: stepcampus install {address}/content/ COURSE_ID; stepcampus sync "
            f"--endpoint {address} --user NAME --password-stdin"]


# ------------------------------------------------------------------------------ status


def cmd_status(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from stepcampus.hub.link import FORWARD_STATUS, HOME_PAGE, ForwardStatus, load_link
    from stepcampus.hub.models import ForwardState, ForwardStatement, Refusal

    db = _hub_db(args)
    try:
        link = load_link(db)
        status = ForwardStatus.from_json(db.setting(FORWARD_STATUS))
        with db.factory() as session:
            q = ForwardStatement
            waiting = {owner: int(n) for owner, n in session.execute(
                select(q.owner, func.count()).where(q.error.is_(None)).group_by(q.owner)
                .order_by(q.owner))}
            aside = [{"statement": s, "owner": o, "reason": e} for s, o, e in session.execute(
                select(q.statement_id, q.owner, q.error).where(q.error.is_not(None)))]
            documents = int(session.scalar(select(func.count()).select_from(ForwardState))
                            or 0)
            refused = {r.owner: r.message for r in session.scalars(select(Refusal))}
        report = {"home_page": db.setting(HOME_PAGE),
                  "upstream": {"url": link.base, "facilitator": link.facilitator,
                               "hub_id": link.hub_id} if link else None,
                  "waiting": waiting, "waiting_total": sum(waiting.values()),
                  "state_documents_waiting": documents, "refused": refused,
                  "set_aside": aside,
                  "forwarding": status.__dict__ if status else None}
    finally:
        db.close()
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    lines = [f"upstream: {link.base} ({link.facilitator}'s hub {link.hub_id})" if link
             else "upstream: none (start the hub with --upstream URL --user FACILITATOR)"]
    lines.append(f"waiting to be forwarded: {report['waiting_total']} statement(s)"
                 + (" (" + ", ".join(f"{o} {n}" for o, n in waiting.items()) + ")"
                    if waiting else "")
                 + f", {documents} state document(s)")
    lines += [f"refused by the campus: {owner}: {message}" for owner, message in refused.items()]
    lines += [f"set aside: statement {a['statement']} of {a['owner']}: {a['reason']}"
              for a in aside]
    if status is not None:
        lines.append(f"forwarding: {status.state} at {status.at}: {status.message}")
    print("\n".join(lines))
    return 0


# ------------------------------------------------------------------------------ discover


def cmd_discover(args: argparse.Namespace) -> int:
    from stepcampus.hub.discovery import discover

    if not 0 < args.timeout <= 60:
        raise InputError(Problem("--timeout", None, "must be above 0 and at most 60 seconds"))
    for address in args.interface or []:
        try:
            socket.inet_aton(address)
        except OSError:
            raise InputError(Problem("--interface", None, f"{address!r} is not an IPv4 "
                                     "address")) from None
    found = discover(args.timeout, args.interface)
    if args.json:
        print(json.dumps([{"name": h.name, "url": h.url, "addresses": list(h.addresses),
                           "port": h.port, "content": h.content_url, "xapi": h.xapi_url}
                          for h in found], indent=2, ensure_ascii=False))
    else:
        for h in found:
            print(f"{h.name}\t{h.url}\tcourses: {h.content_url}\tLRS: {h.xapi_url}")
    if not found:
        print(f"no STEP Campus hub answered within {args.timeout:g} s (type its address "
              "instead: http://HOST:8471)", file=sys.stderr)
        return EXIT_NONE_FOUND
    return 0


# ------------------------------------------------------------------------------ offer


def cmd_offer(args: argparse.Namespace) -> int:
    from stepcampus.hub.offer import hub_base, offer

    base = hub_base(args.url)
    campus = _campus(args)
    try:
        auth = _offer_auth(args, campus, base)
        result = offer(campus, base, args.course_id, auth)
    finally:
        campus.close()
    if result.already:
        print(f"the hub has {result.course_id} {result.hub_had} already (this computer has "
              f"{result.version}): nothing sent")
        return 0
    was = f" (it had {result.hub_had})" if result.hub_had else ""
    print(f"the hub installed {result.course_id} {result.version}{was}: sent "
          f"{result.sent_files} files ({result.sent_bytes} bytes) it did not have")
    return 0


def _offer_auth(args: argparse.Namespace, campus: Campus, base: str) -> Any:
    """The learner's hub credentials: --user, or the link of a profile syncing with the hub."""
    import httpx

    from stepcampus.progress.activity import list_profiles
    from stepcampus.sync.accounts import get_link
    from stepcampus.sync.lrs import TOKEN_PREFIX

    if args.user:
        return (args.user, _password(args, args.user))
    wanted = urlsplit(base)[:2]
    links = [link for p in list_profiles(campus.sessions)
             if (args.profile is None or p.name.casefold() == args.profile.casefold())
             and (link := get_link(campus.sessions, p.id)) is not None
             and urlsplit(link.endpoint)[:2] == wanted]
    if len(links) != 1:
        raise InputError(Problem("--user", None, f"{len(links)} profiles here sync with "
                                 f"{base}", "give --user NAME (and --password-stdin), or "
                                 "--profile NAME"))
    secret = links[0].secret
    if secret.startswith(TOKEN_PREFIX):
        token = secret.removeprefix(TOKEN_PREFIX)

        def bearer(request: httpx.Request) -> httpx.Request:
            request.headers["Authorization"] = f"Bearer {token}"
            return request

        return bearer
    return (links[0].username, secret)

