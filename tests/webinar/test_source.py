"""Series and session sources: the sample validates clean; each kind of mistake is reported
once, with its file and line, all at once, and `validate` exits 1."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from stepcampus.cli import main
from stepcampus.coursepack.build import require_source
from stepcampus.webinar.source import SeriesSource, lightest, load_series
from tests.webinar.helpers import SAMPLE_SERIES_DIR, SAMPLE_SESSION, copy_sample_series

SESSION = f"sessions/{SAMPLE_SESSION}"
SESSION_YAML = f"{SESSION}/session.yaml"


def line_of(path: Path, text: str, after: str = "") -> int:
    """1-based line of the first line holding `text` (after the first holding `after`)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and text in line) + 1


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture
def series(tmp_path: Path) -> Path:
    return copy_sample_series(tmp_path / "series")


def test_sample_series_is_clean_and_describes_itself() -> None:
    loaded, problems = load_series(SAMPLE_SERIES_DIR)
    assert problems == [] and isinstance(loaded, SeriesSource)
    described = loaded.describe()
    assert (described["id"], described["version"], described["kind"]) == \
        ("social-protection-in-crises", "1.0.0", "webinar-series")
    [session] = described["sessions"]
    assert session["id"] == SAMPLE_SESSION
    assert session["start"] == "2026-03-12T14:00:00+01:00"  # 14:00 in Berlin, in winter
    assert session["panellists"][0]["name"] == "Nadia Ferreira"
    recording = session["recording"]
    variants = {v["id"]: v for v in recording["variants"]}
    assert list(variants) == ["audio", "video-low", "original"]
    for variant in variants.values():
        assert variant["file"].startswith(f"{SESSION}/recording/")
        assert variant["size"] == (SAMPLE_SERIES_DIR / variant["file"]).stat().st_size
    assert lightest(recording["variants"]) is variants["audio"]
    # the heavier variants wait in a published tree until a learner asks for them
    assert described["on_demand"] == sorted([variants["video-low"]["file"],
                                             variants["original"]["file"]])
    assert [s["at"] for s in recording["slides"]] == sorted(s["at"] for s in recording["slides"])
    assert recording["chapters"] == f"{SESSION}/chapters.vtt"
    assert recording["captions"] == {"en": f"{SESSION}/captions.en.vtt"}
    assert session["summary"] == f"{SESSION}/summary.md" and session["qa"] == f"{SESSION}/qa.yaml"
    assert require_source(SAMPLE_SERIES_DIR).id == "social-protection-in-crises"


def test_validate_command_on_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(SAMPLE_SERIES_DIR)]) == 0
    assert capsys.readouterr().out == (
        "social-protection-in-crises 1.0.0: 1 webinar session, languages en: no problems\n")


# Each breaks a copy of the sample one way and says what validate should print: the file, the
# line (None: the problem has none; SOME_LINE: the YAML parser's), words of the message.
Breakage = Callable[[Path], tuple[str, int | None, str]]
SOME_LINE = -1


def missing_session_folder(root: Path) -> tuple[str, int | None, str]:
    edit(root / "series.yaml", f"- {SAMPLE_SESSION}", f"- {SAMPLE_SESSION}\n- next-month")
    return "series.yaml", line_of(root / "series.yaml", "- next-month"), \
        "session 'next-month' has no sessions/next-month/session.yaml"


def unlisted_session_folder(root: Path) -> tuple[str, int | None, str]:
    (root / "sessions" / "draft").mkdir()
    (root / "sessions" / "draft" / "session.yaml").write_text("title: Draft\n")
    return "sessions/draft/", None, "session 'draft' is not listed in series.yaml"


def session_listed_twice(root: Path) -> tuple[str, int | None, str]:
    edit(root / "series.yaml", f"- {SAMPLE_SESSION}", f"- {SAMPLE_SESSION}\n- {SAMPLE_SESSION}")
    return "series.yaml", line_of(root / "series.yaml", "- linking", after="- linking") + 1, \
        f"session '{SAMPLE_SESSION}' is listed twice"


def bad_series_version(root: Path) -> tuple[str, int | None, str]:
    edit(root / "series.yaml", "version: 1.0.0", "version: '1.0'")
    return "series.yaml", line_of(root / "series.yaml", "version:"), \
        "version '1.0' is not MAJOR.MINOR.PATCH"


def stray_top_level_file(root: Path) -> tuple[str, int | None, str]:
    (root / "notes.txt").write_text("to do\n")
    return "notes.txt", None, "is not part of a webinar series"


