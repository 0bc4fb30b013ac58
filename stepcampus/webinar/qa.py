"""Q&A compilations: the audience's questions and the panellists' answers of one webinar.

A package holds them as `qa.yaml`, a list of entries. `stepcampus webinar import` also reads
what trainers already have: the same YAML, a spreadsheet saved as CSV (one row a question),
or Markdown with one `## Question` heading per entry. Every problem names its file and line.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from stepcampus.coursepack.yamlfile import load_yaml
from stepcampus.errors import InputError, Problem
from stepcampus.textfile import decode_utf8
from stepcampus.webinar.vtt import clock, parse_clock

FIELDS = ("id", "question", "answer", "asked_by", "answered_by", "at", "topics")
MAX_ENTRIES = 10_000
MAX_TEXT = 20_000
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True)
class QAEntry:
    id: str
    question: str
    answer: str = ""
    asked_by: str = ""
    answered_by: str = ""
    at: float | None = None  # seconds into the recording where the answer was given
    topics: tuple[str, ...] = field(default_factory=tuple)

    def as_yaml(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "question": self.question}
        for key in ("answer", "asked_by", "answered_by"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.at is not None:
            data["at"] = clock(self.at)
        if self.topics:
            data["topics"] = list(self.topics)
        return data


def parse_qa(text: str, source: str, duration: float | None = None) -> list[QAEntry]:
    """The entries of a package's qa.yaml; `at` beyond `duration` is an error."""
    doc = load_yaml(text, source)
    if doc.data is None:
        return []
    if not isinstance(doc.data, list):
        raise InputError(Problem(source, 1, "the Q&A must be a list of entries",
                                 "start each entry with '- question:'"))
    problems: list[Problem] = []
    entries: list[QAEntry] = []
    seen: set[str] = set()
    for index, item in enumerate(doc.data[: MAX_ENTRIES + 1]):
        line = doc.line(index)
        if index == MAX_ENTRIES:
            problems.append(Problem(source, line, f"more than {MAX_ENTRIES} entries"))
            break
        if not isinstance(item, dict):
            problems.append(Problem(source, line, "an entry must be a mapping",
                                    "write 'question:' and 'answer:' under '- '"))
            continue
        entry = _entry(item, index, source, lambda key, i=index: doc.line(i, key), problems,
                       duration)
        if entry is None:
            continue
        if entry.id in seen:
            problems.append(Problem(source, doc.line(index, "id"), f"id {entry.id!r} is "
                                    "used twice", "give each entry its own id"))
            continue
        seen.add(entry.id)
        entries.append(entry)
    if problems:
        raise InputError(problems)
    return entries


def _entry(item: dict[str, Any], index: int, source: str, line_of: Any,
           problems: list[Problem], duration: float | None) -> QAEntry | None:
    before = len(problems)
    for key in item:
        if key not in FIELDS:
            problems.append(Problem(source, line_of(key), f"unknown field {key!r}",
                                    "known fields: " + ", ".join(FIELDS)))
    texts: dict[str, str] = {}
    for key in ("question", "answer", "asked_by", "answered_by"):
        value = item.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            problems.append(Problem(source, line_of(key), f"{key} must be text"))
            continue
        value = str(value).strip()
        if len(value) > MAX_TEXT:
            problems.append(Problem(source, line_of(key), f"{key} is longer than {MAX_TEXT} "
                                    "characters"))
        texts[key] = value
    if not texts.get("question") and "question" in texts:
        problems.append(Problem(source, line_of("question"), "the entry has no question",
                                "every entry needs 'question:'"))
    entry_id = item.get("id", f"q{index + 1:03d}")
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        problems.append(Problem(source, line_of("id"), f"id {entry_id!r} is not valid",
                                "use lower-case letters, digits and hyphens"))
    at = _at(item.get("at"), source, line_of("at"), problems, duration)
    topics = item.get("topics", [])
    if isinstance(topics, str):
        topics = [t.strip() for t in topics.split(";") if t.strip()]
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        problems.append(Problem(source, line_of("topics"), "topics must be a list of words",
                                "e.g. topics: [cash transfers, registries]"))
        topics = []
    if len(problems) > before:
        return None
    return QAEntry(str(entry_id), texts["question"], texts.get("answer", ""),
                   texts.get("asked_by", ""), texts.get("answered_by", ""), at,
                   tuple(t.strip() for t in topics if t.strip()))


def _at(value: Any, source: str, line: int | None, problems: list[Problem],
        duration: float | None) -> float | None:
    if value is None or value == "":
        return None
    seconds = float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else parse_clock(str(value))
    if seconds is None or seconds < 0:
        problems.append(Problem(source, line, f"'at' {value!r} is not a time in the recording",
                                "write minutes and seconds such as 12:34"))
        return None
    if duration is not None and seconds > duration + 1:
        problems.append(Problem(source, line, f"'at' {clock(seconds)} is after the end of the "
                                f"recording ({clock(duration)})"))
        return None
    return seconds


def dump_qa(entries: list[QAEntry]) -> str:
    return yaml.safe_dump([e.as_yaml() for e in entries], allow_unicode=True, sort_keys=False,
                          width=100)


