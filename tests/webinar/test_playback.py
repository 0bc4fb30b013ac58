"""Playback with the real libVLC, headless, on the sample's audio variant: the position starts,
follows the clock, seeks, speeds up, pauses, ends; and the timeline of the sample."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest

from stepcampus.campus import Campus
from stepcampus.coursepack.build import BuildResult
from stepcampus.errors import StepCampusError
from stepcampus.webinar import playback
from stepcampus.webinar.installed import SessionView, installed_series
from stepcampus.webinar.playback import Playback, PlayerUnavailable
from stepcampus.webinar.timeline import Timeline
from tests.webinar.helpers import SAMPLE_SESSION, SAMPLE_SESSION_DIR

AUDIO = SAMPLE_SESSION_DIR / "recording" / "audio.webm"
LENGTH = 230.946
T = TypeVar("T")


def wait_for(value: Callable[[], T], timeout: float = 5.0, what: str = "") -> T:
    """Poll until value() is truthy; fail after the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        found = value()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.01)


def follow(player: Playback, seconds: float) -> list[tuple[float, float]]:
    """(clock, position) pairs, polled as the desktop's timer does, for `seconds`."""
    found: list[tuple[float, float]] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        found.append((time.monotonic(), player.position()))
        time.sleep(0.02)
    return found


def speed(track: list[tuple[float, float]]) -> float:
    (t0, p0), (t1, p1) = track[0], track[-1]
    return (p1 - p0) / (t1 - t0)


@pytest.fixture
def player() -> Iterator[Playback]:
    try:
        playback.load_vlc()
    except PlayerUnavailable as exc:
        if os.environ.get("STEPCAMPUS_REQUIRE_VLC"):
            raise
        pytest.skip(str(exc))
    player = Playback(headless=True)
    yield player
    player.close()


def started(player: Playback, start_at: float = 0.0) -> Playback:
    player.open(AUDIO, duration=LENGTH, start_at=start_at)
    player.play()
    wait_for(lambda: player.position() > start_at, what="the first position reading")
    return player


def test_position_starts_and_follows_the_clock(player: Playback) -> None:
    player.open(AUDIO, duration=LENGTH)
    assert player.position() == 0.0 and player.start_latency is None
    pressed = time.monotonic()
    player.play()
    wait_for(lambda: player.position() > 0, what="the first position reading")
    latency = player.start_latency
    assert latency is not None and 0 <= latency <= time.monotonic() - pressed
    assert player.playing and player.duration == pytest.approx(LENGTH, abs=0.5)

    track = follow(player, 2.0)
    positions = [p for _t, p in track]
    assert positions == sorted(positions)  # never backwards, even when a reading is late
    t0, p0 = track[0]
    drift = [abs((p - p0) - (t - t0)) for t, p in track]
    assert max(drift) < 0.5, max(drift)  # fine enough for slides and transcript to follow
    assert len(set(positions)) > len(positions) / 2  # moves between libVLC's readings too


def test_seek_moves_the_position_either_way(player: Playback) -> None:
    started(player)
    player.seek(120.0)
    assert player.position() == pytest.approx(120.0, abs=0.1)
    wait_for(lambda: player.position() > 120.3, what="playing on after the seek")
    assert player.position() < 123.0
    player.seek(10.0)  # backwards: the never-backwards rule is for readings, not for seeks
    assert player.position() == pytest.approx(10.0, abs=0.1)
    wait_for(lambda: player.position() > 10.3, what="playing on after seeking back")
    assert player.position() < 13.0
    player.seek(-5)
    assert player.position() == pytest.approx(0.0, abs=0.1)


def test_a_faster_rate_advances_faster(player: Playback) -> None:
    started(player)
    normal = speed(follow(player, 1.0))
    player.set_rate(1.5)
    assert player.rate == 1.5
    faster = speed(follow(player, 1.5))
    assert 0.8 < normal < 1.2 and 1.3 < faster < 1.75, (normal, faster)
    with pytest.raises(ValueError):
        player.set_rate(3.0)


def test_pause_stops_the_position_and_play_goes_on(player: Playback) -> None:
    started(player)
    wait_for(lambda: player.position() > 0.5)
    player.pause()
    wait_for(lambda: not player.playing, what="paused")
    held = player.position()
    track = follow(player, 0.6)
    assert all(p == pytest.approx(held, abs=0.05) for _t, p in track)
    player.toggle()
    wait_for(lambda: player.position() > held + 0.3, what="playing again")
    assert player.position() < held + 2.0


