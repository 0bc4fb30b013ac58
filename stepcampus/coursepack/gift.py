"""Moodle GIFT import and export.

The reader follows Moodle's own (question/format/gift) rule for rule, so a file means here what
it means in Moodle. Where Moodle would reject a question, or silently turn a typo into a
different question, the reader reports it instead, and it reports every problem in the file at
once so an author can fix them in one pass.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

from stepcampus.errors import InputError, Problem
from stepcampus.quiz.model import (
    DEFAULT_FORMAT,
    DESCRIPTION,
    ESSAY,
    FALSE_TEXT,
    MATCHING,
    MULTICHOICE,
    MULTIPLE_ANSWERS,
    NUMERICAL,
    SHORTANSWER,
    TEXT_FORMATS,
    TRUE_TEXT,
    TRUEFALSE,
    Answer,
    Question,
)

# While a question is parsed, escaped characters stand in as Unicode noncharacters, so that
# "\{" can never open an answer block; they turn back into text once the structure is known.
_ESCAPABLE = "\\:#={}~n"
_HIDDEN = {char: chr(0xFDD0 + i) for i, char in enumerate(_ESCAPABLE)}
_REVEAL = str.maketrans({hidden: "\n" if char == "n" else char for char, hidden in _HIDDEN.items()})
_ESCAPE_RE = re.compile(r"\\([\\:#={}~n])")
_RESERVED_RE = re.compile("[\ufdd0-\ufdd7]")

_CATEGORY = "$CATEGORY:"
_NUMBER_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# Anything between percent signs that looks meant as a weight, so a typo there is reported
# rather than kept as answer text the way Moodle keeps it.
_WEIGHT_RE = re.compile(r"%([-+\d.,\s]+)%")
_FORMAT_RE = re.compile(r"\[([A-Za-z]+)\]")

# The only weights Moodle imports (question_bank::fraction_options_full, default "match
# grades: error"), compared to within 0.001 percent as Moodle does.
_GRADES = (100, 90, 500 / 6, 80, 75, 70, 200 / 3, 60, 50, 40, 100 / 3, 30, 25, 20, 100 / 6,
           100 / 7, 12.5, 100 / 9, 10, 5, 0)
_ALL_GRADES = _GRADES + tuple(-grade for grade in _GRADES if grade)
_GRADE_TOLERANCE = 0.001


class _Skip(Exception):
    """This question cannot be read any further; its problem is already recorded."""


class _Block:
    """One question's lines joined with escapes hidden, mapping offsets back to file lines."""

    def __init__(
        self, source: str, lines: list[tuple[int, str]], problems: list[Problem]
    ) -> None:
        self.source = source
        self.problems = problems
        hidden = [_hide(text) for _, text in lines]
        self.text = "\n".join(hidden)
        self._numbers = [number for number, _ in lines]
        self._starts: list[int] = []
        offset = 0
        for text in hidden:
            self._starts.append(offset)
            offset += len(text) + 1

    def line_at(self, pos: int) -> int:
        return self._numbers[max(bisect_right(self._starts, pos) - 1, 0)]

    def report(self, pos: int, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.source, self.line_at(pos), message, hint))

    def fail(self, pos: int, message: str, hint: str = "") -> NoReturn:
        self.report(pos, message, hint)
        raise _Skip


# ---------------------------------------------------------------------------------------------
# Reading


def parse_gift(text: str, source: str = "<gift>") -> list[Question]:
    """Read GIFT text into questions; raise InputError listing every problem found."""
    problems = _reserved_characters(text, source)
    questions: list[Question] = []
    category: str | None = None
    for lines in _paragraphs(text.removeprefix("\ufeff")):
        category, lines = _take_category(lines, category, source, problems)
        if not lines:
            continue
        try:
            question = _read_question(_Block(source, lines, problems))
        except _Skip:
            continue
        question.category = category
        questions.append(question)
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    return questions


def _reserved_characters(text: str, source: str) -> list[Problem]:
    # The parser borrows these noncharacters for escapes, so they cannot also be text.
    return [
        Problem(source, number, f"character U+{ord(found.group()):04X} is not allowed",
                "remove it; it is a Unicode noncharacter")
        for number, line in enumerate(_split_lines(text), start=1)
        if (found := _RESERVED_RE.search(line))
    ]


