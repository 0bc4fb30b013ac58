"""Recordings in, low-bandwidth variants out, with PyAV (FFmpeg's libraries, no binaries).

- audio: Opus mono at speech quality in WebM. WebM because libVLC reports the playing time
  every ~260 ms from it (Ogg: once a second), and the slides and transcript follow that time.
  60 ms Opus frames: the container's per-packet overhead drops from ~2.4 to ~0.8 kbit/s.
- video: H.264 at a low resolution and frame rate, tuned for still pictures (slides), with
  the same speech-quality audio, in MP4.

Every decoding problem becomes an InputError naming the file and the time where it broke.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from stepcampus.errors import InputError, Problem
from stepcampus.tasks import Task
from stepcampus.webinar.vtt import clock

AUDIO_BITRATE = 16_000
VIDEO_AUDIO_BITRATE = 24_000
OPUS_OPTIONS = {"application": "voip", "frame_duration": "60"}
VIDEO_HEIGHT = 360
VIDEO_FPS = 15
VIDEO_CRF = "28"
# A header may promise more than the file holds (a copy cut short): more than this missing
# at the end means the recording is truncated.
TRUNCATION_SLACK_S = 2.0
_ATTACHED_PIC = 0x0400  # AV_DISPOSITION_ATTACHED_PIC: the cover picture of an MP3 or M4A


@dataclass(frozen=True)
class MediaInfo:
    duration: float  # seconds
    has_audio: bool
    has_video: bool
    width: int = 0
    height: int = 0


def _damaged(path: Path, exc: Exception, at: float | None = None) -> InputError:
    where = f" at {clock(at)}" if at is not None else ""
    return InputError(Problem(str(path), None, f"the recording cannot be read{where} "
                              f"({exc})", "it is damaged or not a media file: export or copy "
                              "it again"))


def _open(path: Path) -> Any:
    import av

    if not path.is_file():
        raise InputError(Problem(str(path), None, "no such file"))
    try:
        return av.open(str(path))
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise _damaged(path, exc) from None


def _video_stream(container: Any) -> Any:
    """The pictures of a recording, if any: a cover picture is no video."""
    return next((s for s in container.streams.video
                 if not int(getattr(s, "disposition", 0)) & _ATTACHED_PIC), None)


def probe(path: Path) -> MediaInfo:
    """What the container says of itself (the whole file is checked when it is transcoded)."""
    path = Path(path)
    with _open(path) as container:
        audio = container.streams.audio[0] if container.streams.audio else None
        video = _video_stream(container)
        if audio is None and video is None:
            raise InputError(Problem(str(path), None, "holds neither sound nor pictures",
                                     "give the webinar's recording (video or audio)"))
        duration = container.duration / 1_000_000 if container.duration else 0.0
        if not duration:
            for stream in (audio, video):
                if stream is not None and stream.duration and stream.time_base:
                    duration = max(duration, float(stream.duration * stream.time_base))
        return MediaInfo(duration, audio is not None, video is not None,
                         video.codec_context.width if video else 0,
                         video.codec_context.height if video else 0)


def _opus_stream(out: Any, bitrate: int) -> Any:
    stream = out.add_stream("libopus", rate=48000, options=dict(OPUS_OPTIONS))
    stream.layout = "mono"
    stream.bit_rate = bitrate
    return stream


def _mux(out: Any, stream: Any, frame: Any) -> None:
    for packet in stream.encode(frame):
        out.mux(packet)


@dataclass
class _Reader:
    """Decodes one recording once, feeding every frame to the encoders that want it."""

    path: Path
    duration: float
    task: Task
    progress: Callable[[float], None]

    def run(self, on_audio: Callable[[Any], None] | None,
            on_video: Callable[[Any], None] | None) -> float:
        """Decode everything; returns where the last sound ends, or the last picture starts."""
        import av

        last = 0.0
        with _open(self.path) as container:
            streams = []
            if on_audio is not None and container.streams.audio:
                streams.append(container.streams.audio[0])
            video = _video_stream(container) if on_video is not None else None
            if video is not None:
                video.thread_type = "AUTO"
                streams.append(video)
            try:
                for packet in container.demux(streams):
                    for frame in packet.decode():
                        if frame.time is not None:
                            # a sound's end, not its start: a 6 s talk lasts 6 s, not 5.98
                            end = frame.samples / frame.sample_rate \
                                if packet.stream.type == "audio" and frame.sample_rate else 0.0
                            last = max(last, float(frame.time) + end)
                        if packet.stream.type == "audio":
                            on_audio(frame)  # type: ignore[misc]
                        else:
                            on_video(frame)  # type: ignore[misc]
                    if packet.pts is not None and packet.stream.type == streams[0].type:
                        self.task.check()
                        self.progress(last)
            except av.error.FFmpegError as exc:
                raise _damaged(self.path, exc, last) from None
        if self.duration and last < self.duration - TRUNCATION_SLACK_S:
            raise InputError(Problem(str(self.path), None,
                                     f"the recording stops at {clock(last)} although it says it "
                                     f"lasts {clock(self.duration)}: the file is truncated",
                                     "copy or export the recording again"))
        return last


def encode_variants(source: Path, info: MediaInfo, audio_dest: Path | None,
                    video_dest: Path | None, task: Task,
                    progress: Callable[[float], None]) -> float:
    """Write the audio variant and/or the low-resolution video variant in one decoding pass.

    Returns the recording's real length. A failure removes what it had written.
    """
    import av

    outputs: list[Path] = [p for p in (audio_dest, video_dest) if p is not None]
    audio_out = av.open(str(audio_dest), "w", format="webm") if audio_dest else None
    video_out = av.open(str(video_dest), "w", format="mp4",
                        options={"movflags": "+faststart"}) if video_dest else None
    try:
        audio_enc = _opus_stream(audio_out, AUDIO_BITRATE) if audio_out else None
        sound_for_video = _opus_stream(video_out, VIDEO_AUDIO_BITRATE) \
            if video_out and info.has_audio else None
        picture = _VideoScaler(video_out, info) if video_out else None
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)

        def on_audio(frame: Any) -> None:
            frame.pts = None  # let the resampler count samples: gaps in pts upset Opus
            for mono in resampler.resample(frame):
                if audio_enc is not None:
                    _mux(audio_out, audio_enc, mono)
                if sound_for_video is not None:
                    _mux(video_out, sound_for_video, mono)

        want_audio = info.has_audio and (audio_enc is not None or sound_for_video is not None)
        length = _Reader(source, info.duration, task, progress).run(
            on_audio if want_audio else None, picture.add if picture else None)
        for mono in resampler.resample(None):
            if audio_enc is not None:
                _mux(audio_out, audio_enc, mono)
        for out, stream in ((audio_out, audio_enc), (video_out, sound_for_video)):
            if stream is not None:
                _mux(out, stream, None)
        if picture is not None:
            picture.finish()
        for out in (audio_out, video_out):
            if out is not None:
                out.close()
        return length
    except BaseException:
        for out in (audio_out, video_out):
            if out is not None:
                with contextlib.suppress(Exception):  # already failing: the first error counts
                    out.close()
        for path in outputs:
            path.unlink(missing_ok=True)
        raise


class _VideoScaler:
    """Scales to VIDEO_HEIGHT, keeps one frame per 1/VIDEO_FPS s, encodes for still pictures."""

    def __init__(self, out: Any, info: MediaInfo) -> None:
        height = min(VIDEO_HEIGHT, info.height or VIDEO_HEIGHT)
        width = round(info.width * height / info.height) if info.height else height * 16 // 9
        self.width, self.height = width + width % 2, height + height % 2
        self.out = out
        self.stream = out.add_stream("libx264", rate=VIDEO_FPS, options={
            "crf": VIDEO_CRF, "tune": "stillimage", "preset": "veryfast"})
        self.stream.width, self.stream.height = self.width, self.height
        self.stream.pix_fmt = "yuv420p"
        self.stream.time_base = Fraction(1, VIDEO_FPS)
        self.next_index = 0

    def add(self, frame: Any) -> None:
        if frame.time is None:
            return
        index = int(frame.time * VIDEO_FPS + 1e-6)
        if index < self.next_index:
            return  # a frame rate above VIDEO_FPS: this one falls between kept frames
        small = frame.reformat(width=self.width, height=self.height, format="yuv420p")
        small.pts = index
        small.time_base = Fraction(1, VIDEO_FPS)
        _mux(self.out, self.stream, small)
        self.next_index = index + 1

    def finish(self) -> None:
        _mux(self.out, self.stream, None)


def file_size(path: Path) -> int:
    return os.stat(path).st_size
