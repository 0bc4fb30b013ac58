"""Reading GIFT: every question type, escape, format and the problems Moodle would reject."""

from __future__ import annotations

import json

import pytest

from stepcampus.coursepack.gift import parse_gift, question_to_dict, questions_to_json
from stepcampus.errors import InputError, Problem
from stepcampus.quiz.model import (
    DESCRIPTION,
    ESSAY,
    MATCHING,
    MULTICHOICE,
    MULTIPLE_ANSWERS,
    NUMERICAL,
    SHORTANSWER,
    TRUEFALSE,
    Answer,
    Question,
)


def one(text: str) -> Question:
    questions = parse_gift(text)
    assert len(questions) == 1
    return questions[0]


def problems(text: str, source: str = "bad.gift") -> list[Problem]:
    with pytest.raises(InputError) as caught:
        parse_gift(text, source)
    return caught.value.problems


# --- question types --------------------------------------------------------------------------


def test_multichoice_with_feedback_and_general_feedback() -> None:
    q = one("::Tomb::Who is buried in Grant's tomb?{~Grant#No. =no one#Yes! ~Jefferson####Trick}")
    assert q.type == MULTICHOICE
    assert q.name == "Tomb"
    assert q.text == "Who is buried in Grant's tomb?"
    assert q.text_format == "moodle"
    assert q.answers == [
        Answer("Grant", 0.0, "No."),
        Answer("no one", 100.0, "Yes!"),
        Answer("Jefferson", 0.0, ""),
    ]
    assert q.general_feedback == "Trick"
    assert q.line == 1


def test_multichoice_with_partial_and_negative_weights_stays_single_choice() -> None:
    q = one("Q {=best ~%50%half ~%-33.33333%penalty ~wrong}")
    assert q.type == MULTICHOICE
    assert [a.weight for a in q.answers] == pytest.approx([100, 50, -100 / 3, 0])


def test_multiple_answers_when_no_answer_uses_equals() -> None:
    q = one("Which two? {~%50%Grant ~%50%his wife ~%-100%his father}")
    assert q.type == MULTIPLE_ANSWERS
    assert [a.weight for a in q.answers] == [50.0, 50.0, -100.0]


def test_multiple_answers_even_with_a_single_full_weight() -> None:
    # Moodle's rule is the '=' sign, not the weights: ~%100% alone still means check boxes.
    q = one("Q {~%100%right ~wrong}")
    assert q.type == MULTIPLE_ANSWERS


def test_thirds_snap_to_moodle_grade() -> None:
    q = one("Q {~%33.333%a ~%33.33333%b ~%33.3333%c}")
    assert [a.weight for a in q.answers] == [100 / 3] * 3


@pytest.mark.parametrize(
    ("block", "correct", "true_feedback", "false_feedback"),
    [
        ("{T}", True, "", ""),
        ("{TRUE}", True, "", ""),
        ("{F}", False, "", ""),
        ("{FALSE}", False, "", ""),
        # {value#feedback if wrong#feedback if right}
        ("{T#wrong fb#right fb}", True, "right fb", "wrong fb"),
        ("{FALSE#wrong fb#right fb}", False, "wrong fb", "right fb"),
        ("{F##right only}", False, "", "right only"),
    ],
)
def test_truefalse(block: str, correct: bool, true_feedback: str, false_feedback: str) -> None:
    q = one(f"The sun is a star.{block}")
    assert q.type == TRUEFALSE
    assert q.correct_answer is correct
    true, false = q.answers
    assert (true.text, true.weight, true.feedback) == ("True", 100.0 if correct else 0.0,
                                                       true_feedback)
    assert (false.text, false.weight, false.feedback) == ("False", 0.0 if correct else 100.0,
                                                          false_feedback)


def test_truefalse_general_feedback() -> None:
    q = one("Q {T#no#yes####general}")
    assert q.general_feedback == "general"
    assert q.answers[0].feedback == "yes"


def test_lowercase_true_is_a_short_answer_as_in_moodle() -> None:
    q = one("Q {true}")
    assert q.type == SHORTANSWER
    assert q.answers == [Answer("true", 100.0)]


def test_shortanswer_weights_and_feedback() -> None:
    q = one("Who? {=ILO#Correct =International Labour Organization =%50%I.L.O.#Close}")
    assert q.type == SHORTANSWER
    assert q.answers == [
        Answer("ILO", 100.0, "Correct"),
        Answer("International Labour Organization", 100.0),
        Answer("I.L.O.", 50.0, "Close"),
    ]


def test_shortanswer_without_equals_is_one_right_answer() -> None:
    assert one("Two plus two is {four}.").answers == [Answer("four", 100.0)]


