from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from stepcampus import cli, cli_render

from .htmltree import find, urls


def write_package(root: Path) -> Path:
    (root / "en").mkdir(parents=True)
    (root / "media").mkdir()
    (root / "media" / "cycle.svg").write_text("<svg/>", encoding="utf-8")
    module = root / "en" / "m.md"
    module.write_text(
        "---\ntitle: Protección\n---\n# Protección social\n\n![c](../media/cycle.svg)\n"
        "<script>alert(1)</script>\n",
        encoding="utf-8",
    )
    return module


def test_prints_sanitised_html(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    module = write_package(tmp_path / "course")
    assert cli.main(["render", str(module), "--package-root", str(tmp_path / "course")]) == 0
    out, err = capsysbinary.readouterr()
    html = out.decode("utf-8")  # UTF-8 whatever the console encoding
    assert err == b""
    assert [h.text for h in find(html, "h1")] == ["Protección social"]
    assert urls(html) == ["pkg:media/cycle.svg"]
    assert "script" not in html and "alert" not in html


def test_bad_file_exits_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "broken.md"
    bad.write_text("---\ntitle: [unclosed\nnext: 1\n---\nbody\n", encoding="utf-8")
    assert cli.main(["render", str(bad)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{bad}:3" in err


def test_bad_utf8_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "latin1.md"
    bad.write_bytes(b"ok\n\xe9t\xe9\n")
    assert cli.main(["render", str(bad)]) == 2
    assert f"{bad}:2" in capsys.readouterr().err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["render", str(tmp_path / "absent.md")]) == 2
    assert "absent.md" in capsys.readouterr().err


def test_add_parser_registers_render() -> None:
    parser = argparse.ArgumentParser()
    cli_render.add_parser(parser.add_subparsers())
    args = parser.parse_args(["render", "m.md", "--package-root", "course"])
    assert args.func is cli_render.run
    assert (args.file, args.package_root) == (Path("m.md"), Path("course"))