def test_open_at_a_position_and_play_to_the_end(player: Playback) -> None:
    started(player, start_at=LENGTH - 1.5)
    assert player.position() >= LENGTH - 1.5
    wait_for(lambda: player.ended, what="the end of the recording")
    assert player.position() == pytest.approx(player.duration) and not player.playing
    player.play()  # from the start again
    wait_for(lambda: 0 < player.position() < 5, what="playing from the start")


def test_no_video_output_is_told_after_time_played_not_the_position(player: Playback) -> None:
    # Audio only: no video output, ever. Opened near the end, the position is far past any
    # grace at once; what counts is how long it has played.
    started(player, start_at=LENGTH - 8)
    assert not player.video_missing(1.0)
    wait_for(lambda: player.video_missing(1.0), what="the missing video output told")
    assert player.first_time_at is not None and time.monotonic() - player.first_time_at >= 1.0


def test_a_missing_file_is_a_clear_error(player: Playback, tmp_path) -> None:
    with pytest.raises(StepCampusError, match="is not on this computer"):
        player.open(tmp_path / "gone.webm")


def test_no_usable_libvlc_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    vlc = pytest.importorskip("vlc")
    monkeypatch.setattr(playback, "_loaded", None)
    monkeypatch.setattr(vlc, "Instance", lambda *args: None)  # libvlc without its plugins
    with pytest.raises(PlayerUnavailable, match=r"has no plugins.*install"):
        Playback(headless=True)


# -- the timeline of the sample ------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_session(tmp_path_factory: pytest.TempPathFactory,
                   series_build: BuildResult) -> Iterator[SessionView]:
    campus = Campus(tmp_path_factory.mktemp("timeline"))
    campus.install(str(series_build.bundle))
    [series] = installed_series(campus)
    yield series.session(SAMPLE_SESSION)
    campus.close()


def test_timeline_of_the_sample(sample_session: SessionView) -> None:
    timeline = sample_session.timeline()
    assert isinstance(timeline, Timeline)
    # slides change at 0, 31.164, 63.972, 98.728, 134.409, 167.558, 201.332
    assert [timeline.slide(t) for t in (0, 31.0, 31.164, 31.2, 64, 120, 200, 201.4, 230)] == \
        [0, 0, 1, 1, 2, 3, 5, 6, 6]
    # chapters at 0:00, 0:31, 1:03, 2:14, 3:21
    chapters = [c.text for c in sample_session.chapters]
    assert chapters == ["Welcome", "The problem", "Ways to link", "Lessons from the field",
                        "Key messages and close"]
    assert [timeline.chapter(t) for t in (0, 30.9, 31, 100, 134, 201, 230)] == \
        [0, 0, 1, 2, 3, 4, 4]
    # captions: 0.5-7.123 and 7.473-11.332; a silence between them
    captions = sample_session.captions()
    assert [timeline.caption(t) for t in (0.2, 0.5, 7.0, 7.3, 7.5)] == [-1, 0, 0, -1, 1]
    assert [timeline.transcript_line(t) for t in (0.2, 7.3, 7.5)] == [-1, 0, 1]
    assert captions[timeline.caption(3.0)].plain.startswith("Welcome, everyone")
    assert captions[timeline.caption(100.0)].start <= 100.0 <= captions[
        timeline.caption(100.0)].end
    empty = Timeline([], [], [])
    assert (empty.slide(5), empty.chapter(5), empty.caption(5)) == (-1, -1, -1)


def test_the_slide_follows_playback_of_the_installed_blob(player: Playback,
                                                         sample_session: SessionView) -> None:
    # The desktop hands libVLC the blob in the content store: a hash for a name, no suffix.
    variant = sample_session.default_variant()
    assert variant is not None and variant.id == "audio"
    path = sample_session.media_path(variant)
    assert path.suffix == "" and path.read_bytes() == AUDIO.read_bytes()
    timeline = sample_session.timeline()
    player.open(path, duration=sample_session.recording_duration, start_at=30.6)
    player.play()
    wait_for(lambda: timeline.slide(player.position()) == 1, timeout=3.0,
             what="the second slide (due at 31.164)")
    assert player.position() < 32.0