def test_numerical_value_with_tolerance() -> None:
    q = one("Pi? {#3.14:0.01#Good}")
    assert q.type == NUMERICAL
    (answer,) = q.answers
    assert (answer.value, answer.tolerance, answer.low, answer.high) == (3.14, 0.01, None, None)
    assert (answer.text, answer.weight, answer.feedback) == ("3.14:0.01", 100.0, "Good")


def test_numerical_exact_value() -> None:
    (answer,) = one("Q {#42}").answers
    assert (answer.value, answer.tolerance, answer.text) == (42.0, None, "42")


def test_numerical_range() -> None:
    (answer,) = one("Q {#1..5}").answers
    assert (answer.low, answer.high, answer.value, answer.text) == (1.0, 5.0, None, "1..5")


def test_numerical_several_answers_with_partial_credit_and_other_feedback() -> None:
    q = one("When? {#=2003:0#Exact =%50%2000..2006#Close ~#Way off}")
    first, second, other = q.answers
    assert (first.value, first.tolerance, first.weight, first.feedback) == (2003, 0, 100, "Exact")
    assert (second.low, second.high, second.weight, second.feedback) == (2000, 2006, 50, "Close")
    assert (other.text, other.weight, other.feedback) == ("*", 0.0, "Way off")


def test_numerical_negative_numbers() -> None:
    (answer,) = one("Q {#-5..-1}").answers
    assert (answer.low, answer.high) == (-5.0, -1.0)


def test_matching_with_distractor() -> None:
    q = one("Match {=Canada -> Ottawa =Italy -> Rome =Japan -> Tokyo = -> Paris ####Capitals}")
    assert q.type == MATCHING
    assert [(a.text, a.match) for a in q.answers] == [
        ("Canada", "Ottawa"), ("Italy", "Rome"), ("Japan", "Tokyo"), ("", "Paris")]
    assert q.general_feedback == "Capitals"


def test_essay() -> None:
    q = one("Write about it.{}")
    assert (q.type, q.answers, q.general_feedback) == (ESSAY, [], "")
    assert one("Write.{####Graders: look for X}").general_feedback == "Graders: look for X"


def test_description() -> None:
    q = one("::Intro::Just text, no answers.")
    assert (q.type, q.name, q.text, q.answers) == (DESCRIPTION, "Intro", "Just text, no answers.",
                                                   [])


# --- text, names, formats --------------------------------------------------------------------


def test_missing_word_keeps_text_before_and_after() -> None:
    q = one("Moodle costs {~lots of money =nothing ~a small amount} to download.")
    assert q.type == MULTICHOICE
    assert q.text == "Moodle costs "
    assert q.text_after == " to download."
    assert q.is_missing_word
    assert q.display_text == "Moodle costs _____ to download."


def test_answers_at_the_end_are_not_missing_word() -> None:
    q = one("Moodle costs? {=nothing ~lots}")
    assert q.text == "Moodle costs?"
    assert not q.is_missing_word


@pytest.mark.parametrize("fmt", ["moodle", "markdown", "html", "plain"])
def test_format_prefix(fmt: str) -> None:
    q = one(f"::N::[{fmt}]Some *text*{{=a ~b}}")
    assert (q.text_format, q.text) == (fmt, "Some *text*")


def test_answer_and_feedback_formats_default_to_the_question_format() -> None:
    q = one("[html]Q {=[plain]<a>#[markdown]*yes* ~[html]b ####[plain]gf}")
    right, wrong = q.answers
    assert (right.format, right.feedback_format) == ("plain", "markdown")
    # Naming the question's own format is the same as naming none.
    assert (wrong.format, wrong.feedback_format) == (None, None)
    assert (q.general_feedback, q.general_feedback_format) == ("gf", "plain")


def test_question_without_name() -> None:
    assert one("Q {=a ~b}").name is None


@pytest.mark.parametrize(
    ("escaped", "plain"),
    [
        (r"\~", "~"),
        (r"\=", "="),
        (r"\#", "#"),
        (r"\{", "{"),
        (r"\}", "}"),
        (r"\:", ":"),
        (r"\n", "\n"),
        (r"\\", "\\"),
        (r"\\n", "\\n"),  # an escaped backslash, then a plain n
        (r"\x", "\\x"),  # not an escape: the backslash stays
    ],
)
def test_escapes_everywhere(escaped: str, plain: str) -> None:
    e, p = escaped, plain
    q = one(f"::N{e}1::T{e}2{{=R{e}3#F{e}4 ~W{e}5 ####G{e}6}}")
    assert q.name == f"N{p}1"
    assert q.text == f"T{p}2"
    right, wrong = q.answers
    assert (right.text, right.feedback, wrong.text) == (f"R{p}3", f"F{p}4", f"W{p}5")
    assert q.general_feedback == f"G{p}6"


