"""Webinar recording figures: bytes per minute of each variant, for the sample webinar and for
a long recording as a webinar platform writes it (imported through the real `import_session`),
and the time from pressing play to the first sound, against a plain WAV in the same run.

Run: .venv/bin/python -m tests.benchmarks.webinar_media [--minutes 90]
The long recording is synthesised in a temporary folder with PyAV, Pillow and fpdf2: shared
slides at 1280x720, 25 fps, H.264 (libx264 veryfast, crf 23) with a drawn speaker-camera tile,
and AAC 128 kbit/s stereo speech (the sample's narration, looped). Sizes are exact; latencies
are compared with the WAV baseline measured interleaved with them. Exits 1 when a target of the
issue is missed (audio + slides under 150 KB a minute and under 1/10 of the original).
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
import time
import wave
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from stepcampus.tasks import Task
from stepcampus.webinar.importer import ImportRequest, import_session
from stepcampus.webinar.playback import Playback

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "courses" / "social-protection-in-crises" / "sessions" / \
    "linking-cash-and-safety-nets"
SCRIPT = ROOT / "resources" / "sample-media" / "webinar-script.yaml"
KB = 1000  # KB and MB are decimal here, as the "150 KB a minute, 15 MB" are
TARGET_KB_PER_MIN = 150
TARGET_SHARE = 0.1

WIDTH, HEIGHT, FPS = 1280, 720, 25
ENVELOPE_STEP = 0.04  # seconds of sound a mouth position follows
X264_OPTIONS = {"preset": "veryfast", "crf": "23"}
AAC_BITRATE = 128_000
RATE = 48_000
TILE_W, TILE_H, TILE_MARGIN = 320, 180, 24  # even, so the chroma planes line up
SECONDS_PER_PAGE = 150  # a 90-minute talk: 36 pages
MAX_PAGES = 36  # what deck_pages can fill
LATENCY_RUNS = 7
# Who speaks during each of the sample's 7 slides (make_sample_webinar.py's SPEAKERS): the
# platform's camera tile follows the active speaker.
SAMPLE_SPEAKERS = (0, 1, 1, 2, 2, 1, 0)
PEOPLE = (  # name, skin, hair, shirt, wall
    ("Nadia Ferreira", (198, 150, 120), (60, 40, 30), (150, 40, 60), (215, 210, 200)),
    ("Joseph Mwangale", (110, 75, 55), (25, 20, 20), (40, 80, 140), (190, 200, 205)),
    ("Leila Santamaría", (220, 180, 150), (120, 80, 40), (60, 120, 90), (225, 215, 190)),
)


# -- sizes ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sizes:
    minutes: float
    variants: dict[str, int]  # variant id -> bytes
    slides: int  # bytes of the slide images the session lists

    def per_minute(self, nbytes: int) -> float:
        return nbytes / KB / self.minutes

    @property
    def audio_and_slides(self) -> int:
        return self.variants["audio"] + self.slides


def session_sizes(session_dir: Path) -> Sizes:
    """What a session folder's session.yaml lists, with the sizes of its files."""
    recording = yaml.safe_load((session_dir / "session.yaml").read_text())["recording"]
    variants = {v["id"]: (session_dir / v["file"]).stat().st_size
                for v in recording["variants"]}
    slide_files = {s["file"] for s in recording.get("slides") or []}
    slides = sum((session_dir / name).stat().st_size for name in slide_files)
    return Sizes(recording["duration"] / 60, variants, slides)


def size_rows(sizes: Sizes) -> list[tuple[str, str]]:
    original = sizes.variants["original"]

    def row(label: str, nbytes: int) -> tuple[str, str]:
        return label, (f"{sizes.per_minute(nbytes):8,.1f} KB/min  {nbytes / KB / KB:7.2f} MB  "
                       f"{nbytes / original:6.3f} of the original")

    return [row("audio (Opus 16 kbit/s, WebM)", sizes.variants["audio"]),
            row("slides (WebP)", sizes.slides),
            row("audio + slides", sizes.audio_and_slides),
            row("video-low (360p 15 fps + Opus 24k)", sizes.variants["video-low"]),
            row("original", original)]


# -- the long recording --------------------------------------------------------------------------
def decode_speech(path: Path, layout: str) -> bytes:
    """A recording's sound as interleaved 16-bit PCM at RATE."""
    import av

    resampler = av.AudioResampler(format="s16", layout=layout, rate=RATE)
    width = 2 * (2 if layout == "stereo" else 1)
    pcm = bytearray()
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            frame.pts = None  # let the resampler count samples
            for chunk in resampler.resample(frame):
                pcm += bytes(chunk.planes[0])[:chunk.samples * width]
        for chunk in resampler.resample(None):
            pcm += bytes(chunk.planes[0])[:chunk.samples * width]
    return bytes(pcm)


