"""Regenerate the sample webinar in courses/social-protection-in-crises/ from
webinar-script.yaml: synthesised narration (espeak-ng) over generated slides, imported with
`stepcampus webinar import` exactly as a trainer would import a real recording.

    apt-get install espeak-ng            # the only tool this needs beyond the project's own
    .venv/bin/python resources/sample-media/make_sample_webinar.py

It writes the inputs a trainer would have (a recording, a slide PDF, a chapter list, slide
times, captions and a Q&A file) into a temporary folder, then imports them. Run it only when
the script changes; the imported session is committed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import wave
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SERIES_DIR = ROOT / "courses" / "social-protection-in-crises"
RATE = 22050  # espeak-ng's own rate
SENTENCE_GAP = 0.35
SLIDE_GAP = 0.9
# Who speaks on each slide, and with which synthetic voice.
VOICES = {"Nadia Ferreira": "en-gb+f3", "Joseph Mwangale": "en-us+m3",
          "Leila Santamaría": "en-gb-x-rp+f4"}
SPEAKERS = ["Nadia Ferreira", "Joseph Mwangale", "Joseph Mwangale", "Leila Santamaría",
            "Leila Santamaría", "Joseph Mwangale", "Nadia Ferreira"]


def speak(text: str, voice: str, out: Path) -> bytes:
    subprocess.run(["espeak-ng", "-v", voice, "-s", "158", "-w", str(out), text], check=True)
    with wave.open(str(out)) as handle:
        assert handle.getframerate() == RATE and handle.getnchannels() == 1
        return handle.readframes(handle.getnframes())


def silence(seconds: float) -> bytes:
    return b"\x00\x00" * int(seconds * RATE)


def narrate(script: dict[str, Any], work: Path) -> tuple[Path, list[float], list[tuple[float,
                                                                                        float,
                                                                                        str]]]:
    """The whole narration as one WAV; the time each slide starts; one caption a sentence."""
    pcm = bytearray(silence(0.5))
    slide_starts: list[float] = []
    captions: list[tuple[float, float, str]] = []
    for index, slide in enumerate(script["slides"]):
        slide_starts.append(0.0 if index == 0 else len(pcm) / 2 / RATE)
        speaker = SPEAKERS[index]
        for number, sentence in enumerate(slide["narration"]):
            start = len(pcm) / 2 / RATE
            pcm += speak(sentence, VOICES[speaker], work / f"s{index}-{number}.wav")
            end = len(pcm) / 2 / RATE
            text = f"<v {speaker}>{sentence}" if number == 0 else sentence
            captions.append((start, end, text))
            pcm += silence(SENTENCE_GAP)
        pcm += silence(SLIDE_GAP)
    path = work / "narration.wav"
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes(bytes(pcm))
    return path, slide_starts, captions


def slide_deck(script: dict[str, Any], out: Path) -> None:
    """A 16:9 PDF, one page a slide, as a presentation program exports it."""
    from fpdf import FPDF

    from stepcampus.certificates.fonts import find_font

    fonts = find_font()
    pdf = FPDF(orientation="L", unit="pt", format=(540, 960))
    pdf.set_auto_page_break(False)
    if fonts is not None:
        pdf.add_font("Sans", "", str(fonts.regular))
        pdf.add_font("Sans", "B", str(fonts.bold))
        family = "Sans"
    else:
        family = "Helvetica"
    series = script["series"]["title"]
    total = len(script["slides"])
    for number, slide in enumerate(script["slides"], start=1):
        pdf.add_page()
        pdf.set_fill_color(250, 248, 243)
        pdf.rect(0, 0, 960, 540, "F")
        pdf.set_fill_color(18, 78, 120)
        pdf.rect(0, 0, 960, 150 if number == 1 else 96, "F")
        pdf.set_fill_color(230, 160, 40)
        pdf.rect(0, 150 if number == 1 else 96, 960, 6, "F")
        pdf.set_text_color(255, 255, 255)
        pdf.set_font(family, "B", 34 if number == 1 else 30)
        pdf.set_xy(48, 28 if number == 1 else 26)
        pdf.multi_cell(864, 44, slide["title"])
        pdf.set_text_color(30, 40, 50)
        top = 200 if number == 1 else 140
        for bullet in slide.get("bullets") or []:
            pdf.set_xy(64, top)
            pdf.set_font(family, "", 24 if number > 1 else 22)
            marker = "" if number == 1 else "•  "
            pdf.multi_cell(832, 34, marker + bullet)
            top = pdf.get_y() + 18
        pdf.set_font(family, "", 13)
        pdf.set_text_color(110, 110, 110)
        pdf.set_xy(48, 500)
        pdf.cell(700, 20, series)
        pdf.set_xy(812, 500)
        pdf.cell(100, 20, f"{number} / {total}", align="R")
    pdf.output(str(out))


def original_recording(narration: Path, deck: Path, slide_starts: list[float],
                       out: Path) -> None:
    """What a webinar platform would record: the shared slides at 1280x720 with the voices."""
    import av
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(deck))
    frames = [document[i].render(scale=1280 / 960).to_pil().convert("RGB").resize((1280, 720))
              for i in range(len(document))]
    document.close()
    fps = 15
    with av.open(str(narration)) as source:
        duration = source.duration / 1_000_000
        container = av.open(str(out), "w", format="mp4", options={"movflags": "+faststart"})
        video = container.add_stream("libx264", rate=fps, options={"crf": "23",
                                                                   "preset": "medium"})
        video.width, video.height, video.pix_fmt = 1280, 720, "yuv420p"
        sound = container.add_stream("aac", rate=44100)
        sound.layout = "mono"
        sound.bit_rate = 64_000
        resampler = av.AudioResampler(format="fltp", layout="mono", rate=44100)
        for frame in source.decode(audio=0):
            frame.pts = None
            for resampled in resampler.resample(frame):
                for packet in sound.encode(resampled):
                    container.mux(packet)
        for packet in sound.encode(None):
            container.mux(packet)
        for index in range(int(duration * fps) + 1):
            at = index / fps
            slide = max(i for i, start in enumerate(slide_starts) if start <= at)
            picture = av.VideoFrame.from_image(frames[slide])
            picture.pts, picture.time_base = index, Fraction(1, fps)
            for packet in video.encode(picture):
                container.mux(packet)
        for packet in video.encode(None):
            container.mux(packet)
        container.close()


def clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


def main() -> int:
    if shutil.which("espeak-ng") is None:
        print("error: espeak-ng is needed (apt-get install espeak-ng)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from stepcampus.webinar.importer import ImportRequest, import_session
    from stepcampus.webinar.vtt import Cue, write_vtt

    script = yaml.safe_load((HERE / "webinar-script.yaml").read_text(encoding="utf-8"))
    series, session = script["series"], script["session"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        narration, starts, captions = narrate(script, work)
        deck = work / "slides.pdf"
        slide_deck(script, deck)
        recording = work / "recording.mp4"
        original_recording(narration, deck, starts, recording)
        chapters = work / "chapters.txt"
        chapters.write_text("".join(f"{clock(starts[i])} {s['chapter']}\n"
                                    for i, s in enumerate(script["slides"]) if s.get("chapter")),
                            encoding="utf-8")
        times = work / "slide-times.txt"
        times.write_text("".join(f"{clock(at)}.{int(at * 1000) % 1000:03d} {i + 1}\n"
                                 for i, at in enumerate(starts)), encoding="utf-8")
        (work / "captions.vtt").write_text(write_vtt(Cue(a, b, t) for a, b, t in captions),
                                           encoding="utf-8")
        # An answer given while a slide was shown: at the last sentence spoken on that slide.
        last_sentence: dict[int, float] = {}
        cue = 0
        for index, slide in enumerate(script["slides"], start=1):
            cue += len(slide["narration"])
            last_sentence[index] = captions[cue - 1][0]
        qa = []
        for number, entry in enumerate(script["qa"], start=1):
            item = {"id": f"q{number:02d}", "question": entry["question"],
                    "answer": entry["answer"], "asked_by": entry["asked_by"],
                    "answered_by": entry["answered_by"], "topics": entry.get("topics") or []}
            if entry.get("slide"):
                item["at"] = clock(last_sentence[int(entry["slide"])])
            qa.append(item)
        (work / "qa.yaml").write_text(yaml.safe_dump(qa, allow_unicode=True, sort_keys=False),
                                      encoding="utf-8")
        (work / "summary.md").write_text(session["summary"], encoding="utf-8")
        SERIES_DIR.mkdir(parents=True, exist_ok=True)
        manifest = {"id": series["id"], "version": "1.0.0", "default_language": "en",
                    "languages": ["en"], "title": {"en": series["title"]},
                    "description": {"en": series["description"]},
                    "organisers": series["organisers"], "topics": series["topics"],
                    "licence": "CC-BY-4.0", "sessions": [session["id"]]}
        (SERIES_DIR / "series.yaml").write_text(
            "# The sample webinar series; regenerate its session with\n"
            "# resources/sample-media/make_sample_webinar.py\n"
            + yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False, width=100),
            encoding="utf-8")
        result = import_session(ImportRequest(
            series_dir=SERIES_DIR, session_id=session["id"], recording=recording, slides=deck,
            chapters=chapters, slide_times=times, captions=work / "captions.vtt",
            qa=work / "qa.yaml", summary=work / "summary.md", title=session["title"],
            language="en", start=session["start"], timezone=session["timezone"],
            panellists=[f"{p['name']}, {p['role']}" for p in session["panellists"]],
            topics=session["topics"], replace=True))
    print(f"imported {result.session_dir}: {result.duration:.1f} s, {result.variants}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
