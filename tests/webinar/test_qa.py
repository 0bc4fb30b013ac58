"""Q&A compilations: the package's qa.yaml, and what trainers have (YAML, CSV from a
spreadsheet, Markdown), each problem named with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from stepcampus.errors import InputError
from stepcampus.webinar.qa import QAEntry, dump_qa, parse_qa, read_qa_file
from tests.webinar.helpers import SAMPLE_SESSION_DIR

LENGTH = 600.0  # seconds: the recording the entries belong to


def problems(exc: pytest.ExceptionInfo[InputError]) -> list[tuple[int | None, str]]:
    return [(p.line, p.message) for p in exc.value.problems]


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


# -- the package format ---------------------------------------------------------------------

def test_sample_compilation_parses_and_round_trips() -> None:
    text = (SAMPLE_SESSION_DIR / "qa.yaml").read_text(encoding="utf-8")
    entries = parse_qa(text, "qa.yaml", duration=230.946)
    assert len(entries) >= 10 and len({e.id for e in entries}) == len(entries)
    first = entries[0]
    assert (first.id, first.asked_by, first.answered_by, first.at, first.topics) == \
        ("q01", "Kofi, Ghana", "Joseph Mwangale", 55.0, ("linking options",))
    assert entries[1].at == 89.0  # at: '1:29', quoted
    assert all(e.question and e.answer for e in entries)
    assert parse_qa(dump_qa(entries), "again.yaml", duration=230.946) == entries


def test_yaml_forms_of_at_topics_and_defaults() -> None:
    text = ("- question: Who pays?\n  at: 75\n  topics: cash; registries\n"
            "- question: When?\n  at: '1:02:03'\n"
            "- id: last-one\n  question: Why?\n  answer: ''\n  at: 10:15\n")
    entries = parse_qa(text, "qa.yaml", duration=4000)
    assert entries == [
        QAEntry("q001", "Who pays?", at=75.0, topics=("cash", "registries")),
        QAEntry("q002", "When?", at=3723.0),
        QAEntry("last-one", "Why?", at=615.0)]  # YAML's own 10:15 (base 60) reads the same
    assert parse_qa("", "qa.yaml") == [] and parse_qa("# none yet\n", "qa.yaml") == []


def test_yaml_reports_every_problem_with_its_line() -> None:
    text = """\
- id: q1
  question: Fine
- id: q1
  question: Asked twice
- question: Unknown field
  answr: misspelt
- question: Too late
  at: '12:00'
- question: Not a time
  at: soon
- answer: no question
- just text
- id: Bad_Id
  question: Upper case
- question: Topics wrong
  topics: {a: 1}
"""
    with pytest.raises(InputError) as exc:
        parse_qa(text, "sessions/x/qa.yaml", duration=LENGTH)
    assert [p.file for p in exc.value.problems] == ["sessions/x/qa.yaml"] * 8
    found = problems(exc)
    assert found == [
        (3, "id 'q1' is used twice"),
        (6, "unknown field 'answr'"),
        (8, "'at' 12:00 is after the end of the recording (10:00)"),
        (10, "'at' 'soon' is not a time in the recording"),
        (11, "the entry has no question"),
        (12, "an entry must be a mapping"),
        (13, "id 'Bad_Id' is not valid"),
        (16, "topics must be a list of words"),
    ]


def test_yaml_that_is_not_a_list_or_not_yaml() -> None:
    with pytest.raises(InputError) as exc:
        parse_qa("question: one\n", "qa.yaml")
    assert problems(exc) == [(1, "the Q&A must be a list of entries")]
    with pytest.raises(InputError) as exc:
        parse_qa("- question: ok\n- question: [unclosed\n", "qa.yaml")
    [problem] = exc.value.problems  # the parser notices at the end of the file
    assert problem.line in (2, 3) and "invalid YAML" in problem.message


# -- what trainers have ---------------------------------------------------------------------

def test_csv_with_commas_quoted_newlines_and_header_synonyms(tmp_path: Path) -> None:
    path = write(tmp_path, "qa.csv", (
        "\ufeffQuestion,Answer,Asked by,Panellist,Time,Topic\r\n"
        '"Why cash, not food?","Markets work.\r\nMostly.",Ana (Peru),Joseph,1:05,cash\r\n'
        '\r\n'
        'How fast?,"Days, sometimes ""hours""",Kofi,Leila,130,"cash; speed"\r\n'))
    assert read_qa_file(path, LENGTH) == [
        QAEntry("q001", "Why cash, not food?", "Markets work.\nMostly.", "Ana (Peru)",
                "Joseph", 65.0, ("cash",)),
        QAEntry("q002", "How fast?", 'Days, sometimes "hours"', "Kofi", "Leila", 130.0,
                ("cash", "speed"))]