def test_escaped_braces_make_a_description() -> None:
    q = one(r"Sets look like \{1, 2\}.")
    assert (q.type, q.text) == (DESCRIPTION, "Sets look like {1, 2}.")


def test_matching_escapes_on_the_right() -> None:
    q = one(r"Q {=a -> x\=y =b -> p\#q}")
    assert [a.match for a in q.answers] == ["x=y", "p#q"]


def test_comments_and_blank_lines() -> None:
    text = (
        "// first comment\n\n// another\n::A::Q1 {=a ~b}\n\n\n"
        "// between\n\n::B::Q2 {T}\n// end\n"
    )
    questions = parse_gift(text)
    assert [(q.name, q.line) for q in questions] == [("A", 4), ("B", 9)]


def test_comment_inside_a_multi_line_question_is_dropped() -> None:
    q = one("::M::First line\n// note\nsecond line {\n=yes\n~no\n}")
    assert q.text == "First line\nsecond line"
    assert [a.text for a in q.answers] == ["yes", "no"]
    assert q.line == 1


def test_multi_line_answers() -> None:
    q = one("Q {\n  ~a #fa\n  =b #fb\n  ####general\n}")
    assert [(a.text, a.feedback) for a in q.answers] == [("a", "fa"), ("b", "fb")]
    assert q.general_feedback == "general"


def test_categories_apply_to_following_questions() -> None:
    text = (
        "::Q0::none {T}\n\n$CATEGORY: a/b\n\n::Q1::one {T}\n\n::Q2::two {F}\n\n"
        "$CATEGORY: c\n::Q3::three {T}\n"
    )
    assert [(q.name, q.category) for q in parse_gift(text)] == [
        ("Q0", None), ("Q1", "a/b"), ("Q2", "a/b"), ("Q3", "c")]


def test_crlf_and_bom() -> None:
    text = "\ufeff// c\r\n::A::Line one\r\nline two {=a ~b}\r\n\r\n::B::Q {T}\r\n"
    first, second = parse_gift(text)
    assert (first.name, first.text, first.line) == ("A", "Line one\nline two", 2)
    assert [a.text for a in first.answers] == ["a", "b"]
    assert (second.name, second.line) == ("B", 5)


def test_same_questions_with_lf_and_crlf() -> None:
    text = "::A::Q {=a ~b}\n\n::B::Multi\nline {#1..2}\n"
    assert parse_gift(text.replace("\n", "\r\n")) == parse_gift(text)


def test_empty_file() -> None:
    assert parse_gift("") == []
    assert parse_gift("// only a comment\n\n") == []


# --- JSON ------------------------------------------------------------------------------------


def test_question_to_dict() -> None:
    q = one("$CATEGORY: c\n::N::[html]Q {#=3:0.5#fb =%50%1..5 ~#other}")
    assert question_to_dict(q) == {
        "type": "numerical",
        "name": "N",
        "text": "Q",
        "format": "html",
        "category": "c",
        "answers": [
            {"text": "3:0.5", "weight": 100.0, "feedback": "fb", "value": 3.0,
             "tolerance": 0.5, "low": None, "high": None},
            {"text": "1..5", "weight": 50.0, "feedback": "", "value": None,
             "tolerance": None, "low": 1.0, "high": 5.0},
            {"text": "*", "weight": 0.0, "feedback": "other", "value": None,
             "tolerance": None, "low": None, "high": None},
        ],
        "general_feedback": "",
        "line": 2,
    }


def test_type_specific_json_keys() -> None:
    questions = parse_gift("Q {=a -> b =c -> d}\n\nThe {T} sun.\n\nQ {=[plain]x ~y}")
    matching, truefalse, choice = (question_to_dict(q) for q in questions)
    assert matching["answers"][0] == {"text": "a", "weight": 0.0, "feedback": "", "match": "b"}
    assert (truefalse["correct"], truefalse["text_after"]) == (True, " sun.")
    assert choice["answers"][0]["format"] == "plain"


