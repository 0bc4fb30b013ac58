from __future__ import annotations

from typing import Any

import pytest

from stepcampus.progress import activity
from stepcampus.progress.xapi import VERB_BASE, validate_statement
from stepcampus.store.database import SessionFactory


class Outbox:
    """Watches the outbox: each call returns the statements added since the last, validated."""

    def __init__(self, factory: SessionFactory) -> None:
        self.factory = factory
        self.seen: set[str] = set()

    def new(self) -> list[dict[str, Any]]:
        pending = activity.pending_statements(self.factory, limit=10_000)
        fresh = [s for s in pending if s["id"] not in self.seen]
        self.seen.update(s["id"] for s in fresh)
        for statement in fresh:
            validate_statement(statement)
        return fresh

    def one(self, verb: str) -> dict[str, Any]:
        fresh = self.new()
        assert [s["verb"]["id"] for s in fresh] == [VERB_BASE + verb]
        return fresh[0]


@pytest.fixture
def outbox(factory: SessionFactory) -> Outbox:
    return Outbox(factory)


@pytest.fixture
def learner(factory: SessionFactory) -> str:
    return activity.create_profile(factory, "Amina").id
