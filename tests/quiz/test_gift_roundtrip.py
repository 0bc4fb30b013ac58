"""Writing GIFT back: parse(to_gift(parse(x))) == parse(x), for every type, weight and feedback."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from stepcampus.coursepack.gift import parse_gift, to_gift
from stepcampus.quiz.model import (
    DESCRIPTION,
    ESSAY,
    MATCHING,
    MULTICHOICE,
    MULTIPLE_ANSWERS,
    NUMERICAL,
    QUESTION_TYPES,
    SHORTANSWER,
    TRUEFALSE,
    Answer,
    Question,
)

SAMPLE = Path(__file__).parent / "data" / "all_types.gift"


def round_trip(questions: list[Question]) -> list[Question]:
    return parse_gift(to_gift(questions), "<written>")


def test_sample_file_covers_every_type() -> None:
    questions = parse_gift(SAMPLE.read_text(encoding="utf-8"), str(SAMPLE))
    assert {q.type for q in questions} == set(QUESTION_TYPES)
    assert any(q.is_missing_word for q in questions)
    assert {q.category for q in questions} == {"social-protection/unit 1",
                                              "social-protection/unit 2"}


def test_sample_file_round_trips() -> None:
    questions = parse_gift(SAMPLE.read_text(encoding="utf-8"))
    again = round_trip(questions)
    assert again == questions
    # Line numbers are where a question sits in its own file, so they may differ.
    assert [q.line for q in again] != [q.line for q in questions]


def test_written_gift_is_stable() -> None:
    written = to_gift(parse_gift(SAMPLE.read_text(encoding="utf-8")))
    assert to_gift(parse_gift(written)) == written


def test_sample_file_round_trips_with_crlf() -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace("\n", "\r\n")
    assert round_trip(parse_gift("\ufeff" + text)) == parse_gift(text)


def test_line_is_ignored_by_equality() -> None:
    a = Question(ESSAY, None, "Q", line=1)
    assert a == Question(ESSAY, None, "Q", line=99)


def test_written_form() -> None:
    text = to_gift(parse_gift(
        "$CATEGORY: c\n\n::N::Q {=a#yes ~%50%b ~c ####g}\n\nThe {T#no#yes} sun.\n\n"
        "::Num::Q {#=2003:0 =%50%2000..2006 ~#no}"))
    assert text == (
        "$CATEGORY: c\n\n"
        "::N::Q {\n\t=a #yes\n\t~%50%b\n\t~c\n\t####g\n}\n\n"
        "The {TRUE#no#yes} sun.\n\n"
        "::Num::Q {#\n\t=2003:0\n\t=%50%2000..2006\n\t~#no\n}\n"
    )


def test_category_written_only_when_it_changes() -> None:
    questions = [Question(ESSAY, None, f"Q{i}", category=c)
                 for i, c in enumerate(["a", "a", None, "b", "a"])]
    text = to_gift(questions)
    assert text.count("$CATEGORY:") == 3
    # A question without a category keeps the one in force, as GIFT reads it.
    assert [q.category for q in parse_gift(text)] == ["a", "a", "a", "b", "a"]


@pytest.mark.parametrize(
    "question",
    [
        # Texts that would otherwise read as a format, a comment or a weight.
        Question(DESCRIPTION, None, "[note] brackets first"),
        Question(DESCRIPTION, None, "// not a comment"),
        Question(MULTICHOICE, None, "Q", answers=[Answer("%50% off", 100), Answer("[x]", 0)]),
        Question(SHORTANSWER, None, "Q", answers=[Answer("%5%", 100), Answer("%50%x", 50)]),
        # Backslashes: ending a text, before an escapable letter, and doubled.
        Question(SHORTANSWER, "a\\", "ends with \\", answers=[Answer("\\nabla", 100)]),
        Question(DESCRIPTION, None, "two \\\\ backslashes \\{ and \\"),
        # Several 100% answers in a single-choice question stay single-choice.
        Question(MULTICHOICE, None, "Q", answers=[Answer("a", 100), Answer("b", 100)]),
        Question(MULTIPLE_ANSWERS, None, "Q", answers=[Answer("a", 100), Answer("b", -100)]),
        # Formats that differ from the question's, and empty feedback with a format.
        Question(MULTICHOICE, None, "Q", "html",
                 [Answer("a", 100, "f", format="plain", feedback_format="markdown"),
                  Answer("b", 0)],
                 general_feedback="g", general_feedback_format="moodle"),
        Question(ESSAY, None, "", text_after=" after the blank"),
        Question(TRUEFALSE, None, "Q", answers=[Answer("True", 0, "", feedback_format="html"),
                                                Answer("False", 100, "right")]),
        Question(NUMERICAL, None, "Q", answers=[
            Answer("1e-07:0.5", 100, value=1e-7, tolerance=0.5),
            Answer("-1e+20..1e+20", 50, low=-1e20, high=1e20),
            Answer("*", 0, "any other number"),
        ]),
        Question(MATCHING, None, "Q", answers=[Answer("[a]", match="x -> y"),
                                               Answer("b", match="#{}"),
                                               Answer("", match="z")]),
    ],
)
def test_awkward_questions_round_trip(question: Question) -> None:
    assert round_trip([question]) == [question]


def test_unwritable_questions_are_refused() -> None:
    with pytest.raises(ValueError, match="->"):
        to_gift([Question(MATCHING, None, "Q", answers=[Answer("a -> b", match="c")])])
    with pytest.raises(ValueError, match="->"):
        to_gift([Question(SHORTANSWER, None, "Q", answers=[Answer("a", 100, "see a -> b")])])
    with pytest.raises(ValueError, match="unknown question type"):
        to_gift([Question("cloze", None, "Q")])


# --- random questions ------------------------------------------------------------------------

ALPHABET = "ab Z09é~=#{}:\\n%[]/->*.\n"


def random_text(rng: random.Random, *, allow_empty: bool = False, arrow: bool = True) -> str:
    while True:
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12))).strip()
        while not arrow and "->" in text:
            text = text.replace("->", "-")
        if text or allow_empty:
            return text


def random_answers(rng: random.Random, kind: str) -> list[Answer]:
    count = rng.randint(2, 4)
    if kind == MULTICHOICE:
        weights = [100.0] + [rng.choice([0.0, 50.0, -100 / 3, 100.0]) for _ in range(count - 1)]
    elif kind == MULTIPLE_ANSWERS:
        weights = [50.0, 50.0] + [rng.choice([0.0, -50.0]) for _ in range(count - 2)]
    else:
        weights = [100.0] + [rng.choice([0.0, 20.0, 100 / 3]) for _ in range(count - 1)]
    return [
        Answer(random_text(rng, arrow=kind != SHORTANSWER), weight,
               random_text(rng, allow_empty=True, arrow=kind != SHORTANSWER),
               format=rng.choice([None, "plain"]),
               feedback_format=rng.choice([None, "plain"]))
        for weight in weights
    ]


def number_text(number: float) -> str:
    return repr(number).removesuffix(".0")


def random_numbers(rng: random.Random) -> list[Answer]:
    value, low = rng.uniform(-1e6, 1e6), rng.choice([0.0, -2.5, 1e-9])
    answers = [
        Answer(number_text(value), 100.0, random_text(rng, allow_empty=True), value=value),
        Answer(f"{number_text(value)}:0.5", 50.0, value=value, tolerance=0.5),
        Answer(f"{number_text(low)}..1e+30", 20.0, low=low, high=1e30),
    ]
    if rng.random() < 0.5:
        answers.append(Answer("*", 0.0, random_text(rng, allow_empty=True)))
    return answers


def random_question(rng: random.Random) -> Question:
    kind = rng.choice(QUESTION_TYPES)
    question = Question(kind, rng.choice([None, random_text(rng)]), random_text(rng),
                        rng.choice(["moodle", "html", "markdown"]),  # never plain: see above
                        category=rng.choice([None, "a/b", "c"]))
    if kind == MATCHING:
        question.answers = [Answer(random_text(rng, arrow=False), match=random_text(rng))
                            for _ in range(rng.randint(2, 4))]
    elif kind == TRUEFALSE:
        value = rng.random() < 0.5
        question.answers = [
            Answer("True", 100.0 if value else 0.0, random_text(rng, allow_empty=True)),
            Answer("False", 0.0 if value else 100.0, random_text(rng, allow_empty=True)),
        ]
    elif kind == NUMERICAL:
        question.answers = random_numbers(rng)
    elif kind not in (ESSAY, DESCRIPTION):
        question.answers = random_answers(rng, kind)
    if kind != DESCRIPTION:
        question.general_feedback = random_text(rng, allow_empty=True)
        if rng.random() < 0.3:
            question.text_after = " " + random_text(rng)
    return question


def test_random_questions_round_trip() -> None:
    rng = random.Random(202)
    for _ in range(300):
        questions = [random_question(rng) for _ in range(rng.randint(1, 4))]
        # Categories carry forward when a question has none, as GIFT does.
        current = None
        for question in questions:
            current = question.category = question.category or current
        assert round_trip(questions) == questions, to_gift(questions)
