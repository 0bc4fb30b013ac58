"""Where a playback position falls: which slide shows, which caption and chapter run.

Called several times a second while a recording plays, so it bisects sorted start times.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from stepcampus.webinar.vtt import Cue


def index_at(starts: Sequence[float], position: float) -> int:
    """The last item starting at or before `position`; -1 before the first one."""
    return bisect_right(starts, position + 1e-6) - 1


class Timeline:
    """Slide changes, chapters and captions of one recording, asked by position."""

    def __init__(self, slide_starts: Sequence[float], chapters: Sequence[Cue],
                 captions: Sequence[Cue]) -> None:
        self.slide_starts = list(slide_starts)
        self.chapters = list(chapters)
        self.captions = list(captions)
        self._chapter_starts = [c.start for c in self.chapters]
        self._caption_starts = [c.start for c in self.captions]

    def slide(self, position: float) -> int:
        """The slide on screen; the first one before it is due (a title slide)."""
        if not self.slide_starts:
            return -1
        return max(index_at(self.slide_starts, position), 0)

    def chapter(self, position: float) -> int:
        return index_at(self._chapter_starts, position)

    def caption(self, position: float) -> int:
        """The caption being spoken, -1 in a silence between cues."""
        index = index_at(self._caption_starts, position)
        if index >= 0 and position > self.captions[index].end:
            return -1
        return index

    def transcript_line(self, position: float) -> int:
        """The transcript paragraph to highlight: the last caption begun, kept through pauses."""
        return index_at(self._caption_starts, position)
