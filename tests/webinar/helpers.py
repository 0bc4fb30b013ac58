"""Small generated inputs for webinar tests: tones as WAV, short talks as MP4 or WebM, slide
decks as PDF, and the sample series' paths."""

from __future__ import annotations

import array
import math
import shutil
import wave
from pathlib import Path

from stepcampus.paths import SAMPLE_COURSES_DIR

SAMPLE_SERIES_DIR = SAMPLE_COURSES_DIR / "social-protection-in-crises"
SAMPLE_SESSION = "linking-cash-and-safety-nets"
SAMPLE_SESSION_DIR = SAMPLE_SERIES_DIR / "sessions" / SAMPLE_SESSION


def tone(samples: int, rate: int, freq: float = 440.0) -> bytes:
    """Signed 16-bit mono PCM of a sine."""
    return array.array("h", (int(9000 * math.sin(2 * math.pi * freq * i / rate))
                             for i in range(samples))).tobytes()


def make_wav(path: Path, seconds: float = 3.0, rate: int = 16_000) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(tone(int(seconds * rate), rate))
    return path


def make_talk(path: Path, seconds: float = 6.0, fps: int = 5, size: tuple[int, int] = (1280, 720),
              container: str = "mp4") -> Path:
    """A recording as a meeting tool exports it: pictures changing each frame, and a tone.

    MP4 (H.264 + AAC, index at the front so half a file still opens) or WebM (VP9 + Opus).
    """
    import av
    from PIL import Image

    mp4 = container == "mp4"
    out = av.open(str(path), "w", format=container,
                  options={"movflags": "+faststart"} if mp4 else {})
    video = out.add_stream("libx264" if mp4 else "libvpx-vp9", rate=fps,
                           options={"preset": "ultrafast"} if mp4 else
                           {"deadline": "realtime", "cpu-used": "8"})
    video.width, video.height = size
    video.pix_fmt = "yuv420p"
    audio = out.add_stream("aac" if mp4 else "libopus", rate=48_000)
    audio.layout = "mono"
    for index in range(int(seconds * fps)):
        frame = av.VideoFrame.from_image(Image.new("RGB", size, (index * 8 % 255, 80, 120)))
        frame.pts = index
        for packet in video.encode(frame):
            out.mux(packet)
    rate, step = 48_000, 960
    pcm = tone(int(seconds * rate), rate)
    for start in range(0, int(seconds * rate), step):
        chunk = pcm[2 * start:2 * (start + step)]
        frame = av.AudioFrame(format="s16", layout="mono", samples=len(chunk) // 2)
        frame.planes[0].update(chunk)
        frame.sample_rate, frame.pts = rate, start
        for packet in audio.encode(frame):
            out.mux(packet)
    for stream in (video, audio):
        for packet in stream.encode(None):
            out.mux(packet)
    out.close()
    return path


def make_mp3_with_cover(path: Path, seconds: float = 3.0) -> Path:
    """An MP3 as podcast and audio tools save it: sound, and a cover picture FFmpeg shows as
    a one-frame video stream."""
    import av
    from av.stream import Disposition
    from PIL import Image

    out = av.open(str(path), "w", format="mp3")
    audio = out.add_stream("libmp3lame", rate=44_100)
    audio.layout = "mono"
    cover = out.add_stream("png")
    cover.width, cover.height, cover.pix_fmt = 64, 64, "rgb24"
    cover.disposition = Disposition.attached_pic
    picture = av.VideoFrame.from_image(Image.new("RGB", (64, 64), (200, 0, 0)))
    for packet in [*cover.encode(picture), *cover.encode(None)]:
        out.mux(packet)
    rate, step = 44_100, 1152
    pcm = tone(int(seconds * rate), rate)
    for start in range(0, int(seconds * rate), step):
        chunk = pcm[2 * start:2 * (start + step)]
        frame = av.AudioFrame(format="s16", layout="mono", samples=len(chunk) // 2)
        frame.planes[0].update(chunk)
        frame.sample_rate, frame.pts = rate, start
        for packet in audio.encode(frame):
            out.mux(packet)
    for packet in audio.encode(None):
        out.mux(packet)
    out.close()
    return path


def make_pdf(path: Path, pages: int = 3) -> Path:
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape", format=(90, 160))
    pdf.set_font("helvetica", size=24)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(text=f"Slide {number}")
    pdf.output(str(path))
    return path


def cut_in_half(source: Path, target: Path) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


def copy_sample_series(target: Path) -> Path:
    shutil.copytree(SAMPLE_SERIES_DIR, target)
    return target


def tree_snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder with its content, to show that nothing changed."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}
