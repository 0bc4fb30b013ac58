"""`stepcampus webinar import` on generated recordings and slide decks: the session it writes
validates and plays; a bad input is named and changes nothing; a cancel leaves nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from PIL import Image

from stepcampus.cli import main
from stepcampus.errors import Cancelled
from stepcampus.tasks import Task
from stepcampus.webinar import media
from stepcampus.webinar.importer import ImportRequest, _ensure_series, import_session
from stepcampus.webinar.source import load_series
from stepcampus.webinar.vtt import parse_vtt
from tests.webinar.conftest import Inputs
from tests.webinar.helpers import (
    copy_sample_series,
    cut_in_half,
    make_mp3_with_cover,
    tree_snapshot,
)

SRT = ("1\n00:00:00,500 --> 00:00:02,000\nWelcome, everyone.\n\n"
       "2\n00:00:02,500 --> 00:00:05,000\n<i>Thank you</i> for joining.\n")
SERIES_YAML = """\
# Our webinars: keep this comment
id: our-webinars
version: 1.0.0
default_language: en
languages: [en]
title:
  en: Our webinars
sessions:
  # in the order they took place
  - existing
licence: CC-BY-4.0
"""


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def run_import(series: Path, recording: Path, *options: str) -> int:
    return main(["webinar", "import", str(recording), "--series", str(series), *options])


def leftovers(series: Path) -> list[str]:
    return sorted(p.name for p in series.rglob(".*"))


@pytest.fixture
def small_series(tmp_path: Path) -> Path:
    """A series folder with one session already in it (not a valid one: the importer must not
    care, and must not touch it)."""
    series = tmp_path / "series"
    (series / "sessions" / "existing").mkdir(parents=True)
    (series / "series.yaml").write_text(SERIES_YAML)
    (series / "sessions" / "existing" / "session.yaml").write_text("title: Already here\n")
    return series


def test_import_video_with_slides_chapters_captions_qa_and_summary(
        tmp_path: Path, media_inputs: Inputs, capsys: pytest.CaptureFixture[str]) -> None:
    series = tmp_path / "Regional Webinars"  # does not exist yet: made, with series.yaml
    chapters = write(tmp_path, "chapters.txt", "0:00 Welcome\n0:02 - The problem\n0:04 Close\n")
    qa = write(tmp_path, "qa.csv", "Question;Answer;Asked by;Time\n"
                                   "Who pays?;The treasury, mostly.;Ana;0:03\n")
    captions = write(tmp_path, "talk.srt", SRT)
    summary = write(tmp_path, "summary.md", "# What was said\n\nCash *and* safety nets.\n")
    assert run_import(
        series, media_inputs.mp4, "--session", "march-2026", "--slides", str(media_inputs.pdf),
        "--chapters", str(chapters), "--qa", str(qa), "--captions", str(captions),
        "--summary", str(summary), "--title", "Linking cash and safety nets",
        "--start", "2026-03-12T14:00:00", "--timezone", "Europe/Berlin",
        "--panellist", "Nadia Ferreira, Moderator", "--topic", "cash transfers") == 0
    out = capsys.readouterr().out
    session = series / "sessions" / "march-2026"
    assert out.startswith(f"imported {session} (0:0")
    assert "3 slides, 3 chapters, 2 captions, 1 questions" in out
    assert "made " in out and "series.yaml" in out

    # the series and its new session validate as a build will check them
    assert main(["validate", str(series)]) == 0
    assert capsys.readouterr().out == \
        "regional-webinars 1.0.0: 1 webinar session, languages en: no problems\n"
    assert yaml.safe_load((series / "series.yaml").read_text())["sessions"] == ["march-2026"]
    assert leftovers(series) == []

    data = yaml.safe_load((session / "session.yaml").read_text())
    assert data["title"] == "Linking cash and safety nets"
    assert data["panellists"] == [{"name": "Nadia Ferreira", "role": "Moderator"}]
    recording = data["recording"]
    assert 5.0 <= recording["duration"] <= 6.0
    variants = {v["id"]: v for v in recording["variants"]}
    assert list(variants) == ["audio", "video-low", "original"]
    assert (variants["video-low"]["width"], variants["video-low"]["height"]) == (640, 360)
    sizes = {k: (session / v["file"]).stat().st_size for k, v in variants.items()}
    assert sizes["original"] == media_inputs.mp4.stat().st_size
    # Opus at 16 kbit/s: ~2 KB a second, a small share of even this flat-coloured original
    assert 4_000 < sizes["audio"] < 25_000 and sizes["audio"] * 5 < sizes["original"]
    assert 0 < sizes["video-low"] < sizes["original"]

    audio = media.probe(session / variants["audio"]["file"])
    assert audio.has_audio and not audio.has_video and audio.duration == pytest.approx(6, abs=0.5)
    video = media.probe(session / variants["video-low"]["file"])
    assert (video.has_audio, video.has_video, video.width, video.height) == (True, True, 640, 360)

    # one slide a chapter, since no slide times were given
    assert [s["at"] for s in recording["slides"]] == [0.0, 2.0, 4.0]
    for slide in recording["slides"]:
        with Image.open(session / slide["file"]) as image:
            assert image.format == "WEBP" and image.width == 1280
    cues = parse_vtt((session / recording["chapters"]).read_text(), "chapters.vtt")
    assert [(c.start, c.end, c.text) for c in cues] == [
        (0.0, 2.0, "Welcome"), (2.0, 4.0, "The problem"),
        (4.0, pytest.approx(recording["duration"], abs=1e-3), "Close")]  # not past its end
    captions_file = session / recording["captions"]["en"]
    assert captions_file.name == "captions.en.vtt"
    assert [c.plain for c in parse_vtt(captions_file.read_text(), "c")] == [
        "Welcome, everyone.", "Thank you for joining."]
    assert yaml.safe_load((session / "qa.yaml").read_text()) == [
        {"id": "q001", "question": "Who pays?", "answer": "The treasury, mostly.",
         "asked_by": "Ana", "at": "0:03"}]
    assert (session / "summary.md").read_text().startswith("# What was said")


def test_import_audio_into_the_sample_series_keeps_its_comments(
        tmp_path: Path, media_inputs: Inputs, capsys: pytest.CaptureFixture[str]) -> None:
    series = copy_sample_series(tmp_path / "series")
    before = (series / "series.yaml").read_text()
    times = write(tmp_path, "times.txt", "\ufeff# when the slides changed\n0:00\n0:01 3\n"
                                         "0:02 2  # back to the second\n")
    qa = write(tmp_path, "qa.md", "## Who pays?\nAt: 0:02\nThe treasury.\n")
    assert run_import(series, media_inputs.wav, "--session", "april-2026", "--slides",
                      str(media_inputs.pdf), "--slide-times", str(times), "--qa", str(qa)) == 0
    capsys.readouterr()
    after = (series / "series.yaml").read_text()
    assert after == before.replace("- linking-cash-and-safety-nets\n",
                                   "- linking-cash-and-safety-nets\n- april-2026\n")
    assert main(["validate", str(series)]) == 0
    assert "2 webinar sessions" in capsys.readouterr().out
    loaded, _ = load_series(series)
    assert loaded is not None
    session = loaded.sessions[1]
    assert session["title"] == "April 2026"
    variants = session["recording"]["variants"]
    assert [(v["id"], v["kind"]) for v in variants] == [("audio", "audio"), ("original", "audio")]
    assert variants[1]["file"].endswith("recording/original.wav")
    assert [(s["at"], s["file"].rsplit("/", 1)[1]) for s in session["recording"]["slides"]] == [
        (0.0, "01.webp"), (1.0, "03.webp"), (2.0, "02.webp")]
    assert loaded.on_demand() == sorted(
        [v["file"] for v in loaded.sessions[0]["recording"]["variants"][1:]]
        + [variants[1]["file"]])


def test_an_mp3_with_a_cover_picture_is_a_sound_recording(tmp_path: Path,
                                                          small_series: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    mp3 = make_mp3_with_cover(tmp_path / "episode.mp3")
    assert run_import(small_series, mp3, "--session", "episode") == 0
    capsys.readouterr()
    data = yaml.safe_load((small_series / "sessions/episode/session.yaml").read_text())
    assert [(v["id"], v["kind"], v["file"]) for v in data["recording"]["variants"]] == [
        ("audio", "audio", "recording/audio.webm"),
        ("original", "audio", "recording/original.mp3")]  # no "video" of one cover picture
    assert 2.5 < data["recording"]["duration"] <= 3.1


def test_replace_imports_a_session_again(small_series: Path, media_inputs: Inputs,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert run_import(small_series, media_inputs.wav, "--session", "existing", "--replace",
                      "--no-original", "--title", "Again") == 0
    capsys.readouterr()
    session = small_series / "sessions" / "existing"
    data = yaml.safe_load((session / "session.yaml").read_text())
    assert data["title"] == "Again" and [v["id"] for v in data["recording"]["variants"]] == \
        ["audio"]
    assert sorted(p.name for p in (session / "recording").iterdir()) == ["audio.webm"]
    assert (small_series / "series.yaml").read_text() == SERIES_YAML  # already listed
    assert leftovers(small_series) == []


# -- bad inputs: named, and nothing changes ----------------------------------------------------

def _corrupt(tmp: Path, inputs: Inputs) -> tuple[list[str], str, str]:
    path = tmp / "recording.mp4"
    path.write_bytes(os.urandom(64 * 1024))
    return [str(path)], str(path), "the recording cannot be read"


def _truncated_mp4(tmp: Path, inputs: Inputs) -> tuple[list[str], str, str]:
    path = cut_in_half(inputs.mp4, tmp / "half.mp4")
    return [str(path)], str(path), "the recording "


def _truncated_webm(tmp: Path, inputs: Inputs) -> tuple[list[str], str, str]:
    path = cut_in_half(inputs.webm, tmp / "half.webm")
    return [str(path)], str(path), "the file is truncated"


def _not_a_pdf(tmp: Path, inputs: Inputs) -> tuple[list[str], str, str]:
    path = write(tmp, "slides.pdf", "These are my slides, honestly.\n")
    return [str(inputs.wav), "--slides", str(path), "--slide-times",
            str(write(tmp, "t.txt", "0:00\n"))], str(path), "is not a readable PDF"


def _qa_latin_1(tmp: Path, inputs: Inputs) -> tuple[list[str], str, str]:
    path = write(tmp, "qa.csv", "question,answer\nWhy?,Ça dépend\n", encoding="latin-1")
    return [str(inputs.wav), "--qa", str(path)], f"{path}:2", "is not valid UTF-8"


def _bad_chapter_line(tmp: Path, inputs: Inputs) -> tuple[list[str], str, str]:
    path = write(tmp, "chapters.txt", "0:00 Welcome\n\nabout a minute in: questions\n")
    return [str(inputs.wav), "--chapters", str(path)], f"{path}:3", "cannot read"


def _chapter_after_the_end(tmp: Path, inputs: Inputs) -> tuple[list[str], str, str]:
    path = write(tmp, "chapters.txt", "0:00 Welcome\n9:00 Questions\n")
    return [str(inputs.wav), "--chapters", str(path)], f"{path}:2", "after the end"


def _slide_page_missing(tmp: Path, inputs: Inputs) -> tuple[list[str], str, str]:
    path = write(tmp, "times.txt", "0:00 1\n0:01 5\n")
    return [str(inputs.wav), "--slides", str(inputs.pdf), "--slide-times", str(path)], \
        f"{path}:2", "page 5 is not in the slides (they have 3)"


def _slides_without_times(tmp: Path, inputs: Inputs) -> tuple[list[str], str, str]:
    chapters = write(tmp, "chapters.txt", "0:00 Only one\n")
    return [str(inputs.wav), "--slides", str(inputs.pdf), "--chapters", str(chapters)], \
        str(chapters), "cannot tell when each of the 3 slides appears (1 chapters)"


def _captions_after_the_end(tmp: Path, inputs: Inputs) -> tuple[list[str], str, str]:
    path = write(tmp, "c.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n\n"
                               "00:10.000 --> 00:11.000\nLate\n")
    return [str(inputs.wav), "--captions", str(path)], f"{path}:6", "after the end"


def _existing_session(tmp: Path, inputs: Inputs) -> tuple[list[str], str, str]:
    return [str(inputs.wav), "--session", "existing"], "existing", \
        "already exists (give --replace to import the session again)"


def _missing_summary(tmp: Path, inputs: Inputs) -> tuple[list[str], str, str]:
    return [str(inputs.wav), "--summary", str(tmp / "nope.md")], str(tmp / "nope.md"), \
        "no such file"


def _bad_time_zone(tmp: Path, inputs: Inputs) -> tuple[list[str], str, str]:
    return [str(inputs.wav), "--start", "2026-03-12T14:00", "--timezone", "Europe/Berln"], \
        "--timezone", "unknown time zone 'Europe/Berln'"


def _start_without_zone(tmp: Path, inputs: Inputs) -> tuple[list[str], str, str]:
    return [str(inputs.wav), "--start", "2026-03-12T14:00"], "--start", "has no time zone"


def _unknown_language(tmp: Path, inputs: Inputs) -> tuple[list[str], str, str]:
    return [str(inputs.wav), "--language", "english"], "--language", "unknown language"


def _recording_format_not_kept(tmp: Path, inputs: Inputs) -> tuple[list[str], str, str]:
    path = tmp / "talk.avi"
    path.write_bytes(inputs.wav.read_bytes())
    return [str(path)], str(path), "--no-original"


BAD_INPUTS = [_corrupt, _truncated_mp4, _truncated_webm, _not_a_pdf, _qa_latin_1,
              _bad_chapter_line, _chapter_after_the_end, _slide_page_missing,
              _slides_without_times, _captions_after_the_end, _existing_session,
              _missing_summary, _bad_time_zone, _start_without_zone, _unknown_language,
              _recording_format_not_kept]


@pytest.mark.parametrize("bad", BAD_INPUTS, ids=lambda f: f.__name__.strip("_"))
def test_bad_input_is_named_and_changes_nothing(tmp_path: Path, small_series: Path,
                                                media_inputs: Inputs, bad,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    args, named, words = bad(inputs, media_inputs)
    if "--session" not in args:
        args += ["--session", "new-one"]
    before = tree_snapshot(small_series)
    assert main(["webinar", "import", *args, "--series", str(small_series)]) == 2
    err = capsys.readouterr().err
    first = err.splitlines()[0]
    assert first.startswith("error: ") and named in first and words in err, err
    assert tree_snapshot(small_series) == before  # series.yaml unchanged, no session folder
    assert leftovers(small_series) == []  # and no .import-* staging folder


def test_a_failed_import_into_a_new_folder_leaves_no_folder(tmp_path: Path,
                                                            media_inputs: Inputs) -> None:
    series = tmp_path / "new-series"
    half = cut_in_half(media_inputs.webm, tmp_path / "half.webm")
    assert run_import(series, half, "--session", "one") == 2
    assert not series.exists()


def test_bad_inputs_are_found_before_the_long_work(tmp_path: Path, small_series: Path,
                                                   media_inputs: Inputs,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def no_encoding(*args: object, **kwargs: object) -> float:
        raise AssertionError("transcoding started before the inputs were checked")

    monkeypatch.setattr(media, "encode_variants", no_encoding)
    for bad in (_not_a_pdf, _qa_latin_1, _bad_chapter_line, _slide_page_missing,
                _bad_time_zone, _start_without_zone, _unknown_language,
                _recording_format_not_kept):
        folder = tmp_path / bad.__name__
        folder.mkdir()
        args, _named, _words = bad(folder, media_inputs)
        assert main(["webinar", "import", *args, "--session", "x", "--series",
                     str(small_series)]) == 2, bad.__name__


@pytest.mark.parametrize("during", ["encoding the recording", "slide 2 of 3"])
def test_cancel_mid_way_leaves_nothing(small_series: Path, media_inputs: Inputs,
                                       during: str) -> None:
    task: Task
    seen: list[str] = []

    def progress(done: int, total: int, message: str) -> None:
        seen.append(message)
        if message.startswith(during) and not task.cancelled:
            task.cancel()

    task = Task(on_progress=progress)
    before = tree_snapshot(small_series)
    request = ImportRequest(small_series, "cancelled", media_inputs.mp4, slides=media_inputs.pdf,
                            slide_times=write(small_series.parent, "t.txt", "0:00\n0:01\n0:02\n"))
    with pytest.raises(Cancelled):
        import_session(request, task)
    assert any(m.startswith(during) for m in seen)
    # Stopped where it was: no later step began once the cancel was asked for.
    asked = next(i for i, m in enumerate(seen) if m.startswith(during))
    assert all(m.startswith(during) for m in seen[asked:]), seen[asked:]
    assert tree_snapshot(small_series) == before and leftovers(small_series) == []


# -- listing the session in series.yaml --------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    # PyYAML's own layout (the sample's): items at the key's indent
    ("id: s\nsessions:\n- one\n- two\nlicence: x\n",
     "id: s\nsessions:\n- one\n- two\n- new\nlicence: x\n"),
    # indented items, a comment among them, a comment after
    ("sessions:  # in order\n  - one\n  # two was cancelled\n  - three\n\n# the end\n",
     "sessions:  # in order\n  - one\n  # two was cancelled\n  - three\n  - new\n\n# the end\n"),
    ("title: {en: T}\nsessions:\n", "title: {en: T}\nsessions:\n  - new\n"),
])
def test_the_new_session_is_listed_keeping_the_layout(tmp_path: Path, text: str,
                                                      expected: str) -> None:
    (tmp_path / "series.yaml").write_text(text)
    assert _ensure_series(tmp_path, "new") == (False, True)
    assert (tmp_path / "series.yaml").read_text() == expected
    assert _ensure_series(tmp_path, "new") == (False, True)  # listed once
    assert (tmp_path / "series.yaml").read_text() == expected


def test_a_series_yaml_it_cannot_extend_is_left_alone(tmp_path: Path) -> None:
    for text in ("sessions: [one, two]\n", "sessions: [one,\n  two]\n", "- not a mapping\n"):
        (tmp_path / "series.yaml").write_text(text)
        assert _ensure_series(tmp_path, "new") == (False, False)
        assert (tmp_path / "series.yaml").read_text() == text
