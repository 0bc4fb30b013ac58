"""Export then import: the series, its exceptions and its moves come back; the text is what
RFC 5545 and other programs expect."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from icalendar import Calendar

from stepcampus.calendar.ics import PRODID, export_ics, import_ics
from stepcampus.calendar.model import Event, Override, occurrences
from tests.calendar.helpers import BERLIN, DATA, MANILA, NAIROBI, NEW_YORK, thursday_series, utc

STAMP = utc(2026, 9, 1, 8)


def series_with_exceptions() -> Event:
    return thursday_series(
        exdates=(datetime(2026, 10, 22, 14, tzinfo=BERLIN),),
        overrides=(Override(recurrence_id=datetime(2026, 11, 5, 14, tzinfo=BERLIN),
                            start=datetime(2026, 11, 6, 10, tzinfo=BERLIN),
                            duration=timedelta(minutes=60), title="Moved to Friday"),),
        description="A long description that certainly needs folding because it runs well "
                    "past seventy-five octets; with commas, semicolons and a newline\nhere.")


def test_weekly_berlin_series_survives_export_and_import_across_dst() -> None:
    data = export_ics([series_with_exceptions()], now=STAMP)
    (back,) = import_ics(data, "exported.ics", "UTC")
    original = series_with_exceptions()
    assert (back.uid, back.title, back.rrule, back.kind, back.url, back.description) == (
        original.uid, original.title, "FREQ=WEEKLY;COUNT=8;BYDAY=TH", "webinar", original.url,
        original.description)
    assert back.zone == BERLIN and back.exdates == original.exdates
    assert back.overrides == original.overrides
    found = occurrences(back, utc(2026, 1, 1), utc(2027, 1, 1))
    table = [(f"{o.start.astimezone(BERLIN):%m-%d %H:%M}", f"{o.start.astimezone(NEW_YORK):%H:%M}",
              f"{o.start.astimezone(NAIROBI):%H:%M}") for o in found]
    assert table == [
        ("10-01 14:00", "08:00", "15:00"),
        ("10-08 14:00", "08:00", "15:00"),
        ("10-15 14:00", "08:00", "15:00"),
        # 22 October excluded; Europe changes on 25 October, the US on 1 November
        ("10-29 14:00", "09:00", "16:00"),
        ("11-06 10:00", "04:00", "12:00"),  # the moved sitting
        ("11-12 14:00", "08:00", "16:00"),
        ("11-19 14:00", "08:00", "16:00"),
    ]


def test_exported_text_is_rfc5545_with_a_vtimezone_for_each_zone() -> None:
    manila = thursday_series(uid="class-1", start=datetime(2026, 10, 6, 9, tzinfo=MANILA),
                             rrule=None, kind="classroom")
    utc_one = thursday_series(uid="utc-1", start=utc(2026, 10, 2, 7), rrule=None)
    data = export_ics([series_with_exceptions(), manila, utc_one], now=STAMP)
    lines = data.split(b"\r\n")
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the description was folded
    calendar = Calendar.from_ical(data)
    assert str(calendar["PRODID"]) == PRODID and str(calendar["VERSION"]) == "2.0"
    assert sorted(tz.tz_name for tz in calendar.timezones) == ["Asia/Manila", "Europe/Berlin"]
    text = data.decode()
    assert "DTSTART;TZID=Europe/Berlin:20261001T140000\r\n" in text
    assert "RRULE:FREQ=WEEKLY;COUNT=8;BYDAY=TH\r\n" in text
    assert "EXDATE;TZID=Europe/Berlin:20261022T140000\r\n" in text
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20261105T140000\r\n" in text
    assert "DTSTART:20261002T070000Z\r\n" in text
    assert "X-STEPCAMPUS-KIND:classroom\r\n" in text
    assert text.count("DTSTAMP:20260901T080000Z") == 4
    assert len(re.findall(r"^UID:", text, flags=re.MULTILINE)) == 4


def test_imported_program_files_export_and_import_to_the_same_sittings() -> None:
    for name in ("google.ics", "outlook.ics", "apple.ics"):
        events = import_ics((DATA / name).read_bytes(), name, "Africa/Nairobi")
        again = import_ics(export_ics(events, now=STAMP), name, "Africa/Nairobi")

        def sittings(items: list[Event]) -> list[tuple[str, datetime, datetime, str]]:
            return sorted((o.uid, o.start, o.end, o.title) for e in items
                          for o in occurrences(e, utc(2026, 1, 1), utc(2027, 1, 1)))

        assert sittings(again) == sittings(events), name
        assert [(e.all_day, e.floating) for e in again] == [(e.all_day, e.floating)
                                                             for e in events]
