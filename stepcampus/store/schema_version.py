"""The schema revisions this program knows, without importing Alembic (it costs ~0.3 s at start-up).

Keep in step with migrations/versions/: a test checks this chain equals Alembic's.
"""

from __future__ import annotations

# Oldest first; append the id of every new migration here.
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004")
HEAD: str = REVISIONS[-1]