def test_csv_with_semicolons_as_spreadsheets_write_where_the_comma_is_a_decimal_mark(
        tmp_path: Path) -> None:
    path = write(tmp_path, "qa.csv", (
        "question;answer;asker;timestamp\n"
        "Why cash, not food?;Markets work, mostly, and people choose.;Ana, Peru;1:05\n"
        "How fast, really?;Within days, sometimes hours.;Kofi;2:10\n"))
    entries = read_qa_file(path, LENGTH)
    assert [(e.question, e.answer, e.asked_by, e.at) for e in entries] == [
        ("Why cash, not food?", "Markets work, mostly, and people choose.", "Ana, Peru", 65.0),
        ("How fast, really?", "Within days, sometimes hours.", "Kofi", 130.0)]


def test_csv_quotes_are_read_the_spreadsheet_way_all_through_a_long_file(tmp_path: Path) -> None:
    # A guess made from the first few KB (no doubled quote in them) must not split a later
    # field that holds one.
    rows = "".join(f'Question {i},"Answer {i}, indeed"\n' for i in range(300))
    path = write(tmp_path, "qa.csv", 'question,answer\n' + rows +
                 '"Why, not?","He said ""no"", twice"\n')
    entries = read_qa_file(path, LENGTH)
    assert len(entries) == 301
    assert (entries[-1].question, entries[-1].answer) == ("Why, not?", 'He said "no", twice')


def test_csv_separator_is_read_from_the_header_outside_its_quotes(tmp_path: Path) -> None:
    path = write(tmp_path, "qa.csv", '"Question";"Notes, misc"\nWhy?;Yes, no\n')
    with pytest.raises(InputError) as exc:
        read_qa_file(path)
    assert problems(exc) == [(1, "unknown column 'Notes, misc'")]


def test_csv_tab_separated(tmp_path: Path) -> None:
    path = write(tmp_path, "qa.csv", "Question\tAnswer\nWhy?\tBecause, well, yes.\n")
    assert read_qa_file(path) == [QAEntry("q001", "Why?", "Because, well, yes.")]


def test_csv_ids_left_empty_are_numbered_and_given_ids_are_kept(tmp_path: Path) -> None:
    path = write(tmp_path, "qa.csv", "id,question\n,Why?\nintro,How?\n,When?\n")
    assert [e.id for e in read_qa_file(path)] == ["q001", "intro", "q003"]


def test_csv_problems_name_the_line_where_the_row_starts(tmp_path: Path) -> None:
    path = write(tmp_path, "qa.csv", (
        "question,answer,at\n"
        'Fine,"one\ntwo\nthree",1:00\n'          # lines 2-4
        'Late,"an answer\nover two lines",11:00\n'  # lines 5-6
        ",no question,\n"                        # line 7
        "Soon,x,later\n"))                       # line 8
    with pytest.raises(InputError) as exc:
        read_qa_file(path, LENGTH)
    assert {p.file for p in exc.value.problems} == {str(path)}
    assert [line for line, _ in problems(exc)] == [5, 7, 8]
    assert "after the end of the recording" in problems(exc)[0][1]


