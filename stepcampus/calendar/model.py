"""Events and their occurrences: a session or a series in its own time zone, expanded where
its organiser lives, so 14:00 in Berlin stays 14:00 in Berlin whatever the clocks do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rruleset, rrulestr
from icalendar import vRecur

Kind = Literal["webinar", "classroom", "imported"]
KINDS: tuple[str, ...] = ("webinar", "classroom", "imported")
UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class Override:
    """One occurrence of a series moved or changed (RECURRENCE-ID): `recurrence_id` is the
    instant the rule gave it; the other fields are what it is now (None: as the series)."""

    recurrence_id: datetime
    start: datetime
    duration: timedelta
    title: str | None = None
    location: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Event:
    """A single session or a recurring series, as a webinar series, a classroom session or an
    imported calendar hands it over.

    `start` is aware, with a ZoneInfo of the organiser's zone; `rrule` is RFC 5545 RRULE text
    (without the "RRULE:"); `exdates` are cancelled occurrences, `rdates` added ones.
    `all_day` and `floating` remember how an imported event was written, for export."""

    uid: str
    title: str
    start: datetime
    duration: timedelta
    rrule: str | None = None
    exdates: tuple[datetime, ...] = ()
    rdates: tuple[datetime, ...] = ()
    overrides: tuple[Override, ...] = ()
    location: str = ""
    url: str = ""
    description: str = ""
    source: str = ""
    kind: Kind = "imported"
    all_day: bool = False
    floating: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.start.tzinfo, ZoneInfo):
            raise ValueError(f"event {self.uid}: start must carry an IANA zone (ZoneInfo)")
        if self.kind not in KINDS:
            raise ValueError(f"event {self.uid}: kind must be one of {', '.join(KINDS)}")
        if self.duration < timedelta(0):
            raise ValueError(f"event {self.uid}: duration is negative")
        if self.rrule is not None:
            check_rule(self.rrule, self.start)

    @property
    def zone(self) -> ZoneInfo:
        assert isinstance(self.start.tzinfo, ZoneInfo)
        return self.start.tzinfo


@dataclass(frozen=True)
class Occurrence:
    """One sitting of an event: start and end in the event's zone (`in_zone` for elsewhere)."""

    event: Event
    start: datetime
    end: datetime
    title: str
    location: str
    description: str
    recurrence_id: datetime | None = None  # the rule's instant, for a series
    moved: bool = False

    @property
    def uid(self) -> str:
        return self.event.uid

    def in_zone(self, zone: tzinfo) -> tuple[datetime, datetime]:
        return self.start.astimezone(zone), self.end.astimezone(zone)


def _wall(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone).replace(tzinfo=None)


def _wall_rule(text: str, zone: ZoneInfo) -> str:
    """The rule with UNTIL as a wall-clock time in `zone`: expansion runs on wall-clock times,
    and an UNTIL in UTC must still include a last session that starts exactly then."""
    recur = vRecur.from_ical(text)
    until = recur.get("UNTIL")
    if until:
        value = until[0]
        if isinstance(value, datetime):
            value = _wall(value, zone) if value.tzinfo else value
        else:  # a date: the whole day counts
            value = datetime.combine(value, time(23, 59, 59))
        recur["UNTIL"] = [value]
    return vRecur(recur).to_ical().decode("ascii")


def _rule(text: str, start: datetime) -> rrule:
    zone = start.tzinfo
    assert isinstance(zone, ZoneInfo)
    made = rrulestr(_wall_rule(text, zone), dtstart=start.replace(tzinfo=None))
    assert isinstance(made, rrule)
    return made


def check_rule(text: str, start: datetime) -> None:
    """Raise ValueError saying what is wrong with RRULE `text` for a series from `start`."""
    try:
        _rule(text, start)
    except (ValueError, TypeError, KeyError, IndexError, AssertionError) as exc:
        raise ValueError(f"RRULE {text!r} is not a valid recurrence rule ({exc})") from None


def _key(value: datetime) -> datetime:
    return value.astimezone(UTC)


def rule_starts(event: Event, start: datetime, end: datetime) -> list[datetime]:
    """The rule's (and RDATE's) start instants in [start, end), before exceptions."""
    zone = event.zone
    if event.rrule is None and not event.rdates:
        candidates = [event.start]
    else:
        rules = rruleset()
        if event.rrule is not None:
            rules.rrule(_rule(event.rrule, event.start))
        rules.rdate(event.start.replace(tzinfo=None))  # DTSTART is always the first sitting
        for extra in event.rdates:
            rules.rdate(_wall(extra, zone))
        # A day of margin either side: the window is an instant range, the rule is wall-clock.
        low = _wall(start, zone) - timedelta(days=1)
        high = _wall(end, zone) + timedelta(days=1)
        candidates = [w.replace(tzinfo=zone) for w in rules.between(low, high, inc=True)]
    return [c for c in candidates if start <= c < end]


def occurrences(event: Event, start: datetime, end: datetime) -> list[Occurrence]:
    """The event's sittings that overlap [start, end), exceptions and moves applied, by start.

    `start` and `end` are aware instants in any zone."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("occurrences() needs aware datetimes for its window")
    excluded = {_key(d) for d in event.exdates}
    moved = {_key(o.recurrence_id): o for o in event.overrides}
    series = event.rrule is not None or bool(event.rdates)
    found: list[Occurrence] = []
    for begin in rule_starts(event, start - event.duration, end):
        if _key(begin) in excluded or _key(begin) in moved:
            continue
        finish = begin + event.duration
        if finish > start or begin >= start:
            found.append(Occurrence(event, begin, finish, event.title, event.location,
                                    event.description, begin if series else None))
    for key, override in moved.items():
        if key in excluded:
            continue
        finish = override.start + override.duration
        if override.start < end and (finish > start or override.start >= start):
            found.append(Occurrence(
                event, override.start, finish,
                event.title if override.title is None else override.title,
                event.location if override.location is None else override.location,
                event.description if override.description is None else override.description,
                override.recurrence_id, moved=True))
    found.sort(key=lambda o: (_key(o.start), o.uid))
    return found


def all_occurrences(events: list[Event], start: datetime, end: datetime) -> list[Occurrence]:
    """Every event's sittings overlapping [start, end), in order of start."""
    found = [o for event in events for o in occurrences(event, start, end)]
    found.sort(key=lambda o: (_key(o.start), o.uid))
    return found


def day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)
