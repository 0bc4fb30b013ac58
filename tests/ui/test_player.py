"""The webinar player as a learner uses it, with the real libVLC (dummy audio and video out):
play, see the slide follow a seek, search the transcript and jump, ask a question offline and
see it queued, leave and come back to the same moment; and without libVLC."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt, QUrl

from stepcampus.campus import SAMPLE_SERIES
from stepcampus.progress import activity
from stepcampus.webinar.questions import list_questions
from tests.ui.test_app import WAIT, create_profile, open_window

SESSION = "linking-cash-and-safety-nets"


def _open_player(qtbot, window):
    window.show_page("webinars")
    page = window.page("webinars")
    qtbot.waitUntil(lambda: len(page.rows) == 1, timeout=WAIT)
    row = page.rows[0]
    assert row.title.text() == "Linking humanitarian cash transfers with social safety nets"
    assert "14 questions answered" in row.details.text()
    qtbot.mouseClick(row.play_button, Qt.MouseButton.LeftButton)
    assert window.current_page() == "player"
    return window.page("player")


def test_play_follow_seek_search_and_resume(qtbot, tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "data")
    create_profile(qtbot, window, "Ana")
    player = _open_player(qtbot, window)
    assert player.problem.isHidden()
    # The audio with slides plays by default, and every version shows its size.
    assert player.variant.id == "audio"
    labels = [player.variant_box.itemText(i) for i in range(player.variant_box.count())]
    assert len(labels) == 3 and all(" KB" in text or " MB" in text for text in labels)
    assert player.slide_view.index == 0 and player.slide_number.text() == "Slide 1 of 7"

    qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)
    assert player.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: player.position() > 0.6, timeout=WAIT)
    assert player.playback.start_latency is not None

    # Seeking into the fifth slide's time shows the fifth slide and its words.
    slides = player.session.slides
    target = slides[4].at + 3.0
    player.seek.setValue(int(target * 1000))  # as the keyboard or a click on the groove does
    assert player.slide_view.index == 4
    assert player.slide_number.text() == "Slide 5 of 7"
    qtbot.waitUntil(lambda: abs(player.position() - target) < 1.5, timeout=WAIT)
    cue = player.timeline.transcript_line(player.position())
    assert player.transcript.list.currentRow() == cue

    # Searching the transcript (accents or not) and pressing Enter jumps to the moment.
    player.tabs.setCurrentWidget(player.transcript)
    qtbot.keyClicks(player.transcript.search, "santamaria")
    assert player.transcript.matches.text() == "1 moment: Enter goes to it"
    qtbot.keyClick(player.transcript.search, Qt.Key.Key_Return)
    spoken = next(c for c in player.session.transcript if "Santamaría" in c.plain)
    assert abs(player.position() - spoken.start) < 1.0
    assert player.slide_view.index == player.timeline.slide(spoken.start)

    # A chapter link seeks too.
    chapter = player.session.chapters[3]
    player.chapters.anchorClicked.emit(QUrl(f"seek:{chapter.start:.3f}"))
    qtbot.waitUntil(lambda: abs(player.position() - chapter.start) < 1.5, timeout=WAIT)

    # Faster playback, then pause: the place is saved.
    player.speed_box.setCurrentIndex(player.speed_box.findData(1.5))
    assert player.playback.rate == 1.5
    qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)
    assert player.play_button.text() == "Play"
    stopped_at = player.position()
    learner = window.ctx.learner
    assert learner is not None
    qtbot.waitUntil(lambda: any(
        r.module_id == SESSION and (r.position or "").startswith("t=")
        for r in activity.course_progress(window.campus.sessions, learner.id, SAMPLE_SERIES)),
        timeout=WAIT)
    row = next(r for r in activity.course_progress(window.campus.sessions, learner.id,
                                                   SAMPLE_SERIES) if r.module_id == SESSION)
    assert abs(float(row.position[2:]) - stopped_at) < 1.0
    window.close()

    # A new start lands on the same moment.
    again = open_window(qtbot, tmp_path / "data")
    player = _open_player(qtbot, again)
    assert abs(player.position() - stopped_at) < 1.0
    assert player.slide_view.index == player.timeline.slide(stopped_at)
    again.close()


def test_hearing_to_the_end_completes_the_webinar(qtbot, tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "data")
    create_profile(qtbot, window, "Kofi")
    player = _open_player(qtbot, window)
    player.play()
    player.seek_to(player.session.recording_duration - 1.5)
    qtbot.waitUntil(lambda: player.playback.ended or not player.is_playing(), timeout=WAIT)
    qtbot.waitUntil(lambda: window.page("webinars").rows
                    and window.page("webinars").rows[0].ring.percent == 100, timeout=WAIT)
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in
             activity.pending_statements(window.campus.sessions, limit=1000)]
    assert "completed" in verbs and "launched" in verbs
    window.close()


def test_ask_a_question_offline_and_see_it_queued(qtbot, tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "data")
    create_profile(qtbot, window, "Amina")
    player = _open_player(qtbot, window)
    player.tabs.setCurrentWidget(player.questions)
    text = "¿Cómo se protegen los datos del registro social en una emergencia?"
    player.questions.ask_edit.setPlainText(text)
    qtbot.mouseClick(player.questions.ask_button, Qt.MouseButton.LeftButton)
    learner = window.ctx.learner
    assert learner is not None
    qtbot.waitUntil(lambda: bool(list_questions(window.campus.sessions, learner.id)),
                    timeout=WAIT)
    asked = list_questions(window.campus.sessions, learner.id)
    assert [(q.series_id, q.session_id, q.text, q.sent_at) for q in asked] == [
        (SAMPLE_SERIES, SESSION, text, None)]
    qtbot.waitUntil(lambda: "Waiting to be sent" in player.questions.browser.toPlainText(),
                    timeout=WAIT)
    assert text in player.questions.browser.toPlainText()
    assert player.questions.ask_edit.toPlainText() == ""
    # The compilation lists every answer, with a link to its moment where known.
    shown = player.questions.browser.toPlainText()
    assert all(entry.question in shown for entry in player.session.questions)
    assert "hear it at" in shown
    window.close()


def test_without_libvlc_slides_summary_and_questions_still_show(tmp_path: Path) -> None:
    """A computer without libVLC (python-vlc told to load a library that is not there)."""
    script = (
        "import json, sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from stepcampus.campus import Campus\n"
        "from ui.app import MainWindow\n"
        "from ui.screenshots import wait_for\n"
        "app = QApplication([])\n"
        "w = MainWindow(Campus(sys.argv[1])); w.show(); w.start()\n"
        "wait_for(app, lambda: w.ctx.store_ready)\n"
        "w.profiles.new_name.setText('Ana'); w.profiles.create()\n"
        "wait_for(app, lambda: w.ctx.learner is not None)\n"
        f"w.open_webinar({SAMPLE_SERIES!r}, {SESSION!r}, -1.0)\n"
        "p = w.page('player')\n"
        "p.go_to_slide(1)\n"
        "print(json.dumps({'problem': p.problem.text(), 'shown': not p.problem.isHidden(),\n"
        "  'play': p.play_button.isEnabled(), 'slide': p.slide_view.index,\n"
        "  'pixmap': not p.slide_view.pixmap().isNull(),\n"
        "  'summary': p.summary.toPlainText()[:40],\n"
        "  'qa': p.questions.browser.toPlainText().count('asked by')}))\n"
        "w.close()\n")
    env = {**os.environ, "PYTHON_VLC_LIB_PATH": str(tmp_path / "libvlc.so.5"),
           "QT_QPA_PLATFORM": "offscreen"}
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "data")], env=env,
                         capture_output=True, text=True, timeout=120, check=True).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert time.monotonic() - started < 120
    assert seen["shown"] and "cannot play" in seen["problem"]
    assert "apt install libvlc5 vlc-plugin-base" in seen["problem"]
    assert seen["play"] is False
    assert seen["slide"] == 1 and seen["pixmap"]
    assert seen["summary"].startswith("What the session covered")
    assert seen["qa"] == 14


def test_a_version_not_here_downloads_when_chosen_then_plays(qtbot, tmp_path: Path,
                                                             sample_key) -> None:
    """Installed from a catalog, only the audio came; the video comes when the learner asks."""
    from stepcampus.campus import Campus
    from stepcampus.cli import main
    from stepcampus.coursepack.build import build
    from stepcampus.paths import SAMPLE_COURSES_DIR
    from tests.webserver import serve

    built = build(SAMPLE_COURSES_DIR / SAMPLE_SERIES, tmp_path / "build", sample_key)
    tree = tmp_path / "site"
    assert main(["publish", str(built.package_dir), "--to", str(tree)]) == 0
    data = tmp_path / "data"
    with serve(tree) as server:
        campus = Campus(data)
        campus.install(server.url)
        campus.close()
        window = open_window(qtbot, data)
        create_profile(qtbot, window, "Ana")
        player = _open_player(qtbot, window)
        box = player.variant_box
        texts = [box.itemText(i) for i in range(box.count())]
        assert "to download" not in texts[0] and all("to download" in t for t in texts[1:])
        video = box.findData("video-low")
        box.setCurrentIndex(video)
        box.activated.emit(video)  # as a click on the entry does
        assert player.variant.id == "audio"  # it keeps playing what is here meanwhile
        qtbot.waitUntil(lambda: player.variant.id == "video-low", timeout=WAIT)
        assert player.session.available(player.session.variant("video-low"))
        assert not player.session.available(player.session.variant("original"))
        assert "to download" not in box.itemText(box.findData("video-low"))
        assert any("/blobs/" in r for r in server.requests)
        player.play()
        qtbot.waitUntil(lambda: player.position() > 0.3, timeout=WAIT)
        window.close()