def test_csv_duplicate_ids_are_refused_with_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "qa.csv", "id,question\nq002,Why?\n,How?\nwhy,A\nwhy,B\n")
    with pytest.raises(InputError) as exc:
        read_qa_file(path)
    assert problems(exc) == [(3, "id 'q002' is used twice"), (5, "id 'why' is used twice")]


def test_csv_column_it_does_not_know_is_refused_rather_than_dropped(tmp_path: Path) -> None:
    # 'Response' is not a known name for the answer: importing without the answers would
    # lose them quietly.
    path = write(tmp_path, "qa.csv", "Question,Response,\nWhy?,Because.,\n")
    with pytest.raises(InputError) as exc:
        read_qa_file(path)
    [(line, message)] = problems(exc)
    assert line == 1 and "'Response'" in message
    assert "answer" in exc.value.problems[0].hint


def test_csv_without_a_question_column(tmp_path: Path) -> None:
    path = write(tmp_path, "qa.csv", "asked by,answer\nAna,yes\n")
    with pytest.raises(InputError) as exc:
        read_qa_file(path)
    assert problems(exc) == [(1, "no 'question' column in the header row")]


def test_markdown_one_heading_a_question(tmp_path: Path) -> None:
    path = write(tmp_path, "qa.md", """\
# Q&A of the March session

Some words before the first question are not part of any entry.

## How do registries stay up to date?
Asked by: Amina, Kenya
Answered by: Leila Santamaría
At: 12:34
Topics: registries; data

Through **regular visits** and self-registration.

A second paragraph of the answer.

### Who pays for the top-ups?
time: 75
The treasury, mostly.
""")
    assert read_qa_file(path, 1000) == [
        QAEntry("q001", "How do registries stay up to date?",
                "Through **regular visits** and self-registration.\n\n"
                "A second paragraph of the answer.", "Amina, Kenya", "Leila Santamaría", 754.0,
                ("registries", "data")),
        QAEntry("q002", "Who pays for the top-ups?", "The treasury, mostly.", at=75.0)]


def test_markdown_time_past_the_end_names_the_question(tmp_path: Path) -> None:
    path = write(tmp_path, "qa.md", "## One?\nyes\n\n## Two?\nAt: 20:00\nno\n")
    with pytest.raises(InputError) as exc:
        read_qa_file(path, LENGTH)
    assert problems(exc) == [(4, "'at' 20:00 is after the end of the recording (10:00)")]


@pytest.mark.parametrize(("name", "text"), [
    ("qa.csv", "question,answer\nWhy?,yes\nHow?,Ça dépend\n"),
    ("qa.md", "## Why?\nyes\n\n## How?\nÇa dépend\n"),
    ("qa.yaml", "- question: Why?\n- question: How?\n  answer: Ça dépend\n"),
])
def test_a_latin_1_file_names_the_line_of_the_first_bad_byte(tmp_path: Path, name: str,
                                                              text: str) -> None:
    path = write(tmp_path, name, text, encoding="latin-1")
    with pytest.raises(InputError) as exc:
        read_qa_file(path)
    [problem] = exc.value.problems
    assert (problem.file, problem.line) == (str(path), text.count("\n", 0, text.index("Ç")) + 1)
    assert "not valid UTF-8" in problem.message and "UTF-8" in problem.hint


def test_unknown_format_empty_file_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"unknown Q&A format '\.docx'"):
        read_qa_file(write(tmp_path, "qa.docx", "x"))
    with pytest.raises(InputError, match="holds no question"):
        read_qa_file(write(tmp_path, "qa.csv", "question,answer\n"))
    with pytest.raises(InputError, match="holds no question"):
        read_qa_file(write(tmp_path, "qa.md", "# Only a title\n"))
    with pytest.raises(InputError, match="cannot read the file"):
        read_qa_file(tmp_path / "missing.csv")
