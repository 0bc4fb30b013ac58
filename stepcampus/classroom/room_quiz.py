"""A quiz with the room: the facilitator releases a module's questions one at a time, learners'
devices answer, the distribution builds up, then the right answer and its feedback are
revealed. Where the room has no devices, the facilitator types the show-of-hands counts.

No transport here and no clock of its own: the hub's routes and the desktop drive it. Every
change bumps `version`, so a screen waiting for news knows when there is some.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from stepcampus.errors import StepCampusError
from stepcampus.quiz.model import (
    FALSE_TEXT,
    MULTICHOICE,
    MULTIPLE_ANSWERS,
    NUMERICAL,
    SHORTANSWER,
    TRUE_TEXT,
    TRUEFALSE,
    Question,
)
from stepcampus.quiz.scoring import feedback_for, score

# A room answers these from a phone or a desk; essays, matching and descriptions stay in the
# individual quiz.
ROOM_TYPES = (MULTICHOICE, MULTIPLE_ANSWERS, TRUEFALSE, SHORTANSWER, NUMERICAL)
CHOICE_TYPES = (MULTICHOICE, MULTIPLE_ANSWERS, TRUEFALSE)
MAX_TEXT = 200
MAX_PARTICIPANTS = 500
TOP_TYPED = 8  # typed answers shown in the chart: the most frequent ones


class RoomError(StepCampusError):
    """An answer or a command the room refuses; `code` is what a web route answers."""

    def __init__(self, message: str, code: int = 400) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class RoomQuestion:
    number: int  # 1-based, in room order
    index: int  # the question's place in the quiz file, for statements and reports
    question: Question

    @property
    def kind(self) -> str:
        return self.question.type

    @property
    def choices(self) -> list[str]:
        if self.kind == TRUEFALSE:
            return [TRUE_TEXT, FALSE_TEXT]
        if self.kind in CHOICE_TYPES:
            return [a.text for a in self.question.answers]
        return []


@dataclass
class Tally:
    """What the room answered to one question."""

    answered: int
    counts: list[int]  # one per choice; for typed answers, per entry of `labels`
    labels: list[str]
    show_of_hands: bool = False


@dataclass
class _Sitting:
    answers: dict[str, Any] = field(default_factory=dict)  # participant -> response
    hands: list[int] | None = None


def _typed_key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", " ".join(text.split()).casefold())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


class RoomQuiz:
    """One run of a quiz with a room. Thread-safe: the hub answers requests on a pool."""

    def __init__(self, title: str, questions: list[Question]) -> None:
        self.title = title
        self.questions = [RoomQuestion(n, i, q) for n, (i, q) in enumerate(
            ((i, q) for i, q in enumerate(questions) if q.type in ROOM_TYPES), start=1)]
        if not self.questions:
            raise RoomError("this quiz has no question a room can answer together "
                            "(choices, true or false, a word or a number)")
        self.state = "waiting"  # waiting -> open -> revealed -> open ... -> finished
        self.current = 0  # the 1-based number of the question on screen, 0 before the first
        self.version = 0
        self.participants: dict[str, str] = {}  # id -> display name
        self._sittings = {q.number: _Sitting() for q in self.questions}
        self._lock = threading.Lock()
        self.changed = threading.Condition(self._lock)

    # -- the facilitator -----------------------------------------------------------------------
    def _bump(self) -> None:
        self.version += 1
        self.changed.notify_all()

    def release(self, number: int | None = None) -> RoomQuestion:
        """Show a question to the room (the next one by default) and take answers to it."""
        with self._lock:
            target = self.current + 1 if number is None else number
            if not 1 <= target <= len(self.questions):
                raise RoomError(f"there is no question {target} (the quiz has "
                                f"{len(self.questions)} for the room)")
            self.current = target
            self.state = "open"
            self._bump()
            return self.questions[target - 1]

    def reveal(self) -> RoomQuestion:
        with self._lock:
            if self.state != "open":
                raise RoomError("no question is open to reveal", 409)
            self.state = "revealed"
            self._bump()
            return self.questions[self.current - 1]

    def finish(self) -> None:
        with self._lock:
            self.state = "finished"
            self._bump()

    def set_hands(self, number: int, counts: list[int]) -> None:
        """The show-of-hands counts for a choice question, entered by the facilitator."""
        with self._lock:
            question = self._question(number)
            if question.kind not in CHOICE_TYPES:
                raise RoomError("hands can be counted for choice questions only")
            if len(counts) != len(question.choices) or any(
                    isinstance(c, bool) or not isinstance(c, int) or not 0 <= c <= 10_000
                    for c in counts):
                raise RoomError(f"give one count from 0 to 10000 for each of the "
                                f"{len(question.choices)} answers")
            self._sittings[number].hands = list(counts)
            self._bump()

    # -- learners' devices -------------------------------------------------------------------
    def join(self, participant: str, name: str) -> None:
        with self._lock:
            if participant not in self.participants and \
                    len(self.participants) >= MAX_PARTICIPANTS:
                raise RoomError("the room is full", 409)
            self.participants[participant] = name.strip()[:80] or participant
            self._bump()

    def answer(self, participant: str, number: Any, response: Any) -> None:
        """Keep a participant's answer to the open question (a later one replaces it)."""
        with self._lock:
            if participant not in self.participants:
                raise RoomError("join the room before answering", 403)
            if self.state != "open":
                raise RoomError("no question is open for answers now", 409)
            if number != self.current:
                raise RoomError(f"question {number!r} is not the one open "
                                f"(question {self.current} is)", 409)
            question = self.questions[number - 1]
            self._sittings[number].answers[participant] = _checked(question, response)
            self._bump()

    # -- reading -----------------------------------------------------------------------------
    def _question(self, number: int) -> RoomQuestion:
        if not isinstance(number, int) or not 1 <= number <= len(self.questions):
            raise RoomError(f"there is no question {number!r}")
        return self.questions[number - 1]

    def tally(self, number: int) -> Tally:
        with self._lock:
            question = self._question(number)
            sitting = self._sittings[number]
            answers = list(sitting.answers.values())
            if question.kind in CHOICE_TYPES:
                if sitting.hands is not None and not answers:
                    return Tally(sum(sitting.hands), list(sitting.hands), question.choices,
                                 show_of_hands=True)
                counts = [0] * len(question.choices)
                for response in answers:
                    for choice in _choices_of(question, response):
                        counts[choice] += 1
                return Tally(len(answers), counts, question.choices)
            grouped: dict[str, tuple[str, int]] = {}
            for response in answers:
                key = _typed_key(response)
                shown, n = grouped.get(key, (response.strip(), 0))
                grouped[key] = (shown, n + 1)
            top = sorted(grouped.values(), key=lambda item: (-item[1], item[0]))[:TOP_TYPED]
            return Tally(len(answers), [n for _, n in top], [t for t, _ in top])

    def correct(self, number: int) -> list[int]:
        """The indexes of full-credit choices (for typed answers: of the tally's labels)."""
        question = self._question(number)
        if question.kind == TRUEFALSE:  # choice 0 is True, 1 is False
            return [0 if score(question.question, True) == 1.0 else 1]
        if question.kind == MULTIPLE_ANSWERS:  # full credit is every positive choice together
            return [i for i, a in enumerate(question.question.answers) if a.weight > 0]
        if question.kind in CHOICE_TYPES:  # a part-credit choice is not the right one
            return [i for i in range(len(question.choices))
                    if score(question.question, i) == 1.0]
        return [i for i, label in enumerate(self.tally(number).labels)
                if score(question.question, label) == 1.0]

    def right_response(self, number: int) -> Any:
        """A full-credit response in the room's form (to show the feedback written for it), or
        None when there is none."""
        question = self._question(number)
        if question.kind == MULTIPLE_ANSWERS:
            return self.correct(number)
        if question.kind in CHOICE_TYPES:
            return next(iter(self.correct(number)), None)
        best = [a.text for a in question.question.answers if a.weight >= 100]
        return best[0] if best else None

    def answers(self, number: int) -> dict[str, Any]:
        """Each participant's answer to a question (a copy), as `answer` kept it."""
        with self._lock:
            self._question(number)
            return dict(self._sittings[number].answers)

    def hands(self, number: int) -> list[int] | None:
        with self._lock:
            self._question(number)
            hands = self._sittings[number].hands
            return list(hands) if hands is not None else None

    def right_answers(self, number: int) -> list[str]:
        """The full-credit answers in words (for a screen that has no tally labels to mark)."""
        question = self._question(number)
        if question.kind in CHOICE_TYPES:
            return [question.choices[i] for i in self.correct(number)]
        if question.kind == NUMERICAL:
            found = []
            for a in question.question.answers:
                if a.weight < 100:
                    continue
                if a.low is not None and a.high is not None:
                    found.append(f"{a.low:g}..{a.high:g}")
                elif a.value is not None:
                    found.append(f"{a.value:g}" + (f" ± {abs(a.tolerance):g}"
                                                   if a.tolerance else ""))
            return found
        return [a.text for a in question.question.answers if a.weight >= 100]

    def feedback(self, number: int, response: Any) -> list[str]:
        question = self._question(number)
        return feedback_for(question.question, _as_scored(question, response))

    def credit(self, participant: str, number: int) -> float | None:
        """One participant's credit (0..1) for a question, None if they did not answer it."""
        question = self._question(number)
        with self._lock:
            response = self._sittings[number].answers.get(participant)
        if response is None:
            return None
        return score(question.question, _as_scored(question, response)) or 0.0

    def results(self) -> dict[str, dict[int, float]]:
        """Each participant's credit (0..1) per quiz question index they answered."""
        with self._lock:
            found: dict[str, dict[int, float]] = {}
            for question in self.questions:
                for participant, response in self._sittings[question.number].answers.items():
                    credit = score(question.question, _as_scored(question, response)) or 0.0
                    found.setdefault(participant, {})[question.index] = credit
            return found

    def view(self, participant: str | None = None) -> dict[str, Any]:
        """What a learner's device shows now (no right answer before it is revealed)."""
        with self._lock:
            data: dict[str, Any] = {"title": self.title, "state": self.state,
                                    "version": self.version, "count": len(self.questions),
                                    "number": self.current}
            if self.current:
                question = self.questions[self.current - 1]
                data["question"] = {"number": question.number, "kind": question.kind,
                                    "text": question.question.text,
                                    "choices": question.choices}
                if participant is not None:
                    data["your_answer"] = self._sittings[self.current].answers.get(participant)
        if self.state == "revealed" and self.current:
            data["correct"] = self.correct(self.current)
            if participant is not None and data.get("your_answer") is not None:
                data["feedback"] = self.feedback(self.current, data["your_answer"])
        return data


