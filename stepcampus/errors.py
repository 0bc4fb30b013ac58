"""Errors that name what went wrong and where, so a trainer or learner can fix the input."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input: the file, the line (1-based, if known), what, what to do."""

    file: str
    line: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class StepCampusError(Exception):
    """Base of every error the core raises on purpose; the CLI prints it without a traceback."""


class InputError(StepCampusError):
    """Bad input: one or more problems, each naming its file and line. Nothing was changed."""

    def __init__(self, problems: Iterable[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("<input>", None, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Cancelled(StepCampusError):
    """The user cancelled a long operation; whatever it had started was rolled back."""
