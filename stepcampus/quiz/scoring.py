"""How much of a question's mark a response earns, by Moodle's rules.

``score`` documents the response each question type takes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from stepcampus.quiz.model import (
    DESCRIPTION,
    ESSAY,
    FALSE_TEXT,
    MATCHING,
    MULTICHOICE,
    MULTIPLE_ANSWERS,
    NUMERICAL,
    SHORTANSWER,
    TRUE_TEXT,
    TRUEFALSE,
    Answer,
    Question,
)

_NUMBER_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# Like Moodle, widen numerical intervals a hair so 0.1 + 0.2 still equals 0.3.
_ROUNDING_MARGIN = 1e-12


def score(question: Question, response: object, *, case_sensitive: bool = False) -> float | None:
    """The fraction (0.0..1.0) of the mark earned; None for essays and descriptions.

    Responses, by question type (``None`` means no response and scores 0.0):

    - multichoice: int, the index of the chosen answer in ``question.answers``
    - multiple_answers: set or list of int, the indexes of the ticked answers
    - truefalse: bool
    - shortanswer, numerical: str, what the learner typed
    - matching: dict {index of a stem in ``question.answers``: the right-hand text chosen}
    - essay, description: anything; a person grades essays, descriptions carry no mark

    Scores:

    - multichoice: the chosen answer's weight, a negative one counting as 0
    - multiple_answers: the sum of the chosen weights, kept within 0..1
    - truefalse: 1 or 0
    - shortanswer: the best weight among matching answers; case-insensitive unless
      ``case_sensitive``; surrounding spaces ignored; ``*`` matches any run of characters
      and ``\\*`` a literal star
    - numerical: the best weight among answers whose tolerance or range holds the number;
      a lone comma counts as the decimal separator ("3,14")
    - matching: the share of stems given their right-hand text
    """
    if question.type in (ESSAY, DESCRIPTION):
        return None
    if response is None:
        return 0.0
    if question.type == MATCHING:
        return _score_matching(question, response)
    weights = [a.weight for a in chosen_answers(question, response, case_sensitive=case_sensitive)]
    if question.type == MULTIPLE_ANSWERS:
        return _clip(sum(weights) / 100)
    return _clip(max(weights, default=0.0) / 100)


def feedback_for(
    question: Question, response: object, *, case_sensitive: bool = False
) -> list[str]:
    """The feedback written for the answer(s) the response chose, in the question's order.

    Responses are shaped as for ``score``; matching pairs, essays and descriptions have none.
    """
    if response is None or question.type not in _CHOOSERS:
        return []
    chosen = chosen_answers(question, response, case_sensitive=case_sensitive)
    return [a.feedback for a in chosen if a.feedback]


def chosen_answers(
    question: Question, response: object, *, case_sensitive: bool = False
) -> list[Answer]:
    """The answers a response picks (choice types) or matches (typed answers)."""
    chooser = _CHOOSERS.get(question.type)
    if chooser is None:
        raise ValueError(f"{question.type} questions have no answers to choose")
    return chooser(question, response, case_sensitive)


def _clip(fraction: float) -> float:
    return min(max(fraction, 0.0), 1.0)


def _answer_at(question: Question, index: object) -> Answer:
    if isinstance(index, bool) or not isinstance(index, int):
        raise ValueError(f"answer index must be an int, not {index!r}")
    if not 0 <= index < len(question.answers):
        raise ValueError(f"answer index {index} is out of range")
    return question.answers[index]


def _choose_one(question: Question, response: object, case_sensitive: bool) -> list[Answer]:
    return [_answer_at(question, response)]


def _choose_many(question: Question, response: object, case_sensitive: bool) -> list[Answer]:
    if isinstance(response, str | bytes) or not isinstance(response, Iterable):
        raise ValueError(f"multiple answers need a set or list of indexes, not {response!r}")
    indexes = set(response)
    for index in indexes:
        _answer_at(question, index)
    return [a for i, a in enumerate(question.answers) if i in indexes]


def _choose_truefalse(question: Question, response: object, case_sensitive: bool) -> list[Answer]:
    if not isinstance(response, bool):
        raise ValueError(f"a true/false response must be a bool, not {response!r}")
    text = TRUE_TEXT if response else FALSE_TEXT
    return [a for a in question.answers if a.text == text][:1]


def _match_shortanswer(question: Question, response: object, case_sensitive: bool) -> list[Answer]:
    typed = unicodedata.normalize("NFC", _as_text(response).strip())
    if not typed:  # Moodle does not grade an empty response
        return []
    matches = [a for a in question.answers if _wildcard(a.text, case_sensitive).fullmatch(typed)]
    return _best(matches)


def _wildcard(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    # Moodle: runs of unescaped * match anything; \* stands for a literal star.
    bits = re.split(r"(?<!\\)\*+", unicodedata.normalize("NFC", pattern))
    body = ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits)
    return re.compile(body, 0 if case_sensitive else re.IGNORECASE)


def _match_numerical(question: Question, response: object, case_sensitive: bool) -> list[Answer]:
    number = parse_number(_as_text(response))
    if number is None:
        return []
    return _best([a for a in question.answers if _holds(a, number)])


def parse_number(text: str) -> float | None:
    """Read a typed number; a lone comma is taken as the decimal separator."""
    text = text.strip()
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    return float(text) if _NUMBER_RE.fullmatch(text) else None


def _holds(answer: Answer, number: float) -> bool:
    if answer.low is not None and answer.high is not None:
        low, high = answer.low, answer.high
    elif answer.value is not None:
        spread = abs(answer.tolerance or 0.0)
        low, high = answer.value - spread, answer.value + spread
    else:
        return answer.text == "*"  # GIFT's ~#feedback: any other number
    margin = _ROUNDING_MARGIN * max(1.0, abs(low), abs(high))
    return low - margin <= number <= high + margin


def _best(matches: list[Answer]) -> list[Answer]:
    # max keeps the first of equal weights, so an earlier answer wins a tie.
    return [max(matches, key=lambda a: a.weight)] if matches else []


def _as_text(response: object) -> str:
    if not isinstance(response, str):
        raise ValueError(f"a typed response must be a str, not {response!r}")
    return response


def _score_matching(question: Question, response: object) -> float:
    if not isinstance(response, Mapping):
        raise ValueError(f"a matching response must be a dict, not {response!r}")
    # Pairs with an empty left side only add wrong choices; they are not asked.
    stems = [i for i, a in enumerate(question.answers) if a.text]
    if not stems:
        return 0.0
    right = sum(1 for i in stems if _same_choice(response.get(i), question.answers[i].match))
    return right / len(stems)


def _same_choice(chosen: object, expected: str | None) -> bool:
    return isinstance(chosen, str) and expected is not None and chosen.strip() == expected


_CHOOSERS = {
    MULTICHOICE: _choose_one,
    MULTIPLE_ANSWERS: _choose_many,
    TRUEFALSE: _choose_truefalse,
    SHORTANSWER: _match_shortanswer,
    NUMERICAL: _match_numerical,
}