def write_wav(pcm: bytes, path: Path) -> None:
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes(pcm)


def deck_pages(count: int) -> list[dict[str, Any]]:
    """A 90-minute talk's deck: the sample's slides, section pages, charts and the audience's
    questions, cut to `count` pages and always ending with a closing page."""
    script = yaml.safe_load(SCRIPT.read_text(encoding="utf-8"))
    slides, questions = script["slides"], script["qa"]
    rng = random.Random(3)
    countries = ["Pakistan", "Philippines", "Kenya", "Nepal", "Senegal", "Colombia", "Peru"]

    def chart(title: str) -> dict[str, Any]:
        picked = rng.sample(countries, 5)
        return {"kind": "chart", "title": title,
                "bars": [(name, rng.randint(12, 88)) for name in picked]}

    def section(title: str, subtitle: str) -> dict[str, Any]:
        return {"kind": "section", "title": title, "bullets": [subtitle]}

    def text(slide: dict[str, Any]) -> dict[str, Any]:
        return {"kind": "text", "title": slide["title"], "bullets": slide["bullets"]}

    body: list[dict[str, Any]] = [
        {"kind": "title", "title": slides[0]["title"], "bullets": slides[0]["bullets"]},
        {"kind": "text", "title": "Agenda", "bullets": [
            "Why crises hit the poorest hardest", "Four ways to link cash and safety nets",
            "Evidence from country responses", "Data protection and exit strategies",
            "Your questions"]},
        section("Part 1", "The problem"), text(slides[1]),
        chart("Households with no savings (%)"), chart("Income lost after the shock (%)"),
        text(slides[2]), chart("Share of the response paid through national systems (%)"),
        text(slides[3]), section("Part 2", "Lessons from the field"), text(slides[4]),
        chart("Coverage of the safety net before the shock (%)"),
        chart("Coverage three months after the shock (%)"),
        chart("Households missing from the registry (%)"), text(slides[5]),
        chart("Days from the shock to the first payment"),
        section("Part 3", "Questions and answers"),
    ]
    for index, entry in enumerate(questions):
        body.append({"kind": "question", "title": "Question from the audience",
                     "bullets": [entry["question"], f"— {entry['asked_by']}"]})
        if index % 4 == 3:
            body.append(chart("Poll: how ready is your country's system? (%)"))
    closing = [text(slides[6]), {"kind": "section", "title": "Thank you",
                                 "bullets": ["The recording and slides are in the series "
                                             "library"]}]
    if not 2 <= count <= MAX_PAGES:
        raise ValueError(f"the deck has 2 to {MAX_PAGES} pages, not {count}")
    head = body[:max(count - len(closing), 1)]
    return [*head, *closing[len(head) - count:]]


