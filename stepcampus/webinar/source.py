"""Read a webinar series source folder into a checked description, every problem at once.

    series.yaml                        the series: id, version, titles, sessions in order
    sessions/SESSION/session.yaml      one webinar: when, who, the recording and its parts
    sessions/SESSION/summary.md        the written summary (Markdown)
    sessions/SESSION/qa.yaml           the Q&A compilation
    sessions/SESSION/chapters.vtt      chapters; captions.LANG.vtt captions and transcript
    sessions/SESSION/slides/, recording/   slide images and the recording's variants

`stepcampus webinar import` writes a session folder; `stepcampus build` packages the series
exactly as it packages a course: signed, content-addressed, installed the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from stepcampus.coursepack.languages import is_known_language
from stepcampus.coursepack.source import (
    ID_PATTERN,
    VERSION_PATTERN,
    _Collector,
    _read_yaml,
    _unknown_fields,
    open_source,
    read_text,
)
from stepcampus.coursepack.yamlfile import Located
from stepcampus.errors import InputError, Problem

SERIES_NAME = "series.yaml"
KIND = "webinar-series"
SERIES_FIELDS = ("id", "version", "default_language", "languages", "title", "description",
                 "organisers", "topics", "licence", "sessions")
SESSION_FIELDS = ("title", "language", "start", "timezone", "duration", "panellists",
                  "organisers", "topics", "summary", "qa", "recording")
RECORDING_FIELDS = ("duration", "variants", "chapters", "captions", "slides")
VARIANT_FIELDS = ("id", "kind", "file", "width", "height", "bitrate", "label")
VARIANT_KINDS = ("audio", "video")
# The variants the importer writes, and the originals recording tools export (kept as made).
MEDIA_SUFFIXES = {".webm", ".ogg", ".opus", ".mp4", ".m4a", ".mp3", ".mkv", ".wav", ".flac",
                  ".mov", ".m4v"}
IMAGE_SUFFIXES = {".webp", ".png", ".jpg", ".jpeg"}


@dataclass
class SeriesSource:
    root: Path
    meta: dict[str, Any]
    sessions: list[dict[str, Any]] = field(default_factory=list)  # described, in order
    files: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.meta["id"])

    @property
    def version(self) -> str:
        return str(self.meta["version"])

    @property
    def manifest_name(self) -> str:
        return SERIES_NAME

    def on_demand(self) -> list[str]:
        """Variants a learner on a slow line fetches only when they ask: all but the lightest
        of each recording (the audio with the slides, when there is one)."""
        found: list[str] = []
        for session in self.sessions:
            variants = (session.get("recording") or {}).get("variants") or []
            light = lightest(variants)
            found += [v["file"] for v in variants if v is not light]
        return sorted(found)

    def describe(self) -> dict[str, Any]:
        meta = self.meta
        return {
            "id": meta["id"],
            "version": meta["version"],
            "kind": KIND,
            "default_language": meta["default_language"],
            "languages": list(meta["languages"]),
            "title": dict(meta["title"]),
            "description": dict(meta.get("description") or {}),
            "organisers": list(meta.get("organisers") or []),
            "topics": list(meta.get("topics") or []),
            "licence": meta.get("licence", ""),
            "sessions": self.sessions,
            "on_demand": self.on_demand(),
        }


def lightest(variants: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The variant to fetch and play by default: audio first, then the smallest file."""
    if not variants:
        return None
    return min(variants, key=lambda v: (v.get("kind") != "audio", v.get("size", 0)))


def load_series(root: Path) -> tuple[SeriesSource | None, list[Problem]]:
    out = _Collector()
    root = Path(root)
    opened = open_source(root, SERIES_NAME, "series", out)
    if opened is None:
        return None, out.problems
    files, doc = opened
    meta = _check_series(doc, out)
    if meta is None:
        return None, sorted(set(out.problems))
    series = SeriesSource(root, meta, files=files)
    listed = set(meta["sessions"])
    present = {PurePosixPath(f).parts[1] for f in files
               if f.startswith("sessions/") and len(PurePosixPath(f).parts) > 2}
    for extra in sorted(present - listed):
        out.add(f"sessions/{extra}/", None, f"session {extra!r} is not listed in series.yaml",
                "add it to sessions or remove the folder")
    for top in sorted({PurePosixPath(f).parts[0] for f in files} - {SERIES_NAME, "sessions"}):
        out.add(top, None, "is not part of a webinar series", "put session files under "
                "sessions/SESSION/")
    for index, session_id in enumerate(meta["sessions"]):
        described = _load_session(series, session_id, doc.line("sessions", index), out)
        if described is not None:
            series.sessions.append(described)
    return series, sorted(set(out.problems), key=lambda p: (p.file, p.line or 0, p.message))


