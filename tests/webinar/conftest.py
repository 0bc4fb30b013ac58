"""Webinar fixtures: the sample series' session folder, and small generated inputs (made once
per run, copied before a test may change them)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.webinar.helpers import (
    SAMPLE_SESSION_DIR,
    make_pdf,
    make_talk,
    make_wav,
)


@pytest.fixture(scope="session")
def sample_session_dir() -> Path:
    return SAMPLE_SESSION_DIR


@dataclass(frozen=True)
class Inputs:
    wav: Path  # 3 s of a tone
    mp4: Path  # 6 s, 1280x720, with sound
    webm: Path  # 6 s, 640x360, VP9 and Opus
    pdf: Path  # 3 pages


@pytest.fixture(scope="session")
def media_inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    folder = tmp_path_factory.mktemp("webinar-inputs")
    return Inputs(make_wav(folder / "tone.wav"), make_talk(folder / "talk.mp4"),
                  make_talk(folder / "talk.webm", size=(640, 360), container="webm"),
                  make_pdf(folder / "slides.pdf"))
