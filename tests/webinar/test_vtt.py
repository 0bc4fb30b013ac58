"""WebVTT in and out: cues, tags, clock forms, and an error naming the line for each mistake."""

from __future__ import annotations

import pytest

from stepcampus.errors import InputError
from stepcampus.webinar.vtt import Cue, clock, format_time, parse_clock, parse_vtt, write_vtt

CAPTIONS = """\ufeffWEBVTT - a session's captions
Kind: captions
Language: en

NOTE written by the trainer's captioning tool,
over two lines

STYLE
::cue { color: yellow }

intro
00:00.500 --> 00:04.250 align:start position:10%
<v Nadia Ferreira>Welcome, <i>everyone</i> &amp; thank you.</v>

00:00:04.600 --> 00:00:09.000
Two lines
of one caption

01:00:00.000 --> 01:00:02,500
An hour in, written with a comma as SubRip does.
"""


def only(exc: pytest.ExceptionInfo[InputError]) -> tuple[str, int | None, str]:
    [problem] = exc.value.problems
    return problem.file, problem.line, problem.message


def test_parse_reads_times_text_and_lines_skipping_header_notes_and_styles() -> None:
    cues = parse_vtt(CAPTIONS, "captions.en.vtt")
    assert [(c.start, c.end, c.line) for c in cues] == [
        (0.5, 4.25, 12), (4.6, 9.0, 15), (3600.0, 3602.5, 19)]
    assert cues[0].text == "<v Nadia Ferreira>Welcome, <i>everyone</i> &amp; thank you.</v>"
    assert cues[0].plain == "Welcome, everyone & thank you."
    assert cues[1].text == "Two lines\nof one caption"


def test_crlf_and_old_mac_line_ends_read_the_same() -> None:
    unix = "WEBVTT\n\n00:01.000 --> 00:02.000\nHello\n"
    for text in (unix.replace("\n", "\r\n"), unix.replace("\n", "\r")):
        assert parse_vtt(text, "x.vtt") == parse_vtt(unix, "x.vtt")


def test_write_then_parse_gives_the_same_cues() -> None:
    cues = [Cue(0.0, 1.5, "<v Joseph>Hello"), Cue(1.5, 3.25, "two\nlines"),
            Cue(3725.125, 3730.0, "past an hour"), Cue(3730.0, 3731.0, "")]
    text = write_vtt(cues)
    assert text.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:01.500\n<v Joseph>Hello\n")
    again = parse_vtt(text, "out.vtt")
    assert [(c.start, c.end, c.text) for c in again] == [
        (0.0, 1.5, "<v Joseph>Hello"), (1.5, 3.25, "two\nlines"),
        (3725.125, 3730.0, "past an hour"), (3730.0, 3731.0, "-")]  # an empty cue stays a cue
    assert write_vtt(again) == text
    # blank lines inside a cue's text would end the cue: they are dropped, not written
    assert parse_vtt(write_vtt([Cue(0, 1, "one\n\ntwo")]), "x")[0].text == "one\ntwo"


def test_sample_files_round_trip(sample_session_dir) -> None:
    for name in ("captions.en.vtt", "chapters.vtt"):
        cues = parse_vtt((sample_session_dir / name).read_text(encoding="utf-8"), name)
        assert cues and all(c.plain for c in cues)
        assert [(c.start, c.end, c.text) for c in parse_vtt(write_vtt(cues), name)] == \
            [(c.start, c.end, c.text) for c in cues]


@pytest.mark.parametrize(("text", "line", "words"), [
    ("", 1, "not a WebVTT file"),
    ("00:01.000 --> 00:02.000\nHello\n", 1, "not a WebVTT file"),
    ("WEBVTTX\n", 1, "not a WebVTT file"),
    ("WEBVTT\n\n00:01.000 --> 00:02.000\nfine\n\njust text\n", 6, "no timing line"),
    ("WEBVTT\n\nid\nstill no timing\n", 3, "no timing line"),
    ("WEBVTT\n\n00:01.000 --> 00:02.000\nfine\n\n00:03 --> 00:04\nno millis\n", 6,
     "bad cue timing"),
    ("WEBVTT\n\n00:61.000 --> 00:62.000\nsixty-one seconds\n", 3, "bad cue timing"),
    ("WEBVTT\n\ncue-7\n00:05.000 --> 00:04.000\nbackwards\n", 4, "ends before it starts"),
    ("WEBVTT\n\n00:05.000 --> 00:06.000\nlater\n\n00:01.000 --> 00:02.000\nearlier\n", 6,
     "out of order"),
])
def test_every_error_names_its_line(text: str, line: int, words: str) -> None:
    with pytest.raises(InputError) as exc:
        parse_vtt(text, "talk.vtt")
    file, at, message = only(exc)
    assert (file, at) == ("talk.vtt", line) and words in message
    assert str(exc.value).startswith(f"talk.vtt:{line}: ")


def test_a_cue_of_no_length_and_equal_starts_are_allowed() -> None:
    cues = parse_vtt("WEBVTT\n\n00:01.000 --> 00:01.000\na\n\n00:01.000 --> 00:03.000\nb\n", "x")
    assert [(c.start, c.end) for c in cues] == [(1.0, 1.0), (1.0, 3.0)]


@pytest.mark.parametrize(("text", "seconds"), [
    ("75", 75.0), (" 4:05 ", 245.0), ("0:00", 0.0), ("04:05", 245.0), ("90:00", 5400.0),
    ("1:02:03", 3723.0), ("01:02:03", 3723.0), ("4:05.5", 245.5), ("4:05,25", 245.25),
    ("00:00:01.000", 1.0),
])
def test_parse_clock_forms(text: str, seconds: float) -> None:
    assert parse_clock(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "abc", "4:5", "4:60", "1:60:00", "-5", "4:05:", "1.5",
                                  "²", "4:05 pm"])
def test_parse_clock_refuses_other_text(text: str) -> None:
    assert parse_clock(text) is None


def test_clock_and_format_time() -> None:
    assert [clock(s) for s in (0, 5.9, 245, 3723, -3)] == ["0:00", "0:05", "4:05", "1:02:03",
                                                           "0:00"]
    assert format_time(3723.4567) == "01:02:03.457"
    assert parse_clock(clock(3723)) == 3723
