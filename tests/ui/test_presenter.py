"""Presenter view for facilitators: a module section by section (or a webinar's slides) for
the room, the notes, the clock and what comes next on the facilitator's screen; the keys
arrows, Space, B and Escape."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from stepcampus.campus import SAMPLE_COURSE, SAMPLE_SERIES
from tests.ui.test_app import WAIT, create_profile, open_window
from tests.ui.test_facilitator_mode import create_facilitator, open_in_reader

MODULE = "social-exclusion"


def test_present_a_module_section_by_section(qtbot, tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "data")
    create_facilitator(qtbot, window, "Fatou Diop", "2580")
    open_in_reader(qtbot, window, MODULE)
    reader = window.reader
    qtbot.waitUntil(lambda: reader.facilitator.notes is not None, timeout=WAIT)
    assert reader.present_button.isVisibleTo(window)
    qtbot.mouseClick(reader.present_button, Qt.MouseButton.LeftButton)
    assert window.current_page() == "presenter"
    presenter = window.page("presenter")
    audience = presenter.audience
    assert audience.isVisible()
    headings = reader.page.headings
    assert presenter.now.text() == f"Now: {headings[0][1]}"
    assert presenter.next.text() == f"Next: {headings[1][1]}"
    assert presenter.position.text() == f"1 / {len(headings)}"
    # The room sees the module text; the facilitator sees the notes and the same clock.
    assert audience.browser.toPlainText().startswith(reader.browser.toPlainText()[:40])
    assert presenter.notes.toPlainText()[:60] in reader.facilitator.browser.toPlainText()
    assert presenter.clock.clock is reader.facilitator.clock_view.clock
    assert presenter.clock.clock is not None

    # Keys on the audience view or the console move through the sections, each brought to the
    # top of the room's view.
    bar = audience.browser.verticalScrollBar()
    first = bar.value()
    qtbot.keyClick(audience, Qt.Key.Key_Right)
    assert bar.value() > first
    assert presenter.now.text() == f"Now: {headings[1][1]}"
    qtbot.keyClick(presenter, Qt.Key.Key_Space)
    assert presenter.position.text() == f"3 / {len(headings)}"
    qtbot.keyClick(audience, Qt.Key.Key_Left)
    assert presenter.position.text() == f"2 / {len(headings)}"
    # B blanks the room's screen and brings it back.
    qtbot.keyClick(audience, Qt.Key.Key_B)
    assert audience.stack.currentWidget() is audience.black
    qtbot.keyClick(audience, Qt.Key.Key_B)
    assert audience.stack.currentWidget() is audience.browser
    # Escape ends (one screen here, not full screen): back to the reader, the room view gone.
    qtbot.keyClick(audience, Qt.Key.Key_Escape)
    assert window.current_page() == "reader"
    assert not audience.isVisible()
    window.close()


def test_present_a_webinars_slides_and_learners_have_no_present_button(qtbot,
                                                                        tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "data")
    create_facilitator(qtbot, window, "Fatou Diop", "2580")
    window.open_webinar(SAMPLE_SERIES, "linking-cash-and-safety-nets", -1.0)
    player = window.page("player")
    assert player.present_button.isVisibleTo(window)
    qtbot.mouseClick(player.present_button, Qt.MouseButton.LeftButton)
    presenter = window.page("presenter")
    audience = presenter.audience
    assert audience.stack.currentWidget() is audience.slide
    assert audience.slide.index == 0 and not audience.slide.pixmap().isNull()
    assert presenter.position.text() == "1 / 7"
    qtbot.keyClick(audience, Qt.Key.Key_PageDown)
    assert audience.slide.index == 1
    presenter.end()
    assert window.current_page() == "player"
    window.sign_out()
    assert not audience.isVisible()

    create_profile(qtbot, window, "Kofi")
    open_in_reader(qtbot, window, MODULE)
    assert not window.reader.present_button.isVisibleTo(window)
    window.open_webinar(SAMPLE_SERIES, "linking-cash-and-safety-nets", -1.0)
    assert not player.present_button.isVisibleTo(window)
    window.present("module", SAMPLE_COURSE, MODULE)  # refused for a learner
    assert window.current_page() == "player"
    # Facilitator pages are neither offered to a learner nor opened for one.
    assert not window.go_classes.isVisible() and not window.go_editor.isVisible()
    window.show_page("classes")
    assert window.current_page() == "library"
    window.close()


def test_a_facilitator_has_classes_and_the_course_editor(qtbot, tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "data")
    create_facilitator(qtbot, window, "Fatou Diop", "2580")
    assert window.go_classes.isVisible() and window.go_editor.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "classes"
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "editor"
    window.close()