def slide_deck(count: int, out: Path) -> None:
    """A 16:9 PDF as a presentation program exports it (text and bar charts, no photos)."""
    from fpdf import FPDF

    from stepcampus.certificates.fonts import find_font, to_latin1

    fonts = find_font()
    pdf = FPDF(orientation="L", unit="pt", format=(540, 960))
    pdf.set_auto_page_break(False)
    family, clean = "Helvetica", to_latin1
    if fonts is not None:
        pdf.add_font("Sans", "", str(fonts.regular))
        pdf.add_font("Sans", "B", str(fonts.bold))
        family, clean = "Sans", str
    for number, page in enumerate(deck_pages(count), start=1):
        pdf.add_page()
        pdf.set_fill_color(250, 248, 243)
        pdf.rect(0, 0, 960, 540, "F")
        big = page["kind"] in ("title", "section")
        band = 540 if page["kind"] == "section" else 150 if big else 96
        pdf.set_fill_color(18, 78, 120)
        pdf.rect(0, 0, 960, band, "F")
        pdf.set_fill_color(230, 160, 40)
        pdf.rect(0, min(band, 534), 960, 6, "F")
        pdf.set_text_color(255, 255, 255)
        pdf.set_font(family, "B", 40 if page["kind"] == "section" else 34 if big else 30)
        pdf.set_xy(48, 200 if page["kind"] == "section" else 28 if big else 26)
        pdf.multi_cell(864, 48, clean(page["title"]))
        if page["kind"] == "chart":
            top, scale = 150, 3.4
            for row, (name, value) in enumerate(page["bars"]):
                y = top + row * 62
                pdf.set_text_color(30, 40, 50)
                pdf.set_font(family, "", 20)
                pdf.set_xy(48, y + 8)
                pdf.cell(170, 24, clean(name))
                pdf.set_fill_color(*((18, 78, 120) if row % 2 else (230, 160, 40)))
                pdf.rect(230, y, value * scale * 2, 40, "F")
                pdf.set_xy(240 + value * scale * 2, y + 8)
                pdf.cell(80, 24, str(value))
        else:
            pdf.set_text_color(*((255, 255, 255) if page["kind"] == "section"
                                 else (30, 40, 50)))
            top = 270 if page["kind"] == "section" else 200 if big else 140
            for bullet in page.get("bullets") or []:
                pdf.set_xy(64, top)
                pdf.set_font(family, "", 24 if page["kind"] in ("text", "question") else 22)
                marker = "•  " if page["kind"] == "text" else ""
                pdf.multi_cell(832, 34, clean(marker + bullet))
                top = pdf.get_y() + 18
        pdf.set_font(family, "", 13)
        pdf.set_text_color(110, 110, 110)
        pdf.set_xy(48, 500)
        pdf.cell(700, 20, "Social protection in crises")
        pdf.set_xy(812, 500)
        pdf.cell(100, 20, f"{number} / {count}", align="R")
    pdf.output(str(out))


def slide_changes(seconds: float, pages: int) -> list[tuple[float, int]]:
    """(time, 0-based page): one page after the other, every few minutes, unevenly."""
    rng = random.Random(5)
    step = seconds / pages
    return [(0.0, 0)] + [(round((k + rng.uniform(-0.3, 0.3)) * step), k)
                         for k in range(1, pages)]


class CameraTile:
    """The active speaker's webcam picture, drawn: head and shoulders that sway, blink and
    talk with the sound (smooth shapes, as a camera sees them, not noise)."""

    def __init__(self, envelope: list[float]) -> None:
        from PIL import Image, ImageDraw, ImageFont

        from stepcampus.certificates.fonts import find_font

        self.envelope = envelope
        self.image, self.draw = Image, ImageDraw
        fonts = find_font()
        font: Any = ImageFont.truetype(str(fonts.regular), 13) if fonts \
            else ImageFont.load_default()
        self.font = font
        self.backgrounds = [self._room(wall) for *_, wall in PEOPLE]

    def _room(self, wall: tuple[int, int, int]) -> Any:
        """A wall with a shelf and a plant, at twice the tile's size (drawn, then halved)."""
        room = self.image.new("RGB", (TILE_W * 2, TILE_H * 2), wall)
        draw = self.draw.Draw(room)
        for y in range(TILE_H * 2):  # light from one side: a soft gradient down the wall
            shade = int(18 * y / (TILE_H * 2))
            draw.line([(0, y), (TILE_W * 2, y)], fill=tuple(max(c - shade, 0) for c in wall))
        draw.rectangle([40, 60, 200, 72], fill=(120, 85, 55))
        for index, colour in enumerate([(160, 50, 40), (40, 90, 140), (200, 170, 60),
                                        (70, 120, 70), (110, 60, 120)]):
            draw.rectangle([50 + index * 28, 8, 72 + index * 28, 60], fill=colour)
        draw.ellipse([520, 200, 620, 330], fill=(50, 110, 60))
        draw.rectangle([550, 300, 590, 360], fill=(150, 90, 60))
        return room

    def frame(self, at: float, person: int) -> Any:
        _, skin, hair, shirt, _ = PEOPLE[person]
        loud = self.envelope[int(at / ENVELOPE_STEP) % len(self.envelope)]
        dx = 6 * math.sin(at * 2 * math.pi / 5.3) + 3 * math.sin(at * 2 * math.pi / 1.7)
        dy = 3 * math.sin(at * 2 * math.pi / 3.1) + 2 * loud
        nod = 4 * math.sin(at * 2 * math.pi / 2.3) * loud
        picture = self.backgrounds[person].copy()
        draw = self.draw.Draw(picture)
        cx, cy = 320 + dx, 170 + dy + nod
        draw.ellipse([cx * 0.6 + 128 - 170, 260 + dy, cx * 0.6 + 128 + 170, 520 + dy],
                     fill=shirt)  # the shoulders follow the head, less
        draw.rectangle([cx - 30, cy + 60, cx + 30, cy + 130], fill=skin)
        draw.ellipse([cx - 70, cy - 90, cx + 70, cy + 90], fill=skin)
        draw.chord([cx - 74, cy - 100, cx + 74, cy + 10], 180, 360, fill=hair)
        draw.ellipse([cx - 74, cy - 60, cx - 56, cy + 20], fill=hair)
        draw.ellipse([cx + 56, cy - 60, cx + 74, cy + 20], fill=hair)
        blink = (at % 4.2) < 0.12
        for side in (-1, 1):
            ex = cx + side * 28
            if blink:
                draw.line([ex - 10, cy - 5, ex + 10, cy - 5], fill=(40, 30, 30), width=3)
            else:
                draw.ellipse([ex - 9, cy - 12, ex + 9, cy + 2], fill=(250, 250, 250))
                draw.ellipse([ex - 4 + dx * 0.3, cy - 9, ex + 4 + dx * 0.3, cy - 1],
                             fill=(40, 30, 30))
        opening = 3 + 22 * loud
        draw.ellipse([cx - 20, cy + 40 - opening / 2, cx + 20, cy + 40 + opening / 2],
                     fill=(110, 40, 45))
        if (at % 23.0) < 3.0:  # a gesture now and then
            lift = math.sin((at % 23.0) / 3.0 * math.pi) * 110
            draw.ellipse([440, 380 - lift, 500, 460 - lift], fill=skin)
        tile = picture.reduce(2)
        label = self.draw.Draw(tile)
        label.rectangle([0, TILE_H - 20, TILE_W, TILE_H], fill=(30, 30, 30))
        label.text((6, TILE_H - 17), PEOPLE[person][0], fill=(240, 240, 240), font=self.font)
        label.rectangle([0, 0, TILE_W - 1, TILE_H - 1], outline=(20, 20, 20), width=2)
        return tile


