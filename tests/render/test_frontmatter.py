from __future__ import annotations

from pathlib import Path

import pytest

from stepcampus.errors import InputError
from stepcampus.render.frontmatter import read_text, split_front_matter


def problem_of(exc: pytest.ExceptionInfo[InputError]) -> tuple[str, int | None, str]:
    (problem,) = exc.value.problems
    return problem.file, problem.line, problem.message


def test_front_matter_and_body_line() -> None:
    fm = split_front_matter("---\ntitle: T\nduration: 60\n---\n\n# Body\n", "m.md")
    assert fm.meta == {"title": "T", "duration": 60}
    assert fm.body == "\n# Body\n"
    assert fm.body_line == 5
    assert fm.body.split("\n")[6 - fm.body_line] == "# Body"  # "# Body" is file line 6


def test_no_front_matter_keeps_text() -> None:
    fm = split_front_matter("# Title\n\ntext\n", "m.md")
    assert (fm.meta, fm.body, fm.body_line) == ({}, "# Title\n\ntext\n", 1)


def test_bom_and_crlf() -> None:
    fm = split_front_matter("\ufeff---\r\ntitle: T\r\n---\r\nline one\r\nline two\r\n", "m.md")
    assert fm.meta == {"title": "T"}
    assert fm.body == "line one\nline two\n"
    assert "\r" not in fm.body
    assert fm.body_line == 4


def test_empty_front_matter_is_empty_mapping() -> None:
    assert split_front_matter("---\n---\nbody", "m.md").meta == {}


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("---\ntitle: T\nobjectives: [a, b\n---\nbody\n", 3),  # flow sequence never closed
        ("---\ntitle: T\n  bad: indent\n---\n", 3),
        ("---\na: 1\n\nb: x: y\n---\n", 4),
        ("\ufeff---\r\na: 1\r\nb: 2\r\nc: : :\r\n  - x\r\n---\r\n", 4),  # BOM and CRLF
        # the parser notices the unclosed "[x" on the next key, file line 23
        ("---\n" + "".join(f"k{i}: v\n" for i in range(20)) + "bad: [x\nnext: 1\n---\n", 23),
    ],
)
def test_yaml_error_names_real_file_line(text: str, line: int) -> None:
    with pytest.raises(InputError) as exc:
        split_front_matter(text, "en/m.md")
    file, got, message = problem_of(exc)
    assert (file, got) == ("en/m.md", line)
    assert "YAML" in message


def test_unclosed_front_matter_names_line_1() -> None:
    with pytest.raises(InputError) as exc:
        split_front_matter("---\ntitle: T\n\n# Body\n", "en/m.md")
    file, line, message = problem_of(exc)
    assert (file, line) == ("en/m.md", 1)
    assert "not closed" in message


@pytest.mark.parametrize("yaml_text", ["- a\n- b", "just a string", "42"])
def test_front_matter_must_be_mapping(yaml_text: str) -> None:
    with pytest.raises(InputError) as exc:
        split_front_matter(f"---\n{yaml_text}\n---\nbody\n", "en/m.md")
    file, line, message = problem_of(exc)
    assert (file, line) == ("en/m.md", 2)
    assert "mapping" in message


def test_read_text_bad_utf8_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "m.md"
    path.write_bytes("---\ntitle: Caf\u00e9\n---\n\nok\n".encode() + b"bad \xe9 byte\n")
    with pytest.raises(InputError) as exc:
        read_text(path)
    file, line, message = problem_of(exc)
    assert (file, line) == (str(path), 6)
    assert "UTF-8" in message
    assert f"{path}:6" in str(exc.value)


def test_read_text_good_and_missing(tmp_path: Path) -> None:
    path = tmp_path / "m.md"
    path.write_text("Protección", encoding="utf-8")
    assert read_text(path) == "Protección"
    with pytest.raises(InputError) as exc:
        read_text(tmp_path / "absent.md")
    assert problem_of(exc)[0] == str(tmp_path / "absent.md")
