"""`stepcampus publish`: add packages to a static tree that any web server can serve.

    catalog.json                         every course, its versions and the latest
    manifests/COURSE/VERSION.json, .sig  signed manifests, never changed once written
    blobs/sha256/ab/abcd...              files by content: shared by versions and courses
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stepcampus.coursepack.build import blob_relpath
from stepcampus.coursepack.install import version_key
from stepcampus.coursepack.manifest import Manifest, verify
from stepcampus.coursepack.packagesource import PackageSource
from stepcampus.errors import InputError, Problem
from stepcampus.tasks import Task
from stepcampus.textfile import write_atomic

CATALOG_FORMAT = "stepcampus-catalog"


@dataclass(frozen=True)
class PublishResult:
    course_id: str
    version: str
    new_blobs: int
    shared_blobs: int
    new_bytes: int


def publish(source: PackageSource, tree: Path, task: Task | None = None) -> PublishResult:
    task = task or Task()
    tree = Path(tree)
    raw, signature = source.manifest()
    manifest = verify(raw, signature, None, source.manifest_label, embedded_only=True)
    manifest_rel = f"manifests/{manifest.course_id}/{manifest.version}.json"
    signature_rel = manifest_rel.removesuffix(".json") + ".sig"
    existing = tree / manifest_rel
    if existing.exists() and existing.read_bytes() != raw:
        raise InputError(Problem(str(existing), None,
                                 f"{manifest.course_id} {manifest.version} is already published "
                                 "with other content", "raise the version number and build again"))
    new_blobs = new_bytes = 0
    blobs = manifest.blobs()
    for index, (sha, size) in enumerate(sorted(blobs.items())):
        task.report(index, len(blobs), f"copying {index + 1} of {len(blobs)} files")
        target = tree / blob_relpath(sha)
        if target.exists() and target.stat().st_size == size:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        source.fetch_blob(sha, size, tmp)
        os.replace(tmp, target)
        new_blobs += 1
        new_bytes += size
    # Blobs first, manifest next, catalog last: a reader never sees a version it cannot fetch.
    write_atomic(tree / signature_rel, signature)
    write_atomic(tree / manifest_rel, raw)
    catalog = read_catalog(tree)
    _add_to_catalog(catalog, manifest, manifest_rel, signature_rel)
    write_atomic(tree / "catalog.json", _catalog_bytes(catalog))
    return PublishResult(manifest.course_id, manifest.version, new_blobs,
                         len(blobs) - new_blobs, new_bytes)


def read_catalog(tree: Path) -> dict[str, Any]:
    path = Path(tree) / "catalog.json"
    if not path.exists():
        return {"format": CATALOG_FORMAT, "format_version": 1, "courses": []}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(Problem(str(path), None, f"is not a valid catalog ({exc})",
                                 "restore it or publish into a new folder")) from None
    if not isinstance(data, dict) or data.get("format") != CATALOG_FORMAT:
        raise InputError(Problem(str(path), None, "is not a STEP Campus catalog"))
    return data


def _add_to_catalog(catalog: dict[str, Any], manifest: Manifest, manifest_rel: str,
                    signature_rel: str) -> None:
    course = manifest.course
    entry = next((c for c in catalog["courses"] if c["id"] == manifest.course_id), None)
    if entry is None:
        entry = {"id": manifest.course_id, "versions": []}
        catalog["courses"].append(entry)
    entry["versions"] = [v for v in entry["versions"] if v["version"] != manifest.version]
    entry["versions"].append({
        "version": manifest.version,
        "manifest": manifest_rel,
        "signature": signature_rel,
        "files": len(manifest.files),
        "size": manifest.total_size,
        "publisher": manifest.key_id,
    })
    entry["versions"].sort(key=lambda v: version_key(v["version"]))
    latest = entry["versions"][-1]["version"]
    entry["latest"] = latest
    if latest == manifest.version:  # the catalog shows the newest version's description
        entry["title"] = course.get("title", {})
        entry["description"] = course.get("description", {})
        entry["languages"] = course.get("languages", [])
    catalog["courses"].sort(key=lambda c: c["id"])


def _catalog_bytes(catalog: dict[str, Any]) -> bytes:
    return (json.dumps(catalog, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()
