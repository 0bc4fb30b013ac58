"""An installed webinar series as the desktop reads it: sessions, variants, slides, chapters,
captions, summary and Q&A, from the content store."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stepcampus.coursepack.contentstore import ContentStore
from stepcampus.coursepack.installed import PackageView
from stepcampus.errors import StepCampusError
from stepcampus.webinar.source import KIND
from stepcampus.webinar.timeline import Timeline
from stepcampus.webinar.vtt import Cue, parse_vtt

if TYPE_CHECKING:
    from stepcampus.campus import Campus
    from stepcampus.render.markdown import Rendered
    from stepcampus.webinar.qa import QAEntry


def is_webinar_series(course: dict[str, Any]) -> bool:
    """Whether a package description (a manifest's "course") is a webinar series."""
    return course.get("kind") == KIND


@dataclass(frozen=True)
class Variant:
    id: str
    kind: str  # audio | video
    file: str
    size: int
    label: str = ""
    width: int = 0
    height: int = 0

    @property
    def audio_only(self) -> bool:
        return self.kind == "audio"


@dataclass(frozen=True)
class Slide:
    at: float
    file: str
    title: str = ""


class SessionView:
    def __init__(self, series: SeriesView, data: dict[str, Any]) -> None:
        self.series = series
        self.data = data

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def title(self) -> str:
        return str(self.data["title"])

    @property
    def language(self) -> str:
        return str(self.data.get("language") or self.series.default_language)

    @property
    def start(self) -> str | None:
        return self.data.get("start")

    @property
    def start_time(self) -> datetime | None:
        return datetime.fromisoformat(self.start) if self.start else None

    @property
    def planned_minutes(self) -> int:
        return int(self.data.get("duration") or 90)

    @property
    def panellists(self) -> list[dict[str, str]]:
        return list(self.data.get("panellists") or [])

    @property
    def topics(self) -> list[str]:
        return list(self.data.get("topics") or [])

    @property
    def recording(self) -> dict[str, Any] | None:
        return self.data.get("recording")

    @property
    def recording_duration(self) -> float:
        return float(self.recording["duration"]) if self.recording else 0.0

    # -- variants ----------------------------------------------------------------------------
    @property
    def variants(self) -> list[Variant]:
        if not self.recording:
            return []
        return [Variant(v["id"], v["kind"], v["file"], int(v.get("size") or
                                                             self.series.size_of(v["file"])),
                        v.get("label", ""), int(v.get("width") or 0), int(v.get("height") or 0))
                for v in self.recording["variants"]]

    def variant(self, variant_id: str) -> Variant:
        for variant in self.variants:
            if variant.id == variant_id:
                return variant
        raise StepCampusError(f"session {self.id} has no variant {variant_id!r}")

    def available(self, variant: Variant) -> bool:
        """Whether the variant's file is on this computer (not only fetchable on demand)."""
        return self.series.has(variant.file)

    def default_variant(self) -> Variant | None:
        """The audio with slides if it is here, else the smallest variant here."""
        here = [v for v in self.variants if self.available(v)]
        if not here:
            return None
        return min(here, key=lambda v: (not v.audio_only, v.size))

    def media_path(self, variant: Variant) -> Path:
        """The file to hand the player: the blob itself, in the content store."""
        return self.series.path_of(variant.file)

    # -- timeline ----------------------------------------------------------------------------
    @cached_property
    def slides(self) -> list[Slide]:
        if not self.recording:
            return []
        return [Slide(float(s["at"]), s["file"], s.get("title", ""))
                for s in self.recording.get("slides") or []]

    def slide_image(self, index: int) -> bytes:
        return self.series.read_bytes(self.slides[index].file)

    @cached_property
    def chapters(self) -> list[Cue]:
        name = (self.recording or {}).get("chapters")
        return parse_vtt(self.series.read_text(name), name) if name else []

    def caption_languages(self) -> list[str]:
        return sorted((self.recording or {}).get("captions") or {})

    def captions(self, language: str | None = None) -> list[Cue]:
        """Captions in `language`, else in the session's own language, else any."""
        files: dict[str, str] = (self.recording or {}).get("captions") or {}
        if not files:
            return []
        name = files.get(language or "") or files.get(self.language) or next(
            iter(files.values()))
        return self._cues(name)

    def _cues(self, name: str) -> list[Cue]:
        cache: dict[str, list[Cue]] = self.__dict__.setdefault("_cue_cache", {})
        if name not in cache:
            cache[name] = parse_vtt(self.series.read_text(name), name)
        return cache[name]

    @property
    def transcript(self) -> list[Cue]:
        return self.captions(self.language)

    def timeline(self, caption_language: str | None = None) -> Timeline:
        return Timeline([s.at for s in self.slides], self.chapters,
                        self.captions(caption_language))

    # -- texts --------------------------------------------------------------------------------
    def summary_html(self) -> Rendered | None:
        from stepcampus.render.markdown import render_markdown

        name = self.data.get("summary")
        if not name:
            return None
        return render_markdown(self.series.read_text(name), module_path=name,
                               package_files=frozenset(self.series.files))

    @cached_property
    def questions(self) -> list[QAEntry]:
        from stepcampus.webinar.qa import parse_qa

        name = self.data.get("qa")
        return parse_qa(self.series.read_text(name), name) if name else []


class SeriesView(PackageView):
    def __init__(self, manifest_json: str, content: ContentStore) -> None:
        super().__init__(manifest_json, content)
        if not is_webinar_series(self.course):
            raise StepCampusError(f"{self.course.get('id')} is not a webinar series")

    def description(self, language: str | None = None) -> str:
        texts = self.course.get("description") or {}
        return str(texts.get(language or "", texts.get(self.default_language, "")))

    @property
    def topics(self) -> list[str]:
        return list(self.course.get("topics") or [])

    @property
    def organisers(self) -> list[str]:
        return list(self.course.get("organisers") or [])

    def sessions(self) -> list[SessionView]:
        return [SessionView(self, s) for s in self.course.get("sessions") or []]

    def session(self, session_id: str) -> SessionView:
        for session in self.sessions():
            if session.id == session_id:
                return session
        raise StepCampusError(f"series {self.id} has no session {session_id!r}")

    # -- files -------------------------------------------------------------------------------
    def has(self, path: str) -> bool:
        """Whether the file is on this computer (not only listed, fetchable on demand)."""
        sha = self.files.get(path)
        return sha is not None and self.content.has(sha, self.size_of(path))

    def path_of(self, path: str) -> Path:
        try:
            return self.content.path(self.files[path])
        except KeyError:
            raise StepCampusError(f"series {self.id} has no file {path!r}") from None


def installed_series(campus: Campus) -> list[SeriesView]:
    """Every installed webinar series, by title."""
    found: list[SeriesView] = []
    for row in campus.installed():
        course = json.loads(row.manifest)["course"]
        if is_webinar_series(course):
            found.append(SeriesView(row.manifest, campus.content))
    return found
