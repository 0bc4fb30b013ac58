"""Hostile and broken bundles: each gets a clear error and the learner's store stays as it was."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from stepcampus.campus import Campus
from stepcampus.coursepack.keys import signature_text
from stepcampus.errors import InputError
from tests.coursepack.test_install import snapshot


def rebuild(source: Path, target: Path,
            change: Callable[[zipfile.ZipFile, zipfile.ZipFile], None]) -> Path:
    """Copy a bundle entry by entry, letting `change` add or alter entries."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as out:
        change(src, out)
    return target


def copy_all(src: zipfile.ZipFile, out: zipfile.ZipFile, skip: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    for info in src.infolist():
        if info.filename not in skip:
            out.writestr(info, src.read(info))


def symlink_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = 0o120777 << 16
    return info


CASES: dict[str, tuple[Callable[[zipfile.ZipFile, zipfile.ZipFile], None], str]] = {
    "dot-dot": (lambda s, o: (copy_all(s, o), o.writestr("../../evil.txt", "x")),
                "climbs out of the bundle"),
    "dot-dot-inside": (lambda s, o: (copy_all(s, o), o.writestr("blobs/../../x", "x")),
                       "climbs out of the bundle"),
    "absolute": (lambda s, o: (copy_all(s, o), o.writestr("/etc/cron.d/evil", "x")),
                 "absolute path"),
    "windows-absolute": (lambda s, o: (copy_all(s, o), o.writestr("C:/evil.txt", "x")),
                         "absolute path"),
    "symlink": (lambda s, o: (copy_all(s, o), o.writestr(symlink_entry("blobs/" + "a" * 64),
                                                         "/etc/passwd")),
                "symbolic link"),
    "unexpected": (lambda s, o: (copy_all(s, o), o.writestr("autorun.inf", "x")),
                   "unexpected entry"),
    "zip-bomb": (lambda s, o: (copy_all(s, o),
                               o.writestr(zipfile.ZipInfo("blobs/" + "b" * 64),
                                          b"\0" * (64 << 20), zipfile.ZIP_DEFLATED)),
                 "compressed suspiciously well"),
    "no-manifest": (lambda s, o: copy_all(s, o, {"manifest.json"}), "manifest.json is missing"),
    "no-signature": (lambda s, o: copy_all(s, o, {"manifest.sig"}), "manifest.sig is missing"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_bundle(case: str, tmp_path: Path, sample_build, campus: Campus) -> None:
    change, message = CASES[case]
    bundle = rebuild(sample_build.bundle, tmp_path / "hostile.stepcampus", change)
    before = snapshot(campus)
    with pytest.raises(InputError, match=message) as caught:
        campus.install(str(bundle))
    assert str(bundle) in str(caught.value)
    assert snapshot(campus) == before
    assert not (tmp_path.parent / "evil.txt").exists()


def test_oversized_entry(sample_build, campus: Campus, monkeypatch: pytest.MonkeyPatch) -> None:
    # A real 1 GiB entry is too slow for a test: lower the limit below the sample's largest file.
    from stepcampus.coursepack import packagesource

    monkeypatch.setattr(packagesource, "MAX_ENTRY_BYTES", 10_000)
    with pytest.raises(InputError, match=r"entry is too large \(\d+ bytes\)"):
        campus.install(str(sample_build.bundle))
    assert snapshot(campus) == ([], set())


def test_wrong_hash_in_bundle(tmp_path: Path, sample_build, campus: Campus) -> None:
    manifest = json.loads(sample_build.manifest)
    target = manifest["files"][0]["sha256"]

    def corrupt(src: zipfile.ZipFile, out: zipfile.ZipFile) -> None:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == f"blobs/{target}":
                data = data.replace(b"e", b"E", 1)
            out.writestr(info, data)

    bundle = rebuild(sample_build.bundle, tmp_path / "b.stepcampus", corrupt)
    with pytest.raises(InputError, match="does not match its SHA-256"):
        campus.install(str(bundle))
    assert snapshot(campus) == ([], set())


def test_manifest_naming_missing_files(tmp_path: Path, sample_build, sample_key,
                                       campus: Campus) -> None:
    manifest = json.loads(sample_build.manifest)
    manifest["files"] = [f for f in manifest["files"] if f["path"] != "en/social-exclusion.md"]
    raw = (json.dumps(manifest, sort_keys=True, indent=1) + "\n").encode()

    def resign(src: zipfile.ZipFile, out: zipfile.ZipFile) -> None:
        out.writestr("manifest.json", raw)
        out.writestr("manifest.sig", signature_text(sample_key, raw))
        copy_all(src, out, {"manifest.json", "manifest.sig"})

    bundle = rebuild(sample_build.bundle, tmp_path / "b.stepcampus", resign)
    with pytest.raises(InputError, match=r"names .en/social-exclusion\.md., which the package "
                                         "does not hold"):
        campus.install(str(bundle))


def test_signed_package_with_malformed_gift_is_refused(tmp_path: Path, course_copy: Path,
                                                       sample_key, campus: Campus,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # Another publisher's tools may skip validation: the installer parses what it will show.
    from stepcampus.coursepack import build as build_module
    from stepcampus.coursepack.source import load_course

    (course_copy / "en" / "quizzes" / "social-exclusion.gift").write_text("::Q:: Broken {=a ~b\n")
    monkeypatch.setattr(build_module, "require_course", lambda root: load_course(root)[0])
    built = build_module.build(course_copy, tmp_path / "out", sample_key)
    with pytest.raises(InputError, match=r"en/quizzes/social-exclusion\.gift"):
        campus.install(str(built.bundle))
    assert campus.installed() == []


def test_not_a_zip(tmp_path: Path, campus: Campus) -> None:
    fake = tmp_path / "course.stepcampus"
    fake.write_bytes(b"\xff\xfe not a zip")
    with pytest.raises(InputError, match="not a STEP Campus bundle"):
        campus.install(str(fake))


def test_bad_utf8_manifest(tmp_path: Path, sample_build, sample_key, campus: Campus) -> None:
    raw = sample_build.manifest.replace(b"Inclusive", b"Incl\xffsive", 1)

    def resign(src: zipfile.ZipFile, out: zipfile.ZipFile) -> None:
        out.writestr("manifest.json", raw)
        out.writestr("manifest.sig", signature_text(sample_key, raw))
        copy_all(src, out, {"manifest.json", "manifest.sig"})

    bundle = rebuild(sample_build.bundle, tmp_path / "b.stepcampus", resign)
    with pytest.raises(InputError, match="not valid UTF-8"):
        campus.install(str(bundle))
