"""`stepcampus search QUERY [--language L] [--limit N] [--json]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from stepcampus import cli, cli_search
from stepcampus.campus import SAMPLE_COURSE, Campus


@pytest.fixture
def data_dir(campus: Campus) -> Path:
    campus.ensure_sample_course()  # installed, not indexed: the command indexes first
    return campus.data_dir


def test_indexes_then_prints_one_hit_per_line(data_dir: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--data-dir", str(data_dir), "search", "pauvreté", "--language", "fr",
                     "--limit", "3"]) == 0
    out, err = capsys.readouterr()
    assert err == ""  # quiet indexing
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0] == (f"{SAMPLE_COURSE}/social-exclusion#exclusion-et-pauvrete-ne-se-"
                        "confondent-pas  L'exclusion sociale et l'exclusion de la protection "
                        "sociale: Exclusion et pauvreté ne se confondent pas")
    assert all("<b>" not in line for line in lines)
    assert (data_dir / "search.sqlite").exists()


def test_json_output(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--data-dir", str(data_dir), "search", "CIBLAGE", "--language", "fr",
                     "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    glossary = next(h for h in hits if h["kind"] == "glossary")
    assert glossary["title"] == "Ciblage" and glossary["language"] == "fr"
    assert glossary["course_id"] == SAMPLE_COURSE
    assert "<b>Ciblage</b>" in glossary["snippet_html"]
    assert glossary["definition"].startswith("Fait de réserver")
    assert {"module_id", "anchor", "snippet", "course_title"} <= glossary.keys()


def test_no_hits_is_not_an_error(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--data-dir", str(data_dir), "search", "zzzqqxw"]) == 0
    assert capsys.readouterr().out == ""
    assert cli.main(["--data-dir", str(data_dir), "search", '( "" - * :', "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_add_parser_registers_search() -> None:
    parser = argparse.ArgumentParser()
    cli_search.add_parser(parser.add_subparsers())
    args = parser.parse_args(["search", "a b", "--language", "es", "--limit", "5", "--json"])
    assert args.func is cli_search.run
    assert (args.query, args.language, args.limit, args.json) == ("a b", "es", 5, True)