def bad_variant_kind(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION_YAML
    edit(path, "kind: video", "kind: film")
    return SESSION_YAML, line_of(path, "kind: film"), "variant kind 'film' is not audio or video"


def missing_variant_file(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION_YAML
    edit(path, "file: recording/video-360p.mp4", "file: recording/video-720p.mp4")
    return SESSION_YAML, line_of(path, "video-720p"), \
        "'recording/video-720p.mp4' does not exist"


def variant_without_file(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION_YAML
    edit(path, "    file: recording/video-360p.mp4\n", "")
    return SESSION_YAML, line_of(path, "id: video-low"), "the variant names no file"


def variant_not_media(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION_YAML
    edit(path, "file: recording/audio.webm", "file: summary.md")
    return SESSION_YAML, line_of(path, "file: summary.md"), "'summary.md' is not a "


def variant_outside_the_session(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION_YAML
    edit(path, "file: recording/audio.webm", "file: ../../series.yaml")
    return SESSION_YAML, line_of(path, "../../series.yaml"), "points outside the session folder"


def slide_times_out_of_order(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION_YAML
    edit(path, "at: 63.972", "at: 20.0")
    return SESSION_YAML, line_of(path, "at: 20.0"), "slides must appear in time order"


def slide_after_the_end(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION_YAML
    edit(path, "at: 201.332", "at: '9:00'")
    return SESSION_YAML, line_of(path, "at: '9:00'"), \
        "slide time '9:00' is not a time within the recording"


def slide_without_file(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION_YAML
    edit(path, "  - file: slides/07.webp\n    at: 201.332", "  - at: 201.332")
    return SESSION_YAML, line_of(path, "at: 201.332"), "the slide names no file"


def bad_time_zone(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION_YAML
    edit(path, "timezone: Europe/Berlin", "timezone: Europe/Berln")
    return SESSION_YAML, line_of(path, "timezone:"), "unknown time zone 'Europe/Berln'"


def bad_time_zone_without_start(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION_YAML
    edit(path, "start: '2026-03-12T14:00:00'\n", "")
    edit(path, "timezone: Europe/Berlin", "timezone: Mars/Olympus")
    return SESSION_YAML, line_of(path, "timezone:"), "unknown time zone 'Mars/Olympus'"


def start_without_zone(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION_YAML
    edit(path, "timezone: Europe/Berlin\n", "")
    return SESSION_YAML, line_of(path, "start:"), "start has no time zone"


def start_not_a_date(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION_YAML
    edit(path, "start: '2026-03-12T14:00:00'", "start: next Thursday")
    return SESSION_YAML, line_of(path, "start:"), "start 'next Thursday' is not a date and time"


def caption_after_the_end(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION / "captions.en.vtt"
    with path.open("a", encoding="utf-8") as out:
        out.write("\n00:05:00.000 --> 00:05:02.000\nThis was never said.\n")
    return f"{SESSION}/captions.en.vtt", line_of(path, "00:05:00.000"), \
        "the cue starts after the end of the recording"


def chapters_out_of_order(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION / "chapters.vtt"
    edit(path, "00:02:14.000 --> 00:03:21.000", "00:00:14.000 --> 00:03:21.000")
    return f"{SESSION}/chapters.vtt", line_of(path, "00:00:14.000"), "cues are out of order"


def qa_answer_after_the_end(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION / "qa.yaml"
    edit(path, "at: 0:55", "at: '9:55'")
    return f"{SESSION}/qa.yaml", line_of(path, "at: '9:55'"), \
        "'at' 9:55 is after the end of the recording (3:50)"


def summary_not_utf8(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION / "summary.md"
    path.write_bytes(b"# Summary\n\nLa protecci\xf3n social\n")
    return f"{SESSION}/summary.md", 3, "is not valid UTF-8 (byte 0xf3)"


def missing_summary(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION_YAML
    edit(path, "summary: summary.md", "summary: summry.md")
    return SESSION_YAML, line_of(path, "summary:"), "'summry.md' does not exist"


def unknown_session_field(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION_YAML
    edit(path, "panellists:", "speakers: []\npanellists:")
    return SESSION_YAML, line_of(path, "speakers:"), "unknown field 'speakers'"


def unknown_caption_language(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION_YAML
    edit(path, "    en: captions.en.vtt", "    english: captions.en.vtt")
    return SESSION_YAML, line_of(path, "english:"), "unknown language 'english'"


def recording_length_not_a_number(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION_YAML
    edit(path, "duration: 230.946", "duration: long")
    return SESSION_YAML, line_of(path, "duration: long"), \
        "duration 'long' is not a number of seconds"


def session_yaml_not_yaml(root: Path) -> tuple[str, int | None, str]:
    path = root / SESSION_YAML
    edit(path, "topics:\n", "topics:\n  - [unclosed\n")
    return SESSION_YAML, SOME_LINE, "invalid YAML"


BREAKAGES: list[Breakage] = [
    missing_session_folder, unlisted_session_folder, session_listed_twice, bad_series_version,
    stray_top_level_file, bad_variant_kind, missing_variant_file, variant_without_file,
    variant_not_media, variant_outside_the_session, slide_times_out_of_order,
    slide_after_the_end, slide_without_file, bad_time_zone, bad_time_zone_without_start,
    start_without_zone, start_not_a_date, caption_after_the_end, chapters_out_of_order,
    qa_answer_after_the_end, summary_not_utf8, missing_summary, unknown_session_field,
    unknown_caption_language, recording_length_not_a_number, session_yaml_not_yaml,
]


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda b: b.__name__)
def test_validate_names_each_mistake_with_file_and_line(series: Path, breakage: Breakage,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    file, line, words = breakage(series)
    assert main(["validate", str(series)]) == 1
    out, err = capsys.readouterr()
    [printed] = out.splitlines()  # one mistake, one line
    where = re.escape(f"{file}:") + r"\d+: " if line == SOME_LINE else \
        re.escape(f"{file}:{line}: " if line else f"{file}: ")
    assert re.match(where, printed), printed
    assert words in printed
    assert err == "1 problem(s) found\n"


def test_every_problem_is_reported_at_once(series: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    expected = [b(series) for b in (bad_variant_kind, slide_times_out_of_order, bad_time_zone,
                                    caption_after_the_end, qa_answer_after_the_end,
                                    unlisted_session_folder)]
    assert main(["validate", str(series)]) == 1
    out, err = capsys.readouterr()
    printed = out.splitlines()
    assert len(printed) == len(expected) and err == f"{len(expected)} problem(s) found\n"
    for file, line, words in expected:
        assert any(p.startswith(f"{file}:{line}: " if line else file) and words in p
                   for p in printed), (file, line, words)
    # and a build refuses the same folder, naming the same problems
    assert main(["build", str(series), "-o", str(series.parent / "dist")]) == 2
    assert capsys.readouterr().err.count("error: ") == len(expected)
    assert not (series.parent / "dist").exists()
