"""The hub's pieces on their own: what goes up for a stored statement, how a state document is
reconciled with the campus's copy, the tree of an update, addresses, and its schema."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.errors import InputError
from stepcampus.hub.content import build_tree
from stepcampus.hub.database import VERSION_TABLE, HubDatabase
from stepcampus.hub.forward import state_to_send, upstream_body
from stepcampus.hub.models import HubBase
from stepcampus.hub.offer import hub_base
from stepcampus.hub.upstream import campus_base
from stepcampus.server.database import DatabaseError

HUB_HOME, CAMPUS_HOME = "urn:hub:room", "urn:stepcampus:campus"
JSON = "application/json"


def test_a_statement_goes_up_the_same_every_time_filed_under_the_campus() -> None:
    stored = json.dumps({
        "id": "5f0c8c4e-0000-4000-8000-000000000001", "stored": "2026-12-08T10:00:00Z",
        "authority": {"account": {"homePage": HUB_HOME, "name": "fatou"}},
        "actor": {"name": "Amina", "account": {"homePage": HUB_HOME, "name": "amina"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "urn:x"}, "version": "1.0.3"})
    sent = upstream_body(stored, HUB_HOME, CAMPUS_HOME)
    assert sent == upstream_body(stored, HUB_HOME, CAMPUS_HOME)  # a resend: the same bytes
    body = json.loads(sent)
    assert "stored" not in body and "authority" not in body
    assert body["actor"] == {"name": "Amina", "account": {"homePage": CAMPUS_HOME,
                                                          "name": "amina"}}
    same = json.loads(upstream_body(stored, HUB_HOME, HUB_HOME))
    assert same["actor"]["account"]["homePage"] == HUB_HOME


def test_state_documents_are_merged_or_the_newer_wins() -> None:
    def doc(value: object) -> tuple[bytes, str]:
        return json.dumps(value).encode(), JSON

    bookmarks = doc({"m1#p2": {"note": ""}, "m2#p1": None})
    assert state_to_send(None, bookmarks) == bookmarks
    theirs = doc({"m3#p9": {"note": "x"}})
    merged = state_to_send(theirs, bookmarks)
    assert merged is not None and json.loads(merged[0]) == {
        "m3#p9": {"note": "x"}, "m1#p2": {"note": ""}, "m2#p1": None}
    assert state_to_send(doc({"m1#p2": {"note": ""}, "m2#p1": None, "o": 1}), bookmarks) is None
    early = doc({"module": "a", "updated": "2026-12-08T10:00:00+00:00"})
    late = doc({"module": "b", "updated": "2026-12-08T11:00:00+00:00"})
    assert state_to_send(early, late) == late
    assert state_to_send(late, early) is None  # another computer moved on since: keep theirs
    text = (b"plain", "text/plain")
    assert state_to_send(text, text) is None
    assert state_to_send((b"old", "text/plain"), text) == text


def test_an_update_is_served_with_the_version_kept_before_it(tmp_path: Path, sample_build,
                                                             course_copy: Path,
                                                             sample_key) -> None:  # type: ignore[no-untyped-def]
    from stepcampus.coursepack.build import build

    manifest = course_copy / "course.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "version: 1.0.0", "version: 1.2.0"), encoding="utf-8")
    newer = build(course_copy, tmp_path / "newer", sample_key)
    campus = Campus(tmp_path / "hub")
    try:
        campus.install(str(sample_build.bundle))
        campus.install(str(newer.bundle))
        tree = build_tree(campus.installed())
    finally:
        campus.close()
    catalog = json.loads(tree.files["catalog.json"][0])
    entry = catalog["courses"][0]
    assert entry["id"] == SAMPLE_COURSE and entry["latest"] == "1.2.0"
    assert [v["version"] for v in entry["versions"]] == ["1.0.0", "1.2.0"]
    for version in entry["versions"]:
        assert version["manifest"] in tree.files and version["signature"] in tree.files
    assert tree.problems == [] and tree.on_demand == {}


def test_addresses_typed_by_people() -> None:
    assert campus_base("http://campus:8470/xapi/") == "http://campus:8470"
    assert campus_base(" https://example.org/campus/ ") == "https://example.org/campus"
    assert hub_base("http://10.0.0.5:8471/content/") == "http://10.0.0.5:8471"
    for bad in ("campus:8470", "ftp://x", "http://x/?a=1"):
        with pytest.raises(InputError):
            campus_base(bad)
    with pytest.raises(InputError):
        hub_base("192.168.1.2:8471")


def test_hub_tables_match_their_migrations_and_a_newer_schema_is_refused(
        tmp_path: Path) -> None:
    path = tmp_path / "hub.sqlite"
    db = HubDatabase(path)
    try:
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "compare_type": True, "version_table": VERSION_TABLE,
                "include_object": lambda _o, name, kind, _r, _c: kind != "table" or bool(
                    name and name.startswith("hub_"))})
            assert compare_metadata(context, HubBase.metadata) == []
    finally:
        db.close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"UPDATE {VERSION_TABLE} SET version_num = 'hub9999'")
    conn.close()
    with pytest.raises(DatabaseError, match=r"hub9999.*newer than this program"):
        HubDatabase(path)
