"""Click through the desktop as a learner: create a profile, open the course, read to the end,
bookmark, restart and land where they left; and the bad inputs a desktop meets."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.progress import activity
from ui.app import MainWindow

WAIT = 30000


def open_window(qtbot, data: Path) -> MainWindow:
    window = MainWindow(Campus(data))
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.ctx.store_ready, timeout=WAIT)
    return window


def create_profile(qtbot, window: MainWindow, name: str, pin: str = "") -> None:
    qtbot.keyClicks(window.profiles.new_name, name)
    if pin:
        qtbot.keyClicks(window.profiles.new_pin, pin)
    qtbot.mouseClick(window.profiles.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.learner is not None, timeout=WAIT)


def close(window: MainWindow) -> None:
    window.close()


def test_create_profile_open_the_course_and_read_a_module_to_the_end(qtbot,
                                                                     tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "data")
    assert window.current_page() == "profiles"
    create_profile(qtbot, window, "Ana Silva")
    assert window.current_page() == "library"
    card = window.library.cards[0]
    assert card.title.text() == "Inclusive social protection"
    assert card.ring.percent == 0
    qtbot.mouseClick(card.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.reader.page is not None, timeout=WAIT)
    assert window.current_page() == "reader"
    reader = window.reader
    assert reader.module_id == "social-exclusion"
    assert reader.browser.toPlainText().startswith(
        "Social exclusion and exclusion from social protection")
    # glossary terms are links with a definition
    assert reader.page is not None and reader.page.terms
    assert 'href="term:' in reader.page.html
    # facilitator notes never show in the reader
    facilitator = window.ctx.course_view(SAMPLE_COURSE).read_text(
        "en/facilitator/social-exclusion.md")
    assert facilitator.split("\n---\n", 1)[-1].strip()[:60] not in reader.browser.toPlainText()

    bar = reader.browser.verticalScrollBar()
    bar.setValue(bar.maximum())  # read to the end
    learner = window.ctx.learner
    assert learner is not None
    qtbot.waitUntil(lambda: reader.toc.topLevelItem(0).text(0).startswith("✓"), timeout=WAIT)
    statements = activity.pending_statements(window.campus.sessions, limit=1000)
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in statements]
    assert "launched" in verbs and "progressed" in verbs and "completed" in verbs
    assert window.library.cards[0].ring.percent > 0

    # next module with the button, then back with the keyboard shortcut
    qtbot.mouseClick(reader.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: reader.page is not None
                    and reader.page.module_id == "social-health-protection", timeout=WAIT)
    qtbot.keyClick(reader.browser, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: reader.page is not None
                    and reader.page.module_id == "social-exclusion", timeout=WAIT)
    close(window)


def test_the_library_shows_each_course_once_however_often_it_refreshes(qtbot,
                                                                      tmp_path: Path) -> None:
    from ui.library import CourseCard

    window = open_window(qtbot, tmp_path / "data")
    create_profile(qtbot, window, "Lia")
    window.library.refresh()
    window.library.refresh()
    # cards of an earlier refresh must be gone at once, not when the event loop next runs
    cards = window.library.findChildren(CourseCard)
    assert [c.summary.course_id for c in cards] == [SAMPLE_COURSE]
    close(window)


def test_restart_lands_on_the_paragraph_where_the_learner_left(qtbot, tmp_path: Path) -> None:
    data = tmp_path / "data"
    window = open_window(qtbot, data)
    create_profile(qtbot, window, "Ben")
    window.open_module(SAMPLE_COURSE, "social-integration", "")
    reader = window.reader
    qtbot.waitUntil(lambda: reader.page is not None, timeout=WAIT)
    reader.browser.scrollToAnchor("p-12")
    anchor = reader.current_anchor()
    assert anchor and anchor.startswith("p-")
    close(window)  # saves the position and the page

    again = open_window(qtbot, data)
    assert again.ctx.learner is not None and again.ctx.learner.name == "Ben"
    qtbot.waitUntil(lambda: again.reader.page is not None, timeout=WAIT)
    assert again.current_page() == "reader"
    assert again.reader.module_id == "social-integration"
    assert again.reader.current_anchor() == anchor
    close(again)


def test_a_profile_with_a_pin_asks_for_it(qtbot, tmp_path: Path) -> None:
    data = tmp_path / "data"
    window = open_window(qtbot, data)
    create_profile(qtbot, window, "Chidi", pin="4321")
    close(window)
    again = open_window(qtbot, data)
    assert again.current_page() == "profiles" and again.ctx.learner is None
    page = again.profiles
    assert page.selected() is not None and page.selected().name == "Chidi"
    assert page.pin_row.isVisibleTo(page)
    qtbot.keyClicks(page.pin, "1111")
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(page.pick_error.text()), timeout=WAIT)
    assert again.ctx.learner is None
    qtbot.keyClicks(page.pin, "4321")
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: again.ctx.learner is not None, timeout=WAIT)
    assert again.current_page() == "library"
    close(again)


def test_bookmark_with_a_note_and_open_it(qtbot, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    window = open_window(qtbot, tmp_path / "data")
    create_profile(qtbot, window, "Dana")
    window.open_module(SAMPLE_COURSE, "solidarity-economy", "")
    reader = window.reader
    qtbot.waitUntil(lambda: reader.page is not None, timeout=WAIT)
    reader.browser.scrollToAnchor("p-9")
    anchor = reader.current_anchor()
    # the note dialog is the one thing not clicked: a modal dialog blocks a headless test
    monkeypatch.setattr(QInputDialog, "getMultiLineText",
                        staticmethod(lambda *a, **k: ("Ask the group about this", True)))
    qtbot.keyClick(reader.browser, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: reader.bookmarks.count() == 1, timeout=WAIT)
    assert "Ask the group about this" in reader.bookmarks.item(0).text()
    assert reader.notes_panel.isVisibleTo(reader)
    reader.open(SAMPLE_COURSE, "social-exclusion")
    qtbot.waitUntil(lambda: reader.page is not None
                    and reader.page.module_id == "social-exclusion", timeout=WAIT)
    item = reader.bookmarks.item(0)
    qtbot.mouseClick(reader.bookmarks.viewport(), Qt.MouseButton.LeftButton,
                     pos=reader.bookmarks.visualItemRect(item).center())
    qtbot.waitUntil(lambda: reader.page is not None
                    and reader.page.module_id == "solidarity-economy", timeout=WAIT)
    assert reader.current_anchor() == anchor
    close(window)


def test_text_size_buttons_change_the_module_text(qtbot, tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "data")
    create_profile(qtbot, window, "Eve")
    window.open_module(SAMPLE_COURSE, "social-exclusion", "")
    qtbot.waitUntil(lambda: window.reader.page is not None, timeout=WAIT)
    height = window.reader.browser.document().size().height()
    for _ in range(3):
        qtbot.mouseClick(window.reader.larger, Qt.MouseButton.LeftButton)
    assert window.ctx.preferences.text_size == 14
    assert window.reader.browser.document().size().height() > height * 1.1
    assert window.settings_page.text_size.value() == 14
    close(window)


# -- bad input ----------------------------------------------------------------------------------


def test_a_corrupt_bundle_is_refused_with_its_name_and_changes_nothing(qtbot, tmp_path: Path,
                                                                       sample_build) -> None:
    window = open_window(qtbot, tmp_path / "data")
    create_profile(qtbot, window, "Femi")
    before = [(r.course_id, r.version) for r in window.ctx.installed_rows()]
    broken = tmp_path / "broken.stepcampus"
    data = sample_build.bundle.read_bytes()
    broken.write_bytes(data[: len(data) // 2])  # a copy cut short, as from a pulled USB stick
    window.install(str(broken))
    qtbot.waitUntil(lambda: bool(window.last_error), timeout=WAIT)
    assert "broken.stepcampus" in window.last_error
    assert [(r.course_id, r.version) for r in window.ctx.installed_rows()] == before
    close(window)


def test_a_package_from_an_unknown_publisher_is_refused(qtbot, tmp_path: Path,
                                                        course_copy: Path) -> None:
    from stepcampus.coursepack.build import build
    from stepcampus.coursepack.keys import generate_key, load_private_key

    text = (course_copy / "course.yaml").read_text()
    (course_copy / "course.yaml").write_text(text.replace("id: inclusive-social-protection",
                                                          "id: stranger-course"))
    generate_key(tmp_path / "stranger.key", name="stranger")
    result = build(course_copy, tmp_path / "out", load_private_key(tmp_path / "stranger.key"))
    window = open_window(qtbot, tmp_path / "data")
    create_profile(qtbot, window, "Gita")
    window.install(str(result.bundle))
    qtbot.waitUntil(lambda: bool(window.last_error), timeout=WAIT)
    assert "unknown publisher" in window.last_error
    assert [r.course_id for r in window.ctx.installed_rows()] == [SAMPLE_COURSE]
    close(window)


def _run_app(data: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "stepcampus.cli", "--data-dir", str(data),
                           "app", "--quit-after-start"], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def test_a_second_instance_is_told_and_leaves(tmp_path: Path) -> None:
    from stepcampus.instance import InstanceLock

    data = tmp_path / "data"
    with InstanceLock(data):
        run = _run_app(data)
    assert run.returncode == 1
    assert "already open" in run.stderr and str(data) in run.stderr
    assert not (data / "campus.sqlite").exists()  # it touched nothing


def test_a_read_only_data_folder_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    if os.geteuid() == 0:  # permissions do not bind root: use a folder the kernel keeps
        data = Path("/sys/kernel")
        if not data.is_dir():
            pytest.skip("no read-only folder to try")
    else:
        data = tmp_path / "locked"
        data.mkdir()
        data.chmod(0o555)
    run = _run_app(data)
    assert run.returncode == 1
    assert f"cannot write to its data folder {data}" in run.stderr


def test_the_app_starts_and_quits_on_a_fresh_folder(tmp_path: Path) -> None:
    run = _run_app(tmp_path / "fresh")
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "fresh" / "campus.sqlite").exists()


def test_a_data_folder_deleted_while_open_is_reported(qtbot, tmp_path: Path) -> None:
    data = tmp_path / "data"
    window = open_window(qtbot, data)
    create_profile(qtbot, window, "Hana")
    messages: list[str] = []
    window.ctx.message.connect(messages.append)
    from ui.search import indexing

    # rmtree races a writer in the folder (the search index being built); let it finish.
    qtbot.waitUntil(lambda: not indexing().busy(window.ctx), timeout=WAIT)
    QThreadPool.globalInstance().waitForDone(WAIT)
    shutil.rmtree(data)
    window.folder_watch.setInterval(50)
    qtbot.waitUntil(lambda: window.folder_lost, timeout=WAIT)
    assert str(data) in window.last_error
    window.open_module(SAMPLE_COURSE, "social-exclusion", "")  # would record a launch
    window.reader.save_position()  # nothing is written to a folder that is gone
    QThreadPool.globalInstance().waitForDone(WAIT)  # any write would have happened by now
    assert not (data / "campus.sqlite").exists()
    # the refused write says why
    qtbot.waitUntil(lambda: any("nothing was saved" in m for m in messages), timeout=WAIT)
    close(window)


def test_switching_the_language_relabels_everything_and_keeps_the_place(qtbot,
                                                                        tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "data")
    create_profile(qtbot, window, "Iris")
    window.open_module(SAMPLE_COURSE, "social-health-protection", "")
    reader = window.reader
    qtbot.waitUntil(lambda: reader.page is not None, timeout=WAIT)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "settings"
    combo = window.settings_page.language
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # English -> Français
    assert window.ctx.preferences.language == "fr"
    assert window.go_library.text() == "Bibliothèque"
    assert window.settings_page.title.text() == "Paramètres"
    assert reader.next_button.text() == "Module suivant →"
    # the open module comes back in French (the course has it), still the same module
    qtbot.waitUntil(lambda: reader.page is not None and reader.page.language == "fr",
                    timeout=WAIT)
    assert reader.module_id == "social-health-protection"
    assert reader.browser.toPlainText().startswith("Étendre la protection sociale en santé")
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # Español
    assert window.go_search.text() == "Buscar"
    learner = window.ctx.learner
    assert learner is not None
    close(window)
    from stepcampus.settings import load_settings

    assert load_settings(tmp_path / "data").preferences(learner.id).language == "es"


def test_a_catalog_offers_an_update_with_its_size_and_installs_it(qtbot, tmp_path: Path,
                                                                  course_copy: Path,
                                                                  sample_key) -> None:
    from stepcampus.coursepack.build import build
    from stepcampus.coursepack.packagesource import FolderPackage
    from stepcampus.coursepack.publish import publish

    text = (course_copy / "course.yaml").read_text()
    (course_copy / "course.yaml").write_text(text.replace("version: 1.0.0", "version: 1.1.0"))
    result = build(course_copy, tmp_path / "out", sample_key)
    tree = tmp_path / "tree"
    publish(FolderPackage(result.package_dir), tree)
    window = open_window(qtbot, tmp_path / "data")
    create_profile(qtbot, window, "Jo")
    window.ctx.settings.catalogs.append(str(tree))
    qtbot.mouseClick(window.library.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.library.available) == 1, timeout=WAIT)
    row = window.library.available[0]
    assert "1.0.0 → 1.1.0" in row.text.text() and "KB" in row.text.text()
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: [r.version for r in window.ctx.installed_rows()] == ["1.1.0"],
                    timeout=WAIT)
    qtbot.waitUntil(lambda: not window.library.available, timeout=WAIT)
    assert window.library.cards[0].summary.version == "1.1.0"
    close(window)


def test_search_opens_the_module_at_the_matching_paragraph(qtbot, tmp_path: Path) -> None:
    window = open_window(qtbot, tmp_path / "data")
    create_profile(qtbot, window, "Kofi")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    search = window.page("search")
    qtbot.keyClicks(search.field, "Lok Swasthya")
    qtbot.waitUntil(lambda: search.results.count() > 0, timeout=WAIT)
    hit = next(h for h in search.hits if h.kind == "module" and h.anchor.startswith("p-"))
    index = search.hits.index(hit)
    item = search.results.item(index)
    qtbot.mouseClick(search.results.viewport(), Qt.MouseButton.LeftButton,
                     pos=search.results.visualItemRect(item).center())
    qtbot.waitUntil(lambda: window.reader.page is not None
                    and window.reader.page.module_id == hit.module_id, timeout=WAIT)
    assert window.current_page() == "reader"
    assert window.reader.current_anchor() == hit.anchor
    close(window)
