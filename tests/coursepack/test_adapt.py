"""Adapting a course: an editable copy of an installed course, edited, built with the
adapter's own key and installed beside the original on a learner store that trusts that key;
provenance (derived_from) carried from course.yaml into the signed manifest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.cli import main
from stepcampus.coursepack.adapt import (
    adapt,
    add_module,
    editable_files,
    next_version,
    provenance_of,
    set_version,
    translate_module,
)
from stepcampus.coursepack.build import build
from stepcampus.coursepack.keys import generate_key, load_private_key
from stepcampus.coursepack.manifest import check_structure
from stepcampus.coursepack.source import load_course
from stepcampus.errors import Cancelled, InputError
from stepcampus.tasks import Task

LOCAL = f"{SAMPLE_COURSE}-local"
CASE_STUDY = ("\n## Case study: the Kisumu county health fund { .case-study }\n\n"
              "Market traders in Kisumu pooled a weekly contribution into a community fund.\n")


@pytest.fixture
def installed(campus: Campus, sample_build) -> Campus:
    campus.install(str(sample_build.bundle))
    return campus


def test_the_copy_is_the_installed_course_as_a_clean_source_folder(installed: Campus) -> None:
    result = adapt(installed, SAMPLE_COURSE)
    assert result.folder == installed.data_dir / "adapted" / LOCAL
    assert (result.course_id, result.version) == (LOCAL, "1.0.1")
    course, problems = load_course(result.folder)
    assert problems == [] and course is not None
    view = installed.course(SAMPLE_COURSE)
    # every file of the signed manifest, byte for byte (front matter as written)
    for entry in view.data["files"]:
        data = (result.folder / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
    described = course.describe()
    original = view.course
    for key in ("default_language", "languages", "title", "description", "authors", "licence",
                "pass_mark", "prerequisites", "glossary", "modules"):
        assert described[key] == original[key], key
    assert described["id"] == LOCAL and described["version"] == "1.0.1"
    key_id = view.data["publisher"]["key_id"]
    assert described["derived_from"] == {
        "course": SAMPLE_COURSE, "version": "1.0.0", "publisher": key_id,
        "publisher_name": "stepcampus-sample", "title": "Inclusive social protection"}
    # the editor lists course.yaml, then each language's modules with quiz and notes
    files = editable_files(result.folder)
    assert files[0].path == "course.yaml"
    assert [f.path for f in files[1:4]] == ["en/social-exclusion.md",
                                            "en/quizzes/social-exclusion.gift",
                                            "en/facilitator/social-exclusion.md"]
    assert files[1].title == "Social exclusion and exclusion from social protection"
    assert any(f.path == "fr/glossary.yaml" and f.kind == "glossary" for f in files)


def test_adapt_edit_build_and_install_beside_the_original_once_the_key_is_trusted(
        installed: Campus, sample_build, tmp_path: Path) -> None:
    folder = adapt(installed, SAMPLE_COURSE).folder
    module = folder / "en" / "social-exclusion.md"
    module.write_text(module.read_text(encoding="utf-8") + CASE_STUDY, encoding="utf-8")
    assert load_course(folder)[1] == []
    key = tmp_path / "keys" / "district-office.key"
    public = generate_key(key, "district-office")
    built = build(folder, tmp_path / "dist", load_private_key(key))
    assert built.bundle.name == f"{LOCAL}-1.0.1.stepcampus"

    learner = Campus(tmp_path / "learner")
    try:
        learner.install(str(sample_build.bundle))
        with pytest.raises(InputError) as refused:
            learner.install(str(built.bundle))
        assert f"unknown publisher (key {public.key_id})" in str(refused.value)
        assert "stepcampus trust" in str(refused.value)
        assert [r.course_id for r in learner.installed()] == [SAMPLE_COURSE]

        assert main(["--data-dir", str(learner.data_dir), "trust", f"{key}.pub"]) == 0
        result = learner.install(str(built.bundle))
        assert (result.course_id, result.version) == (LOCAL, "1.0.1")
        rows = {r.course_id: r for r in learner.installed()}
        assert set(rows) == {SAMPLE_COURSE, LOCAL}  # side by side
        assert rows[SAMPLE_COURSE].version == "1.0.0"
        assert rows[LOCAL].key_id == public.key_id
        adapted = learner.course(LOCAL)
        assert "Kisumu county health fund" in adapted.read_text("en/social-exclusion.md")
        assert "Kisumu" not in learner.course(SAMPLE_COURSE).read_text(
            "en/social-exclusion.md")
        provenance = provenance_of(adapted.course)
        assert provenance is not None
        assert (provenance.course, provenance.version, provenance.publisher_label) == (
            SAMPLE_COURSE, "1.0.0", "stepcampus-sample")
        assert json.loads(rows[LOCAL].manifest)["course"]["derived_from"]["course"] == \
            SAMPLE_COURSE
        assert provenance_of(learner.course(SAMPLE_COURSE).course) is None
    finally:
        learner.close()


def test_a_broken_edit_is_reported_with_file_and_line_and_the_build_refuses(
        installed: Campus, tmp_path: Path) -> None:
    folder = adapt(installed, SAMPLE_COURSE).folder
    module = folder / "en" / "social-exclusion.md"
    lines = module.read_text(encoding="utf-8").split("\n")
    assert lines[1].startswith("title:")
    lines[2] = "duration: [60"  # an unclosed list in the front matter
    module.write_text("\n".join(lines), encoding="utf-8")
    _course, problems = load_course(folder)
    assert [(p.file, p.line) for p in problems] == [("en/social-exclusion.md", 4)]
    assert "invalid YAML in the front matter" in problems[0].message
    with pytest.raises(InputError) as refused:
        build(folder, tmp_path / "dist", installed.default_key())
    assert refused.value.problems == problems
    assert not (tmp_path / "dist" / f"{LOCAL}-1.0.1").exists()


def test_derived_from_is_checked_where_it_is_written(course_copy: Path) -> None:
    manifest = course_copy / "course.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("default_language: en", "derived_from:\n"
                                     "  course: Another Course\n"
                                     "  version: 1.0.0\n"
                                     "  publisher: 0123456789abcdef\n"
                                     "  adapted_by: me\n"
                                     "default_language: en"), encoding="utf-8")
    line = text.split("\n").index("default_language: en") + 1
    _course, problems = load_course(course_copy)
    assert [(p.line, p.message) for p in problems] == [
        (line + 1, "derived_from.course 'Another Course' is not a course id"),
        (line + 4, "unknown field 'derived_from.adapted_by'")]
    # a well-formed one is carried into the manifest; courses without one stay as they were
    manifest.write_text(text.replace("default_language: en", "derived_from: {course: a-course, "
                                     "version: 2.1.0, publisher: 0123456789abcdef}\n"
                                     "default_language: en"), encoding="utf-8")
    course, problems = load_course(course_copy)
    assert problems == [] and course is not None
    assert course.describe()["derived_from"] == {"course": "a-course", "version": "2.1.0",
                                                 "publisher": "0123456789abcdef"}
    manifest.write_text(text, encoding="utf-8")
    assert "derived_from" not in load_course(course_copy)[0].describe()  # type: ignore[union-attr]


def test_an_install_refuses_a_manifest_whose_provenance_is_malformed(sample_build) -> None:
    data = json.loads(sample_build.manifest)
    data["course"]["derived_from"] = {"course": "x", "version": "one"}
    with pytest.raises(InputError) as refused:
        check_structure(data, "manifest.json")
    assert "derived_from.version 'one' is not a version" in str(refused.value)


def test_a_course_signed_with_this_computers_key_keeps_its_id(campus: Campus,
                                                              course_copy: Path,
                                                              tmp_path: Path) -> None:
    built = build(course_copy, tmp_path / "v1", campus.default_key())
    campus.install(str(built.bundle))
    result = adapt(campus, SAMPLE_COURSE, folder=tmp_path / "own")
    assert (result.course_id, result.version) == (SAMPLE_COURSE, "1.0.1")
    update = build(result.folder, tmp_path / "v2", campus.default_key())
    installed = campus.install(str(update.bundle))
    assert (installed.previous_version, installed.version) == ("1.0.0", "1.0.1")


def test_the_original_id_is_refused_for_another_publishers_course(installed: Campus,
                                                                  tmp_path: Path) -> None:
    with pytest.raises(InputError, match="id of its own"):
        adapt(installed, SAMPLE_COURSE, new_id=SAMPLE_COURSE, folder=tmp_path / "copy")
    with pytest.raises(InputError, match="not a valid course id"):
        adapt(installed, SAMPLE_COURSE, new_id="Kisumu Course", folder=tmp_path / "copy")
    with pytest.raises(InputError, match=r"MAJOR\.MINOR\.PATCH"):
        adapt(installed, SAMPLE_COURSE, version="2", folder=tmp_path / "copy")
    assert not (tmp_path / "copy").exists()
    custom = adapt(installed, SAMPLE_COURSE, new_id="kisumu-inclusion", version="2.0.0",
                   folder=tmp_path / "copy")
    assert load_course(custom.folder)[0].meta["id"] == "kisumu-inclusion"  # type: ignore[union-attr]


def test_cancelling_or_an_occupied_folder_leaves_nothing_behind(installed: Campus,
                                                                tmp_path: Path) -> None:
    task = Task()

    def progress(done: int, total: int, message: str) -> None:
        if done == 5:
            task.cancel()

    task.on_progress = progress
    with pytest.raises(Cancelled):
        adapt(installed, SAMPLE_COURSE, folder=tmp_path / "out" / "copy", task=task)
    assert list((tmp_path / "out").iterdir()) == []  # neither the folder nor its staging
    (tmp_path / "out" / "copy").mkdir()
    (tmp_path / "out" / "copy" / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not empty"):
        adapt(installed, SAMPLE_COURSE, folder=tmp_path / "out" / "copy")
    assert [p.name for p in (tmp_path / "out" / "copy").iterdir()] == ["notes.txt"]


def test_stepcampus_adapt(installed: Campus, tmp_path: Path, capsys) -> None:
    data = ["--data-dir", str(installed.data_dir)]
    target = tmp_path / "kisumu"
    assert main([*data, "adapt", SAMPLE_COURSE, "-o", str(target), "--id", "kisumu-course",
                 "--version", "1.1.0"]) == 0
    out = capsys.readouterr().out
    assert f"adapted {SAMPLE_COURSE} 1.0.0 into {target}" in out
    assert "as kisumu-course 1.1.0" in out and "stepcampus trust" in out
    assert main([*data, "validate", str(target)]) == 0
    assert main([*data, "adapt", SAMPLE_COURSE, "-o", str(target)]) == 2
    assert "exists already" in capsys.readouterr().err
    assert main([*data, "adapt", "no-such-course"]) == 2


def test_add_a_module_translate_it_and_raise_the_version_keep_course_yaml_as_written(
        course_copy: Path) -> None:
    manifest = course_copy / "course.yaml"
    before = manifest.read_text(encoding="utf-8")
    rel = add_module(course_copy, "kisumu-case", "Kisumu: a local case study")
    assert rel == "en/kisumu-case.md"
    text = (course_copy / rel).read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: 'Kisumu: a local case study'\n")
    assert "{ .case-study }" in text
    after = manifest.read_text(encoding="utf-8")
    assert after == before.replace("  - knowledge-sharing\n",
                                   "  - knowledge-sharing\n  - kisumu-case\n")
    with pytest.raises(InputError, match="already a module"):
        add_module(course_copy, "kisumu-case", "Again")

    written = translate_module(course_copy, "social-integration", "pt")
    assert written == ["pt/social-integration.md", "pt/quizzes/social-integration.gift",
                       "pt/facilitator/social-integration.md"]
    assert "languages: [en, fr, es, pt]\n" in manifest.read_text(encoding="utf-8")
    with pytest.raises(InputError, match="exists already"):
        translate_module(course_copy, "social-integration", "pt")
    # a second module into an existing language leaves the languages alone
    translate_module(course_copy, "kisumu-case", "fr")
    set_version(course_copy, "1.0.1")
    final = manifest.read_text(encoding="utf-8")
    assert final.startswith("# The sample course")  # comments kept
    assert "\nversion: 1.0.1\n" in final
    course, problems = load_course(course_copy)
    assert problems == [] and course is not None
    assert course.meta["modules"][-1] == "kisumu-case"
    assert set(course.modules["kisumu-case"]) == {"en", "fr"}
    assert course.modules["social-integration"]["pt"].quiz == "pt/quizzes/social-integration.gift"


def test_next_version() -> None:
    assert next_version("1.0.0") == "1.0.1"
    assert next_version("2.9.19") == "2.9.20"
