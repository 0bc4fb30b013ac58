"""Playing a recording with libVLC (python-vlc), with a position fine enough to follow.

libVLC reports the playing time in steps (every ~260-300 ms from WebM, once a second from
Ogg); the slide pane and the transcript must follow within half a second, so `position()`
runs on from the last reading at the playback rate, never past the next expected reading and
never backwards. No Qt here: the desktop polls `position()` from a timer, tests and
benchmarks drive it directly.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stepcampus.errors import StepCampusError

RATES = (0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
HEADLESS_ARGS = ("--aout=adummy", "--vout=dummy", "--no-xlib", "--no-video")
# How far the estimate may run ahead of libVLC's last reading (its update step, plus margin).
MAX_EXTRAPOLATION_S = 1.2
SEEK_PATIENCE_S = 3.0


class PlayerUnavailable(StepCampusError):
    """libVLC is missing or has no plugins: recordings cannot play, everything else works."""


def install_hint() -> str:
    if sys.platform.startswith("win"):
        return "install VLC media player (64-bit) from its installer, then restart STEP Campus"
    if sys.platform == "darwin":
        return "install VLC media player into Applications, then restart STEP Campus"
    return ("install VLC's libraries (on Debian or Ubuntu: sudo apt install libvlc5 "
            "vlc-plugin-base vlc-plugin-video-output), then restart STEP Campus")


_loaded: Any = None
_lock = threading.Lock()


def load_vlc() -> Any:
    """The python-vlc module with a working libVLC; PlayerUnavailable saying how to get one."""
    global _loaded
    with _lock:
        if _loaded is not None:
            return _loaded
        try:
            import vlc
        except (ImportError, OSError, SystemExit) as exc:  # python-vlc exits on a bad path
            raise PlayerUnavailable(f"recordings cannot play: libVLC was not found ({exc}); "
                                    f"{install_hint()}") from None
        try:
            probe = vlc.Instance("--quiet", *HEADLESS_ARGS)
        except (OSError, NameError, AttributeError) as exc:
            raise PlayerUnavailable(f"recordings cannot play: libVLC failed to start ({exc}); "
                                    f"{install_hint()}") from None
        if probe is None:
            raise PlayerUnavailable("recordings cannot play: libVLC has no plugins; "
                                    + install_hint())
        probe.release()
        _loaded = vlc
        return vlc


class Playback:
    """One player for one recording at a time."""

    def __init__(self, headless: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        vlc = load_vlc()
        self._vlc = vlc
        args = ["--quiet", "--no-video-title-show", "--no-snapshot-preview"]
        if headless:
            args += HEADLESS_ARGS
        self._instance = vlc.Instance(*args)
        if self._instance is None:
            raise PlayerUnavailable("recordings cannot play: libVLC refused its options; "
                                    + install_hint())
        self._player = self._instance.media_player_new()
        self._clock = clock
        self._rate = 1.0
        self._duration = 0.0
        self._path: Path | None = None
        self._reading = (0.0, 0.0)  # (libVLC's time in s, our clock when it changed)
        self._last_estimate = 0.0
        self._seek_to: float | None = None
        self._pending_seek: float | None = None
        self._seek_sent_at = 0.0
        self._started = False  # play() asked for since the media was (re)loaded
        self.first_time_at: float | None = None  # clock() when libVLC first reported > 0
        self._play_pressed_at: float | None = None

    # -- media ---------------------------------------------------------------------------------
    def open(self, path: Path, duration: float = 0.0, start_at: float = 0.0) -> None:
        path = Path(path)
        if not path.is_file():
            raise StepCampusError(f"the recording {path} is not on this computer")
        self._path = path
        self._duration = duration
        self._load(start_at)

    def _load(self, start_at: float) -> None:
        """(Re)load the media, to start at `start_at` once played."""
        media = self._instance.media_new_path(str(self._path))
        if start_at > 0:
            media.add_option(f":start-time={start_at:.3f}")
        self._player.set_media(media)
        media.release()
        self._started = False
        self._reading = (start_at, self._clock())
        self._last_estimate = start_at
        self._seek_to = start_at if start_at > 0 else None
        self._pending_seek = None
        self._seek_sent_at = self._clock()
        self.first_time_at = None

    def set_window(self, handle: int) -> None:
        """Draw video into a native window (X11 id, HWND or NSView)."""
        if sys.platform.startswith("win"):
            self._player.set_hwnd(handle)
        elif sys.platform == "darwin":
            self._player.set_nsobject(handle)
        else:
            self._player.set_xwindow(handle)

    @property
    def duration(self) -> float:
        length = self._player.get_length()
        return length / 1000 if length and length > 0 else self._duration

    # -- controls ------------------------------------------------------------------------------
    def play(self) -> None:
        if self._path is None:
            raise StepCampusError("no recording is open")
        if self.ended or self._player.get_state() == self._vlc.State.Stopped:
            self._load(0.0 if self.ended else self._reading[0])
        self._play_pressed_at = self._clock()
        self._started = True
        if self._player.play() == -1:
            raise StepCampusError(f"libVLC cannot play {self._path}")
        self._player.set_rate(self._rate)
        self._reading = (self._reading[0], self._clock())

    def pause(self) -> None:
        self._reading = (self.position(), self._clock())
        self._player.set_pause(1)

    def toggle(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        self._player.stop()

    def seek(self, seconds: float) -> None:
        seconds = max(0.0, min(seconds, self.duration or seconds))
        state = self._player.get_state()
        if state in (self._vlc.State.Ended, self._vlc.State.Stopped) or not self._started:
            # libVLC ignores a seek before it plays or after it stopped: start there instead.
            self._load(seconds)
            return
        if state in (self._vlc.State.Playing, self._vlc.State.Paused) \
                and (self._player.get_time() or 0) > 0:
            self._send_seek(seconds)
        else:  # opening or buffering: libVLC would drop it, so it goes once playing runs
            self._pending_seek = seconds
        self._seek_to = seconds
        self._reading = (seconds, self._clock())
        self._last_estimate = seconds

    def _send_seek(self, seconds: float) -> None:
        self._player.set_time(int(seconds * 1000))
        self._pending_seek = None
        self._seek_sent_at = self._clock()

    @property
    def rate(self) -> float:
        return self._rate

    def set_rate(self, rate: float) -> None:
        if not RATES[0] <= rate <= RATES[-1]:
            raise ValueError(f"rate must be within {RATES[0]}..{RATES[-1]}, not {rate}")
        self._reading = (self.position(), self._clock())
        self._rate = rate
        self._player.set_rate(rate)

    @property
    def volume(self) -> int:
        return max(0, int(self._player.audio_get_volume()))

    def set_volume(self, percent: int) -> None:
        self._player.audio_set_volume(max(0, min(100, int(percent))))

    # -- state ---------------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return bool(self._player.is_playing())

    @property
    def ended(self) -> bool:
        return self._player.get_state() == self._vlc.State.Ended

    @property
    def shows_video(self) -> bool:
        """Whether libVLC has a video output open (a desktop without its video plugins has
        none, and plays the sound only)."""
        return bool(self._player.has_vout())

    def video_missing(self, grace: float) -> bool:
        """Playing for `grace` seconds of the clock since libVLC's first reading, and still no
        video output: this desktop cannot show video. Time played, not the position: opening
        at a moment or skipping ahead must not count as having waited."""
        return (self.first_time_at is not None and self._clock() - self.first_time_at >= grace
                and not self.shows_video)

    @property
    def failed(self) -> bool:
        return self._player.get_state() == self._vlc.State.Error

    def position(self) -> float:
        """Seconds into the recording, estimated between libVLC's readings while playing."""
        now = self._clock()
        if self.ended:
            return self.duration
        reported = self._player.get_time()
        # A seek sent before libVLC's first time reading is dropped: send it once it runs.
        if self._pending_seek is not None and reported and reported > 0:
            self._send_seek(self._pending_seek)
            reported = self._player.get_time()
        if reported is not None and reported > 0:
            if self.first_time_at is None:
                self.first_time_at = now
            seconds = reported / 1000
            # Until libVLC has moved to a requested moment, its readings are of the old one
            # (but it is not waited for forever: a seek it ignored must not freeze the time).
            waiting = (self._seek_to is not None and abs(seconds - self._seek_to) > 1.5
                       and (self._pending_seek is not None
                            or now - self._seek_sent_at < SEEK_PATIENCE_S))
            if not waiting:
                self._seek_to = None
                if seconds != self._reading[0]:
                    self._reading = (seconds, now)
        base, at = self._reading
        estimate = base
        # Not before libVLC's first reading: no sound plays until then (start_latency), and a
        # guess run ahead would hold the slides early until the sound caught up.
        if self.playing and self._seek_to is None and self.first_time_at is not None:
            estimate = base + min(now - at, MAX_EXTRAPOLATION_S) * self._rate
        if self.playing and estimate < self._last_estimate < estimate + 0.5:
            estimate = self._last_estimate  # a late reading must not move the slides back
        self._last_estimate = estimate
        return max(0.0, min(estimate, self.duration or estimate))

    @property
    def start_latency(self) -> float | None:
        """Seconds from play() to libVLC's first time reading (sound is playing then)."""
        if self.first_time_at is None or self._play_pressed_at is None:
            return None
        return self.first_time_at - self._play_pressed_at

    def close(self) -> None:
        self._player.stop()
        self._player.release()
        self._instance.release()
