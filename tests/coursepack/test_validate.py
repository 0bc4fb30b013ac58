"""`stepcampus validate`: every problem at once, each with its file, line and what to do."""

from __future__ import annotations

from pathlib import Path

import yaml

from stepcampus.cli import main
from stepcampus.coursepack.gift import parse_gift
from stepcampus.coursepack.source import load_course
from tests.conftest import SAMPLE_SOURCE


def run_validate(folder: Path, capsys) -> tuple[int, list[str]]:
    code = main(["validate", str(folder)])
    return code, capsys.readouterr().out.splitlines()


def test_sample_course_is_valid(capsys) -> None:
    code, lines = run_validate(SAMPLE_SOURCE, capsys)
    assert code == 0, "\n".join(lines)
    assert lines == ["inclusive-social-protection 1.0.0: 6 modules, languages en, fr, es: "
                     "no problems"]


def test_sample_course_meets_the_content_brief() -> None:
    course, problems = load_course(SAMPLE_SOURCE)
    assert course is not None and not problems
    assert len(course.meta["modules"]) >= 6
    for module_id, texts in course.modules.items():
        en = texts["en"]
        body = (SAMPLE_SOURCE / en.path).read_text(encoding="utf-8").split("\n---\n", 1)[1]
        assert len(body.split()) >= 1200, module_id
        for marker in ("{ .case-study }", "{ .activity-individual }", "{ .activity-group }"):
            assert marker in body, (module_id, marker)
        assert en.objectives and en.quiz and en.facilitator
        questions = parse_gift((SAMPLE_SOURCE / en.quiz).read_text(encoding="utf-8"))
        scored = [q for q in questions if q.type != "description"]
        assert len(scored) >= 6 and len({q.type for q in scored}) >= 4, module_id
    for module_id in course.meta["modules"][:2]:
        assert {"en", "fr", "es"} <= set(course.modules[module_id])
        for lang in ("fr", "es"):
            assert course.modules[module_id][lang].quiz == f"{lang}/quizzes/{module_id}.gift"
    assert set(course.glossaries) == {"en", "fr", "es"}
    for path in course.glossaries.values():
        assert len(yaml.safe_load((SAMPLE_SOURCE / path).read_text(encoding="utf-8"))) >= 30


MODULE_WITH_PROBLEMS = """---
title: Social integration
duration: 60
---

An introduction that forgets its objectives.

![Diagram](../media/missing.png)

Read [the report](https://example.org/report) or [module two](social-health-protection.md).
"""


def test_every_problem_is_reported_at_once(course_copy: Path, capsys) -> None:
    (course_copy / "en" / "social-integration.md").write_text(MODULE_WITH_PROBLEMS)
    (course_copy / "en" / "knowledge-sharing.md").unlink()
    gift = course_copy / "en" / "quizzes" / "solidarity-economy.gift"
    gift.write_text(gift.read_text() + "\n\n::Broken:: Which one? {=this ~that\n")
    manifest = course_copy / "course.yaml"
    manifest.write_text(manifest.read_text().replace("languages: [en, fr, es]",
                                                     "languages: [en, fr, es, xx]"))
    before = {p: p.read_bytes() for p in course_copy.rglob("*") if p.is_file()}

    code, lines = run_validate(course_copy, capsys)

    assert code == 1
    text = "\n".join(lines)
    assert "en/social-integration.md:2: the module has no learning objectives" in text
    assert "en/social-integration.md:8: broken image: '../media/missing.png' does not exist" in text
    assert "en/social-integration.md:10: link to a remote address 'https://example.org/report'" \
        in text
    assert "module 'knowledge-sharing' has no file en/knowledge-sharing.md" in text
    assert "course.yaml:" in text and "unknown language 'xx'" in text
    assert any(line.startswith("en/quizzes/solidarity-economy.gift:") for line in lines)
    # a link to another module is fine, and the sample's own files raise nothing else
    assert "social-health-protection.md' does not exist" not in text
    # every line says what to do
    assert all("(" in line and line.endswith(")") for line in lines), text
    # validation never changes the sources
    assert before == {p: p.read_bytes() for p in course_copy.rglob("*") if p.is_file()}


def test_manifest_line_of_a_missing_module(course_copy: Path, capsys) -> None:
    (course_copy / "en" / "solidarity-economy.md").unlink()
    (course_copy / "en" / "quizzes" / "solidarity-economy.gift").unlink()
    (course_copy / "en" / "facilitator" / "solidarity-economy.md").unlink()
    _, lines = run_validate(course_copy, capsys)
    line_no = next(i for i, line in enumerate(
        (course_copy / "course.yaml").read_text().splitlines(), 1)
        if line.strip() == "- solidarity-economy")
    assert lines == [f"course.yaml:{line_no}: module 'solidarity-economy' has no file "
                     "en/solidarity-economy.md (write the module or remove it from modules)"]


def test_bad_utf8_and_malformed_front_matter(course_copy: Path, capsys) -> None:
    (course_copy / "fr" / "glossary.yaml").write_bytes(b"- term: ok\n  definition: ok\n"
                                                       b"- term: caf\xe9\n")
    module = course_copy / "es" / "social-exclusion.md"
    module.write_text("---\ntitle: Exclusión\nobjectives: [uno\nduration: 10\n---\n\nTexto.\n")
    _, lines = run_validate(course_copy, capsys)
    text = "\n".join(lines)
    assert "fr/glossary.yaml:3: is not valid UTF-8" in text
    assert any(line.startswith("es/social-exclusion.md:") and "YAML" in line for line in lines)


def test_unknown_language_folder_and_unlisted_module(course_copy: Path, capsys) -> None:
    (course_copy / "pt").mkdir()
    (course_copy / "pt" / "social-exclusion.md").write_text("---\ntitle: x\n---\n")
    (course_copy / "en" / "extra.md").write_text("---\ntitle: Extra\n---\n")
    _, lines = run_validate(course_copy, capsys)
    text = "\n".join(lines)
    assert "pt/: folder 'pt' is not a language of the course (add it to languages" in text
    assert "en/extra.md: module 'extra' is not listed in course.yaml" in text


def test_not_a_course(tmp_path: Path, capsys) -> None:
    code, lines = run_validate(tmp_path, capsys)
    assert code == 1
    assert lines == ["course.yaml: the course manifest is missing "
                     "(create course.yaml as the authoring guide shows)"]


def test_misspelt_fields_are_named_with_a_suggestion(course_copy: Path, capsys) -> None:
    module = course_copy / "en" / "social-integration.md"
    module.write_text(module.read_text().replace("\nobjectives:", "\nobjectivs:", 1))
    manifest = course_copy / "course.yaml"
    manifest.write_text(manifest.read_text().replace("licence:", "license:"))
    _, lines = run_validate(course_copy, capsys)
    line_no = module.read_text().splitlines().index("objectivs:") + 1
    assert f"en/social-integration.md:{line_no}: unknown field 'objectivs' " \
           "(did you mean 'objectives'?)" in lines
    assert any(line.startswith("course.yaml:") and "unknown field 'license' (did you mean "
               "'licence'?)" in line for line in lines)
