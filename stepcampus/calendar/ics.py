"""RFC 5545 in and out: export events with their time zones, rules, exceptions and moved
sittings; import what common calendar programs write, or say exactly what is wrong."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, vRecur
from icalendar import Event as VEvent

from stepcampus.calendar.model import KINDS, UTC, Event, Override, check_rule
from stepcampus.calendar.zones import (
    equivalent_zone,
    local_zone_name,
    named_zone,
    zone_key,
    zone_named,
)
from stepcampus.errors import InputError, Problem
from stepcampus.textfile import decode_utf8

PRODID = "-//STEP Campus//Calendar//EN"
KIND_PROPERTY = "X-STEPCAMPUS-KIND"
_NAME = re.compile(r"^[A-Za-z0-9-]+$")


# ---- export -----------------------------------------------------------------------------

def _value(event: Event, moment: datetime) -> date | datetime:
    local = moment.astimezone(event.zone)
    if event.all_day:
        return local.date()
    if event.floating:
        return local.replace(tzinfo=None)
    return local


def _component(event: Event, stamp: datetime) -> VEvent:
    item = VEvent()
    item.add("uid", event.uid)
    item.add("dtstamp", stamp)
    item.add("summary", event.title)
    item.add("dtstart", _value(event, event.start))
    item.add("dtend", _value(event, event.start + event.duration))
    if event.rrule is not None:
        item.add("rrule", vRecur.from_ical(event.rrule))
    if event.exdates:
        item.add("exdate", [_value(event, d) for d in event.exdates])
    if event.rdates:
        item.add("rdate", [_value(event, d) for d in event.rdates])
    for name, text in (("location", event.location), ("url", event.url),
                       ("description", event.description)):
        if text:
            item.add(name, text)
    if event.kind != "imported":
        item.add(KIND_PROPERTY, event.kind)
    return item


def _moved(event: Event, override: Override, stamp: datetime) -> VEvent:
    item = VEvent()
    item.add("uid", event.uid)
    item.add("dtstamp", stamp)
    item.add("recurrence-id", _value(event, override.recurrence_id))
    item.add("summary", event.title if override.title is None else override.title)
    item.add("dtstart", _value(event, override.start))
    item.add("dtend", _value(event, override.start + override.duration))
    location = event.location if override.location is None else override.location
    description = event.description if override.description is None else override.description
    if location:
        item.add("location", location)
    if description:
        item.add("description", description)
    return item


def export_ics(events: list[Event], now: datetime | None = None) -> bytes:
    """One VCALENDAR holding the events, moved sittings as RECURRENCE-ID components, and a
    VTIMEZONE for every zone used; folded lines, CRLF."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    for event in events:
        calendar.add_component(_component(event, stamp))
        for override in event.overrides:
            calendar.add_component(_moved(event, override, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


# ---- import: a line-numbered look at the structure first ---------------------------------

@dataclass
class _Block:
    """One component as written: where it begins and where each property's first line is."""

    name: str
    line: int
    props: dict[str, int] = field(default_factory=dict)

    def where(self, prop: str | None = None) -> int:
        return self.props.get(prop, self.line) if prop else self.line


def _scan(text: str, source: str) -> list[_Block]:
    """Check the BEGIN/END structure and each content line; list VEVENTs in file order."""
    logical: list[tuple[int, str]] = []
    for number, raw in enumerate(re.split(r"\r\n|\n|\r", text), start=1):
        if raw[:1] in (" ", "\t") and logical:
            logical[-1] = (logical[-1][0], logical[-1][1] + raw[1:])
        elif raw.strip():
            logical.append((number, raw))
    if not logical:
        raise InputError(Problem(source, None, "is empty", "export the calendar again"))
    first_line, first = logical[0]
    if first.strip().upper() != "BEGIN:VCALENDAR":
        raise InputError(Problem(source, first_line,
                                 "is not an iCalendar file: it should begin with "
                                 f"BEGIN:VCALENDAR, not {first[:40]!r}",
                                 "choose an .ics file"))
    stack: list[_Block] = []
    events: list[_Block] = []
    for number, line in logical:
        name = re.split(r"[;:]", line, maxsplit=1)[0].upper()
        if ":" not in line or not _NAME.match(name):
            raise InputError(Problem(source, number, f"is not an iCalendar line: {line[:60]!r}",
                                     "each line needs NAME:value"))
        value = line.split(":", 1)[1].strip().upper()
        if name == "BEGIN":
            block = _Block(value, number)
            stack.append(block)
            if value == "VEVENT":
                events.append(block)
        elif name == "END":
            if not stack:
                raise InputError(Problem(source, number, f"END:{value} closes nothing"))
            if stack[-1].name != value:
                raise InputError(Problem(
                    source, number, f"END:{value} does not close BEGIN:{stack[-1].name} "
                    f"of line {stack[-1].line}"))
            stack.pop()
        elif not stack:
            raise InputError(Problem(source, number, f"property {name} outside BEGIN:VCALENDAR"))
        else:
            stack[-1].props.setdefault(name, number)
    if stack:
        raise InputError(Problem(
            source, logical[-1][0], f"the file ends inside BEGIN:{stack[-1].name} of line "
            f"{stack[-1].line}: it looks cut short", "download or export it again"))
    return events


# ---- import: components to events --------------------------------------------------------

@dataclass
class _Reader:
    source: str
    floating: ZoneInfo
    problems: list[Problem] = field(default_factory=list)
    custom_zones: dict[str, str | None] = field(default_factory=dict)

    def problem(self, block: _Block, prop: str | None, message: str, hint: str = "") -> None:
        what = f"{prop}: " if prop else ""
        self.problems.append(Problem(self.source, block.where(prop), what + message, hint))

    def zone_of(self, moment: datetime, tzid: str) -> ZoneInfo | None:
        """An IANA zone for a time in a zone its calendar defined for itself."""
        key = zone_key(moment.tzinfo)
        if key is not None:
            return ZoneInfo(key)
        if tzid not in self.custom_zones:
            assert moment.tzinfo is not None
            self.custom_zones[tzid] = named_zone(tzid) or equivalent_zone(
                moment.tzinfo, tzid, moment.year)
        name = self.custom_zones[tzid]
        return ZoneInfo(name) if name else None

    def when(self, block: _Block, prop: str, value: Any) -> tuple[datetime, str] | None:
        """(aware time, how it was written: "date", "floating" or "zoned"), or a problem."""
        moment = getattr(value, "dt", value)
        params = getattr(value, "params", {})
        tzid = params.get("TZID") if params else None
        if isinstance(moment, date) and not isinstance(moment, datetime):
            return datetime.combine(moment, time(), tzinfo=self.floating), "date"
        if not isinstance(moment, datetime):
            self.problem(block, prop, f"is not a date or date-time ({moment!r})")
            return None
        if moment.tzinfo is None:
            if tzid:
                self.problem(block, prop, f"unknown time zone {tzid!r} and no VTIMEZONE "
                             "in the file defines it",
                             "use an IANA zone name or include its VTIMEZONE")
                return None
            return moment.replace(tzinfo=self.floating), "floating"
        if isinstance(moment.tzinfo, timezone):  # UTC ("Z") or a fixed offset
            return moment.astimezone(UTC), "zoned"
        zone = self.zone_of(moment, str(tzid or ""))
        if zone is None:
            self.problem(block, prop, f"time zone {tzid!r} matches no known zone")
            return None
        return moment.astimezone(zone), "zoned"

    def moments(self, block: _Block, prop: str, values: Any, zone: ZoneInfo) -> list[datetime]:
        found: list[datetime] = []
        for item in values if isinstance(values, list) else [values]:
            for one in getattr(item, "dts", [item]):
                if getattr(one, "params", None) is not None and not one.params.get("TZID"):
                    one.params.update(getattr(item, "params", {}))
                got = self.when(block, prop, one)
                if got is not None:
                    found.append(got[0].astimezone(zone) if got[1] == "zoned" else
                                 got[0].replace(tzinfo=zone))
        return found


def _text(component: Any, name: str) -> str:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value).strip() if value is not None else ""


@dataclass
class _Parsed:
    block: _Block
    uid: str
    start: datetime
    duration: timedelta
    written: str
    component: Any
    recurrence_id: datetime | None = None


def _duration(reader: _Reader, block: _Block, comp: Any, start: datetime,
              written: str) -> timedelta | None:
    if "DTEND" in comp:
        got = reader.when(block, "DTEND", comp["DTEND"])
        if got is None:
            return None
        end = got[0] if got[1] == "zoned" else got[0].replace(tzinfo=start.tzinfo)
        # wall-clock difference, as the event's own zone counts it
        length = end.astimezone(start.tzinfo).replace(tzinfo=None) - start.replace(tzinfo=None)
        if length < timedelta(0):
            reader.problem(block, "DTEND", "is before DTSTART")
            return None
        return length
    if "DURATION" in comp:
        length = getattr(comp["DURATION"], "dt", None)
        if not isinstance(length, timedelta) or length < timedelta(0):
            reader.problem(block, "DURATION", "is not a positive duration")
            return None
        return length
    return timedelta(days=1) if written == "date" else timedelta(0)


def _parse(reader: _Reader, block: _Block, comp: Any) -> _Parsed | None:
    before = len(reader.problems)
    for prop, message in getattr(comp, "errors", []):
        reader.problem(block, str(prop).upper() if prop else None, str(message))
    if len(reader.problems) > before:
        return None
    if "DTSTART" not in comp:
        reader.problem(block, None, "VEVENT has no DTSTART")
        return None
    got = reader.when(block, "DTSTART", comp["DTSTART"])
    if got is None:
        return None
    start, written = got
    duration = _duration(reader, block, comp, start, written)
    if duration is None:
        return None
    uid = _text(comp, "UID")
    if not uid:  # some hand-made files omit it: a stable one keeps re-imports idempotent
        seed = f"{start.isoformat()}|{_text(comp, 'SUMMARY')}".encode()
        uid = "generated-" + hashlib.sha256(seed).hexdigest()[:24]
    parsed = _Parsed(block, uid, start, duration, written, comp)
    if "RECURRENCE-ID" in comp:
        rid = reader.moments(block, "RECURRENCE-ID", comp["RECURRENCE-ID"], start.tzinfo)
        if not rid:
            return None
        parsed.recurrence_id = rid[0]
    return parsed


def _master(reader: _Reader, item: _Parsed, source: str) -> Event | None:
    comp, block, zone = item.component, item.block, item.start.tzinfo
    assert isinstance(zone, ZoneInfo)
    before = len(reader.problems)
    rule: str | None = None
    if "RRULE" in comp:
        value = comp["RRULE"]
        value = value[0] if isinstance(value, list) else value
        rule = value.to_ical().decode("ascii", errors="replace")
        try:
            check_rule(rule, item.start)
        except ValueError as exc:
            reader.problem(block, "RRULE", str(exc))
    exdates = reader.moments(block, "EXDATE", comp["EXDATE"], zone) if "EXDATE" in comp else []
    rdates = reader.moments(block, "RDATE", comp["RDATE"], zone) if "RDATE" in comp else []
    kind = _text(comp, KIND_PROPERTY).lower()
    if len(reader.problems) > before:
        return None
    return Event(
        uid=item.uid, title=_text(comp, "SUMMARY") or "(untitled)", start=item.start,
        duration=item.duration, rrule=rule, exdates=tuple(exdates), rdates=tuple(rdates),
        location=_text(comp, "LOCATION"), url=_text(comp, "URL"),
        description=_text(comp, "DESCRIPTION"), source=source,
        kind=kind if kind in KINDS else "imported",  # type: ignore[arg-type]
        all_day=item.written == "date", floating=item.written == "floating")


def _cancelled(comp: Any) -> bool:
    return _text(comp, "STATUS").upper() == "CANCELLED"


def import_ics(data: bytes | str, source: str, floating_zone: str | None = None) -> list[Event]:
    """Every event in an iCalendar file, series with their exceptions and moved sittings.

    Floating times and all-day dates are placed in the calendar's X-WR-TIMEZONE, else in
    `floating_zone`, else this computer's zone. Anything wrong: an InputError listing each
    problem with `source` and its line; nothing is returned in part."""
    text = decode_utf8(data, source) if isinstance(data, bytes) else data
    text = text.removeprefix("\ufeff")
    blocks = _scan(text, source)
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # the parser's own failures come in several types
        raise InputError(Problem(source, None, f"cannot be read as iCalendar: {exc}")) from None
    default = floating_zone or local_zone_name()
    declared = next((_text(c, "X-WR-TIMEZONE") for c in calendars if "X-WR-TIMEZONE" in c), "")
    reader = _Reader(source, zone_named(declared or default, f"{source}: X-WR-TIMEZONE"))
    components = [c for calendar in calendars for c in calendar.walk("VEVENT")]
    if len(components) != len(blocks):  # should not happen: both walk the file in order
        blocks = [_Block("VEVENT", 0)] * len(components)
    parsed = [p for b, c in zip(blocks, components, strict=True) if (p := _parse(reader, b, c))]
    masters: dict[str, _Parsed] = {}
    for item in parsed:
        if item.recurrence_id is None:
            masters[item.uid] = item  # a later copy of the same UID replaces an earlier one
    events: dict[str, Event] = {}
    for uid, item in masters.items():
        if _cancelled(item.component):
            continue
        event = _master(reader, item, source)
        if event is not None:
            events[uid] = event
    extra_exdates: dict[str, list[datetime]] = {}
    overrides: dict[str, list[Override]] = {}
    orphans: list[Event] = []
    for item in parsed:
        if item.recurrence_id is None:
            continue
        comp = item.component
        if item.uid not in masters:  # an invitation to one sitting: a single event of its own
            if not _cancelled(comp):
                single = _master(reader, item, source)
                if single is not None:
                    stamp = item.recurrence_id.astimezone(UTC)
                    orphans.append(replace(single, uid=f"{item.uid}/{stamp:%Y%m%dT%H%M%SZ}"))
            continue
        if _cancelled(comp):
            extra_exdates.setdefault(item.uid, []).append(item.recurrence_id)
            continue
        master = masters[item.uid].component

        def changed(name: str, comp: Any = comp, master: Any = master) -> str | None:
            # None: as the series, so a later change to the series reaches this sitting too
            value = _text(comp, name)
            return value if value and value != _text(master, name) else None

        overrides.setdefault(item.uid, []).append(Override(
            recurrence_id=item.recurrence_id,
            start=item.start.astimezone(masters[item.uid].start.tzinfo),
            duration=item.duration, title=changed("SUMMARY"), location=changed("LOCATION"),
            description=changed("DESCRIPTION")))
    if reader.problems:
        raise InputError(sorted(reader.problems, key=lambda p: (p.line or 0, p.message)))
    result = []
    for uid, event in events.items():
        more = tuple(extra_exdates.get(uid, ()))
        result.append(replace(event, exdates=event.exdates + more,
                              overrides=tuple(overrides.get(uid, ()))))
    return result + orphans
