"""Scoring gives Moodle's fractions for each question type."""

from __future__ import annotations

import pytest

from stepcampus.coursepack.gift import parse_gift
from stepcampus.quiz.model import Question
from stepcampus.quiz.scoring import chosen_answers, feedback_for, parse_number, score


def q(text: str) -> Question:
    (question,) = parse_gift(text)
    return question


# --- multichoice -----------------------------------------------------------------------------

SINGLE = q("Q {=right#Yes ~%50%half#Half ~%-33.33333%bad#Penalty ~wrong#No}")


@pytest.mark.parametrize(("index", "expected"), [(0, 1.0), (1, 0.5), (2, 0.0), (3, 0.0)])
def test_multichoice_scores_the_chosen_weight_and_clips_negatives(index: int,
                                                                  expected: float) -> None:
    assert score(SINGLE, index) == pytest.approx(expected)


def test_multichoice_feedback() -> None:
    assert feedback_for(SINGLE, 1) == ["Half"]
    assert feedback_for(SINGLE, None) == []


def test_no_response_scores_zero() -> None:
    assert score(SINGLE, None) == 0.0


@pytest.mark.parametrize("bad", [4, -1, "0", True, 1.0])
def test_multichoice_rejects_bad_indexes(bad: object) -> None:
    with pytest.raises(ValueError):
        score(SINGLE, bad)


# --- multiple answers ------------------------------------------------------------------------

MULTI = q("Q {~%50%Grant#g ~%50%his wife#w ~%-100%his father#f ~nobody}")


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ({0, 1}, 1.0),
        ([0], 0.5),
        ({0, 2}, 0.0),  # 50 - 100 clips to 0: Moodle's number
        ({0, 1, 2}, 0.0),
        ({0, 3}, 0.5),
        (set(), 0.0),
        ([1, 1], 0.5),  # ticking twice is ticking once
    ],
)
def test_multiple_answers_sum_and_clip(chosen: set[int] | list[int], expected: float) -> None:
    assert score(MULTI, chosen) == pytest.approx(expected)


def test_multiple_answers_thirds_reach_full_marks() -> None:
    question = q("Q {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}")
    assert score(question, {0, 1, 2}) == 1.0
    assert score(question, {0, 1}) == pytest.approx(2 / 3)


def test_multiple_answers_feedback_in_answer_order() -> None:
    assert feedback_for(MULTI, [2, 0]) == ["g", "f"]
    assert chosen_answers(MULTI, {3})[0].text == "nobody"


@pytest.mark.parametrize("bad", [0, "01", {7}])
def test_multiple_answers_reject_bad_responses(bad: object) -> None:
    with pytest.raises(ValueError):
        score(MULTI, bad)


# --- true/false ------------------------------------------------------------------------------


def test_truefalse_scores_and_feedback() -> None:
    true_right = q("Q {T#you said false#you said true}")
    assert (score(true_right, True), score(true_right, False)) == (1.0, 0.0)
    assert feedback_for(true_right, True) == ["you said true"]
    assert feedback_for(true_right, False) == ["you said false"]
    false_right = q("Q {FALSE#you said true#you said false}")
    assert (score(false_right, False), score(false_right, True)) == (1.0, 0.0)
    assert feedback_for(false_right, True) == ["you said true"]
    with pytest.raises(ValueError):
        score(false_right, "true")


# --- short answer ----------------------------------------------------------------------------

SHORT = q("Q {=ILO#exact =International Labour Organi*ation#long =%50%I.L.O.#dots =%0%UN*#no}")


@pytest.mark.parametrize(
    ("typed", "expected", "feedback"),
    [
        ("ILO", 1.0, ["exact"]),
        ("  ilo  ", 1.0, ["exact"]),  # case-insensitive and trimmed by default
        ("International Labour Organisation", 1.0, ["long"]),
        ("international labour organization", 1.0, ["long"]),
        ("I.L.O.", 0.5, ["dots"]),
        ("ILOX", 0.0, []),
        ("UNESCO", 0.0, ["no"]),
        ("", 0.0, []),
    ],
)
def test_shortanswer(typed: str, expected: float, feedback: list[str]) -> None:
    assert score(SHORT, typed) == expected
    assert feedback_for(SHORT, typed) == feedback


def test_shortanswer_case_sensitive() -> None:
    assert score(SHORT, "ilo", case_sensitive=True) == 0.0
    assert score(SHORT, "ILO", case_sensitive=True) == 1.0


