"""`stepcampus build` and `keygen`: signed, content-addressed, reproducible packages."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from stepcampus.cli import main
from stepcampus.coursepack.build import blob_relpath, build
from stepcampus.coursepack.keys import generate_key, load_private_key, read_public_key
from stepcampus.coursepack.manifest import verify
from stepcampus.coursepack.source import load_course
from stepcampus.errors import InputError
from tests.conftest import SAMPLE_SOURCE


def test_manifest_lists_every_file_by_hash_and_size(sample_build) -> None:
    manifest = json.loads(sample_build.manifest)
    course, _ = load_course(SAMPLE_SOURCE)
    assert course is not None
    assert [f["path"] for f in manifest["files"]] == [f for f in course.files
                                                      if f != "course.yaml"]
    for entry in manifest["files"]:
        data = (SAMPLE_SOURCE / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["size"] == len(data)
        # stored by content hash in the package folder
        assert (sample_build.package_dir / blob_relpath(entry["sha256"])).read_bytes() == data
    assert manifest["course"]["id"] == "inclusive-social-protection"
    assert [m["id"] for m in manifest["course"]["modules"]] == course.meta["modules"]


def test_package_is_signed_by_the_key(sample_build) -> None:
    raw = (sample_build.package_dir / "manifest.json").read_bytes()
    sig = (sample_build.package_dir / "manifest.sig").read_bytes()
    assert verify(raw, sig, None, "manifest.json", embedded_only=True).course_id == \
        "inclusive-social-protection"
    with pytest.raises(InputError, match="signature does not match"):
        verify(raw.replace(b"Inclusive", b"Exclusive", 1), sig, None, "manifest.json",
               embedded_only=True)


def test_bundle_holds_manifest_signature_and_blobs(sample_build) -> None:
    with zipfile.ZipFile(sample_build.bundle) as bundle:
        names = bundle.namelist()
        assert names[:2] == ["manifest.json", "manifest.sig"]
        assert bundle.read("manifest.json") == sample_build.manifest
        blobs = {n.removeprefix("blobs/") for n in names[2:]}
    assert blobs == {f["sha256"] for f in json.loads(sample_build.manifest)["files"]}


def test_builds_are_reproducible(tmp_path: Path, sample_key, sample_build) -> None:
    again = build(SAMPLE_SOURCE, tmp_path, sample_key)
    assert again.bundle.read_bytes() == sample_build.bundle.read_bytes()
    assert again.manifest == sample_build.manifest
    first = sorted(p.relative_to(sample_build.package_dir) for p in
                   sample_build.package_dir.rglob("*"))
    assert first == sorted(p.relative_to(again.package_dir) for p in again.package_dir.rglob("*"))


def test_build_refuses_a_broken_course_and_writes_nothing(course_copy: Path, tmp_path: Path,
                                                          sample_key) -> None:
    (course_copy / "en" / "social-exclusion.md").write_text("---\ntitle: [unclosed\n---\n")
    out = tmp_path / "out"
    with pytest.raises(InputError) as caught:
        build(course_copy, out, sample_key)
    assert any(p.file == "en/social-exclusion.md" and p.line == 2 for p in caught.value.problems)
    assert not out.exists() or not any(out.iterdir())


def test_keygen_writes_private_and_public_key(tmp_path: Path, capsys) -> None:
    key_file = tmp_path / "keys" / "ministry.key"
    assert main(["keygen", "-o", str(key_file), "--name", "ministry"]) == 0
    private = load_private_key(key_file)
    public = read_public_key(Path(str(key_file) + ".pub"))
    assert public.name == "ministry"
    assert private.public_key().public_bytes_raw() == public.raw
    assert key_file.stat().st_mode & 0o077 == 0, "the private key must be owner-only"
    assert "ministry.key.pub" in capsys.readouterr().out
    # never overwrites a key
    assert main(["keygen", "-o", str(key_file)]) == 2
    assert load_private_key(key_file).private_bytes_raw() == private.private_bytes_raw()


def test_build_cli_uses_the_default_key_and_trusts_it_here(course_copy: Path, tmp_path: Path,
                                                           campus) -> None:
    out = tmp_path / "dist"
    data = ["--data-dir", str(campus.data_dir)]
    assert main([*data, "build", str(course_copy), "-o", str(out)]) == 0
    assert campus.default_key_path.exists()
    bundle = out / "inclusive-social-protection-1.0.0.stepcampus"
    # signed by this computer's key, which this computer's store trusts
    assert main([*data, "install", str(bundle)]) == 0
    assert [r.version for r in campus.installed()] == ["1.0.0"]


def test_bad_key_file_is_named(tmp_path: Path, course_copy: Path, capsys) -> None:
    bad = tmp_path / "bad.key"
    bad.write_text("not a key")
    assert main(["build", str(course_copy), "-o", str(tmp_path), "--key", str(bad)]) == 2
    assert f"{bad}:1: not an unencrypted PEM private key" in capsys.readouterr().err


def test_generate_key_names_the_public_key(tmp_path: Path) -> None:
    public = generate_key(tmp_path / "k")
    assert public.name == "k" and len(public.key_id) == 16
