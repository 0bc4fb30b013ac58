"""`stepcampus gift FILE [--to-gift] [-o OUT]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from stepcampus import cli, cli_gift
from stepcampus.coursepack.gift import parse_gift

SAMPLE = Path(__file__).parent / "data" / "all_types.gift"


def test_prints_json_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["gift", str(SAMPLE)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["type"] == "multichoice"
    assert data[0]["category"] == "social-protection/unit 1"
    assert data[0]["line"] == 6
    assert len(data) == len(parse_gift(SAMPLE.read_text(encoding="utf-8")))


def test_writes_gift_back(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["gift", str(SAMPLE), "--to-gift"]) == 0
    written = capsys.readouterr().out
    assert written.startswith("$CATEGORY: social-protection/unit 1\n")
    assert parse_gift(written) == parse_gift(SAMPLE.read_text(encoding="utf-8"))


def test_writes_to_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.gift"
    assert cli.main(["gift", str(SAMPLE), "--to-gift", "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert b"\r\n" not in out.read_bytes()
    assert parse_gift(out.read_text(encoding="utf-8")) == parse_gift(
        SAMPLE.read_text(encoding="utf-8"))
    json_out = tmp_path / "out.json"
    assert cli.main(["gift", str(SAMPLE), "--output", str(json_out)]) == 0
    assert json.loads(json_out.read_text(encoding="utf-8"))[0]["name"] == "Cash transfers"


def test_bad_file_lists_every_problem_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.gift"
    bad.write_text("::A::Q {=a ~b}\n\n::B::Q {=a ~b\n\n::C::Q {#pi}\n", encoding="utf-8")
    assert cli.main(["gift", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert lines[0].startswith(f"error: {bad}:3: '{{' is never closed")
    assert lines[1].startswith(f"error: {bad}:5: numerical answer 'pi' is not a number")


def test_missing_and_non_utf8_files_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["gift", str(tmp_path / "nope.gift")]) == 2
    assert "cannot read" in capsys.readouterr().err
    latin = tmp_path / "latin.gift"
    latin.write_bytes(b"Q {=a ~b}\n\nCaf\xe9 {T}\n")
    assert cli.main(["gift", str(latin)]) == 2
    assert f"{latin}:3: is not valid UTF-8" in capsys.readouterr().err


def test_registers_on_a_main_parser() -> None:
    # How stepcampus/cli.py uses it: add_parser(sub), then args.func(args).
    parser = argparse.ArgumentParser(prog="stepcampus")
    cli_gift.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["gift", "x.gift", "--to-gift", "-o", "y.gift"])
    assert args.func is cli_gift.run
    assert (args.file, args.to_gift, args.output) == (Path("x.gift"), True, Path("y.gift"))
