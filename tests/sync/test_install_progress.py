"""An install over a slow line reports its progress in bytes, inside each file too, so the bar
moves while a large file downloads."""

from __future__ import annotations

import json
from pathlib import Path

from stepcampus.campus import Campus
from stepcampus.coursepack.packagesource import BundlePackage
from stepcampus.coursepack.publish import publish
from stepcampus.settings import Settings, save_settings
from stepcampus.tasks import Task
from tests.webserver import serve


def test_progress_is_counted_in_bytes_and_moves_within_a_file(tmp_path: Path,
                                                              sample_build) -> None:
    tree = tmp_path / "tree"
    publish(BundlePackage(sample_build.bundle), tree)
    manifest = json.loads((sample_build.package_dir / "manifest.json").read_text())
    blobs = {f["sha256"]: f["size"] for f in manifest["files"]}
    sizes = [size for _, size in sorted(blobs.items())]  # the order the install fetches them
    reports: list[tuple[int, int]] = []
    campus = Campus(tmp_path / "data")
    save_settings(campus.data_dir, Settings(download_cap_kib=256))  # small reads: a slow line
    with serve(tree) as web:
        campus.install(web.url, task=Task(on_progress=lambda d, t, _m: reports.append((d, t))))
    campus.close()
    fetching = [(done, total) for done, total in reports if total > len(sizes)]
    assert {total for _, total in fetching} == {sum(sizes)}
    assert [done for done, _ in fetching] == sorted(done for done, _ in fetching)
    boundaries, end = {0}, 0
    for size in sizes:
        end += size
        boundaries.add(end)
    inside = [done for done, _ in fetching if done not in boundaries]
    assert inside, "no progress was reported within a file"
