"""`stepcampus publish` and `catalog`: a static tree holding many courses and versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stepcampus.cli import main
from stepcampus.coursepack.build import build
from stepcampus.coursepack.packagesource import BundlePackage, FolderPackage
from stepcampus.coursepack.publish import publish
from stepcampus.errors import InputError
from tests.webserver import serve


def rename(course: Path, new_id: str, version: str = "1.0.0") -> None:
    manifest = course / "course.yaml"
    text = manifest.read_text().replace("id: inclusive-social-protection", f"id: {new_id}")
    manifest.write_text(text.replace("version: 1.0.0", f"version: {version}"))


def test_tree_shares_files_between_versions_and_courses(tmp_path: Path, course_copy: Path,
                                                        sample_key, sample_build) -> None:
    tree = tmp_path / "tree"
    first = publish(BundlePackage(sample_build.bundle), tree)
    assert first.shared_blobs == 0
    rename(course_copy, "inclusive-social-protection", "1.1.0")
    (course_copy / "en" / "glossary.yaml").write_text(
        (course_copy / "en" / "glossary.yaml").read_text() + "\n- term: Zz\n  definition: z\n")
    second = publish(FolderPackage(build(course_copy, tmp_path / "b", sample_key).package_dir),
                     tree)
    assert second.new_blobs == 1 and second.shared_blobs == first.new_blobs - 1 + 0
    rename(course_copy, "another-course", "1.1.0")
    third = publish(FolderPackage(build(course_copy, tmp_path / "c", sample_key).package_dir),
                    tree)
    assert third.new_blobs == 0

    catalog = json.loads((tree / "catalog.json").read_text())
    assert [c["id"] for c in catalog["courses"]] == ["another-course",
                                                     "inclusive-social-protection"]
    sample = catalog["courses"][1]
    assert sample["latest"] == "1.1.0"
    assert [v["version"] for v in sample["versions"]] == ["1.0.0", "1.1.0"]
    for version in sample["versions"]:
        assert (tree / version["manifest"]).exists() and (tree / version["signature"]).exists()


def test_republishing_a_version_with_other_content_is_refused(tmp_path: Path, course_copy: Path,
                                                              sample_key, sample_build) -> None:
    tree = tmp_path / "tree"
    publish(BundlePackage(sample_build.bundle), tree)
    publish(BundlePackage(sample_build.bundle), tree)  # the same package again is fine
    (course_copy / "en" / "glossary.yaml").write_text(
        (course_copy / "en" / "glossary.yaml").read_text() + "\n- term: Zz\n  definition: z\n")
    changed = build(course_copy, tmp_path / "b", sample_key)
    catalog_before = (tree / "catalog.json").read_bytes()
    with pytest.raises(InputError, match="already published with other content"):
        publish(FolderPackage(changed.package_dir), tree)
    assert (tree / "catalog.json").read_bytes() == catalog_before


def test_publish_and_catalog_commands_over_http(tmp_path: Path, course_copy: Path,
                                                capsys) -> None:
    tree = tmp_path / "tree"
    key = tmp_path / "publisher.key"
    assert main(["keygen", "-o", str(key)]) == 0
    assert main(["publish", str(course_copy), "--to", str(tree), "--key", str(key)]) == 0
    assert "published inclusive-social-protection 1.0.0" in capsys.readouterr().out
    with serve(tree) as server:
        assert main(["catalog", server.url]) == 0
        out = capsys.readouterr().out
        assert out.startswith("inclusive-social-protection\t1.0.0\t")
        assert "Inclusive social protection" in out
        # a learner's machine installs from the URL once it trusts the publisher
        assert main(["install", server.url]) == 2
        assert "unknown publisher" in capsys.readouterr().err
        assert main(["trust", f"{key}.pub"]) == 0
        assert main(["install", server.url, "inclusive-social-protection"]) == 0
        assert main(["install", server.url, "no-such-course"]) == 2
        assert "no course 'no-such-course' here" in capsys.readouterr().err


def test_catalog_of_an_unreachable_server(capsys) -> None:
    assert main(["catalog", "http://127.0.0.1:9/"]) == 2
    assert "127.0.0.1:9" in capsys.readouterr().err
