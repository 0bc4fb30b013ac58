"""Starting and stopping the server: restarts keep data, bad databases give clear errors."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from stepcampus.server.database import open_server_database
from stepcampus.server.models import ServerBase
from tests.lrs_server import Campus, free_port, start_server
from tests.server.helpers import run_cli, statement


def test_restart_after_stop_and_after_kill_keeps_data(lrs: Campus) -> None:
    made = [statement(lrs, lrs.learner) for _ in range(3)]
    state = {"activityId": "urn:test:a", "agent": json.dumps(lrs.agent(lrs.learner)),
             "stateId": "resume"}
    with lrs.client(lrs.learner) as client:
        assert client.post("/xapi/statements", json=made).status_code == 200
        assert client.put("/xapi/activities/state", params=state,
                          json={"at": 12}).status_code == 204
    lrs.server.stop()
    assert lrs.server.process.returncode == 0  # SIGTERM is a clean shutdown
    assert "STEP Campus server on http://127.0.0.1:" in lrs.server.log
    lrs.server.start()
    with lrs.client(lrs.learner) as client:
        listed = client.get("/xapi/statements").json()["statements"]
        assert sorted(s["id"] for s in listed) == sorted(s["id"] for s in made)
        assert client.get("/xapi/activities/state", params=state).json() == {"at": 12}
        late = statement(lrs, lrs.learner)
        assert client.post("/xapi/statements", json=[late]).status_code == 200
    lrs.server.kill()
    lrs.server.start()
    with lrs.client(lrs.learner) as client:
        assert client.get("/xapi/statements", params={"statementId": late["id"]}
                          ).status_code == 200


def _serve(database: str) -> subprocess.CompletedProcess[str]:
    return run_cli("serve", "--host", "127.0.0.1", "--port", str(free_port()),
                   "--database", database)


def test_bad_database_urls_are_named(tmp_path: Path) -> None:
    done = _serve("mysql://someone@localhost/campus")
    assert done.returncode == 2 and "bad database URL" in done.stderr
    unreachable = f"postgresql+psycopg://nobody:secret@127.0.0.1:{free_port()}/campus"
    done = _serve(unreachable)
    assert done.returncode == 2 and "cannot open the database" in done.stderr
    assert "secret" not in done.stderr  # the password is never printed
    not_a_db = tmp_path / "notes.sqlite"
    not_a_db.write_text("these are notes, not a database\n" * 100)
    done = _serve(f"sqlite:///{not_a_db}")
    assert done.returncode == 2 and "cannot open the database" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "server.sqlite"
    open_server_database(f"sqlite:///{path}").dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    done = _serve(f"sqlite:///{path}")
    assert done.returncode == 2
    assert "newer than this program" in done.stderr and "9999" in done.stderr


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_models_match_migrations(backend: str, tmp_path: Path,
                                 request: pytest.FixtureRequest) -> None:
    url = (f"sqlite:///{tmp_path / 's.sqlite'}" if backend == "sqlite"
           else request.getfixturevalue("pg_cluster").create_database())
    engine = open_server_database(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, ServerBase.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_content_tree_is_mounted_when_asked(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "catalog.json").write_text('{"courses": []}\n')
    server = start_server(f"sqlite:///{tmp_path / 's.sqlite'}", content_dir=tree)
    try:
        answer = httpx.get(server.url + "/content/catalog.json")
        assert answer.status_code == 200 and answer.json() == {"courses": []}
        assert httpx.get(server.url + "/xapi/about").status_code == 200
    finally:
        server.stop()
    bare = start_server(f"sqlite:///{tmp_path / 's.sqlite'}")
    try:
        assert httpx.get(bare.url + "/content/catalog.json").status_code == 404
    finally:
        bare.stop()
    done = run_cli("serve", "--port", str(free_port()), "--database",
                   f"sqlite:///{tmp_path / 's.sqlite'}", "--content", str(tmp_path / "none"))
    assert done.returncode == 2 and "no such folder" in done.stderr