def test_questions_to_json_keeps_unicode() -> None:
    text = questions_to_json(parse_gift("::Café::Qué? {=sí ~no}"))
    assert "sí" in text and "\\u" not in text
    assert json.loads(text)[0]["name"] == "Café"
    assert text.startswith("[\n  {")


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("::A::Q {=a ~b\n", 1, "'{' is never closed"),
        ("::A::Q\nmore {=a\n~b\n", 2, "'{' is never closed"),
        ("Q } oops", 1, "'}' has no matching '{'"),
        ("::A::Q {=a ~b\n::B::R {=c ~d}", 1, "'{' is not closed before the next '{'"),
        ("::A::Q {=a ~b}\n::B::R {=c ~d}", 2, "a second answer block"),
        ("Q {~a ~b}", 1, "no answer is marked right"),
        ("Q {=a}", 1, None),  # one '=' answer alone is a short answer, which is fine
        ("Q {~a}", 1, "at least 2 answers"),
        ("Q {~%150%a =b}", 1, "out of range"),
        ("Q {~%-101%a =b}", 1, "out of range"),
        ("Q {~%35%a =b}", 1, "does not accept the weight 35%"),
        ("Q {~%5,5%a =b}", 1, "weight %5,5% is not a number"),
        ("Q {~%50%a ~%25%b ~c}", 1, "add up to 75%, not 100%"),
        ("Q {~%50%a ~%50%b ~%50%c}", 1, "add up to 150%, not 100%"),
        ("Q {=%50%a ~b}", 1, "'=' already means 100%"),
        ("Q {=%50%a}", 1, "no answer is worth 100%"),
        ("Q {=a ~}", 1, "an answer is empty"),
        ("Q {a ~b =c}", 1, "has no = or ~ in front"),
        ("Match {=a -> b}", 1, "at least 2 pairs"),
        ("Match {=a -> b = -> c}", 1, "at least 2 pairs"),
        ("Match {=a -> b =c -> d =e}", 1, "has no ->"),
        ("Match {=a -> b =c ->}", 1, "nothing after ->"),
        ("Match {=a -> b#fb =c -> d}", 1, "matching pairs take no feedback"),
        ("Q {#abc}", 1, "'abc' is not a number"),
        ("Q {#3,14}", 1, "'3,14' is not a number"),
        ("Q {#1..x}", 1, "'1..x' is not a number"),
        ("Q {#3:abc}", 1, "'3:abc' is not a number"),
        ("Q {#5..1}", 1, "runs backwards"),
        ("Q {#5:-1}", 1, "tolerance in 5:-1 is negative"),
        ("Q {#}", 1, "needs at least one answer"),
        ("Q {#=%50%3}", 1, "no answer is worth 100%"),
        ("Q {#3 ~oops#fb}", 1, "ignores answers after ~"),
        ("[rtf]Q {=a ~b}", 1, "unknown text format [rtf]"),
        ("[HTML]Q {=a ~b}", 1, "unknown text format [HTML]"),
        ("Q {=[foo]a ~b}", 1, "unknown text format [foo]"),
        ("::Name without end Q {=a ~b}", 1, "not closed with '::'"),
        ("::Only a name::", 1, "the question has no text"),
        ("$CATEGORY:\n\nQ {T}", 1, "has no category name"),
        ("Q {T}\n$CATEGORY: x", 2, "$CATEGORY: inside a question"),
        ("Q \ufdd0 {T}", 1, "U+FDD0 is not allowed"),
    ],
)
def test_each_bad_input_names_source_and_line(text: str, line: int, message: str | None) -> None:
    if message is None:
        parse_gift(text)
        return
    found = problems("// header\n\n" + text)
    assert any(message in p.message for p in found), found
    assert all(p.file == "bad.gift" for p in found)
    assert found[0].line == line + 2, found


def test_answer_problems_point_at_the_answer_line() -> None:
    text = "::Q::Question\n{\n=right\n~%35%odd weight\n~%200%too much\n}\n"
    found = problems(text)
    assert [(p.line, p.message.split(" ")[0]) for p in found] == [(4, "Moodle"), (5, "weight")]


def test_every_problem_in_the_file_is_reported_at_once() -> None:
    text = (
        "::Fine::Q {=a ~b}\n"
        "\n"
        "::Unclosed::Q {=a ~b\n"
        "\n"
        "::No right::Q {~a ~b}\n"
        "\n"
        "// a comment shifts nothing\n"
        "::Pairs::Match {=a -> b}\n"
        "\n"
        "::Number::Q {#pi}\n"
        "\n"
        "::Format::[word]Q {=a ~b}\n"
    )
    with pytest.raises(InputError) as caught:
        parse_gift(text, "course/quiz.gift")
    found = caught.value.problems
    assert [p.line for p in found] == [3, 5, 8, 10, 12]
    assert all(p.file == "course/quiz.gift" and p.hint for p in found)
    report = str(caught.value)
    assert "course/quiz.gift:3: '{' is never closed" in report
    assert "course/quiz.gift:12: unknown text format [word]" in report


def test_several_problems_in_one_question() -> None:
    found = problems("Q {~%35%a ~%5x%b ~}")
    messages = [p.message for p in found]
    assert any("35%" in m for m in messages)
    assert any("an answer is empty" in m for m in messages)
