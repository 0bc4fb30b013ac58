"""Who may read and write whose statements and state.

A learner: only their own. A facilitator: their own and those of the learners in their
classes. An admin: everything. Records whose agent is not a campus account: admins only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stepcampus.server.accounts import Principal
from stepcampus.server.agents import describe
from stepcampus.server.problems import forbidden


@dataclass(frozen=True)
class Access:
    principal: Principal
    learners: frozenset[str] = field(default_factory=frozenset)  # a facilitator's learners

    @property
    def is_admin(self) -> bool:
        return self.principal.role == "admin"

    def allows(self, owner: str | None) -> bool:
        if self.is_admin:
            return True
        if owner is None:
            return False
        return owner == self.principal.username or owner in self.learners

    def require(self, owner: str | None, agent: Any, what: str) -> None:
        if not self.allows(owner):
            raise forbidden(f"{self.principal.username} ({self.principal.role}) may not {what} "
                            f"for {describe(agent)}")

    def visible_owners(self) -> set[str] | None:
        """The owners whose records this principal may read; None meaning all."""
        if self.is_admin:
            return None
        return {self.principal.username, *self.learners}