def _split_lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


def _paragraphs(text: str) -> Iterator[list[tuple[int, str]]]:
    """Yield each question's (line number, stripped line), split on blank lines, sans comments."""
    paragraph: list[tuple[int, str]] = []
    for number, raw in enumerate(_split_lines(text), start=1):
        line = raw.strip()
        if not line:
            if paragraph:
                yield paragraph
            paragraph = []
        elif not line.startswith("//"):
            paragraph.append((number, line))
    if paragraph:
        yield paragraph


def _take_category(
    lines: list[tuple[int, str]], current: str | None, source: str, problems: list[Problem]
) -> tuple[str | None, list[tuple[int, str]]]:
    """Apply a leading $CATEGORY: line; return the category in force and the lines left."""
    for number, line in lines[1:]:
        if line.startswith(_CATEGORY):
            problems.append(Problem(source, number, "$CATEGORY: inside a question",
                                    "put a blank line before the $CATEGORY: line"))
    number, first = lines[0]
    if not first.startswith(_CATEGORY):
        return current, lines
    name = first[len(_CATEGORY):].strip()
    if not name:
        problems.append(Problem(source, number, "$CATEGORY: has no category name",
                                "write e.g. $CATEGORY: course/unit 1"))
        return current, lines[1:]
    return name, lines[1:]


def _read_question(block: _Block) -> Question:
    name, start = _read_name(block)
    span = _answer_span(block, start)
    if span is None:
        text_format, text = _take_format(block, start, block.text[start:], DEFAULT_FORMAT)
        question = Question(DESCRIPTION, name, _reveal(text).strip(), text_format or DEFAULT_FORMAT)
    else:
        question = _read_with_answers(block, name, start, *span)
    if not question.text and not question.text_after:
        block.report(start, "the question has no text", "write the question before the {")
    question.line = block.line_at(0)
    return question


def _read_name(block: _Block) -> tuple[str | None, int]:
    """Read a leading ::name::; return it (None if absent) and where the text starts."""
    if not block.text.startswith("::"):
        return None, 0
    close = block.text.find("::", 2)
    if close < 0:
        block.fail(0, "the question name is not closed with '::'",
                   "write ::name:: before the text, or escape a colon as \\:")
    return _reveal(block.text[2:close]).strip() or None, close + 2


def _answer_span(block: _Block, start: int) -> tuple[int, int] | None:
    """Offsets of the answer block's braces, or None for a description (no braces)."""
    text = block.text
    opening, closing = text.find("{", start), text.find("}", start)
    if opening < 0 and closing < 0:
        return None
    if closing < 0:
        block.fail(opening, "'{' is never closed", "end the answers with }, or escape it as \\{")
    if opening < 0 or closing < opening:
        block.fail(closing, "'}' has no matching '{'", "escape a literal brace as \\}")
    if text.find("{", opening + 1, closing) >= 0:
        block.fail(opening, "'{' is not closed before the next '{'",
                   "end the answers with }, separate questions with a blank line, "
                   "or escape a literal brace as \\{")
    again = min((i for i in (text.find("{", closing), text.find("}", closing + 1)) if i >= 0),
                default=-1)
    if again >= 0:
        block.fail(again, "a second answer block in the same question",
                   "separate questions with a blank line, or escape literal braces as \\{ \\}")
    return opening, closing


def _read_with_answers(
    block: _Block, name: str | None, start: int, opening: int, closing: int
) -> Question:
    text = block.text
    after = _reveal(text[closing + 1 :]).rstrip()
    text_format, before = _take_format(block, start, text[start:opening], DEFAULT_FORMAT)
    before = _reveal(before)
    # Moodle trims the whole text; a missing-word blank keeps the spaces around it.
    question = Question("", name, before.lstrip() if after else before.strip(),
                        text_format or DEFAULT_FORMAT, text_after=after)
    inner_start = opening + 1
    inner = text[inner_start:closing]
    split = inner.rfind("####")
    if split >= 0:
        question.general_feedback, question.general_feedback_format = _feedback(
            block, inner_start + split, inner[split + 4 :], question.text_format)
        inner = inner[:split]
    question.type, question.answers = _read_answers(block, inner, inner_start,
                                                    question.text_format)
    return question


