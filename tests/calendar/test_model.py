from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from stepcampus.calendar.model import Event, Override, occurrences
from tests.calendar.helpers import BERLIN, NAIROBI, NEW_YORK, thursday_series, utc

WHOLE_YEAR = (utc(2026, 1, 1), utc(2027, 1, 1))


def starts(event: Event, zone=BERLIN) -> list[str]:
    return [f"{o.start.astimezone(zone):%m-%d %H:%M}" for o in occurrences(event, *WHOLE_YEAR)]


def test_weekly_series_keeps_berlin_wall_time_across_both_dst_changes() -> None:
    series = thursday_series()
    assert starts(series) == ["10-01 14:00", "10-08 14:00", "10-15 14:00", "10-22 14:00",
                              "10-29 14:00", "11-05 14:00", "11-12 14:00", "11-19 14:00"]
    # Europe leaves summer time on 25 October, the US on 1 November: one week apart, New York
    # is 5 hours behind Berlin instead of 6.
    assert starts(series, NEW_YORK) == ["10-01 08:00", "10-08 08:00", "10-15 08:00",
                                        "10-22 08:00", "10-29 09:00", "11-05 08:00",
                                        "11-12 08:00", "11-19 08:00"]
    # Nairobi has no DST: 15:00 while Berlin is on summer time, 16:00 after.
    assert starts(series, NAIROBI)[3:5] == ["10-22 15:00", "10-29 16:00"]
    first = occurrences(series, *WHOLE_YEAR)[0]
    assert first.start == utc(2026, 10, 1, 12)
    assert first.end - first.start == timedelta(minutes=90)


def test_exdates_and_overrides_apply() -> None:
    series = thursday_series(
        exdates=(datetime(2026, 10, 8, 14, tzinfo=BERLIN),),
        overrides=(Override(recurrence_id=utc(2026, 10, 15, 12),
                            start=datetime(2026, 10, 16, 9, tzinfo=BERLIN),
                            duration=timedelta(hours=1), title="Moved session"),))
    found = occurrences(series, *WHOLE_YEAR)
    assert [f"{o.start.astimezone(BERLIN):%m-%d %H:%M}" for o in found][:3] == [
        "10-01 14:00", "10-16 09:00", "10-22 14:00"]
    moved = found[1]
    assert moved.moved and moved.title == "Moved session"
    assert moved.location == "Online"  # not overridden: as the series
    assert moved.recurrence_id == utc(2026, 10, 15, 12)
    assert moved.end == datetime(2026, 10, 16, 10, tzinfo=BERLIN)


def test_window_returns_sittings_that_overlap_it() -> None:
    series = thursday_series()
    # 12:30 UTC on 1 October is inside the first sitting (12:00-13:30 UTC).
    found = occurrences(series, utc(2026, 10, 1, 12, 30), utc(2026, 10, 9))
    assert [o.start for o in found] == [utc(2026, 10, 1, 12), utc(2026, 10, 8, 12)]
    assert occurrences(series, utc(2026, 10, 1, 13, 30), utc(2026, 10, 8, 12)) == []


def test_until_in_utc_includes_a_sitting_starting_exactly_then() -> None:
    series = thursday_series(rrule="FREQ=WEEKLY;BYDAY=TH;UNTIL=20261105T130000Z")
    assert starts(series)[-1] == "11-05 14:00"
    assert len(starts(series)) == 6


def test_single_event_and_first_start_off_rule() -> None:
    single = thursday_series(rrule=None)
    assert starts(single) == ["10-01 14:00"]
    # DTSTART off the rule (RFC 5545 leaves it undefined): the start is shown as a sitting too
    odd = thursday_series(start=datetime(2026, 9, 30, 14, tzinfo=BERLIN),
                          rrule="FREQ=WEEKLY;BYDAY=TH;COUNT=2")
    assert starts(odd) == ["09-30 14:00", "10-01 14:00", "10-08 14:00"]


def test_event_rejects_what_it_cannot_schedule() -> None:
    with pytest.raises(ValueError, match="IANA zone"):
        thursday_series(start=datetime(2026, 10, 1, 14))
    with pytest.raises(ValueError, match="kind"):
        thursday_series(kind="party")
    with pytest.raises(ValueError, match="not a valid recurrence rule"):
        thursday_series(rrule="FREQ=SOMETIMES")
    with pytest.raises(ValueError, match="aware"):
        occurrences(thursday_series(), datetime(2026, 1, 1), datetime(2027, 1, 1))
