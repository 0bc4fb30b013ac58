"""The course editor as a trainer uses it: adapt the installed sample course, type a local case
study and see the preview follow, save, break the front matter and see the problem listed
with its line (a click goes there), fix it, build and install, and find the adaptation in the
library with where it comes from."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.coursepack.source import load_course
from tests.ui.test_app import WAIT, create_profile, open_window
from ui.context import AppContext
from ui.editor import CourseEditorPage, render_preview

LOCAL = f"{SAMPLE_COURSE}-local"
ORIGIN = "Adapted from Inclusive social protection 1.0.0 by stepcampus-sample"


def make_editor(qtbot, ctx: AppContext) -> CourseEditorPage:
    editor = CourseEditorPage(ctx)
    qtbot.addWidget(editor)
    editor.resize(1300, 820)
    editor.show()
    return editor


def replace_line(qtbot, editor: CourseEditorPage, line: int, text: str) -> None:
    """Select a line with the keyboard and type over it, as a trainer would."""
    editor.editor.go_to_line(line)
    qtbot.keyClick(editor.editor, Qt.Key.Key_End, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(editor.editor, text)


def save(qtbot, editor: CourseEditorPage) -> None:
    with qtbot.waitSignal(editor.validated, timeout=WAIT):
        qtbot.keyClick(editor.editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def test_adapt_edit_with_preview_fix_problems_build_install_and_see_provenance(
        qtbot, tmp_path: Path) -> None:
    data = tmp_path / "data"
    window = open_window(qtbot, data)
    create_profile(qtbot, window, "Fatou Diop")
    editor = make_editor(qtbot, window.ctx)
    offered = []
    editor.choose_adaptation = lambda plan: offered.append(plan) or plan
    with qtbot.waitSignal(editor.validated, timeout=WAIT):
        editor.open_installed(SAMPLE_COURSE)
    assert offered[0].new_id == LOCAL and offered[0].new_version == "1.0.1"
    folder = (data / "adapted" / LOCAL).resolve()
    assert editor.folder == folder and editor.problems == []
    assert editor.current == "en/social-exclusion.md"
    assert ORIGIN in editor.folder_label.text()
    qtbot.waitUntil(lambda: editor.preview.toPlainText().startswith(
        "Social exclusion and exclusion from social protection"), timeout=WAIT)
    # the modules, glossaries, quizzes and facilitator notes are listed
    for path in ("course.yaml", "en/quizzes/social-exclusion.gift",
                 "en/facilitator/social-exclusion.md", "fr/glossary.yaml",
                 "en/knowledge-sharing.md"):
        assert editor.item_for(path) is not None, path

    # type a local case study at the end: the preview follows, rendered as learners see it
    editor.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(editor.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.editor, "## Case study: Kisumu market traders { .case-study }")
    qtbot.keyClick(editor.editor, Qt.Key.Key_Return)
    qtbot.keyClick(editor.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.editor, "Traders pooled a weekly contribution <script>x()</script>")
    assert editor.unsaved and "Unsaved changes" in editor.position.text()
    qtbot.waitUntil(lambda: "Kisumu market traders" in editor.preview.toPlainText(),
                    timeout=WAIT)
    assert 'class="case-study"' in editor.preview_html
    assert "<script" not in editor.preview_html and "x()" not in editor.preview_html
    save(qtbot, editor)
    assert not editor.unsaved and editor.problems == []
    assert "Kisumu market traders" in (folder / "en/social-exclusion.md").read_text()

    # broken front matter: listed with file and line once saved, and the click goes there
    replace_line(qtbot, editor, 3, "duration: [60")
    save(qtbot, editor)
    assert [(p.file, p.line) for p in editor.problems] == [("en/social-exclusion.md", 4)]
    assert editor.problem_list.count() == 1
    assert editor.problem_list.item(0).text().startswith("en/social-exclusion.md:4: ")
    assert "1 problem" in editor.problems_title.text()
    qtbot.waitUntil(lambda: "cannot be shown" in editor.preview.toPlainText(), timeout=WAIT)
    editor.open_file("course.yaml")
    assert editor.current == "course.yaml"
    item = editor.problem_list.item(0)
    qtbot.mouseClick(editor.problem_list.viewport(), Qt.MouseButton.LeftButton,
                     pos=editor.problem_list.visualItemRect(item).center())
    assert editor.current == "en/social-exclusion.md"
    assert editor.editor.line_and_column()[0] == 4
    replace_line(qtbot, editor, 3, "duration: 60")
    save(qtbot, editor)
    assert editor.problems == [] and editor.problem_list.count() == 0
    assert "ready to build" in editor.problems_title.text()

    # build with this computer's key and install here
    with qtbot.waitSignal(editor.build_finished, timeout=60000) as built:
        qtbot.mouseClick(editor.build_button, Qt.MouseButton.LeftButton)
    outcome = built.args[0]
    assert outcome is not None and outcome.bundle.is_file()
    assert outcome.bundle.name == f"{LOCAL}-1.0.1.stepcampus"
    assert outcome.public_key == data / "publisher" / "default.key.pub"
    assert outcome.public_key.is_file()
    assert str(outcome.bundle) in editor.result.text()
    assert "stepcampus trust default.key.pub" in editor.result.text()
    assert editor.copy_button.isVisible()

    # the library shows the adaptation beside the original, saying where it comes from
    def card(course_id: str):
        return next((c for c in window.library.cards if c.summary.course_id == course_id),
                    None)

    qtbot.waitUntil(lambda: card(LOCAL) is not None, timeout=WAIT)
    assert card(LOCAL).provenance.text() == ORIGIN
    assert not card(LOCAL).provenance.isHidden()
    assert card(SAMPLE_COURSE).provenance.isHidden()
    window.open_module(LOCAL, "social-exclusion", "")
    reader = window.reader
    qtbot.waitUntil(lambda: reader.page is not None and reader.page.course_id == LOCAL,
                    timeout=WAIT)
    assert reader.provenance.text() == ORIGIN
    assert "Kisumu market traders" in reader.browser.toPlainText()

    # building again asks to raise the version, since 1.0.1 is installed
    asked: list[str] = []
    editor.confirm = lambda text: asked.append(text) or True
    with qtbot.waitSignal(editor.build_finished, timeout=60000) as again:
        qtbot.mouseClick(editor.build_button, Qt.MouseButton.LeftButton)
    assert "Version 1.0.1" in asked[0] and "1.0.2" in asked[0]
    assert again.args[0].version == "1.0.2"
    assert {r.course_id: r.version for r in window.campus.installed()}[LOCAL] == "1.0.2"
    # opening the installed course again opens the same copy instead of a new one
    editor.open_installed(SAMPLE_COURSE)
    assert editor.folder == folder and len(offered) == 1
    window.close()


def test_unsaved_changes_are_asked_about_before_switching_file(qtbot, course_copy: Path,
                                                               tmp_path: Path) -> None:
    campus = Campus(tmp_path / "data")
    editor = make_editor(qtbot, AppContext(campus))
    with qtbot.waitSignal(editor.validated, timeout=WAIT):
        assert editor.open_folder(course_copy)
    module = course_copy / "en" / "social-exclusion.md"
    original = module.read_text(encoding="utf-8")
    editor.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor.editor, "A local paragraph.")
    answers = ["cancel"]
    editor.ask_unsaved = lambda path: answers.pop(0)
    other = editor.item_for("en/social-health-protection.md")
    editor.files.setCurrentItem(other)  # as a click in the list does
    assert editor.current == "en/social-exclusion.md" and editor.unsaved
    assert editor.files.currentItem() is editor.item_for("en/social-exclusion.md")
    answers.append("cancel")
    assert editor.confirm_leave() is False  # the window stays on the editor

    answers.append("discard")
    editor.files.setCurrentItem(other)
    assert editor.current == "en/social-health-protection.md" and not editor.unsaved
    assert module.read_text(encoding="utf-8") == original

    editor.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor.editor, "Another local paragraph.")
    answers.append("save")
    with qtbot.waitSignal(editor.validated, timeout=WAIT):
        assert editor.confirm_leave()
    assert (course_copy / "en" / "social-health-protection.md").read_text(
        encoding="utf-8").endswith("Another local paragraph.")
    assert not answers
    assert editor.open_folder(tmp_path) is False  # not a course folder: said, nothing changes
    assert editor.folder == course_copy.resolve()
    campus.close()


def test_add_a_local_module_and_translate_it(qtbot, course_copy: Path, tmp_path: Path) -> None:
    campus = Campus(tmp_path / "data")
    editor = make_editor(qtbot, AppContext(campus))
    with qtbot.waitSignal(editor.validated, timeout=WAIT):
        editor.open_folder(course_copy)
    editor.ask_new_module = lambda: ("kisumu-case", "Kisumu: a local case study")
    with qtbot.waitSignal(editor.validated, timeout=WAIT):
        editor.add_module()
    assert editor.current == "en/kisumu-case.md" and editor.problems == []
    assert editor.item_for("en/kisumu-case.md").text(0).startswith("7. Kisumu")
    qtbot.waitUntil(lambda: "Case study: Kisumu" in editor.preview.toPlainText(), timeout=WAIT)

    offered = []

    def into_portuguese(modules, current, languages):
        offered.append((modules, current, languages))
        return current, "pt"

    editor.ask_translation = into_portuguese
    with qtbot.waitSignal(editor.validated, timeout=WAIT):
        editor.translate()
    modules, current, languages = offered[0]
    assert current == "kisumu-case" and modules[-1] == ("kisumu-case",
                                                        "Kisumu: a local case study")
    assert languages == ["fr", "es"]
    assert editor.current == "pt/kisumu-case.md" and editor.problems == []
    assert editor.item_for("pt/kisumu-case.md") is not None
    course, problems = load_course(course_copy)
    assert problems == [] and course is not None and "pt" in course.meta["languages"]
    campus.close()


def test_the_preview_is_the_sanitised_rendering_with_images_from_the_folder(
        course_copy: Path) -> None:
    module = "en/knowledge-sharing.md"
    text = (course_copy / module).read_text(encoding="utf-8")
    text += "\n![remote](https://example.org/x.png) <iframe src='x'></iframe>\n"
    preview = render_preview(course_copy, module, text)
    assert 'src="pkg:media/knowledge-cycle.svg"' in preview.html
    assert preview.files.has_file("media/knowledge-cycle.svg")
    assert "example.org" not in preview.html and "<iframe" not in preview.html
    assert 'href="term:' in preview.html and preview.terms  # glossary terms, as in the reader
    quiz = render_preview(course_copy, "en/quizzes/social-exclusion.gift",
                          (course_copy / "en/quizzes/social-exclusion.gift").read_text())
    assert "<h3>1. " in quiz.html and "Right answer" in quiz.html
    broken = render_preview(course_copy, module, "---\ntitle: [x\n---\n")
    assert "en/knowledge-sharing.md:2" in broken.html


def test_the_adaptation_dialog_checks_the_choices_and_names_the_folder_after_the_id(
        qtbot, tmp_path: Path, sample_build) -> None:
    from stepcampus.coursepack.adapt import plan_adaptation
    from ui.editor import AdaptDialog

    campus = Campus(tmp_path / "data")
    campus.install(str(sample_build.bundle))
    ctx = AppContext(campus)
    parent = make_editor(qtbot, ctx)
    dialog = AdaptDialog(parent, ctx, plan_adaptation(campus, SAMPLE_COURSE))
    qtbot.addWidget(dialog)
    assert dialog.new_id.text() == LOCAL and dialog.version.text() == "1.0.1"
    dialog.new_id.clear()
    qtbot.keyClicks(dialog.new_id, SAMPLE_COURSE)  # the original's id: refused, stays open
    assert Path(dialog.folder.text()) == campus.data_dir / "adapted" / SAMPLE_COURSE
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "id of its own" in dialog.error.text() and not dialog.error.isHidden()
    dialog.new_id.clear()
    qtbot.keyClicks(dialog.new_id, "kisumu-inclusion")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert (dialog.plan.new_id, dialog.plan.folder.name) == ("kisumu-inclusion",
                                                             "kisumu-inclusion")
    campus.close()
