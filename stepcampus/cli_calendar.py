"""`stepcampus calendar import|list|export|refresh`: calendars from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from stepcampus.errors import InputError, Problem
from stepcampus.textfile import write_atomic, write_stdout


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `calendar` command and its subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "calendar", help="import, list and export webinar and classroom schedules (.ics)")
    sub = parser.add_subparsers(dest="calendar_command", required=True, metavar="ACTION")

    p = sub.add_parser("import", help="import an .ics file or URL (again: replaces it)")
    p.add_argument("location", metavar="FILE|URL")
    p.add_argument("--subscribe", action="store_true",
                   help="keep the URL and fetch it again on `calendar refresh`")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("list", help="show upcoming sessions in your time zone")
    p.add_argument("--days", type=int, default=14, metavar="N",
                   help="how many days ahead (default: 14)")
    p.add_argument("--zone", metavar="ZONE",
                   help="show times in this IANA zone (default: this computer's)")
    p.add_argument("--from", dest="start", metavar="DATE",
                   help="start from this date or date-time (ISO 8601) instead of now")
    p.add_argument("--json", action="store_true", help="print the sessions as JSON")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("export", help="write one event or series, or all, as an .ics file")
    p.add_argument("--uid", help="only the event or series with this UID")
    p.add_argument("-o", "--output", required=True, metavar="FILE.ics",
                   help="the file to write (- for standard output)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("refresh", help="fetch every subscribed calendar again")
    p.set_defaults(func=cmd_refresh)
    return parser


def _zone_name(args: argparse.Namespace) -> str:
    from stepcampus.calendar.zones import local_zone_name, zone_named

    if args.zone:
        zone_named(args.zone)
        return str(args.zone)
    return local_zone_name()


def _store(args: argparse.Namespace, zone: str | None = None) -> Any:
    from stepcampus.calendar.store import CalendarStore
    from stepcampus.paths import default_data_dir

    data_dir = args.data_dir or default_data_dir()
    return CalendarStore.for_data_dir(Path(data_dir), zone)


def cmd_import(args: argparse.Namespace) -> int:
    # Floating times stay floating in the store: they show at the learner's local time.
    store = _store(args)
    location: str = args.location
    if location.startswith(("http://", "https://", "webcal://")):
        events = store.import_url(location, subscribe=args.subscribe)
        how = "subscribed to" if args.subscribe else "imported"
    else:
        if args.subscribe:
            raise InputError(Problem(location, None, "--subscribe needs a URL"))
        events = store.import_file(Path(location))
        how = "imported"
    series = sum(1 for e in events if e.rrule or e.rdates)
    print(f"{how} {location}: {len(events)} events ({series} recurring)")
    return 0


def _start(text: str | None, zone: Any) -> datetime:
    if not text:
        return datetime.now(zone)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
        except ValueError:
            raise InputError(Problem("--from", None, f"{text!r} is not an ISO 8601 date",
                                     "write it as 2026-10-01 or 2026-10-01T14:00")) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def cmd_list(args: argparse.Namespace) -> int:
    from stepcampus.calendar.model import all_occurrences
    from stepcampus.calendar.zones import zone_named

    name = _zone_name(args)
    zone = zone_named(name)
    if args.days < 0:
        raise InputError(Problem("--days", None, "must be 0 or more"))
    start = _start(args.start, zone)
    found = all_occurrences(_store(args, name).events(), start,
                            start + timedelta(days=args.days))
    if args.json:
        write_stdout(json.dumps([{
            "uid": o.uid, "title": o.title, "start": o.start.astimezone(zone).isoformat(),
            "end": o.end.astimezone(zone).isoformat(), "zone": name,
            "organiser_start": o.start.isoformat(), "organiser_zone": o.event.zone.key,
            "location": o.location, "kind": o.event.kind, "moved": o.moved,
            "source": o.event.source,
        } for o in found], indent=2, ensure_ascii=False) + "\n")
        return 0
    if not found:
        print(f"no sessions in the {args.days} days from {start:%Y-%m-%d %H:%M} ({name})")
    lines = []
    for o in found:
        begin, end = o.in_zone(zone)
        moved = " (moved)" if o.moved else ""
        lines.append(f"{begin:%a %Y-%m-%d %H:%M}-{end:%H:%M} {name}\t{o.title}{moved}\t"
                     f"{o.location}\t{o.uid}\n")
    write_stdout("".join(lines))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from stepcampus.calendar.ics import export_ics

    events = _store(args).events()
    if args.uid:
        events = [e for e in events if e.uid == args.uid]
        if not events:
            raise InputError(Problem("--uid", None, f"no event has UID {args.uid!r}",
                                     "see `stepcampus calendar list --json`"))
    data = export_ics(events)
    if args.output == "-":
        write_stdout(data.decode("utf-8"))
        return 0
    write_atomic(Path(args.output), data)
    print(f"wrote {len(events)} events to {args.output}", file=sys.stderr)
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    results = _store(args).refresh()
    if not results:
        print("no subscriptions")
    for r in results:
        state = "ok" if r.ok else "failed"
        print(f"{state}\t{r.url}\t{r.events} events\t{r.message}")
    return 0 if all(r.ok for r in results) else 1
