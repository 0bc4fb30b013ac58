"""IANA time zones: by name with a clear error, the learner's own, and the IANA zone that
behaves like a zone a calendar program defined for itself."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, tzinfo
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from stepcampus.errors import InputError, Problem


def zone_named(name: str, where: str = "--zone") -> ZoneInfo:
    """The IANA zone `name`; an unknown name is an InputError naming `where`."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(Problem(where, None, f"unknown time zone {name!r}",
                                 "use an IANA name such as Europe/Berlin or Africa/Nairobi")) \
            from None


def local_zone_name() -> str:
    """This computer's IANA zone name (TZ, then /etc/localtime), or UTC when it cannot tell.

    Windows has no such link; there the learner passes --zone or the app's setting."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        link = os.readlink("/etc/localtime")
        candidates.append(link.split("zoneinfo/", 1)[-1])
    except OSError:
        pass
    timezone_file = Path("/etc/timezone")
    if timezone_file.is_file():
        candidates.append(timezone_file.read_text(encoding="utf-8", errors="replace").strip())
    for name in candidates:
        if name:
            try:
                ZoneInfo(name)
                return name
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return "UTC"


def zone_key(zone: tzinfo | None) -> str | None:
    """The IANA name of a ZoneInfo (UTC counts), else None."""
    if isinstance(zone, ZoneInfo):
        return zone.key
    if zone is not None and zone.utcoffset(None) == timedelta(0) and \
            str(zone) in ("UTC", "UTC+00:00"):
        return "UTC"
    return None


@cache
def _all_zones() -> tuple[str, ...]:
    # Canonical-looking names first, so a match prefers Europe/Berlin to a legacy alias.
    names = [n for n in available_timezones() if "/" in n and not n.startswith(("Etc/",
                                                                                "SystemV/"))]
    return tuple(sorted(names))


def named_zone(tzid: str) -> str | None:
    """The IANA zone a TZID names, directly or as a Windows zone name, else None."""
    name = WINDOWS_TO_OLSON.get(tzid.strip('"'), tzid)
    try:
        return ZoneInfo(name).key
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _fortnights(year: int) -> list[datetime]:
    return [datetime(year, month, day, 12) for month in range(1, 13) for day in (1, 15)]


def _years_alike(wanted: list[list[timedelta | None]], candidate: tzinfo, year: int) -> int:
    """How many years before `year` the candidate had the offsets `wanted` every fortnight."""
    for back, offsets in enumerate(wanted, start=1):
        if [candidate.utcoffset(p) for p in _fortnights(year - back)] != offsets:
            return back - 1
    return len(wanted)


def equivalent_zone(zone: tzinfo, hint: str, year: int) -> str | None:
    """An IANA zone with the same UTC offsets as `zone` every week of `year` and the next.

    Calendar programs (Outlook above all) may define a zone of their own in a VTIMEZONE; the
    model keeps IANA names, so pick one that keeps the same local times. Among equals, prefer
    a zone whose city the program's name mentions ("(UTC+01:00) Amsterdam, Berlin...")."""
    probes = [datetime(year, 1, 3, 12) + timedelta(days=7 * week) for week in range(105)]
    wanted = [zone.utcoffset(probe) for probe in probes]
    if any(offset is None for offset in wanted):
        return None
    words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", hint)}
    matches = []
    for name in _all_zones():
        candidate = ZoneInfo(name)
        if all(candidate.utcoffset(p) == w for p, w in zip(probes, wanted, strict=True)):
            matches.append(name)
    if not matches:
        return None
    # A program's own zone states today's rules only: prefer the zone that has kept them the
    # longest, then the zones Windows names map to (the usual ones for their region).
    usual = set(WINDOWS_TO_OLSON.values())
    if len(matches) > 1:
        history = [[zone.utcoffset(p) for p in _fortnights(year - back)] for back in range(1, 41)]
        matches.sort(key=lambda name: (-_years_alike(history, ZoneInfo(name), year),
                                       name not in usual))
    for name in matches:
        city = name.rsplit("/", 1)[-1].replace("_", " ").lower()
        if city in words or any(part in words for part in city.split()):
            return name
    return matches[0]
