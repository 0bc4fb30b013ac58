"""`stepcampus admin` on both databases: accounts, classes, codes, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.lrs_server import start_server
from tests.server.helpers import run_cli


def test_admin_commands_build_a_campus_the_server_accepts(server_db: str) -> None:
    def admin(*args: str, stdin: str | None = None) -> str:
        done = run_cli("admin", "--database", server_db, *args, stdin=stdin)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "created admin root" in admin("create-admin", "root", "--password", "root-password")
    admin("create-facilitator", "fatima", "--name", "Fatima N.", "--password-stdin",
          stdin="fatima-password\n")
    assert "created class Morning" in admin("create-class", "Morning", "--facilitator", "fatima")
    assert "in class Morning" in admin("create-learner", "lee", "--class", "Morning",
                                       "--password", "lee-password")
    code = admin("create-code", "--class", "Morning", "--uses", "3", "--days", "1").strip()
    assert len(code) == 11 and code[5] == "-"
    listing = admin("list")
    assert "facilitator  fatima" in listing and "Fatima N." in listing
    assert "Morning (id 1, facilitator fatima): 1 learner(s) lee" in listing

    def refused(*args: str) -> str:
        done = run_cli("admin", "--database", server_db, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        return done.stderr

    assert "'lee' is already taken" in refused("create-learner", "lee", "--password", "pw-pw-pw-pw")
    assert "no class named 'Evening'" in refused("create-learner", "kim", "--class", "Evening",
                                                 "--password", "kim-password")
    assert "'lee' is a learner" in refused("create-class", "Night", "--facilitator", "lee")
    assert "password" in refused("create-learner", "kim", "--password", "short")
    assert "username" in refused("create-learner", "bad name", "--password", "long-password")
    assert "uses" in refused("create-code", "--class", "Morning", "--uses", "0")
    assert "kim" not in admin("list") and "Night" not in admin("list")

    server = start_server(server_db)
    try:
        with httpx.Client(base_url=server.url) as client:
            assert client.get("/api/me", auth=("lee", "lee-password")).json()["classes"] == [
                "Morning"]
            assert client.get("/api/me", auth=("fatima", "fatima-password")
                              ).json()["role"] == "facilitator"
            enrolled = client.post("/api/enrol", json={
                "code": code, "username": "mo", "name": "Mo", "password": "mo-password"})
            assert enrolled.status_code == 201
    finally:
        server.stop()


def test_default_database_is_in_the_data_folder(tmp_path: Path) -> None:
    done = run_cli("--data-dir", str(tmp_path), "admin", "create-admin", "root",
                   "--password", "root-password")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "server.sqlite").is_file()
    listing = run_cli("admin", "list", home=str(tmp_path))
    assert "admin        root" in listing.stdout
