"""`stepcampus screenshots DIR` saves a non-empty PNG of every main screen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from ui.screenshots import capture

SCREENS = ["profiles", "library", "reader", "quiz", "quiz-feedback", "search", "certificate",
           "settings", "sync", "calendar", "webinars", "player", "player-questions", "questions",
           "facilitator", "presenter", "presenter-room", "classes",
           "report", "editor", "room", "room-learner"]


def test_every_main_screen_is_saved(qapp, tmp_path: Path) -> None:
    shots = capture(tmp_path / "shots", tmp_path / "data")
    assert [p.stem for p in shots] == SCREENS
    for path in shots:
        image = QImage(str(path))
        assert not image.isNull() and image.width() >= 1000, path
        # not a blank window: a screen has many distinct colours
        colours = {image.pixel(x, y) for x in range(0, image.width(), 37)
                   for y in range(0, image.height(), 29)}
        assert len(colours) > 5, path
