"""`stepcampus build`: a checked course folder -> a signed, content-addressed package folder and
a single-file bundle. The same sources and key give byte-identical output."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from stepcampus.coursepack.keys import public_key_of, signature_text
from stepcampus.coursepack.manifest import FileEntry, make_manifest
from stepcampus.coursepack.source import MANIFEST_NAME, CourseSource, require_course
from stepcampus.tasks import Task

if TYPE_CHECKING:
    from stepcampus.webinar.source import SeriesSource

BUNDLE_SUFFIX = ".stepcampus"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# Already-compressed media gain nothing from deflate; storing them keeps installs fast.
STORED_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".ogg", ".opus", ".mp3", ".mp4",
                   ".webm", ".mkv", ".pdf", ".zip"}


@dataclass(frozen=True)
class BuildResult:
    course_id: str
    version: str
    package_dir: Path
    bundle: Path
    manifest: bytes
    files: int
    blobs: int


def blob_relpath(sha256: str) -> str:
    """Where a blob lives in a package folder or published tree."""
    return f"blobs/sha256/{sha256[:2]}/{sha256}"


def hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def is_source_folder(path: Path) -> bool:
    """A course or webinar series source folder (rather than a built package)."""
    from stepcampus.webinar.source import SERIES_NAME

    return (path / MANIFEST_NAME).is_file() or (path / SERIES_NAME).is_file()


def require_source(folder: Path) -> CourseSource | SeriesSource:
    """A course or a webinar series, checked; InputError with every problem if not clean."""
    from stepcampus.webinar.source import SERIES_NAME, require_series

    if (folder / SERIES_NAME).is_file() and not (folder / MANIFEST_NAME).exists():
        return require_series(folder)
    return require_course(folder)


def build(course_dir: Path, out_dir: Path, key: Ed25519PrivateKey,
          task: Task | None = None) -> BuildResult:
    task = task or Task()
    course = require_source(Path(course_dir))
    # The manifest file is described by the signed manifest itself; shipping it too would make
    # every version bump cost a download.
    from stepcampus.webinar.source import SERIES_NAME

    files = [rel for rel in course.files if rel not in (MANIFEST_NAME, SERIES_NAME)]
    entries: list[FileEntry] = []
    sources: dict[str, Path] = {}
    for index, rel in enumerate(files):
        task.report(index, len(files), f"hashing {rel}")
        sha, size = hash_file(course.root / rel)
        entries.append(FileEntry(rel, sha, size))
        sources.setdefault(sha, course.root / rel)
    publisher = public_key_of(key)
    manifest = make_manifest(course.describe(), entries, publisher)
    signature = signature_text(key, manifest)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = f"{course.id}-{course.version}"
    package_dir = out_dir / name
    bundle = out_dir / (name + BUNDLE_SUFFIX)
    # Write beside the target, then swap in: a failed build never leaves half a package.
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".build-") as tmp:
        staging = Path(tmp) / name
        (staging / "blobs").mkdir(parents=True)
        (staging / "manifest.json").write_bytes(manifest)
        (staging / "manifest.sig").write_bytes(signature)
        for sha, src in sorted(sources.items()):
            target = staging / blob_relpath(sha)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
        task.report(len(files), len(files), "writing the bundle")
        staged_bundle = Path(tmp) / bundle.name
        _write_bundle(staged_bundle, manifest, signature, sources, _suffixes(entries))
        if package_dir.exists():
            shutil.rmtree(package_dir)
        os.replace(staging, package_dir)
        os.replace(staged_bundle, bundle)
    return BuildResult(course.id, course.version, package_dir, bundle, manifest,
                       files=len(entries), blobs=len(sources))


def _suffixes(entries: list[FileEntry]) -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in sorted(entries, key=lambda e: e.path):
        found.setdefault(entry.sha256, Path(entry.path).suffix.lower())
    return found


def _zip_info(name: str, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.create_system = 3  # Unix, so the mode bits below mean the same everywhere
    info.external_attr = 0o100644 << 16
    info.compress_type = compress
    return info


def _write_bundle(path: Path, manifest: bytes, signature: bytes, blobs: dict[str, Path],
                  suffixes: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr(_zip_info("manifest.json", zipfile.ZIP_DEFLATED), manifest)
        bundle.writestr(_zip_info("manifest.sig", zipfile.ZIP_STORED), signature)
        for sha, src in sorted(blobs.items()):
            compress = (zipfile.ZIP_STORED if suffixes.get(sha) in STORED_SUFFIXES
                        else zipfile.ZIP_DEFLATED)
            with bundle.open(_zip_info(f"blobs/{sha}", compress), "w") as out, \
                    open(src, "rb") as handle:
                shutil.copyfileobj(handle, out, 1 << 20)
