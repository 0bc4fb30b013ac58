"""A refusal with its HTTP status: the API answers it as JSON, the admin command prints it."""

from __future__ import annotations

from stepcampus.errors import StepCampusError


class Refused(StepCampusError):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def bad_request(message: str) -> Refused:
    return Refused(400, message)


def forbidden(message: str) -> Refused:
    return Refused(403, message)


def not_found(message: str) -> Refused:
    return Refused(404, message)
