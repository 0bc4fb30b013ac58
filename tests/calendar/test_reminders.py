from __future__ import annotations

from datetime import timedelta

import pytest

from stepcampus.calendar.reminders import due_reminders
from tests.calendar.helpers import thursday_series, utc

SERIES = thursday_series(exdates=(utc(2026, 10, 15, 12),))  # 12:00 UTC until 25 October


def test_due_within_the_lead_time() -> None:
    due = due_reminders([SERIES], utc(2026, 10, 8, 11, 50))
    assert [o.start for o in due] == [utc(2026, 10, 8, 12)]
    assert due_reminders([SERIES], utc(2026, 10, 8, 11, 45)) != []  # exactly 15 minutes before


def test_not_due_too_early_or_once_started() -> None:
    assert due_reminders([SERIES], utc(2026, 10, 8, 11, 44)) == []
    assert due_reminders([SERIES], utc(2026, 10, 8, 12)) == []
    assert due_reminders([SERIES], utc(2026, 10, 8, 12, 5)) == []


def test_recurring_follows_dst_and_exceptions() -> None:
    # after Europe's change, 14:00 Berlin is 13:00 UTC
    assert due_reminders([SERIES], utc(2026, 10, 29, 11, 50)) == []
    assert [o.start for o in due_reminders([SERIES], utc(2026, 10, 29, 12, 50))] == [
        utc(2026, 10, 29, 13)]
    assert due_reminders([SERIES], utc(2026, 10, 15, 11, 50)) == []  # excluded sitting
    day_ahead = due_reminders([SERIES], utc(2026, 10, 21, 12), lead=timedelta(days=1))
    assert [o.start for o in day_ahead] == [utc(2026, 10, 22, 12)]


def test_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        due_reminders([SERIES], utc(2026, 10, 8).replace(tzinfo=None))
