"""Build tests/store/fixtures/schema_<HEAD>.sqlite: a small learner database at today's schema.

Run `python -m tests.store.make_fixture` once after adding a migration, and commit the file;
never regenerate an older one. test_fixtures.py opens every fixture with the current code, so
each schema a learner may still have on disk keeps migrating forward with its data intact.
The rows are the same in every fixture (see FIXTURE_* and test_fixtures.py).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

from stepcampus.progress import activity
from stepcampus.store import courses
from stepcampus.store.database import open_database, session_factory
from stepcampus.store.schema_version import HEAD

FIXTURES = Path(__file__).with_name("fixtures")
COURSE = "inclusive-social-protection"


def fixture_path(revision: str) -> Path:
    return FIXTURES / f"schema_{revision}.sqlite"


def build(path: Path) -> None:
    engine = open_database(path)
    factory = session_factory(engine)
    for version, signature in (("1.0.0", "c2lnMQ=="), ("1.1.0", "c2lnMg==")):
        manifest = json.dumps({"id": COURSE, "version": version})
        courses.record_install(
            factory, COURSE, version, "Inclusive social protection", manifest, signature, "k1"
        )
    amina = activity.create_profile(factory, "Amina", pin="2468").id
    activity.create_profile(factory, "Kofi")
    activity.record_launch(factory, amina, COURSE)
    activity.record_progress(factory, amina, COURSE, "social-exclusion", "p-12", 40)
    activity.complete_module(factory, amina, COURSE, "social-health-protection")
    activity.add_bookmark(factory, amina, COURSE, "social-exclusion", "p-7", "ILO definition")
    done = activity.start_attempt(factory, amina, COURSE, "social-exclusion")
    activity.save_answer(factory, done, 0, [1], 1.0)
    activity.save_answer(factory, done, 1, "universal coverage", 0.0)
    activity.finish_attempt(factory, done, 0.5, 70)
    open_attempt = activity.start_attempt(factory, amina, COURSE, "social-exclusion")
    activity.save_answer(factory, open_attempt, 0, [2], 0.0)
    first = activity.pending_statements(factory, limit=1)
    activity.mark_sent(factory, [first[0]["id"]])
    engine.dispose()
    # A standalone file for git: no -wal or -shm beside it.
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()


def main() -> int:
    target = fixture_path(HEAD)
    if target.exists():
        print(f"{target} exists; fixtures are never regenerated", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    build(target)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
