"""Import of files in the styles common calendar programs write, with concrete instants."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from stepcampus.calendar.ics import import_ics
from stepcampus.calendar.model import Event, all_occurrences
from stepcampus.errors import InputError
from tests.calendar.helpers import BERLIN, DATA, MANILA, NAIROBI, NEW_YORK, utc

YEAR = (utc(2026, 1, 1), utc(2027, 1, 1))


def load(name: str, zone: str = "Africa/Nairobi") -> list[Event]:
    return import_ics((DATA / name).read_bytes(), name, floating_zone=zone)


def by_title(events: list[Event], title: str) -> Event:
    return next(e for e in events if e.title == title)


def test_web_calendar_export_with_tzid_utc_exdate_override_and_cancellation() -> None:
    events = load("google.ics")
    series = by_title(events, "Adaptive social protection")
    assert series.zone == NEW_YORK
    assert series.uid == "7kq2series01@example.com"
    assert series.duration == timedelta(minutes=90)
    assert "Join from the link" in series.description  # folded line unfolded
    found = all_occurrences(events, *YEAR)
    assert [(o.start.astimezone(utc(2026, 1, 1).tzinfo), o.title) for o in found] == [
        (utc(2026, 10, 1, 13), "Adaptive social protection"),
        (utc(2026, 10, 6, 12), "Shock-responsive cash transfers: Q&A"),
        (utc(2026, 10, 8, 13), "Adaptive social protection"),
        # 15 October: EXDATE; 22 October moved to Friday 10:00; 29 October cancelled
        (utc(2026, 10, 23, 14), "Adaptive social protection (moved to Friday)"),
        # after the US change on 1 November, 09:00 New York is 14:00 UTC
        (utc(2026, 11, 5, 14), "Adaptive social protection"),
    ]
    single = by_title(events, "Shock-responsive cash transfers: Q&A")
    assert single.zone.key == "UTC" and single.rrule is None


def test_desktop_mail_export_with_windows_zone_names_custom_zone_and_all_day() -> None:
    events = load("outlook.ics")
    series = by_title(events, "Social registries webinar")
    assert series.zone == BERLIN  # "W. Europe Standard Time"
    assert series.uid.startswith("040000008200E00074C5B7101A82E008") and \
        series.uid.endswith("AB12CD34EF56")  # folded UID joined
    sittings = [o for o in all_occurrences(events, *YEAR) if o.uid == series.uid]
    assert [o.start for o in sittings] == [
        utc(2026, 10, 1, 12), utc(2026, 10, 15, 14), utc(2026, 10, 22, 12),
        utc(2026, 10, 29, 13), utc(2026, 11, 5, 13)]  # 8 Oct excluded; UNTIL keeps 5 Nov
    assert sittings[1].moved and sittings[1].start.astimezone(BERLIN).hour == 16
    call = by_title(events, "Facilitators' call")  # "Customized Time Zone": US Eastern rules
    assert call.start == utc(2026, 11, 2, 15)
    assert call.zone.utcoffset(datetime(2026, 7, 1)) == timedelta(hours=-4)
    assert call.zone.utcoffset(datetime(2027, 1, 1)) == timedelta(hours=-5)
    closed = by_title(events, "Office closed")
    assert closed.all_day and closed.duration == timedelta(days=1)
    assert closed.start == datetime(2026, 12, 24, tzinfo=NAIROBI)


def test_desktop_calendar_export_with_x_properties_alarm_and_floating_time() -> None:
    events = load("apple.ics", zone="Africa/Nairobi")
    series = by_title(events, "Module 3 classroom session")
    assert series.zone == MANILA and series.location == "Quezon City training centre"
    sittings = [o for o in all_occurrences(events, *YEAR) if o.uid == series.uid]
    # every other Tuesday 09:00 Manila (01:00 UTC); 20 Oct excluded; 3 Nov moved to 4 Nov
    # 13:00; 1 Dec falls after UNTIL (00:59:59 UTC)
    assert [o.start for o in sittings] == [utc(2026, 10, 6, 1), utc(2026, 11, 4, 5),
                                           utc(2026, 11, 17, 1)]
    assert sittings[1].title == "Module 3 classroom session (Wednesday afternoon)"
    group = by_title(events, "Study group (local time)")
    assert group.floating and group.start == datetime(2026, 10, 10, 10, tzinfo=NAIROBI)
    # the same floating time is 10:00 wherever the learner is
    elsewhere = import_ics((DATA / "apple.ics").read_bytes(), "apple.ics", "America/Bogota")
    assert by_title(elsewhere, "Study group (local time)").start.hour == 10


def test_cancelled_series_and_moved_sitting_without_its_series() -> None:
    text = (DATA / "google.ics").read_bytes().decode()
    cancelled = text.replace("SEQUENCE:2\r\nSTATUS:CONFIRMED", "SEQUENCE:2\r\nSTATUS:CANCELLED")
    assert cancelled != text
    # a cancelled series is gone with its moved sittings
    events = import_ics(cancelled, "cancelled.ics", "UTC")
    assert [e.title for e in events] == ["Shock-responsive cash transfers: Q&A"]
    # a moved sitting whose series is not in the file (an invitation to one sitting)
    start = text.index("BEGIN:VEVENT\r\nDTSTART;TZID=America/New_York:20261023")
    orphan = text[:text.index("BEGIN:VEVENT")] + text[start:]
    events = import_ics(orphan, "orphan.ics", "UTC")
    moved = next(e for e in events if "moved" in e.title)
    assert moved.uid == "7kq2series01@example.com/20261022T130000Z"
    assert moved.start == utc(2026, 10, 23, 14) and moved.rrule is None


def problems(data: bytes | str, name: str = "bad.ics") -> list[str]:
    with pytest.raises(InputError) as caught:
        import_ics(data, name, "UTC")
    return [str(p) for p in caught.value.problems]


GOOD = (DATA / "google.ics").read_text()


def test_not_an_ics_file() -> None:
    assert problems("<html><body>Not found</body></html>\n", "page.ics") == [
        "page.ics:1: is not an iCalendar file: it should begin with BEGIN:VCALENDAR, not "
        "'<html><body>Not found</body></html>' (choose an .ics file)"]
    assert "is not valid UTF-8" in problems(b"\x89PNG\r\n\x1a\n\x00\xff")[0]
    assert problems("") == ["bad.ics: is empty (export the calendar again)"]


def test_truncated_file_names_the_open_component() -> None:
    cut = GOOD[:GOOD.index("RECURRENCE-ID;TZID=America/New_York:20261022")]
    message = problems(cut)[0]
    assert message.startswith("bad.ics:47: the file ends inside BEGIN:VEVENT of line 43")
    assert "cut short" in message


def test_bad_dtstart_names_its_line() -> None:
    bad = GOOD.replace("DTSTART;TZID=America/New_York:20261001T090000",
                       "DTSTART;TZID=America/New_York:2026-10-01 09:00")
    assert problems(bad) == [
        "bad.ics:27: DTSTART: Wrong datetime format: 2026-10-01 09:00"]


def test_unknown_tzid_without_vtimezone() -> None:
    bad = GOOD.replace("DTSTART:20261006T120000Z", "DTSTART;TZID=Mars/Olympus:20261006T120000")
    assert problems(bad) == [
        "bad.ics:63: DTSTART: unknown time zone 'Mars/Olympus' and no VTIMEZONE in the file "
        "defines it (use an IANA zone name or include its VTIMEZONE)"]


def test_every_problem_is_reported_and_structure_errors_have_lines() -> None:
    bad = GOOD.replace("RRULE:FREQ=WEEKLY;WKST=SU;COUNT=6;BYDAY=TH", "RRULE:FREQ=FORTNIGHTLY") \
        .replace("DTEND:20261006T130000Z", "DTEND:20261006T110000Z")
    found = problems(bad)
    assert len(found) == 2
    assert found[0].startswith("bad.ics:29: RRULE:") and "FORTNIGHTLY" in found[0]
    assert found[1] == "bad.ics:64: DTEND: is before DTSTART"
    mismatched = GOOD.replace("END:VTIMEZONE", "END:VEVENT", 1)
    assert problems(mismatched) == [
        "bad.ics:25: END:VEVENT does not close BEGIN:VTIMEZONE of line 8"]
    assert problems(GOOD.replace("TRANSP:OPAQUE", "TRANSP OPAQUE")) == [
        "bad.ics:41: is not an iCalendar line: 'TRANSP OPAQUE' (each line needs NAME:value)"]


def test_windows_zone_name_without_vtimezone_and_two_calendars_in_one_file() -> None:
    one = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:w1\r\nSUMMARY:Pacific\r\n"
           "DTSTART;TZID=Pacific Standard Time:20261105T090000\r\nDURATION:PT1H30M\r\n"
           "END:VEVENT\r\nEND:VCALENDAR\r\n")
    two = one.replace("UID:w1", "UID:w2").replace("Pacific Standard Time",
                                                  "E. Africa Standard Time")
    events = import_ics(one + two, "two.ics", "UTC")
    assert [(e.uid, e.zone.key, e.start, e.duration) for e in events] == [
        ("w1", "America/Los_Angeles", utc(2026, 11, 5, 17), timedelta(minutes=90)),
        ("w2", "Africa/Nairobi", utc(2026, 11, 5, 6), timedelta(minutes=90))]


def test_missing_dtstart_names_the_component() -> None:
    bad = GOOD.replace("DTSTART:20261006T120000Z\n", "")
    assert problems(bad) == ["bad.ics:62: VEVENT has no DTSTART"]