def test_shortanswer_wildcards() -> None:
    question = q("Q {=*pension* =a\\*b}")
    assert score(question, "social pension scheme") == 1.0
    assert score(question, "pension") == 1.0
    assert score(question, "a*b") == 1.0
    assert score(question, "axb") == 0.0  # \* is a literal star, as in Moodle
    assert score(q("Q {=a.c}"), "abc") == 0.0  # other characters are not patterns


def test_shortanswer_best_weight_wins() -> None:
    question = q("Q {=%50%Pari* =Paris}")
    assert score(question, "Paris") == 1.0
    assert score(question, "Parisian") == 0.5


def test_shortanswer_unicode_normalisation() -> None:
    question = q("Q {=café}")
    assert score(question, "cafe\u0301") == 1.0  # decomposed é
    assert score(question, "CAFÉ") == 1.0


# --- numerical -------------------------------------------------------------------------------

NUMERIC = q("Q {#=2003:0#Exact =%50%2000..2006#Close ~#Way off}")


@pytest.mark.parametrize(
    ("typed", "expected", "feedback"),
    [
        ("2003", 1.0, ["Exact"]),
        (" 2003.0 ", 1.0, ["Exact"]),
        ("2.003e3", 1.0, ["Exact"]),
        ("2005", 0.5, ["Close"]),
        ("2000", 0.5, ["Close"]),
        ("2006", 0.5, ["Close"]),
        ("1999", 0.0, ["Way off"]),
        ("soon", 0.0, []),
    ],
)
def test_numerical(typed: str, expected: float, feedback: list[str]) -> None:
    assert score(NUMERIC, typed) == expected
    assert feedback_for(NUMERIC, typed) == feedback


def test_numerical_tolerance_edges_and_comma() -> None:
    question = q("Q {#3.14:0.01}")
    assert score(question, "3.15") == 1.0
    assert score(question, "3.13") == 1.0
    assert score(question, "3,14") == 1.0
    assert score(question, "3.1501") == 0.0
    assert score(question, "3.1299") == 0.0
    assert score(q("Q {#0.3}"), str(0.1 + 0.2)) == 1.0  # float rounding does not lose marks


def test_numerical_exact_and_range() -> None:
    assert score(q("Q {#42}"), "42") == 1.0
    assert score(q("Q {#42}"), "42.001") == 0.0
    assert score(q("Q {#-5..-1}"), "-3") == 1.0
    assert score(q("Q {#-5..-1}"), "0") == 0.0


@pytest.mark.parametrize(
    ("text", "number"),
    [("3.14", 3.14), ("3,14", 3.14), ("-2", -2.0), ("+.5", 0.5), ("1e3", 1000.0),
     ("1,000.5", None), ("1,2,3", None), ("", None), ("pi", None), ("inf", None)],
)
def test_parse_number(text: str, number: float | None) -> None:
    assert parse_number(text) == number


# --- matching --------------------------------------------------------------------------------

MATCH = q("Q {=Canada -> Ottawa =Italy -> Rome =Japan -> Tokyo = -> Paris}")


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ({0: "Ottawa", 1: "Rome", 2: "Tokyo"}, 1.0),
        ({0: "Ottawa", 1: "Tokyo", 2: "Rome"}, 1 / 3),
        ({0: "Ottawa", 1: "Rome"}, 2 / 3),
        ({0: "Paris", 1: "Paris", 2: "Paris"}, 0.0),
        ({0: " Ottawa ", 1: "Rome", 2: "Tokyo", 3: "Paris"}, 1.0),  # the distractor is no stem
        ({}, 0.0),
    ],
)
def test_matching_fraction_of_stems(response: dict[int, str], expected: float) -> None:
    assert score(MATCH, response) == pytest.approx(expected)
    assert feedback_for(MATCH, response) == []


def test_matching_same_right_side_twice() -> None:
    question = q("Q {=cat -> animal =dog -> animal =oak -> tree}")
    assert score(question, {0: "animal", 1: "animal", 2: "tree"}) == 1.0


def test_matching_rejects_non_dict() -> None:
    with pytest.raises(ValueError):
        score(MATCH, ["Ottawa"])


# --- not scored ------------------------------------------------------------------------------


def test_essay_and_description_are_not_scored() -> None:
    assert score(q("Write.{}"), "my essay") is None
    assert score(q("Just text."), None) is None
    assert feedback_for(q("Write.{}"), "my essay") == []
