"""A learner gives the hub a newer version of a course: taken only after the checks of any
install; an untrusted publisher or a tampered bundle is refused and nothing changes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import httpx

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.coursepack.build import build
from stepcampus.coursepack.keys import generate_key, load_private_key
from tests.hub.conftest import HUB_PASSWORD, stepcampus


def _newer(course_copy: Path, tmp_path: Path, key, version: str, name: str):  # type: ignore[no-untyped-def]
    """The sample course at another version, with one module changed, signed with key."""
    manifest = course_copy / "course.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "version: 1.0.0", f"version: {version}"), encoding="utf-8")
    module = course_copy / "en" / "social-exclusion.md"
    module.write_text(module.read_text(encoding="utf-8") + f"\nA local case ({name}).\n",
                      encoding="utf-8")
    return build(course_copy, tmp_path / name, key)


def _hub_catalog(hub) -> dict[str, str]:  # type: ignore[no-untyped-def]
    courses = httpx.get(hub.content + "catalog.json").json()["courses"]
    return {c["id"]: c["latest"] for c in courses}


def _offer(learner: Path, hub, *extra: str):  # type: ignore[no-untyped-def]
    return stepcampus("--data-dir", str(learner), "hub", "offer", hub.url, SAMPLE_COURSE,
                      "--user", "amina", "--password-stdin", *extra, stdin=HUB_PASSWORD + "\n")


def test_a_newer_version_is_verified_installed_and_served(
        tmp_path: Path, facilitator: Path, course_copy: Path, sample_key, hubs) -> None:  # type: ignore[no-untyped-def]
    hub = hubs(facilitator)
    hub.add_learner("amina")
    newer = _newer(course_copy, tmp_path, sample_key, "1.1.0", "newer")
    learner = tmp_path / "learner"
    with _closing(Campus(learner)) as campus:
        campus.install(str(newer.bundle))
    done = _offer(learner, hub)
    assert done.returncode == 0, done.stderr
    # Only what the hub lacked went over: the changed module (the rest it has from 1.0.0).
    assert "installed inclusive-social-protection 1.1.0 (it had 1.0.0): sent 1 files" in \
        done.stdout
    assert _hub_catalog(hub) == {SAMPLE_COURSE: "1.1.0"}
    assert "offered by amina" in hub.log
    again = _offer(learner, hub)
    assert again.returncode == 0 and "nothing sent" in again.stdout
    # Another learner updates from the hub, checking the same signature and hashes.
    other = stepcampus("--data-dir", str(tmp_path / "other"), "install", hub.content,
                       SAMPLE_COURSE)
    assert other.returncode == 0 and "1.1.0" in other.stdout, other.stderr


class _closing:
    def __init__(self, campus: Campus) -> None:
        self.campus = campus

    def __enter__(self) -> Campus:
        return self.campus

    def __exit__(self, *exc: object) -> None:
        self.campus.close()


def test_untrusted_tampered_or_anonymous_offers_change_nothing(
        tmp_path: Path, facilitator: Path, course_copy: Path, sample_key, hubs) -> None:  # type: ignore[no-untyped-def]
    hub = hubs(facilitator)
    hub.add_learner("amina")
    stranger = generate_key(tmp_path / "stranger.key", "stranger")
    untrusted = _newer(course_copy, tmp_path, load_private_key(tmp_path / "stranger.key"),
                       "2.0.0", "untrusted")
    learner = tmp_path / "learner"
    with _closing(Campus(learner)) as campus:
        campus.trust.trust(stranger)  # the learner trusts it; the hub does not
        campus.install(str(untrusted.bundle))
    installed_before = _installed(facilitator)
    done = _offer(learner, hub)
    assert done.returncode == 2
    assert f"unknown publisher (key {stranger.key_id})" in done.stderr
    assert "the bundle!manifest.json" in done.stderr and "staging" not in done.stderr
    assert "refused a course offered by amina" in hub.log

    # A trusted publisher's newer version with a module changed after signing.
    newer = _newer(course_copy, tmp_path, sample_key, "2.1.0", "tampered")
    tampered = tmp_path / "tampered.stepcampus"
    manifest = json.loads(zipfile.ZipFile(newer.bundle).read("manifest.json"))
    # The changed module: the only file the hub lacks, so the only one it reads.
    victim = next(f["sha256"] for f in manifest["files"]
                  if f["path"] == "en/social-exclusion.md")
    with zipfile.ZipFile(newer.bundle) as src, zipfile.ZipFile(tampered, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            out.writestr(item, data.replace(b"social", b"SOCIAL", 1)
                         if item.filename == f"blobs/{victim}" else data)
    answer = httpx.post(hub.url + "/hub/offer", content=tampered.read_bytes(),
                        auth=("amina", HUB_PASSWORD))
    assert answer.status_code == 422
    assert f"blob {victim[:12]} does not match its SHA-256" in answer.json()["error"]
    # Anonymous, a wrong password, or not a bundle at all.
    assert httpx.post(hub.url + "/hub/offer", content=tampered.read_bytes()).status_code == 401
    assert httpx.post(hub.url + "/hub/offer", content=b"x",
                      auth=("amina", "wrong-password")).status_code == 401
    junk = httpx.post(hub.url + "/hub/offer", content=b"not a zip",
                      auth=("amina", HUB_PASSWORD))
    assert junk.status_code == 422 and "not a STEP Campus bundle" in junk.json()["error"]
    # Nothing changed: the same version served, the same rows, no file left behind.
    assert _hub_catalog(hub) == {SAMPLE_COURSE: "1.0.0"}
    assert _installed(facilitator) == installed_before
    assert list((facilitator / "staging").glob("*.stepcampus")) == []


def _installed(folder: Path) -> list[tuple[object, ...]]:
    from tests.hub.conftest import query_sqlite

    return query_sqlite(folder / "campus.sqlite", "SELECT course_id, version, manifest, "
                        "previous_version FROM installed_courses")
