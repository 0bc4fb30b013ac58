"""WebVTT in and out: captions, transcripts and chapter lists.

Only what recordings need: cues with a start, an end and text (identifiers, settings and
NOTE/STYLE/REGION blocks are read and kept out of the text). Every error names the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from stepcampus.errors import InputError, Problem

_TIME = r"(?:(\d+):)?([0-5]\d):([0-5]\d)[.,](\d{3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s+-->\s+{_TIME}(?:\s+.*)?$")
_TAG = re.compile(r"<[^>]*>")
MAX_CUES = 100_000


@dataclass(frozen=True)
class Cue:
    start: float  # seconds
    end: float
    text: str
    line: int = 0  # where the cue's timing line is in the file

    @property
    def plain(self) -> str:
        """The text without WebVTT tags (<v Speaker>, <i>) and with entities read."""
        import html

        return html.unescape(_TAG.sub("", self.text)).strip()


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def parse_vtt(text: str, source: str) -> list[Cue]:
    """The cues of a WebVTT file in file order; InputError naming the line if it is not one."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not (lines[0] == "WEBVTT" or lines[0].startswith(("WEBVTT ", "WEBVTT\t"))):
        raise InputError(Problem(source, 1, "is not a WebVTT file (the first line must be "
                                 "'WEBVTT')", "save captions and chapters as .vtt"))
    cues: list[Cue] = []
    index = 1
    while index < len(lines) and lines[index].strip():
        index += 1  # header lines under WEBVTT (Kind:, Language:, as video sites write them)
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        block_start = index
        block: list[str] = []
        while index < len(lines) and lines[index].strip():
            block.append(lines[index])
            index += 1
        if block[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_at = 0 if "-->" in block[0] else 1
        if timing_at >= len(block) or "-->" not in block[timing_at]:
            raise InputError(Problem(source, block_start + 1, "a cue has no timing line",
                                     "write '00:01.000 --> 00:04.000' before the cue text"))
        number = block_start + timing_at + 1
        match = _TIMING.match(block[timing_at])
        if not match:
            raise InputError(Problem(source, number, f"bad cue timing {block[timing_at]!r}",
                                     "write it as HH:MM:SS.mmm --> HH:MM:SS.mmm"))
        start = _seconds(*match.groups()[:4])
        end = _seconds(*match.groups()[4:])
        if end < start:
            raise InputError(Problem(source, number, "the cue ends before it starts"))
        if cues and start < cues[-1].start:
            raise InputError(Problem(source, number, "cues are out of order",
                                     "sort the cues by their start time"))
        cues.append(Cue(start, end, "\n".join(block[timing_at + 1:]), number))
        if len(cues) > MAX_CUES:
            raise InputError(Problem(source, number, f"more than {MAX_CUES} cues"))
    return cues


def format_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def write_vtt(cues: Iterable[Cue]) -> str:
    blocks = ["WEBVTT"]
    for cue in cues:
        text = "\n".join(line for line in cue.text.split("\n") if line.strip()) or "-"
        blocks.append(f"{format_time(cue.start)} --> {format_time(cue.end)}\n{text}")
    return "\n\n".join(blocks) + "\n"


def clock(seconds: float) -> str:
    """A position as people read it: 4:05, or 1:02:03 past an hour."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?$")


def parse_clock(text: str) -> float | None:
    """'4:05', '01:02:03' or '75' (seconds) as seconds; None if it is none of those."""
    text = text.strip()
    if text.isascii() and text.isdigit():  # not '²', a digit float() cannot read
        return float(text)
    match = _CLOCK.match(text)
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    if int(seconds) > 59 or (hours is not None and int(minutes) > 59):
        return None
    return (int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
            + (int(fraction.ljust(3, "0")) / 1000 if fraction else 0.0))
