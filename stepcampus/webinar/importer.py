"""`stepcampus webinar import`: a recording, its slides, chapters, captions and Q&A -> one
session folder of a webinar series source, ready for `stepcampus build`.

Every input is read and checked before the long work starts; the session is written into a
staging folder, checked as `validate` would check it, and only then moved into place, so a
bad input or a cancel leaves the series exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from stepcampus.coursepack.languages import is_known_language
from stepcampus.coursepack.source import ID_PATTERN, _Collector
from stepcampus.errors import InputError, Problem
from stepcampus.tasks import Task
from stepcampus.textfile import read_text, write_atomic
from stepcampus.webinar import media
from stepcampus.webinar.qa import QAEntry, dump_qa, read_qa_file
from stepcampus.webinar.slides import (
    page_count,
    read_slide_times,
    render_slides,
    times_from_chapters,
)
from stepcampus.webinar.source import MEDIA_SUFFIXES, SERIES_NAME, SeriesSource, _load_session
from stepcampus.webinar.vtt import Cue, clock, parse_clock, parse_vtt, write_vtt

AUDIO_FILE = "recording/audio.webm"
VIDEO_FILE = "recording/video-360p.mp4"
# Shares of the progress bar: decoding and encoding dominate.
_ENCODE, _SLIDES = 800, 150


@dataclass
class ImportRequest:
    series_dir: Path
    session_id: str
    recording: Path
    slides: Path | None = None
    chapters: Path | None = None
    qa: Path | None = None
    captions: Path | None = None
    slide_times: Path | None = None
    summary: Path | None = None
    title: str | None = None
    language: str = "en"
    start: str | None = None
    timezone: str | None = None
    panellists: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    keep_original: bool = True
    replace: bool = False


@dataclass(frozen=True)
class ImportResult:
    session_dir: Path
    duration: float
    variants: dict[str, int]  # variant id -> bytes
    slides: int
    chapters: int
    captions: int
    questions: int
    series_created: bool
    series_listed: bool  # False when series.yaml could not be extended: add it by hand


def read_chapters(path: Path, duration: float) -> list[Cue]:
    """Chapters from a .vtt file or a plain list, one 'MM:SS Title' a line."""
    source = str(path)
    text = read_text(path).removeprefix("\ufeff")
    if text.startswith("WEBVTT"):
        cues = parse_vtt(text, source)
    else:
        starts: list[tuple[float, str, int]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            head, _, title = line.strip().partition(" ")
            at = parse_clock(head)
            title = title.strip().lstrip("-–—:").strip()
            if at is None or not title:
                raise InputError(Problem(source, number, f"cannot read {line.strip()!r}",
                                         "write one chapter a line: 'MM:SS Title'"))
            if starts and at <= starts[-1][0]:
                raise InputError(Problem(source, number, "chapters must be in time order"))
            starts.append((at, title, number))
        ends = [s[0] for s in starts[1:]] + [duration]
        cues = [Cue(at, end, title, number) for (at, title, number), end in zip(
            starts, ends, strict=True)]
    if not cues:
        raise InputError(Problem(source, None, "lists no chapter"))
    late = next((c for c in cues if c.start > duration + 1), None)
    if late is not None:
        raise InputError(Problem(source, late.line, f"chapter at {clock(late.start)} starts "
                                 f"after the end of the recording ({clock(duration)})"))
    return cues


def read_captions(path: Path, duration: float) -> list[Cue]:
    """Captions from WebVTT or SubRip (.srt), which differ in the header only."""
    text = read_text(path).removeprefix("\ufeff")
    if Path(path).suffix.lower() == ".srt" and not text.startswith("WEBVTT"):
        text = "WEBVTT\n\n" + text
    cues = parse_vtt(text, str(path))
    late = next((c for c in cues if c.start > duration + 1), None)
    if late is not None:
        raise InputError(Problem(str(path), late.line, f"caption at {clock(late.start)} "
                                 f"starts after the end of the recording ({clock(duration)})"))
    return cues


def _check_request(request: ImportRequest) -> None:
    if not ID_PATTERN.match(request.session_id):
        raise InputError(Problem(request.session_id, None, "is not a valid session id",
                                 "use lower-case letters, digits and hyphens"))
    target = request.series_dir / "sessions" / request.session_id
    if target.exists() and not request.replace:
        raise InputError(Problem(str(target), None, "already exists",
                                 "give --replace to import the session again"))
    for name in ("slides", "chapters", "qa", "captions", "slide_times", "summary"):
        path = getattr(request, name)
        if path is not None and not Path(path).is_file():
            raise InputError(Problem(str(path), None, "no such file"))
    suffix = Path(request.recording).suffix.lower()
    if request.keep_original and suffix not in MEDIA_SUFFIXES:
        raise InputError(Problem(str(request.recording), None, f"cannot be kept as the "
                                 f"original: {suffix or 'a file without a suffix'} is not a "
                                 "format the series lists", "give --no-original to keep only "
                                 "the variants made from it"))
    _check_options(request)


def _check_options(request: ImportRequest) -> None:
    """What goes into session.yaml as given, checked now rather than after the transcoding."""
    from datetime import datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    problems: list[Problem] = []
    if not is_known_language(request.language):
        problems.append(Problem("--language", None, f"unknown language {request.language!r}",
                                "use an ISO 639-1 code such as en"))
    if request.timezone is not None:
        try:
            ZoneInfo(request.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(Problem("--timezone", None, "unknown time zone "
                                    f"{request.timezone!r}", "use a name such as Europe/Berlin "
                                    "or America/Bogota"))
    if request.start is not None:
        try:
            when = datetime.fromisoformat(request.start)
        except ValueError:
            problems.append(Problem("--start", None, f"{request.start!r} is not a date and "
                                    "time", "write it as 2026-03-12T14:00:00"))
        else:
            if when.tzinfo is None and request.timezone is None:
                problems.append(Problem("--start", None, "has no time zone",
                                        "give --timezone, e.g. Europe/Berlin"))
    if problems:
        raise InputError(problems)


def import_session(request: ImportRequest, task: Task | None = None) -> ImportResult:
    task = task or Task()
    request.series_dir = Path(request.series_dir)
    _check_request(request)
    task.report(0, 1000, "reading the recording")
    info = media.probe(request.recording)
    duration = info.duration
    chapters = read_chapters(request.chapters, duration) if request.chapters else []
    captions = read_captions(request.captions, duration) if request.captions else []
    questions = read_qa_file(request.qa, duration) if request.qa else []
    pages = page_count(request.slides) if request.slides else 0
    slide_times: list[tuple[float, int]] = []
    if pages:
        slide_times = (read_slide_times(request.slide_times, pages, duration)
                       if request.slide_times else
                       times_from_chapters(chapters, pages, str(request.chapters or
                                                                request.slides)))
    summary = read_text(request.summary) if request.summary else None

    made_folder = not request.series_dir.exists()
    request.series_dir.mkdir(parents=True, exist_ok=True)
    staging_root = Path(tempfile.mkdtemp(dir=request.series_dir, prefix=".import-"))
    try:
        staged = staging_root / "sessions" / request.session_id
        (staged / "recording").mkdir(parents=True)

        def encoded(at: float) -> None:
            share = min(at / duration, 1.0) if duration else 0.0
            task.report(int(_ENCODE * share), 1000, f"encoding the recording: {clock(at)} of "
                        f"{clock(duration)}")

        length = media.encode_variants(
            request.recording, info, staged / AUDIO_FILE if info.has_audio else None,
            staged / VIDEO_FILE if info.has_video else None, task, encoded)
        duration = min(duration, length) if duration else length
        # the last chapter ran to the length the header claimed
        chapters = [replace(c, end=min(c.end, duration)) for c in chapters]
        variants = _variants(request, info, staged)
        slide_files: list[Path] = []
        if request.slides:
            def drawn(done: int, total: int, message: str) -> None:
                task.report(_ENCODE + _SLIDES * done // max(total, 1), 1000, message)

            slide_files = render_slides(request.slides, staged / "slides",
                                        Task(on_progress=drawn, _cancel=task._cancel))
        task.report(_ENCODE + _SLIDES, 1000, "writing the session")
        _write_session(request, staged, duration, variants, slide_files, slide_times, chapters,
                       captions, questions, summary)
        _validate_staged(staging_root, request.session_id)
        task.check()  # the last moment a cancel leaves everything as it was
        created, listed = _ensure_series(request.series_dir, request.session_id)
        target = request.series_dir / "sessions" / request.session_id
        _swap_in(staged, target)
    except BaseException:
        if made_folder:  # made for this import: it goes with it
            shutil.rmtree(staging_root, ignore_errors=True)
            with contextlib.suppress(OSError):
                request.series_dir.rmdir()
        raise
    finally:
        shutil.rmtree(staging_root, ignore_errors=True)
    task.report(1000, 1000, "imported")
    return ImportResult(target, duration,
                        {v["id"]: media.file_size(target / v["file"]) for v in variants},
                        len(slide_files), len(chapters), len(captions), len(questions),
                        created, listed)


def _variants(request: ImportRequest, info: media.MediaInfo, staged: Path) -> list[dict[str, Any]]:
    variants: list[dict[str, Any]] = []
    if info.has_audio:
        variants.append({"id": "audio", "kind": "audio", "file": AUDIO_FILE,
                         "bitrate": media.AUDIO_BITRATE,
                         "label": "Audio and slides (for slow connections)"})
    if info.has_video:
        video = media.probe(staged / VIDEO_FILE)
        variants.append({"id": "video-low", "kind": "video", "file": VIDEO_FILE,
                         "width": video.width, "height": video.height,
                         "label": f"Video {video.height}p"})
    if request.keep_original:
        suffix = request.recording.suffix.lower() or ".mp4"
        name = f"recording/original{suffix}"
        shutil.copyfile(request.recording, staged / name)
        entry: dict[str, Any] = {"id": "original", "kind": "video" if info.has_video
                                 else "audio", "file": name, "label": "Original recording"}
        if info.has_video:
            entry.update(width=info.width, height=info.height)
        variants.append(entry)
    return variants


def _write_session(request: ImportRequest, staged: Path, duration: float,
                   variants: list[dict[str, Any]], slide_files: list[Path],
                   slide_times: list[tuple[float, int]], chapters: list[Cue],
                   captions: list[Cue], questions: list[QAEntry],
                   summary: str | None) -> None:
    recording: dict[str, Any] = {"duration": round(duration, 3), "variants": variants}
    if chapters:
        (staged / "chapters.vtt").write_text(write_vtt(chapters), encoding="utf-8")
        recording["chapters"] = "chapters.vtt"
    if captions:
        name = f"captions.{request.language}.vtt"
        (staged / name).write_text(write_vtt(captions), encoding="utf-8")
        recording["captions"] = {request.language: name}
    if slide_files:
        recording["slides"] = [
            {"file": slide_files[page].relative_to(staged).as_posix(), "at": round(at, 3)}
            for at, page in slide_times]
    data: dict[str, Any] = {
        "title": request.title or request.session_id.replace("-", " ").capitalize(),
        "language": request.language,
    }
    if request.start:
        data["start"] = request.start
    if request.timezone:
        data["timezone"] = request.timezone
    if request.panellists:
        data["panellists"] = [_person(p) for p in request.panellists]
    if request.topics:
        data["topics"] = list(request.topics)
    if summary is not None:
        (staged / "summary.md").write_text(summary, encoding="utf-8")
        data["summary"] = "summary.md"
    if questions:
        (staged / "qa.yaml").write_text(dump_qa(questions), encoding="utf-8")
        data["qa"] = "qa.yaml"
    data["recording"] = recording
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    (staged / "session.yaml").write_text(text, encoding="utf-8")


def _person(text: str) -> dict[str, str]:
    name, _, role = text.partition(",")
    return {"name": name.strip(), "role": role.strip()}


def _validate_staged(staging_root: Path, session_id: str) -> None:
    """Check the new session exactly as `validate` will, before it goes anywhere."""
    files = sorted(p.relative_to(staging_root).as_posix()
                   for p in staging_root.rglob("*") if p.is_file())
    series = SeriesSource(staging_root, {"default_language": "en", "sessions": [session_id]},
                          files=files)
    out = _Collector()
    _load_session(series, session_id, None, out)
    if out.problems:
        raise InputError(out.problems)


def _ensure_series(series_dir: Path, session_id: str) -> tuple[bool, bool]:
    """Create series.yaml if missing; list the session in it if not yet. Returns (created,
    listed)."""
    path = series_dir / SERIES_NAME
    if not path.exists():
        series_id = re.sub(r"[^a-z0-9]+", "-", series_dir.resolve().name.lower()).strip("-")
        data = {"id": series_id or "webinars", "version": "1.0.0", "default_language": "en",
                "languages": ["en"], "title": {"en": series_dir.resolve().name},
                "sessions": [session_id]}
        write_atomic(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode())
        return True, True
    text = read_text(path)
    try:
        sessions = (yaml.safe_load(text) or {}).get("sessions") or []
    except (yaml.YAMLError, AttributeError):
        return False, False
    if session_id in sessions:
        return False, True
    # Add one line under a block list, keeping the trainer's comments and layout.
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(r"^sessions:\s*(#.*)?$", line)),
                 None)
    if start is None:
        return False, False
    last_item, indent = None, "  "
    for index in range(start + 1, len(lines)):
        item = re.match(r"^(\s*)-\s", lines[index])  # PyYAML writes items at the key's indent
        if item:
            last_item, indent = index, item.group(1)
        elif lines[index].strip() and not lines[index].lstrip().startswith("#"):
            break  # the next field: the list has ended
    lines.insert(start + 1 if last_item is None else last_item + 1, f"{indent}- {session_id}")
    new_text = "\n".join(lines) + "\n"
    try:
        listed = (yaml.safe_load(new_text) or {}).get("sessions")
    except yaml.YAMLError:
        listed = None
    if listed != [*sessions, session_id]:
        return False, False  # a layout this does not know: the trainer adds the line
    write_atomic(path, new_text.encode("utf-8"))
    return False, True


def _swap_in(staged: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    old: Path | None = None
    if target.exists():
        old = target.with_name(f".{target.name}.replaced")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(staged, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
