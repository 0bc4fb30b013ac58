"""Content download figures: bytes to finish a cut download, bytes for a one-module update,
and how closely the bandwidth cap holds.

Run: .venv/bin/python -m tests.benchmarks.sync_content
Byte counts are exact; the cap is a ratio of the measured rate to the cap, in one run.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Mount

from stepcampus.campus import SAMPLE_KEY, Campus
from stepcampus.coursepack.build import blob_relpath, build
from stepcampus.coursepack.keys import load_private_key
from stepcampus.coursepack.packagesource import FolderPackage
from stepcampus.coursepack.publish import publish
from stepcampus.errors import StepCampusError
from stepcampus.server.content import content_app
from stepcampus.sync.download import Tree
from tests.conftest import SAMPLE_SOURCE
from tests.webserver import serve, serve_asgi

BIG = 8 * 1024 * 1024


class CountingApp:
    """Counts the response body bytes an ASGI app sends."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.bytes_sent = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def counted(message: Any) -> None:
            if message["type"] == "http.response.body":
                self.bytes_sent += len(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, counted)


def cut_download(tmp: Path, honour_ranges: bool) -> tuple[int, int]:
    """An 8 MiB blob whose first connection drops half-way; (bytes sent, requests)."""
    data = random.Random(1).randbytes(BIG)
    sha = hashlib.sha256(data).hexdigest()
    tree = tmp / f"tree-{honour_ranges}"
    (tree / blob_relpath(sha)).parent.mkdir(parents=True)
    (tree / blob_relpath(sha)).write_bytes(data)
    with serve(tree) as server:
        server.honour_ranges = honour_ranges
        server.cut_next(sha, after=BIG // 2)
        with Tree(server.url, partial_dir=tmp / f"partial-{honour_ranges}") as downloader:
            try:
                downloader.fetch_blob(sha, BIG, tmp / "blob")
                raise AssertionError("the cut did not happen")
            except StepCampusError:
                pass
            downloader.fetch_blob(sha, BIG, tmp / "blob")
        assert (tmp / "blob").read_bytes() == data
        return server.bytes_sent, len(server.requests)


def update_over_http(tmp: Path) -> tuple[int, int, int]:
    """(bytes for the update, package bytes, changed file + manifest) through content_app."""
    key = load_private_key(SAMPLE_KEY)
    course = tmp / "course"
    shutil.copytree(SAMPLE_SOURCE, course)
    tree = tmp / "published"
    v1 = build(course, tmp / "v1", key)
    publish(FolderPackage(v1.package_dir), tree)
    (course / "course.yaml").write_text(
        (course / "course.yaml").read_text().replace("version: 1.0.0", "version: 1.1.0"))
    module = course / "en" / "social-integration.md"
    module.write_text(module.read_text() + "\nOne more paragraph for the update.\n")
    v2 = build(course, tmp / "v2", key)
    publish(FolderPackage(v2.package_dir), tree)
    counting = CountingApp(Starlette(routes=[Mount("/content", app=content_app(tree))]))
    with serve_asgi(counting) as url:
        campus = Campus(tmp / "learner")
        campus.install(url + "/content", version="1.0.0")
        counting.bytes_sent = 0
        campus.install(url + "/content")
        campus.close()
    import json

    package = sum(f["size"] for f in json.loads(v2.manifest)["files"])
    return counting.bytes_sent, package, module.stat().st_size + len(v2.manifest)


def capped_rate(tmp: Path, cap: int) -> float:
    data = random.Random(2).randbytes(cap * 2)
    sha = hashlib.sha256(data).hexdigest()
    tree = tmp / "capped"
    (tree / blob_relpath(sha)).parent.mkdir(parents=True)
    (tree / blob_relpath(sha)).write_bytes(data)
    with serve(tree) as server, Tree(server.url, cap_bytes_per_s=cap) as downloader:
        start = time.perf_counter()
        downloader.fetch_blob(sha, len(data), tmp / "capped-blob")
        elapsed = time.perf_counter() - start
    return len(data) / elapsed / cap


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        resumed, resumed_requests = cut_download(tmp, honour_ranges=True)
        restarted, _ = cut_download(tmp, honour_ranges=False)
        update, package, changed = update_over_http(tmp)
        rate = capped_rate(tmp, 256 * 1024)
    rows = [
        ("8 MiB blob cut at 50 %, resumed with Range",
         f"{resumed:,} bytes = {resumed / BIG:.4f}x the file ({resumed_requests} requests)"),
        ("  same, server ignoring Range (starts over)",
         f"{restarted:,} bytes = {restarted / BIG:.4f}x the file"),
        ("update changing one module, via content_app", f"{update:,} bytes = "
                                                        f"{update / package:.3f} of the package "
                                                        f"({package:,} bytes)"),
        ("  changed file + manifest (target)", f"{changed:,} bytes; the rest is catalog.json "
                                               "and manifest.sig"),
        ("512 KiB at a 256 KiB/s cap", f"measured rate = {rate:.2f}x the cap"),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
