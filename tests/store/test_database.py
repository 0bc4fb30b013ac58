from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory

from stepcampus.errors import StepCampusError
from stepcampus.store import database
from stepcampus.store.database import alembic_config, open_database, read_revision
from stepcampus.store.schema_version import HEAD, REVISIONS

REPO = Path(__file__).resolve().parents[2]
TABLES = {
    "alembic_version",
    "profiles",
    "asked_questions",
    "classes",
    "class_members",
    "class_sessions",
    "attendance",
    "installed_courses",
    "module_progress",
    "bookmarks",
    "quiz_attempts",
    "quiz_answers",
    "outbox_statements",
    "sync_links",
}


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    conn.close()
    return {name for (name,) in rows if not name.startswith("sqlite_")}


def test_head_constant_matches_alembic() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == [HEAD]
    chain = [script.revision for script in scripts.walk_revisions()]
    assert tuple(reversed(chain)) == REVISIONS


def test_creates_folder_and_schema(db_path: Path) -> None:
    open_database(db_path).dispose()
    assert _tables(db_path) == TABLES
    assert read_revision(db_path) == HEAD


def test_migrates_an_empty_file(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.touch()
    open_database(db_path).dispose()
    assert _tables(db_path) == TABLES


def test_connections_use_wal_foreign_keys_and_busy_timeout(db_path: Path) -> None:
    engine = open_database(db_path)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == database.BUSY_TIMEOUT_MS
    engine.dispose()


def _open_in_subprocess(path: Path) -> bool:
    """Open the database in a fresh interpreter; whether that imported alembic."""
    code = (
        "import sys; from pathlib import Path;"
        "from stepcampus.store.database import open_database;"
        "open_database(Path(sys.argv[1])).dispose();"
        "print('alembic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip() == "True"


def test_second_open_does_not_import_alembic(db_path: Path) -> None:
    assert _open_in_subprocess(db_path) is True  # new database: migrated
    assert _open_in_subprocess(db_path) is False  # at head: plain SQL only


def _stamp(path: Path, revision: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    conn.close()


def test_newer_schema_raises_and_changes_nothing(db_path: Path) -> None:
    open_database(db_path).dispose()
    _stamp(db_path, "9999")
    before = db_path.read_bytes()
    with pytest.raises(StepCampusError, match=r"9999.*newer version"):
        open_database(db_path)
    assert db_path.read_bytes() == before


def test_foreign_database_raises_and_changes_nothing(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(StepCampusError, match="not a STEP Campus"):
        open_database(db_path)
    assert db_path.read_bytes() == before


def test_garbage_file_raises(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StepCampusError, match="cannot be read"):
        open_database(db_path)


def test_failed_migration_leaves_file_as_it_was(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_upgrade = command.upgrade

    def upgrade_then_fail(*args: object, **kwargs: object) -> None:
        real_upgrade(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("power cut")

    monkeypatch.setattr(command, "upgrade", upgrade_then_fail)
    with pytest.raises(RuntimeError, match="power cut"):
        open_database(db_path)
    assert _tables(db_path) == set()
    monkeypatch.undo()
    open_database(db_path).dispose()
    assert _tables(db_path) == TABLES


def test_downgrade_to_base_removes_everything(db_path: Path) -> None:
    open_database(db_path).dispose()
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", f"sqlite:///{db_path}")
    command.downgrade(config, "base")
    assert _tables(db_path) == {"alembic_version"}
    open_database(db_path).dispose()  # an empty version table counts as a new database
    assert _tables(db_path) == TABLES


def test_a_write_to_a_deleted_database_file_is_refused(tmp_path: Path) -> None:
    from stepcampus.progress.activity import create_profile
    from stepcampus.store.database import session_factory

    path = tmp_path / "data" / "campus.sqlite"
    engine = open_database(path)
    factory = session_factory(engine)
    create_profile(factory, "Ana")  # the pool now holds an open connection to the file
    for leftover in path.parent.iterdir():
        leftover.unlink()
    with pytest.raises(StepCampusError, match="was deleted"):
        create_profile(factory, "Ben")
    engine.dispose()
