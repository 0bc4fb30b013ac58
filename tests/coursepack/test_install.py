"""`stepcampus install` and `list`: verified, atomic installs; updates fetch only what changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from stepcampus.campus import Campus
from stepcampus.cli import main
from stepcampus.coursepack.build import build
from stepcampus.coursepack.keys import generate_key, load_private_key
from stepcampus.coursepack.packagesource import FolderPackage
from stepcampus.coursepack.publish import publish
from stepcampus.errors import Cancelled, InputError
from stepcampus.tasks import Task
from tests.webserver import serve


def snapshot(campus: Campus) -> tuple[list[tuple[str, str]], set[str]]:
    """What a learner could see: installed courses, and every file in the data folder."""
    rows = [(r.course_id, r.version) for r in campus.installed()]
    files = {str(p.relative_to(campus.data_dir)) for p in campus.data_dir.rglob("*")
             if p.is_file() and "campus.sqlite" not in p.name}
    return rows, files


def bump(course: Path, version: str) -> None:
    manifest = course / "course.yaml"
    manifest.write_text(manifest.read_text().replace("version: 1.0.0", f"version: {version}"))


def test_install_bundle_then_list(campus: Campus, sample_build, capsys) -> None:
    data = ["--data-dir", str(campus.data_dir)]
    assert main([*data, "install", str(sample_build.bundle)]) == 0
    assert "installed inclusive-social-protection 1.0.0" in capsys.readouterr().out
    assert main([*data, "list"]) == 0
    assert capsys.readouterr().out == \
        "inclusive-social-protection\t1.0.0\tInclusive social protection\n"
    course = campus.course("inclusive-social-protection")
    info = course.module("social-exclusion", "fr")
    assert info.language == "fr" and course.read_text(info.file).startswith("---")
    # a module with no Spanish text falls back to English
    assert course.module("knowledge-sharing", "es").language == "en"
    # installing the same package again changes nothing
    assert main([*data, "install", str(sample_build.bundle)]) == 0
    assert "already installed" in capsys.readouterr().out


def test_update_fetches_only_changed_files(tmp_path: Path, course_copy: Path, sample_key,
                                           campus: Campus) -> None:
    tree = tmp_path / "tree"
    v1 = build(course_copy, tmp_path / "v1", sample_key)
    publish(FolderPackage(v1.package_dir), tree)
    bump(course_copy, "1.1.0")
    module = course_copy / "en" / "social-integration.md"
    module.write_text(module.read_text() + "\nA new closing paragraph for this release.\n")
    v2 = build(course_copy, tmp_path / "v2", sample_key)
    publish(FolderPackage(v2.package_dir), tree)

    with serve(tree) as server:
        first = campus.install(server.url, "inclusive-social-protection", version="1.0.0")
        assert first.fetched_blobs == len(json.loads(v1.manifest)["files"]) - first.reused_blobs
        server.reset()
        update = campus.install(server.url)  # the only course: id may be left out
        fetched = server.bytes_sent
        requests = list(server.requests)

    assert update.previous_version == "1.0.0" and update.version == "1.1.0"
    assert update.fetched_blobs == 1
    assert [r for r in requests if "/blobs/" in r] == \
        [f"/blobs/sha256/{sha[:2]}/{sha}" for sha in
         [f["sha256"] for f in json.loads(v2.manifest)["files"]
          if f["path"] == "en/social-integration.md"]]
    changed = module.stat().st_size
    catalog = (tree / "catalog.json").stat().st_size
    signature = (tree / "manifests/inclusive-social-protection/1.1.0.sig").stat().st_size
    assert fetched == changed + len(v2.manifest) + catalog + signature
    row = campus.installed()[0]
    assert row.version == "1.1.0" and row.previous_version == "1.0.0"


def test_unknown_publisher_is_refused_until_trusted(tmp_path: Path, course_copy: Path,
                                                    campus: Campus, capsys) -> None:
    generate_key(tmp_path / "other.key", "other-ngo")
    built = build(course_copy, tmp_path / "out", load_private_key(tmp_path / "other.key"))
    data = ["--data-dir", str(campus.data_dir)]
    before = snapshot(campus)
    assert main([*data, "install", str(built.bundle)]) == 2
    err = capsys.readouterr().err
    assert "unknown publisher" in err and "stepcampus trust" in err
    assert snapshot(campus) == before
    assert main([*data, "trust", str(tmp_path / "other.key.pub")]) == 0
    assert main([*data, "install", str(built.bundle)]) == 0


def test_sample_key_may_sign_only_the_sample_course(tmp_path: Path, course_copy: Path,
                                                    sample_key, campus: Campus) -> None:
    manifest = course_copy / "course.yaml"
    manifest.write_text(manifest.read_text().replace("id: inclusive-social-protection",
                                                     "id: some-other-course"))
    built = build(course_copy, tmp_path / "out", sample_key)
    with pytest.raises(InputError, match="may not sign course 'some-other-course'"):
        campus.install(str(built.bundle))


def test_tampered_blob_in_a_package_folder_is_refused(tmp_path: Path, sample_build,
                                                      campus: Campus) -> None:
    package = tmp_path / "pkg"
    shutil.copytree(sample_build.package_dir, package)
    victim = next((package / "blobs").rglob("*"))
    while victim.is_dir():
        victim = next(victim.iterdir())
    victim.write_bytes(victim.read_bytes()[:-1] + b"!")
    before = snapshot(campus)
    with pytest.raises(InputError, match="does not match its SHA-256"):
        campus.install(str(package))
    assert snapshot(campus) == before


def test_missing_or_wrong_signature(tmp_path: Path, sample_build, campus: Campus) -> None:
    package = tmp_path / "pkg"
    shutil.copytree(sample_build.package_dir, package)
    (package / "manifest.sig").unlink()
    with pytest.raises(InputError, match=r"manifest\.sig: is missing"):
        campus.install(str(package))
    other = load_private_key(generate_and_path(tmp_path))
    from stepcampus.coursepack.keys import signature_text

    (package / "manifest.sig").write_bytes(signature_text(other, sample_build.manifest))
    with pytest.raises(InputError, match="signature does not match"):
        campus.install(str(package))
    assert campus.installed() == []


def generate_and_path(tmp_path: Path) -> Path:
    generate_key(tmp_path / "x.key")
    return tmp_path / "x.key"


def test_cancel_leaves_everything_as_it_was(sample_build, campus: Campus) -> None:
    task = Task()

    def cancel_midway(done: int, total: int, message: str) -> None:
        if total and total // 2 <= done < total:  # bytes: the first report past half way
            task.cancel()

    task.on_progress = cancel_midway
    before = snapshot(campus)
    with pytest.raises(Cancelled):
        campus.install(str(sample_build.bundle), task=task)
    assert snapshot(campus) == before


def test_older_version_is_refused(tmp_path: Path, course_copy: Path, sample_key,
                                  campus: Campus) -> None:
    bump(course_copy, "2.0.0")
    campus.install(str(build(course_copy, tmp_path / "new", sample_key).bundle))
    manifest = course_copy / "course.yaml"
    manifest.write_text(manifest.read_text().replace("version: 2.0.0", "version: 1.5.0"))
    older = build(course_copy, tmp_path / "old", sample_key)
    with pytest.raises(InputError, match=r"older than the installed 2\.0\.0"):
        campus.install(str(older.bundle))
    assert campus.installed()[0].version == "2.0.0"


def test_previous_version_stays_until_the_next_is_complete(tmp_path: Path, course_copy: Path,
                                                          sample_key, campus: Campus) -> None:
    campus.install(str(build(course_copy, tmp_path / "v1", sample_key).bundle))
    bump(course_copy, "1.0.1")
    (course_copy / "en" / "glossary.yaml").write_text(
        (course_copy / "en" / "glossary.yaml").read_text() + "\n- term: Zz\n  definition: z\n")
    v2 = build(course_copy, tmp_path / "v2", sample_key)
    package = tmp_path / "broken-v2"
    shutil.copytree(v2.package_dir, package)
    shutil.rmtree(package / "blobs")  # an update whose files never arrive
    with pytest.raises(InputError, match="is missing"):
        campus.install(str(package))
    assert campus.installed()[0].version == "1.0.0"
    course = campus.course("inclusive-social-protection")
    assert course.read_text("en/glossary.yaml")  # every file of 1.0.0 still readable
    campus.install(str(v2.bundle))
    course = campus.course("inclusive-social-protection")
    assert course.version == "1.0.1" and "Zz" in course.read_text("en/glossary.yaml")
    assert campus.installed()[0].previous_version == "1.0.0"