def _read_answers(block: _Block, inner: str, base: int, fmt: str) -> tuple[str, list[Answer]]:
    """Tell the question type from the answer block the way Moodle does, then read it."""
    body = inner.strip()
    if not body:
        return ESSAY, []
    if body.startswith("#"):
        return NUMERICAL, _numerical(block, inner, base, fmt)
    if "~" in body:
        return _choices(block, inner, base, fmt)
    if "=" in body and "->" in body:
        return MATCHING, _matching(block, inner, base, fmt)
    value = _truefalse_value(body)
    if value is not None:
        return TRUEFALSE, _truefalse(block, body, base, fmt, value)
    return SHORTANSWER, _shortanswers(block, inner, base, fmt)


def _split_at(text: str, base: int, marks: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Cut text before each mark: the text before the first, then (offset, mark, body) each."""
    cuts = [i for i, char in enumerate(text) if char in marks]
    ends = [*cuts[1:], len(text)] if cuts else []
    parts = [(base + i, text[i], text[i + 1 : end]) for i, end in zip(cuts, ends, strict=True)]
    return (text[: cuts[0]] if cuts else text), parts


def _choices(block: _Block, inner: str, base: int, fmt: str) -> tuple[str, list[Answer]]:
    lead, parts = _split_at(inner, base, "~=")
    if lead.strip():
        block.report(base, f"answer '{_reveal(lead).strip()}' has no = or ~ in front",
                     "start each answer with = if right, or ~ if wrong or weighted like ~%50%")
    answers = [_choice(block, pos, mark, body, fmt) for pos, mark, body in parts]
    if len(answers) < 2:
        block.report(base, "a multiple-choice question needs at least 2 answers")
    # Moodle's rule: any '=' makes it single-choice; with only '~' the learner ticks boxes.
    if any(mark == "=" for _, mark, _ in parts):
        return MULTICHOICE, answers
    _check_total(block, base, answers)
    return MULTIPLE_ANSWERS, answers


def _choice(block: _Block, pos: int, mark: str, body: str, fmt: str) -> Answer:
    weight, rest = _take_weight(block, pos, body)
    if mark == "=":
        if weight is not None:
            # Moodle would keep "%50%" as answer text and still give 100%.
            block.report(pos, "'=' already means 100% in a multiple-choice question",
                         "write ~%50% for partial credit")
        weight = 100.0
    return _answer(block, pos, rest, weight or 0.0, fmt)


def _check_total(block: _Block, pos: int, answers: list[Answer]) -> None:
    total = sum(a.weight for a in answers if a.weight > 0)
    if total <= 0:
        block.report(pos, "no answer is marked right",
                     "mark the right answer with =, or give the right answers weights "
                     "like ~%50% that add up to 100%")
    elif round(total / 100, 2) != 1:
        block.report(pos, f"the weights of the right answers add up to {_fmt_weight(total)}%, "
                     "not 100%", "with no = answer this is a multiple-answer question: give "
                     "the right answers weights like ~%50% that add up to 100%, or mark the "
                     "one right answer with =")


def _shortanswers(block: _Block, inner: str, base: int, fmt: str) -> list[Answer]:
    answers = []
    for pos, body in _entries(inner, base):
        weight, rest = _take_weight(block, pos, body)
        answers.append(_answer(block, pos, rest, 100.0 if weight is None else weight, fmt))
    _check_full_marks(block, base, answers)
    return answers


def _entries(text: str, base: int) -> list[tuple[int, str]]:
    # As in Moodle, text before the first '=' is an answer too: "{four}" is "{=four}".
    lead, parts = _split_at(text, base, "=")
    head = [(base, lead)] if lead.strip() else []
    return head + [(pos, body) for pos, _, body in parts]


def _check_full_marks(block: _Block, pos: int, answers: list[Answer]) -> None:
    if answers and max(a.weight for a in answers) != 100:
        block.report(pos, "no answer is worth 100%", "mark at least one answer with = alone")


def _numerical(block: _Block, inner: str, base: int, fmt: str) -> list[Answer]:
    hash_at = inner.index("#")
    body, start = inner[hash_at + 1 :], base + hash_at + 1
    # Moodle: everything after '~' is the feedback for any other number.
    tilde = body.find("~")
    catch_all = body[tilde + 1 :] if tilde >= 0 else None
    body = body[:tilde] if tilde >= 0 else body
    answers = [_numeric_answer(block, pos, part, fmt) for pos, part in _entries(body, start)]
    if not answers:
        block.report(base, "a numerical question needs at least one answer",
                     "write e.g. {#3.14:0.01} or {#1..5}")
    _check_full_marks(block, base, answers)
    if catch_all is not None:
        answers.append(_numeric_catch_all(block, start + tilde, catch_all, fmt))
    return answers


def _numeric_answer(block: _Block, pos: int, body: str, fmt: str) -> Answer:
    weight, rest = _take_weight(block, pos, body)
    spec, _, raw_feedback = rest.partition("#")
    feedback, feedback_format = _feedback(block, pos, raw_feedback, fmt)
    answer = Answer("", 100.0 if weight is None else weight, feedback,
                    feedback_format=feedback_format)
    _read_numeric_spec(block, pos, _reveal(spec).strip(), answer)
    return answer


def _read_numeric_spec(block: _Block, pos: int, spec: str, answer: Answer) -> None:
    """Fill value/tolerance or low/high from "3.14", "3.14:0.01" or "1..5"."""
    if spec.find("..") > 0:
        low, high = (_number(part) for part in spec.split("..", 1))
        if low is not None and high is not None and low > high:
            block.report(pos, f"the range {spec} runs backwards", "write the smaller number first")
        answer.low, answer.high = low, high
        numbers = [low, high]
    elif spec.find(":") > 0:
        value, tolerance = (_number(part) for part in spec.split(":", 1))
        if tolerance is not None and tolerance < 0:
            block.report(pos, f"the tolerance in {spec} is negative", "write e.g. 3.14:0.01")
        answer.value, answer.tolerance = value, tolerance
        numbers = [value, tolerance]
    else:
        answer.value = _number(spec)
        numbers = [answer.value]
    if None in numbers:
        block.report(pos, f"numerical answer '{spec}' is not a number",
                     "write e.g. 3.14, 3.14:0.01 or 1..5, with a dot as decimal separator")
    answer.text = _numeric_text(answer)


def _number(text: str) -> float | None:
    text = text.strip()
    return float(text) if _NUMBER_RE.fullmatch(text) else None


def _numeric_catch_all(block: _Block, pos: int, body: str, fmt: str) -> Answer:
    ignored, _, raw_feedback = body.partition("#")
    if ignored.strip():
        block.report(pos, "Moodle ignores answers after ~ in a numerical question",
                     "write ~#feedback to comment on any other number")
    feedback, feedback_format = _feedback(block, pos, raw_feedback, fmt)
    return Answer("*", 0.0, feedback, feedback_format=feedback_format)


def _matching(block: _Block, inner: str, base: int, fmt: str) -> list[Answer]:
    lead, parts = _split_at(inner, base, "=")
    if lead.strip():
        block.report(base, f"'{_reveal(lead).strip()}' is not part of a pair",
                     "start each pair with =, as in =left -> right")
    answers = [_pair(block, pos, body, fmt) for pos, _, body in parts]
    if sum(1 for a in answers if a.text) < 2:
        block.report(base, "a matching question needs at least 2 pairs",
                     "write {=left -> right =left -> right}")
    return answers


def _pair(block: _Block, pos: int, body: str, fmt: str) -> Answer:
    left, arrow, right = body.partition("->")
    if not arrow:
        block.report(pos, f"pair '{_reveal(body).strip()}' has no ->", "write =left -> right")
    if "#" in body:
        # Moodle would keep "#..." as part of the right-hand text.
        block.report(pos, "matching pairs take no feedback", "escape a literal # as \\#")
    left_format, left_text = _take_format(block, pos, left, fmt)
    answer = Answer(_reveal(left_text).strip(), 0.0, match=_reveal(right).strip(),
                    format=left_format)
    if arrow and not answer.match:
        block.report(pos, "a pair has nothing after ->", "write =left -> right")
    return answer


def _truefalse_value(body: str) -> bool | None:
    word = body.split("#", 1)[0].strip()
    return {"T": True, "TRUE": True, "F": False, "FALSE": False}.get(word)


def _truefalse(block: _Block, body: str, base: int, fmt: str, value: bool) -> list[Answer]:
    """{T#wrong#right}: the first feedback is for a wrong response, the second for a right one."""
    bits = [*body.split("#", 2), "", ""]
    wrong = _feedback(block, base, bits[1], fmt)
    right = _feedback(block, base, bits[2], fmt)
    # Each answer keeps the feedback a learner sees on choosing it.
    on_true, on_false = (right, wrong) if value else (wrong, right)
    return [
        Answer(TRUE_TEXT, 100.0 if value else 0.0, on_true[0], feedback_format=on_true[1]),
        Answer(FALSE_TEXT, 0.0 if value else 100.0, on_false[0], feedback_format=on_false[1]),
    ]


def _answer(block: _Block, pos: int, body: str, weight: float, fmt: str) -> Answer:
    raw_text, _, raw_feedback = body.partition("#")
    text_format, text = _take_format(block, pos, raw_text, fmt)
    feedback, feedback_format = _feedback(block, pos, raw_feedback, fmt)
    answer = Answer(_reveal(text).strip(), weight, feedback, format=text_format,
                    feedback_format=feedback_format)
    if not answer.text:
        block.report(pos, "an answer is empty", "remove the stray = or ~, or write the answer")
    return answer


def _feedback(block: _Block, pos: int, raw: str, fmt: str) -> tuple[str, str | None]:
    feedback_format, text = _take_format(block, pos, raw, fmt)
    return _reveal(text).strip(), feedback_format


def _take_weight(block: _Block, pos: int, body: str) -> tuple[float | None, str]:
    """Read a leading %weight%; None when none is written."""
    body = body.lstrip()
    found = _WEIGHT_RE.match(body)
    if not found:
        return None, body
    written = found.group(1).strip()
    rest = body[found.end() :]
    if not _NUMBER_RE.fullmatch(written):
        block.report(pos, f"weight %{written}% is not a number",
                     "write weights like %50% or %-33.33333%, with a dot as decimal separator")
        return None, rest
    return _moodle_grade(block, pos, float(written)), rest


def _moodle_grade(block: _Block, pos: int, weight: float) -> float:
    """Snap a weight to the Moodle grade it stands for (33.333 is a third), or report it."""
    if not -100 <= weight <= 100:
        block.report(pos, f"weight {_fmt_weight(weight)}% is out of range",
                     "weights go from -100% to 100%")
        return weight
    for grade in _ALL_GRADES:
        if abs(weight - grade) < _GRADE_TOLERANCE:
            return float(grade)
    allowed = ", ".join(_fmt_weight(grade) for grade in _GRADES)
    block.report(pos, f"Moodle does not accept the weight {_fmt_weight(weight)}%",
                 f"use one of {allowed}, or one of them negated")
    return weight


def _take_format(block: _Block, pos: int, raw: str, default: str) -> tuple[str | None, str]:
    """Split a leading [format]; the format is None when absent or the same as the default."""
    raw = raw.lstrip()
    found = _FORMAT_RE.match(raw)
    if not found:
        return None, raw
    name = found.group(1)
    if name not in TEXT_FORMATS:
        block.report(pos, f"unknown text format [{name}]",
                     "use [moodle], [html], [markdown] or [plain], in lower case; to start a "
                     "text with brackets, put its format first, as in [moodle][note]")
        return None, raw
    return (None if name == default else name), raw[found.end() :]


def _hide(text: str) -> str:
    return _ESCAPE_RE.sub(lambda found: _HIDDEN[found.group(1)], text)


def _reveal(text: str) -> str:
    return text.translate(_REVEAL)


# ---------------------------------------------------------------------------------------------
# Writing


def to_gift(questions: list[Question]) -> str:
    """Write questions as GIFT that parse_gift (and Moodle) read back to the same questions.

    A question whose category is None keeps the category in force before it, as in GIFT.
    """
    parts: list[str] = []
    category: str | None = None
    for question in questions:
        if question.category is not None and question.category != category:
            category = question.category
            parts.append(f"{_CATEGORY} {category}")
        parts.append(_write_question(question))
    return "\n\n".join(parts) + "\n" if parts else ""


def _write_question(question: Question) -> str:
    name = f"::{_escape(question.name)}::" if question.name else ""
    # Without a name, a text starting with // would read back as a comment line.
    risky = ("[",) if question.name else ("[", "//")
    head = name + _write_text(question.text, question.text_format, DEFAULT_FORMAT, risky)
    if question.type == DESCRIPTION:
        return head
    writer = _WRITERS.get(question.type)
    if writer is None:
        raise ValueError(f"unknown question type {question.type!r}")
    space = " " if question.text and not question.is_missing_word else ""
    return f"{head}{space}{{{writer(question)}}}{_escape(question.text_after)}"


def _write_text(text: str, fmt: str, default: str, risky: tuple[str, ...] = ("[",)) -> str:
    # A [format] prefix also shields text that would otherwise read as a format or a weight.
    prefix = f"[{fmt}]" if fmt != default or text.startswith(risky) else ""
    return prefix + _escape(text)


def _escape(text: str) -> str:
    text = text.replace("\r", "")
    out = []
    for i, char in enumerate(text):
        if char == "\\":
            # Only a backslash that would read as an escape (or ends the text) needs doubling.
            following = text[i + 1 : i + 2]
            escape = not following or following in _ESCAPABLE or following == "\n"
            out.append("\\\\" if escape else "\\")
        elif char in "~=#{}:":
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        else:
            out.append(char)
    return "".join(out)


def _write_feedback(answer: Answer, question: Question) -> str:
    if not answer.feedback and not answer.feedback_format:
        return ""
    fmt = answer.feedback_format or question.text_format
    return _write_text(answer.feedback, fmt, question.text_format)


def _write_answer_text(answer: Answer, question: Question) -> str:
    fmt = answer.format or question.text_format
    return _write_text(answer.text, fmt, question.text_format, ("[", "%"))


def _general_feedback(question: Question) -> str:
    if not question.general_feedback and not question.general_feedback_format:
        return ""
    fmt = question.general_feedback_format or question.text_format
    return "####" + _write_text(question.general_feedback, fmt, question.text_format)


def _answer_lines(lines: list[str], question: Question) -> str:
    general = _general_feedback(question)
    return "".join(f"\n\t{line}" for line in [*lines, general] if line) + "\n"


def _with_feedback(answer: Answer, question: Question) -> str:
    feedback = _write_feedback(answer, question)
    return f" #{feedback}" if feedback else ""


def _write_choices(question: Question) -> str:
    lines, equals_used = [], False
    for answer in question.answers:
        # One '=' marks the question single-choice; further 100% answers are still valid
        # as ~%100%, and keep at least one '~' so the block is not read as short answer.
        if question.type == MULTICHOICE and answer.weight == 100 and not equals_used:
            mark, equals_used = "=", True
        elif answer.weight == 0:
            mark = "~"
        else:
            mark = f"~%{_fmt_weight(answer.weight)}%"
        lines.append(mark + _write_answer_text(answer, question) + _with_feedback(answer, question))
    return _answer_lines(lines, question)


def _write_shortanswers(question: Question) -> str:
    lines = []
    for answer in question.answers:
        if "->" in answer.text or "->" in answer.feedback:
            # Any "->" next to '=' makes Moodle (and parse_gift) read a matching question.
            raise ValueError(f"short answer {answer.text!r} or its feedback contains '->', "
                             "which GIFT would read as a matching pair")
        weight = "" if answer.weight == 100 else f"%{_fmt_weight(answer.weight)}%"
        lines.append(f"={weight}{_write_answer_text(answer, question)}"
                     + _with_feedback(answer, question))
    return _answer_lines(lines, question)


def _write_numerical(question: Question) -> str:
    lines, catch_all = [], []
    for answer in question.answers:
        if answer.value is None and answer.low is None:
            catch_all.append("~" + _with_feedback(answer, question).lstrip())
            continue
        weight = "" if answer.weight == 100 else f"%{_fmt_weight(answer.weight)}%"
        lines.append(f"={weight}{_numeric_text(answer)}" + _with_feedback(answer, question))
    # Moodle reads everything after '~' as the catch-all feedback, so it goes last.
    return "#" + _answer_lines(lines + catch_all[:1], question)


def _write_matching(question: Question) -> str:
    lines = []
    for answer in question.answers:
        if "->" in answer.text:
            raise ValueError(f"matching stem {answer.text!r} cannot contain '->' in GIFT")
        left = _write_text(answer.text, answer.format or question.text_format,
                           question.text_format)
        lines.append(f"={left} -> {_escape(answer.match or '')}")
    return _answer_lines(lines, question)


def _write_truefalse(question: Question) -> str:
    value = bool(question.correct_answer)
    feedback = {a.text == TRUE_TEXT: _write_feedback(a, question) for a in question.answers}
    right, wrong = feedback.get(value, ""), feedback.get(not value, "")
    out = "TRUE" if value else "FALSE"
    if wrong or right:
        out += f"#{wrong}"
    if right:
        out += f"#{right}"
    return out + _general_feedback(question)


def _write_essay(question: Question) -> str:
    return _general_feedback(question)


_WRITERS: dict[str, Callable[[Question], str]] = {
    MULTICHOICE: _write_choices,
    MULTIPLE_ANSWERS: _write_choices,
    SHORTANSWER: _write_shortanswers,
    NUMERICAL: _write_numerical,
    MATCHING: _write_matching,
    TRUEFALSE: _write_truefalse,
    ESSAY: _write_essay,
}


def _numeric_text(answer: Answer) -> str:
    """The spec GIFT writes for a numerical answer, e.g. "3.14:0.01" or "1..5"."""
    if answer.low is not None and answer.high is not None:
        return f"{_fmt_number(answer.low)}..{_fmt_number(answer.high)}"
    if answer.value is None:
        return answer.text
    if answer.tolerance is None:
        return _fmt_number(answer.value)
    return f"{_fmt_number(answer.value)}:{_fmt_number(answer.tolerance)}"


def _fmt_number(number: float) -> str:
    # repr round-trips exactly; "3.0" reads better as "3".
    text = repr(float(number))
    return text.removesuffix(".0")


def _fmt_weight(weight: float) -> str:
    # Five decimals, as Moodle writes its grades (33.33333); they snap back on reading.
    text = f"{weight:.5f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# ---------------------------------------------------------------------------------------------
# JSON


def question_to_dict(question: Question) -> dict[str, Any]:
    """A JSON-ready view of a question, with the keys each type needs."""
    data: dict[str, Any] = {
        "type": question.type,
        "name": question.name,
        "text": question.text,
        "format": question.text_format,
        "category": question.category,
        "answers": [_answer_to_dict(question, answer) for answer in question.answers],
        "general_feedback": question.general_feedback,
        "line": question.line,
    }
    if question.is_missing_word:
        data["text_after"] = question.text_after
    if question.general_feedback_format:
        data["general_feedback_format"] = question.general_feedback_format
    if question.type == TRUEFALSE:
        data["correct"] = question.correct_answer
    return data


def _answer_to_dict(question: Question, answer: Answer) -> dict[str, Any]:
    data: dict[str, Any] = {"text": answer.text, "weight": answer.weight,
                            "feedback": answer.feedback}
    if question.type == MATCHING:
        data["match"] = answer.match
    if question.type == NUMERICAL:
        data.update(value=answer.value, tolerance=answer.tolerance, low=answer.low,
                    high=answer.high)
    if answer.format:
        data["format"] = answer.format
    if answer.feedback_format:
        data["feedback_format"] = answer.feedback_format
    return data


def questions_to_json(questions: list[Question]) -> str:
    return json.dumps([question_to_dict(q) for q in questions], indent=2, ensure_ascii=False)
