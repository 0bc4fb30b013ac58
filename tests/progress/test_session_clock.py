"""The session clock, driven by a fake monotonic clock: no sleeping."""

from __future__ import annotations

import pytest

from stepcampus.progress.session_clock import SessionClock, Timing, parse_timings

PLAN = [Timing(10, "Welcome"), Timing(15, "Input"), Timing(35, "Group activity")]


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0  # monotonic clocks start anywhere

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def clock(time: FakeTime) -> SessionClock:
    return SessionClock(PLAN, now=time)


def test_paused_at_first_and_time_runs_only_once_started(clock: SessionClock,
                                                          time: FakeTime) -> None:
    assert not clock.running and not clock.started
    assert clock.index == 0 and clock.current.activity == "Welcome"
    time.advance(30)
    assert clock.elapsed() == 0 and clock.total_elapsed() == 0
    clock.start()
    time.advance(42.5)
    assert clock.running and clock.started
    assert clock.elapsed() == 42.5 and clock.total_elapsed() == 42.5
    clock.start()  # starting again does not restart the stretch
    time.advance(7.5)
    assert clock.elapsed() == 50


def test_pause_keeps_the_time_and_stops_it(clock: SessionClock, time: FakeTime) -> None:
    clock.start()
    time.advance(60)
    clock.pause()
    time.advance(600)  # a break: not counted
    assert not clock.running and clock.started
    assert clock.elapsed() == 60
    assert clock.toggle() is True
    time.advance(5)
    assert clock.toggle() is False
    assert clock.elapsed() == 65
    clock.pause()  # pausing a paused clock changes nothing
    assert clock.elapsed() == 65


def test_next_moves_on_and_keeps_each_activitys_time(clock: SessionClock,
                                                      time: FakeTime) -> None:
    clock.start()
    time.advance(9 * 60)
    assert clock.next() is True
    assert clock.index == 1 and clock.running  # still running, now for the input
    time.advance(120)
    assert clock.elapsed(0) == 9 * 60 and clock.elapsed() == 120 and clock.elapsed(1) == 120
    assert clock.elapsed(2) == 0
    assert clock.total_elapsed() == 9 * 60 + 120
    clock.pause()
    assert clock.next() is True and not clock.running  # paused stays paused
    time.advance(100)
    assert clock.elapsed() == 0
    assert clock.is_last
    assert clock.next() is False and clock.index == 2  # nothing after the last


def test_going_back_to_an_activity_adds_to_its_time(clock: SessionClock,
                                                     time: FakeTime) -> None:
    clock.start()
    time.advance(30)
    clock.next()
    time.advance(10)  # Next was pressed too soon
    clock.go_to(0)
    time.advance(20)
    assert clock.elapsed(0) == 50 and clock.elapsed(1) == 10
    with pytest.raises(IndexError):
        clock.go_to(3)


def test_overrun_of_an_activity(clock: SessionClock, time: FakeTime) -> None:
    clock.start()
    time.advance(10 * 60)
    assert clock.planned() == 600 and not clock.is_over() and clock.overrun() == 0
    time.advance(75)
    assert clock.is_over() and clock.overrun() == 75
    clock.next()
    assert not clock.is_over() and clock.is_over(0) and clock.overrun(0) == 75


def test_totals(clock: SessionClock, time: FakeTime) -> None:
    assert clock.planned_total == 60 * 60
    clock.start()
    time.advance(700)
    clock.next()
    time.advance(300)
    clock.next()
    time.advance(1)
    assert clock.total_elapsed() == 1001


def test_reset_goes_back_to_the_start(clock: SessionClock, time: FakeTime) -> None:
    clock.start()
    time.advance(700)
    clock.next()
    time.advance(50)
    clock.reset()
    assert clock.index == 0 and not clock.running and not clock.started
    time.advance(50)
    assert clock.total_elapsed() == 0 and clock.elapsed(1) == 0


def test_a_clock_needs_a_plan() -> None:
    with pytest.raises(ValueError):
        SessionClock([])


def test_timings_from_front_matter() -> None:
    meta = {"timings": [{"minutes": 10, "activity": " Welcome "},
                        {"minutes": "ten", "activity": "bad minutes"},
                        {"minutes": True, "activity": "a boolean is not minutes"},
                        {"activity": "no minutes"}, "a stray line",
                        {"minutes": 25, "activity": "Case study"}]}
    assert parse_timings(meta) == [Timing(10, "Welcome"), Timing(25, "Case study")]
    assert parse_timings({}) == [] and parse_timings({"timings": "10 minutes"}) == []
    assert Timing(25, "x").seconds == 1500
