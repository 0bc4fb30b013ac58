from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from stepcampus.store.database import SessionFactory, open_database, session_factory


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "profile" / "learner.db"


@pytest.fixture
def factory(db_path: Path) -> Iterator[SessionFactory]:
    engine = open_database(db_path)
    yield session_factory(engine)
    engine.dispose()