def _checked(question: RoomQuestion, response: Any) -> Any:
    """The response in the shape its question takes, or a RoomError saying what is wrong."""
    kind, choices = question.kind, len(question.choices)
    if kind in (MULTICHOICE, TRUEFALSE):
        if isinstance(response, bool) or not isinstance(response, int) \
                or not 0 <= response < choices:
            raise RoomError(f"the answer must be the number of one of the {choices} choices "
                            "(0 for the first)")
        return response
    if kind == MULTIPLE_ANSWERS:
        if not isinstance(response, list) or not all(
                isinstance(c, int) and not isinstance(c, bool) and 0 <= c < choices
                for c in response) or len(set(response)) != len(response):
            raise RoomError(f"the answer must list distinct choices, each from 0 to "
                            f"{choices - 1}")
        return sorted(response)
    if not isinstance(response, str) or not response.strip() or len(response) > MAX_TEXT:
        raise RoomError(f"the answer must be a word or number of 1 to {MAX_TEXT} characters")
    if kind == NUMERICAL:
        from stepcampus.quiz.scoring import parse_number

        if parse_number(response) is None:
            raise RoomError(f"{response.strip()!r} is not a number")
    return response.strip()


def _choices_of(question: RoomQuestion, response: Any) -> list[int]:
    return list(response) if question.kind == MULTIPLE_ANSWERS else [response]


def _as_scored(question: RoomQuestion, response: Any) -> Any:
    """A room response in the form `score` takes (true/false is the choice of True or False)."""
    if question.kind == TRUEFALSE:
        return response == 0
    if question.kind == MULTIPLE_ANSWERS:
        return set(response)
    return response