# Reading what trainers have ------------------------------------------------------------------

_HEADERS = {"question": "question", "questions": "question", "q": "question",
            "answer": "answer", "answers": "answer", "a": "answer",
            "asked by": "asked_by", "asked_by": "asked_by", "asker": "asked_by",
            "name": "asked_by", "answered by": "answered_by", "answered_by": "answered_by",
            "panellist": "answered_by", "panelist": "answered_by", "at": "at", "time": "at",
            "timestamp": "at", "topics": "topics", "topic": "topics", "id": "id"}


def read_qa_file(path: Path, duration: float | None = None) -> list[QAEntry]:
    """A Q&A file as a trainer has it: .yaml/.yml, .csv or .md; InputError naming the line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(str(path), None, f"cannot read the file: {exc.strerror}")) \
            from None
    text = decode_utf8(raw, str(path)).removeprefix("\ufeff").replace("\r\n", "\n")
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        entries = parse_qa(text, str(path), duration)
    elif suffix == ".csv":
        entries = _from_csv(text, str(path), duration)
    elif suffix in (".md", ".markdown", ".txt"):
        entries = _from_markdown(text, str(path), duration)
    else:
        raise InputError(Problem(str(path), None, f"unknown Q&A format {suffix!r}",
                                 "give a .yaml, .csv or .md file"))
    if not entries:
        raise InputError(Problem(str(path), None, "holds no question"))
    return entries


def _delimiter(header: str) -> str:
    """The header row's separator: spreadsheets write ',' or, where the comma is the decimal
    mark, ';'. (csv.Sniffer guesses quoting from the first rows too, and a wrong guess splits
    a later field that holds a doubled quote.)"""
    header = re.sub(r'"[^"]*"', "", header)  # a quoted column name may hold either
    counts = {d: header.count(d) for d in ",;\t"}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


_COLUMNS_HINT = "name the columns question, answer, asked by, answered by, at, topics"


def _from_csv(text: str, source: str, duration: float | None) -> list[QAEntry]:
    reader = csv.reader(io.StringIO(text), csv.excel, delimiter=_delimiter(
        text.split("\n", 1)[0]))
    try:
        header = next(reader)
    except StopIteration:
        return []
    columns = [_HEADERS.get(h.strip().casefold()) for h in header]
    unknown = [h.strip() for h, c in zip(header, columns, strict=True) if h.strip() and not c]
    if unknown:  # dropping a column the trainer named differently would lose it quietly
        raise InputError(Problem(source, 1, f"unknown column {unknown[0]!r}", _COLUMNS_HINT))
    if "question" not in columns:
        raise InputError(Problem(source, 1, "no 'question' column in the header row",
                                 _COLUMNS_HINT))
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    try:
        row_start = reader.line_num + 1
        for values in reader:
            # line_num is where the row ends; a quoted newline makes a row span lines
            start, row_start = row_start, reader.line_num + 1
            if not any(v.strip() for v in values):
                continue
            rows.append({c: v for c, v in zip(columns, values, strict=False) if c})
            lines.append(start)
    except csv.Error as exc:
        raise InputError(Problem(source, reader.line_num, f"is not valid CSV: {exc}")) from None
    return _checked(rows, lines, source, duration)


_HEADING = re.compile(r"^#{2,3}\s+(.+?)\s*#*\s*$")
_META = re.compile(r"^(asked by|answered by|at|time|topics?)\s*:\s*(.*)$", re.IGNORECASE)


def _from_markdown(text: str, source: str, duration: float | None) -> list[QAEntry]:
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    current: dict[str, Any] | None = None
    answer: list[str] = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        heading = _HEADING.match(line)
        if heading:
            if current is not None:
                current["answer"] = "\n".join(answer).strip()
                rows.append(current)
            current, answer = {"question": heading.group(1)}, []
            lines.append(number)
            continue
        if current is None:
            continue
        meta = _META.match(line.strip())
        if meta and not "".join(answer).strip():
            key = _HEADERS.get(meta.group(1).casefold(), meta.group(1).casefold())
            current[key if key != "topic" else "topics"] = meta.group(2).strip()
        else:
            answer.append(line)
    if current is not None:
        current["answer"] = "\n".join(answer).strip()
        rows.append(current)
    return _checked(rows, lines, source, duration)


def _checked(rows: list[dict[str, Any]], lines: list[int], source: str,
             duration: float | None) -> list[QAEntry]:
    problems: list[Problem] = []
    entries: list[QAEntry] = []
    seen: set[str] = set()
    for index, (row, line) in enumerate(zip(rows, lines, strict=True)):
        if not str(row.get("id") or "").strip():  # an empty id cell: numbered like no column
            row["id"] = f"q{index + 1:03d}"
        else:
            row["id"] = str(row["id"]).strip()
        entry = _entry(row, index, source, lambda _key, n=line: n, problems, duration)
        if entry is None:
            continue
        if entry.id in seen:
            problems.append(Problem(source, line, f"id {entry.id!r} is used twice",
                                    "give each entry its own id"))
            continue
        seen.add(entry.id)
        entries.append(entry)
    if problems:
        raise InputError(problems)
    return entries
