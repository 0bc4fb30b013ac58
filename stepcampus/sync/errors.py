"""Why a sync could not finish, in words a learner can act on."""

from __future__ import annotations

from typing import Literal

from stepcampus.errors import StepCampusError

# offline: no answer (no network, server down, timeouts); unauthorised: the account was refused;
# server: the server failed or answered nonsense; refused: it rejected what was sent.
SyncErrorKind = Literal["offline", "unauthorised", "server", "refused"]


class SyncError(StepCampusError):
    def __init__(self, kind: SyncErrorKind, message: str) -> None:
        self.kind: SyncErrorKind = kind
        self.message = message
        super().__init__(f"{kind}: {message}")


class Conflict(SyncError):
    """The LRS answered 409 to a batch: some statement id it holds already."""

    def __init__(self, message: str) -> None:
        super().__init__("refused", message)


class PreconditionFailed(SyncError):
    """A state document changed on the server since it was read (412)."""

    def __init__(self, message: str) -> None:
        super().__init__("refused", message)