@dataclass(frozen=True)
class Original:
    path: Path
    seconds: float
    pages: int


def describe(path: Path) -> str:
    """A recording's streams as its container states them."""
    import av

    with av.open(str(path)) as container:
        parts = [f"{v.codec_context.width}x{v.codec_context.height} {float(v.average_rate):g} "
                 f"fps {v.codec_context.name} {(v.bit_rate or 0) / 1000:,.0f} kbit/s"
                 for v in container.streams.video[:1]]
        parts += [f"{a.codec_context.name} {a.layout.name} {a.rate / 1000:g} kHz "
                  f"{(a.bit_rate or 0) / 1000:,.0f} kbit/s" for a in container.streams.audio[:1]]
    return " + ".join(parts)


def synthesise_original(work: Path, minutes: float, fps: int = FPS
                        ) -> tuple[Original, Path, Path]:
    """The recording, its slide PDF and its slide-times file, as a trainer receives them."""
    import av
    import pypdfium2 as pdfium
    from av.video.reformatter import VideoReformatter

    seconds = minutes * 60
    pages = max(2, min(MAX_PAGES, round(seconds / SECONDS_PER_PAGE)))
    deck, times_file = work / "slides.pdf", work / "slide-times.txt"
    slide_deck(pages, deck)
    changes = slide_changes(seconds, pages)
    times_file.write_text("".join(f"{int(at) // 60:02d}:{int(at) % 60:02d} {page + 1}\n"
                                  for at, page in changes), encoding="utf-8")

    speech = decode_speech(SAMPLE / "recording" / "original.mp4", "stereo")
    loop_s = len(speech) / 4 / RATE
    mono = array("h", decode_speech(SAMPLE / "recording" / "original.mp4", "mono"))
    step = int(RATE * ENVELOPE_STEP)
    peaks = [max(max(mono[i:i + step]), -min(mono[i:i + step])) / 32768
             for i in range(0, len(mono) - step + 1, step)]
    top = max(peaks) or 1.0
    envelope = [min(1.0, p / top * 1.6) for p in peaks]
    sample_slides = [s["at"] for s in yaml.safe_load(
        (SAMPLE / "session.yaml").read_text())["recording"]["slides"]]

    document = pdfium.PdfDocument(str(deck))
    slide_planes = []
    for index in range(len(document)):
        image = document[index].render(scale=WIDTH / 960).to_pil().convert("RGB")
        frame = av.VideoFrame.from_image(image.resize((WIDTH, HEIGHT))).reformat(
            format="yuv420p")
        slide_planes.append([bytes(p) for p in frame.planes])
    document.close()
    camera = CameraTile(envelope)
    to_yuv = VideoReformatter()  # one scaler context, not one a frame
    tile_x, tile_y = WIDTH - TILE_W - TILE_MARGIN, HEIGHT - TILE_H - TILE_MARGIN

    path = work / "recording.mp4"
    out = av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"})
    video = out.add_stream("libx264", rate=fps, options=dict(X264_OPTIONS))
    video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
    video.time_base = Fraction(1, fps)
    # FFmpeg's AAC encoder with its real-time "fast" coder (the default search is 3x slower
    # and falls short of the asked bitrate on speech)
    sound = out.add_stream("aac", rate=RATE, options={"aac_coder": "fast"})
    sound.layout = "stereo"
    sound.bit_rate = AAC_BITRATE

    def mux(stream: Any, frame: Any) -> None:
        for packet in stream.encode(frame):
            out.mux(packet)

    total_frames = int(seconds * fps)
    total_samples = int(seconds * RATE)
    samples_done = 0
    page = 0
    for index in range(total_frames):
        at = index / fps
        if index and index % (fps * 600) == 0:
            print(f"  {at / 60:.0f} min made", file=sys.stderr, flush=True)
        while page + 1 < len(changes) and changes[page + 1][0] <= at:
            page += 1
        looped = at % loop_s
        said = max(i for i, start in enumerate(sample_slides) if start <= looped)
        tile = to_yuv.reformat(av.VideoFrame.from_image(camera.frame(at, SAMPLE_SPEAKERS[said])),
                               format="yuv420p")
        picture = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")
        for plane, (dest, source, data) in enumerate(zip(picture.planes, tile.planes,
                                                         slide_planes[changes[page][1]],
                                                         strict=True)):
            dest.update(data)
            shrink = 1 if plane == 0 else 2
            x, y, w = tile_x // shrink, tile_y // shrink, TILE_W // shrink
            view, tile_view = memoryview(dest), memoryview(source)
            for row in range(TILE_H // shrink):
                at_dest = (y + row) * dest.line_size + x
                at_tile = row * source.line_size
                view[at_dest:at_dest + w] = tile_view[at_tile:at_tile + w]
        picture.pts, picture.time_base = index, Fraction(1, fps)
        mux(video, picture)
        # the sound up to the end of this picture, so the muxer never holds much
        until = min(total_samples, (index + 1) * RATE // fps)
        while samples_done < until:
            count = min(1024, until - samples_done)
            start = samples_done * 4 % len(speech)
            chunk = (speech[start:] + speech)[:count * 4] if start + count * 4 > len(speech) \
                else speech[start:start + count * 4]
            frame = av.AudioFrame(format="s16", layout="stereo", samples=count)
            frame.planes[0].update(chunk + bytes(frame.planes[0].buffer_size - len(chunk)))
            frame.sample_rate, frame.pts = RATE, samples_done
            frame.time_base = Fraction(1, RATE)
            mux(sound, frame)
            samples_done += count
    mux(video, None)
    mux(sound, None)
    out.close()
    return Original(path, seconds, pages), deck, times_file


# -- start latency -------------------------------------------------------------------------------
def remux(source: Path, dest: Path, container: str) -> None:
    """The same packets in another container (to tell the container's cost from the codecs')."""
    import av

    with av.open(str(source)) as given, av.open(str(dest), "w", format=container) as out:
        streams = {s.index: out.add_stream_from_template(s) for s in given.streams}
        for packet in given.demux():
            if packet.dts is not None:  # the demuxer's empty flush packets
                packet.stream = streams[packet.stream.index]
                out.mux(packet)


def start_latency(path: Path, duration: float) -> float:
    """Seconds from play() to libVLC's first time reading, with a fresh player."""
    player = Playback(headless=True)
    try:
        player.open(path, duration)
        player.play()
        deadline = time.monotonic() + 10
        while player.start_latency is None:
            if player.failed or time.monotonic() > deadline:
                raise RuntimeError(f"libVLC did not start playing {path}")
            player.position()
            time.sleep(0.002)
        return player.start_latency
    finally:
        player.close()


def latencies(files: dict[str, Path], duration: float) -> dict[str, list[float]]:
    """LATENCY_RUNS measurements of each file, interleaved so noise hits them alike, after one
    untimed round (libVLC's modules and the files into the page cache)."""
    measured: dict[str, list[float]] = {name: [] for name in files}
    for round_ in range(LATENCY_RUNS + 1):
        for name, path in files.items():
            seconds = start_latency(path, duration)
            if round_:
                measured[name].append(seconds)
    return measured


# -- report ---------------------------------------------------------------------------------------
def table(title: str, rows: list[tuple[str, str]]) -> None:
    print(f"\n{title}")
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")


def timed(work: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


class Progress:
    """A long import's progress on stderr, a line every tenth."""

    def __init__(self) -> None:
        self.tenths = 0

    def __call__(self, done: int, total: int, message: str) -> None:
        if total and done * 10 // total > self.tenths:
            self.tenths = done * 10 // total
            print(f"  {done * 100 // total} %: {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=90,
                        help="length of the synthesised recording (default 90)")
    parser.add_argument("--fps", type=int, default=FPS,
                        help=f"its frame rate (default {FPS}, as platforms record; lower it "
                             "only to save time: it leaves the slow-line variants as they are "
                             "and makes the original smaller)")
    args = parser.parse_args(argv)
    wall = time.perf_counter()
    sample = session_sizes(SAMPLE)
    table(f"Sample webinar, {sample.minutes:.2f} min (original: "
          f"{describe(SAMPLE / 'recording' / 'original.mp4')})", size_rows(sample))

    with tempfile.TemporaryDirectory(prefix="webinar-media-") as name:
        work = Path(name)
        print(f"\nsynthesising a {args.minutes:g}-minute recording...", file=sys.stderr,
              flush=True)
        (original, deck, times_file), made_s = timed(
            lambda: synthesise_original(work, args.minutes, args.fps))
        print("importing it...", file=sys.stderr, flush=True)
        request = ImportRequest(series_dir=work / "series", session_id="long-webinar",
                                recording=original.path, slides=deck, slide_times=times_file,
                                title="A long webinar", keep_original=True)
        result, import_s = timed(lambda: import_session(request, Task(on_progress=Progress())))
        long = session_sizes(result.session_dir)
        table(f"{args.minutes:g}-minute recording, imported with import_session "
              f"({original.pages} slides)", size_rows(long))
        table("its original", [
            ("streams", describe(original.path)),
            ("encoded with", f"libx264 {X264_OPTIONS['preset']} crf {X264_OPTIONS['crf']}; "
                             f"FFmpeg AAC at {AAC_BITRATE // 1000} kbit/s; slides with a "
                             f"{TILE_W}x{TILE_H} camera tile"),
            ("made in", f"{made_s:,.1f} s = {made_s / original.seconds:.3f} s per second "
                        "of recording"),
            ("imported in", f"{import_s:,.1f} s = {original.seconds / import_s:.1f}x real "
                            "time (decode, Opus + 360p H.264, slides, checks, copy)"),
            ("audio + slides, whole recording", f"{long.audio_and_slides / KB / KB:.2f} MB"),
        ])

        wav = work / "speech.wav"
        write_wav(decode_speech(SAMPLE / "recording" / "original.mp4", "mono"), wav)
        low = SAMPLE / "recording" / "video-360p.mp4"
        remux(low, work / "video-360p.mkv", "matroska")
        files = {"WAV, 16-bit PCM (baseline)": wav,
                 "audio (Opus in WebM)": SAMPLE / "recording" / "audio.webm",
                 "video-low (H.264 + Opus in MP4)": low,
                 "  its packets remuxed into Matroska": work / "video-360p.mkv"}
        measured = latencies(files, sample.minutes * 60)
    base = measured[next(iter(files))]
    rows = []
    for label, values in measured.items():
        best, median = min(values), statistics.median(values)
        rows.append((label, f"best {best * 1000:5.0f} ms = {best / min(base):4.2f}x   median "
                            f"{median * 1000:5.0f} ms = {median / statistics.median(base):4.2f}x"
                            f"   (worst {max(values) * 1000:.0f} ms)"))
    table(f"play() to the first time reading > 0, {LATENCY_RUNS} fresh players each "
          "(Playback(headless=True), interleaved)", rows)
    print(f"\nwall time {time.perf_counter() - wall:,.0f} s")

    per_minute = long.per_minute(long.audio_and_slides)
    share = long.audio_and_slides / long.variants["original"]
    missed = []
    if per_minute >= TARGET_KB_PER_MIN:
        missed.append(f"audio + slides is {per_minute:.1f} KB/min (target < "
                      f"{TARGET_KB_PER_MIN})")
    if share >= TARGET_SHARE:
        missed.append(f"audio + slides is {share:.3f} of the original (target < "
                      f"{TARGET_SHARE})")
    for message in missed:
        print(f"target missed: {message}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