def require_series(root: Path) -> SeriesSource:
    series, problems = load_series(root)
    if problems or series is None:
        raise InputError(problems)
    return series


def _check_series(doc: Located, out: _Collector) -> dict[str, Any] | None:
    data = doc.data
    if not isinstance(data, dict):
        out.add(SERIES_NAME, 1, "must be a mapping of fields", "see the authoring guide")
        return None
    _unknown_fields(data, SERIES_FIELDS, doc, SERIES_NAME, out)
    missing = [k for k in ("id", "version", "default_language", "languages", "title",
                           "sessions") if k not in data]
    for key in missing:
        out.add(SERIES_NAME, doc.line(), f"the field '{key}' is missing",
                "add it as the authoring guide shows")
    if missing:
        return None
    ok = True

    def bad(key: str, message: str, hint: str = "") -> None:
        nonlocal ok
        ok = False
        out.add(SERIES_NAME, doc.line(key), message, hint)

    if not isinstance(data["id"], str) or not ID_PATTERN.match(data["id"]):
        bad("id", f"id {data['id']!r} is not valid", "use lower-case letters, digits and hyphens")
    if not isinstance(data["version"], str) or not VERSION_PATTERN.match(data["version"]):
        bad("version", f"version {data['version']!r} is not MAJOR.MINOR.PATCH",
            "write it as a quoted string such as '1.0.0'")
    languages = data["languages"]
    if not isinstance(languages, list) or not languages or not all(
            isinstance(lang, str) and is_known_language(lang) for lang in languages):
        bad("languages", "languages must list ISO 639-1 codes", "e.g. [en, fr]")
    elif data["default_language"] not in languages:
        bad("default_language", f"default language {data['default_language']!r} is not in "
            "languages")
    title = data["title"]
    if not isinstance(title, dict) or not all(isinstance(v, str) and v.strip()
                                              for v in title.values()) \
            or data["default_language"] not in title:
        bad("title", "title must map each language, the default one included, to a text",
            "e.g. en: Social protection in crises")
    if not isinstance(data.get("description", {}), dict):
        bad("description", "description must map languages to text")
    for key in ("organisers", "topics"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            bad(key, f"{key} must be a list of names")
    sessions = data["sessions"]
    if not isinstance(sessions, list) or not sessions:
        bad("sessions", "sessions must list the session folders in order")
        sessions = []
    seen: set[str] = set()
    for index, session_id in enumerate(sessions):
        if not isinstance(session_id, str) or not ID_PATTERN.match(session_id):
            out.add(SERIES_NAME, doc.line("sessions", index),
                    f"session id {session_id!r} is not valid",
                    "use lower-case letters, digits and hyphens, as in the folder name")
            ok = False
        elif session_id in seen:
            out.add(SERIES_NAME, doc.line("sessions", index),
                    f"session {session_id!r} is listed twice")
            ok = False
        seen.add(str(session_id))
    return data if ok else None


def _load_session(series: SeriesSource, session_id: str, listed_at: int | None,
                  out: _Collector) -> dict[str, Any] | None:
    base = f"sessions/{session_id}"
    rel = f"{base}/session.yaml"
    if rel not in series.files:
        out.add(SERIES_NAME, listed_at, f"session {session_id!r} has no {rel}",
                "run 'stepcampus webinar import' or write session.yaml")
        return None
    doc = _read_yaml(series.root, rel, out)
    if doc is None:
        return None
    data = doc.data
    if not isinstance(data, dict):
        out.add(rel, 1, "must be a mapping of fields")
        return None
    before = len(out.problems)
    _unknown_fields(data, SESSION_FIELDS, doc, rel, out)
    check = _SessionCheck(series, base, rel, doc, out)
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        out.add(rel, doc.line("title") or 1, "the session has no title", "add 'title:'")
    language = data.get("language", series.meta["default_language"])
    if not isinstance(language, str) or not is_known_language(language):
        out.add(rel, doc.line("language"), f"unknown language {language!r}",
                "use an ISO 639-1 code such as en")
    start = check.start(data.get("start"), data.get("timezone"))
    duration = data.get("duration", 90)
    if isinstance(duration, bool) or not isinstance(duration, int) or duration <= 0:
        out.add(rel, doc.line("duration"), f"duration {duration!r} is not a number of minutes")
    panellists = check.people(data.get("panellists", []), "panellists")
    organisers = data.get("organisers", [])
    topics = data.get("topics", [])
    for key, value in (("organisers", organisers), ("topics", topics)):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            out.add(rel, doc.line(key), f"{key} must be a list of names")
    summary = check.file(data.get("summary"), "summary", {".md"})
    if summary:
        check.text(summary)
    recording = check.recording(data.get("recording"))
    qa = check.file(data.get("qa"), "qa", {".yaml", ".yml"})
    if qa:
        from stepcampus.webinar.qa import parse_qa

        text = read_text(series.root, qa, out)
        if text is not None:
            try:
                parse_qa(text, qa, check.duration)  # even if another part of it is wrong
            except InputError as exc:
                out.absorb(exc)
    if len(out.problems) > before:
        return None
    return {"id": session_id, "title": title.strip(), "language": language,
            "start": start, "timezone": data.get("timezone", ""), "duration": duration,
            "panellists": panellists, "organisers": list(organisers), "topics": list(topics),
            "summary": summary, "qa": qa, "recording": recording}


class _SessionCheck:
    """The checks of one session.yaml, each naming the line of the field it checks."""

    def __init__(self, series: SeriesSource, base: str, rel: str, doc: Located,
                 out: _Collector) -> None:
        self.series, self.base, self.rel, self.doc, self.out = series, base, rel, doc, out
        self.duration: float | None = None  # the recording's, once it is known to be valid

    def bad(self, path: tuple[Any, ...], message: str, hint: str = "") -> None:
        self.out.add(self.rel, self.doc.line(*path), message, hint)

    def start(self, value: Any, zone: Any) -> str | None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        if zone is not None:  # checked even without a start: it goes into the manifest
            try:
                tz = ZoneInfo(str(zone))
            except (ZoneInfoNotFoundError, ValueError):
                self.bad(("timezone",), f"unknown time zone {zone!r}",
                         "use a name such as Europe/Berlin or America/Bogota")
                return None
        if value is None:
            return None
        try:
            when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        except ValueError:
            self.bad(("start",), f"start {value!r} is not a date and time",
                     "write it as 2026-03-12T14:00:00")
            return None
        if when.tzinfo is None:
            if zone is None:
                self.bad(("start",), "start has no time zone",
                         "add 'timezone: Europe/Berlin' (the organiser's zone)")
                return None
            when = when.replace(tzinfo=tz)
        return when.isoformat()

    def people(self, value: Any, key: str) -> list[dict[str, str]]:
        found: list[dict[str, str]] = []
        if not isinstance(value, list):
            self.bad((key,), f"{key} must be a list", "write '- name: ...' and 'role: ...'")
            return found
        for index, person in enumerate(value):
            if isinstance(person, str):
                person = {"name": person}
            if not isinstance(person, dict) or not isinstance(person.get("name"), str):
                self.bad((key, index), "each person needs a 'name'")
                continue
            found.append({"name": person["name"], "role": str(person.get("role") or "")})
        return found

    def file(self, value: Any, key: str | tuple[Any, ...], suffixes: set[str]) -> str | None:
        """A file named in session.yaml, relative to the session folder, as a package path."""
        path = key if isinstance(key, tuple) else (key,)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.bad(path, f"{path[-1]} must name a file")
            return None
        parts = PurePosixPath(value).parts
        if PurePosixPath(value).is_absolute() or ".." in parts or "\\" in value:
            self.bad(path, f"{value!r} points outside the session folder",
                     "name a file inside the session folder")
            return None
        full = f"{self.base}/{PurePosixPath(value).as_posix()}"
        if full not in self.series.files:
            self.bad(path, f"{value!r} does not exist", "check the file name; paths are "
                     "relative to session.yaml")
            return None
        if PurePosixPath(value).suffix.lower() not in suffixes:
            self.bad(path, f"{value!r} is not a {' or '.join(sorted(suffixes))} file")
            return None
        return full

    def text(self, full: str) -> str | None:
        return read_text(self.series.root, full, self.out)

    def vtt(self, value: Any, path: tuple[Any, ...], duration: float) -> str | None:
        from stepcampus.webinar.vtt import parse_vtt

        full = self.file(value, path, {".vtt"})
        text = self.text(full) if full else None
        if text is None:
            return None
        try:
            cues = parse_vtt(text, full or "")
        except InputError as exc:
            self.out.absorb(exc)
            return None
        late = next((c for c in cues if c.start > duration + 1), None)
        if late is not None:
            self.out.add(full or "", late.line, "the cue starts after the end of the recording")
            return None
        return full

    def recording(self, value: Any) -> dict[str, Any] | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.bad(("recording",), "recording must be a mapping of fields")
            return None
        before = len(self.out.problems)
        for key in value:
            if key not in RECORDING_FIELDS:
                self.bad(("recording", key), f"unknown field {key!r}",
                         "known fields: " + ", ".join(RECORDING_FIELDS))
        duration = value.get("duration")
        if isinstance(duration, bool) or not isinstance(duration, int | float) or duration <= 0:
            self.bad(("recording", "duration"), f"duration {duration!r} is not a number of "
                     "seconds")
            return None
        self.duration = float(duration)
        variants = self.variants(value.get("variants"))
        chapters = self.vtt(value.get("chapters"), ("recording", "chapters"), duration) \
            if value.get("chapters") is not None else None
        captions: dict[str, str] = {}
        raw_captions = value.get("captions") or {}
        if not isinstance(raw_captions, dict):
            self.bad(("recording", "captions"), "captions must map a language to a .vtt file",
                     "e.g. en: captions.en.vtt")
        else:
            for lang, name in raw_captions.items():
                if not isinstance(lang, str) or not is_known_language(lang):
                    self.bad(("recording", "captions", lang), f"unknown language {lang!r}")
                    continue
                found = self.vtt(name, ("recording", "captions", lang), duration)
                if found:
                    captions[lang] = found
        slides = self.slides(value.get("slides", []), duration)
        if len(self.out.problems) > before:
            return None
        return {"duration": float(duration), "variants": variants, "chapters": chapters,
                "captions": captions, "slides": slides}

    def variants(self, value: Any) -> list[dict[str, Any]]:
        path: tuple[Any, ...] = ("recording", "variants")
        if not isinstance(value, list) or not value:
            self.bad(path, "a recording needs at least one variant",
                     "list its files under 'variants:'")
            return []
        found: list[dict[str, Any]] = []
        seen: set[str] = set()
        for index, variant in enumerate(value):
            at = (*path, index)
            if not isinstance(variant, dict):
                self.bad(at, "a variant must be a mapping of fields")
                continue
            for key in variant:
                if key not in VARIANT_FIELDS:
                    self.bad((*at, key), f"unknown field {key!r}",
                             "known fields: " + ", ".join(VARIANT_FIELDS))
            variant_id, kind = variant.get("id"), variant.get("kind")
            if not isinstance(variant_id, str) or not ID_PATTERN.match(variant_id) \
                    or variant_id in seen:
                self.bad((*at, "id"), f"variant id {variant_id!r} is missing, invalid or "
                         "used twice")
                continue
            seen.add(variant_id)
            if kind not in VARIANT_KINDS:
                self.bad((*at, "kind"), f"variant kind {kind!r} is not audio or video")
                continue
            if variant.get("file") is None:
                self.bad(at, "the variant names no file", "add 'file: recording/...'")
                continue
            full = self.file(variant.get("file"), (*at, "file"), MEDIA_SUFFIXES)
            if full is None:
                continue
            size = (self.series.root / full).stat().st_size
            entry: dict[str, Any] = {"id": variant_id, "kind": kind, "file": full, "size": size}
            for key in ("width", "height", "bitrate"):
                number = variant.get(key)
                if number is not None:
                    if isinstance(number, bool) or not isinstance(number, int) or number <= 0:
                        self.bad((*at, key), f"{key} must be a positive whole number")
                        continue
                    entry[key] = number
            if isinstance(variant.get("label"), str):
                entry["label"] = variant["label"]
            found.append(entry)
        return found

    def slides(self, value: Any, duration: float) -> list[dict[str, Any]]:
        path: tuple[Any, ...] = ("recording", "slides")
        if not isinstance(value, list):
            self.bad(path, "slides must be a list of 'file:' and 'at:' pairs")
            return []
        found: list[dict[str, Any]] = []
        previous = -1.0
        for index, slide in enumerate(value):
            at_path = (*path, index)
            if not isinstance(slide, dict):
                self.bad(at_path, "each slide needs 'file:' and 'at:'")
                continue
            from stepcampus.webinar.vtt import parse_clock

            raw_at = slide.get("at")
            at = float(raw_at) if isinstance(raw_at, int | float) and not isinstance(
                raw_at, bool) else parse_clock(str(raw_at)) if raw_at is not None else None
            if at is None or at < 0 or at > duration + 1:
                self.bad((*at_path, "at"), f"slide time {raw_at!r} is not a time within the "
                         "recording", "write seconds or minutes:seconds such as 4:05")
                continue
            if at <= previous:
                self.bad((*at_path, "at"), "slides must appear in time order",
                         "each slide's 'at' must be later than the one before")
                continue
            previous = at
            if slide.get("file") is None:
                self.bad(at_path, "the slide names no file", "add 'file: slides/...'")
                continue
            full = self.file(slide.get("file"), (*at_path, "file"), IMAGE_SUFFIXES)
            if full is not None:
                entry: dict[str, Any] = {"file": full, "at": at}
                if isinstance(slide.get("title"), str):
                    entry["title"] = slide["title"]
                found.append(entry)
        return found
