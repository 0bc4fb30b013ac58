"""Quiz questions as Moodle models them, whatever file format they came from.

Weights are percentages (-100..100) as authors write them in GIFT; scoring turns them
into Moodle's 0..1 fractions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MULTICHOICE = "multichoice"  # one answer may be chosen
MULTIPLE_ANSWERS = "multiple_answers"  # check boxes: several answers may be chosen
TRUEFALSE = "truefalse"
SHORTANSWER = "shortanswer"
NUMERICAL = "numerical"
MATCHING = "matching"
ESSAY = "essay"  # graded by a person
DESCRIPTION = "description"  # text only, not a question

QUESTION_TYPES = (
    MULTICHOICE,
    MULTIPLE_ANSWERS,
    TRUEFALSE,
    SHORTANSWER,
    NUMERICAL,
    MATCHING,
    ESSAY,
    DESCRIPTION,
)

# Moodle's text formats, by the names GIFT uses in its [format] prefix.
TEXT_FORMATS = ("moodle", "markdown", "html", "plain")
DEFAULT_FORMAT = "moodle"

# What Moodle shows where the answer goes in a "missing word" question.
BLANK = "_____"

TRUE_TEXT = "True"
FALSE_TEXT = "False"


@dataclass
class Answer:
    """One answer (or matching pair) of a question.

    ``format`` and ``feedback_format`` are None when they follow the question's format, so a
    question can change format without rewriting every answer.
    """

    text: str  # numerical: the spec as GIFT writes it, e.g. "3.14:0.01" or "1..5"
    weight: float = 0.0  # percent, -100..100
    feedback: str = ""
    match: str | None = None  # matching: the right-hand side; text is the left (stem)
    tolerance: float | None = None  # numerical "value:tolerance"
    low: float | None = None  # numerical range "low..high"
    high: float | None = None
    format: str | None = None
    feedback_format: str | None = None
    value: float | None = None  # numerical "value" or "value:tolerance"


@dataclass
class Question:
    """A question (or description) ready to show, score or write back."""

    type: str
    name: str | None
    text: str  # in the missing-word form: the text before the blank
    text_format: str = DEFAULT_FORMAT
    answers: list[Answer] = field(default_factory=list)
    general_feedback: str = ""
    category: str | None = None
    # Where the question starts in its source; not part of what the question *is*.
    line: int = field(default=0, compare=False)
    text_after: str = ""  # missing-word form: the text after the blank
    general_feedback_format: str | None = None

    @property
    def is_missing_word(self) -> bool:
        """True when the answer goes inside the sentence rather than after it."""
        return bool(self.text_after)

    @property
    def display_text(self) -> str:
        """The text a learner reads, with Moodle's blank where a missing word goes."""
        return f"{self.text}{BLANK}{self.text_after}" if self.is_missing_word else self.text

    @property
    def correct_answer(self) -> bool | None:
        """For true/false questions, the value that is right; None for other types."""
        if self.type != TRUEFALSE:
            return None
        return any(a.text == TRUE_TEXT and a.weight == 100 for a in self.answers)
