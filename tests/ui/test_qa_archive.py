"""The Q&A archive as a learner uses it: search as they type (accents or not), filter by
series, webinar and topic, open an answer's moment in the player, ask the panel a question."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QDialog

from stepcampus.campus import SAMPLE_SERIES
from stepcampus.webinar.questions import list_questions
from tests.ui.test_app import WAIT, create_profile, open_window

SESSION = "linking-cash-and-safety-nets"


def _archive(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "questions"
    archive = window.page("questions")
    qtbot.waitUntil(lambda: len(archive.hits) == 14, timeout=WAIT)  # everything, in order
    return archive


def test_search_filter_and_open_the_moment(qtbot, tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "data")
    create_profile(qtbot, window, "Mateo")
    archive = _archive(qtbot, window)
    assert archive.hits[0].entry_id == "q01"

    # Typed without accents, found with them; the matched words are marked.
    qtbot.keyClicks(archive.search, "proteccion social")
    qtbot.waitUntil(lambda: len(archive.hits) == 1, timeout=WAIT)
    hit = archive.hits[0]
    assert "protección social adaptativa" in hit.question
    assert "<b>" in hit.question_html
    assert archive.count.text() == "1 question and answer"
    shown = archive.results.toPlainText()
    assert hit.question in shown and "hear it at" in shown

    # Topic filter: only entries with that topic, with no query too.
    archive.search.clear()
    qtbot.waitUntil(lambda: len(archive.hits) == 14, timeout=WAIT)
    qtbot.waitUntil(lambda: archive.topic_box.findData("data protection") > 0, timeout=WAIT)
    topic = archive.topic_box.findData("data protection")
    archive.topic_box.setCurrentIndex(topic)
    qtbot.waitUntil(lambda: 0 < len(archive.hits) < 14, timeout=WAIT)
    assert all("data protection" in h.topics for h in archive.hits)
    # The topics of another series arrive without it (as when the series changes): the box
    # falls back to all topics, and so do the results.
    filtered = len(archive.hits)
    archive._fill_topics("a topic this series does not have")
    qtbot.waitUntil(lambda: len(archive.hits) == 14, timeout=WAIT)
    assert archive.topic_box.currentData() == "" and filtered < 14
    archive.topic_box.setCurrentIndex(archive.topic_box.findData("data protection"))
    qtbot.waitUntil(lambda: len(archive.hits) == filtered, timeout=WAIT)

    # An answer's link opens the player at the moment it was given.
    timed = next(h for h in archive.hits if h.at is not None)
    archive.results.anchorClicked.emit(QUrl(f"play:{timed.series_id}/{timed.session_id}/"
                                            f"{timed.at:.3f}"))
    assert window.current_page() == "player"
    player = window.page("player")
    assert abs(player.position() - timed.at) < 1.0
    assert player.slide_view.index == player.timeline.slide(timed.at)
    window.close()


def test_ask_from_the_archive_and_see_it_queued(qtbot, tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "data")
    create_profile(qtbot, window, "Farida")
    archive = _archive(qtbot, window)
    qtbot.mouseClick(archive.ask_button, Qt.MouseButton.LeftButton)
    dialog = archive.findChild(QDialog, "ask-dialog")
    assert dialog is not None and dialog.session_box.count() == 1
    dialog.text.setPlainText("How long should a registry record be kept after the crisis?")
    dialog.accept()
    learner = window.ctx.learner
    assert learner is not None
    qtbot.waitUntil(lambda: bool(list_questions(window.campus.sessions, learner.id)),
                    timeout=WAIT)
    [question] = list_questions(window.campus.sessions, learner.id)
    assert (question.series_id, question.session_id, question.sent_at) == (
        SAMPLE_SERIES, SESSION, None)
    qtbot.waitUntil(lambda: "Waiting to be sent" in archive.results.toPlainText(),
                    timeout=WAIT)
    window.close()
