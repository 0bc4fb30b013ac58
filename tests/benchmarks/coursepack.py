"""Course package figures: build, install, sizes, update bandwidth, rendering.

Run: .venv/bin/python -m tests.benchmarks.coursepack
Times are compared with a baseline measured in the same run (a plain copy of the sources, a
plain Markdown conversion), so the ratios hold on a busy machine; the absolute times are
printed for orientation only.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from stepcampus.campus import SAMPLE_KEY, Campus
from stepcampus.coursepack.build import build
from stepcampus.coursepack.keys import load_private_key
from stepcampus.coursepack.packagesource import FolderPackage
from stepcampus.coursepack.publish import publish
from stepcampus.render.frontmatter import split_front_matter
from stepcampus.render.markdown import render_markdown
from tests.conftest import SAMPLE_SOURCE
from tests.webserver import serve


def best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    key = load_private_key(SAMPLE_KEY)
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        copy_time = best_of(5, lambda: shutil.copytree(SAMPLE_SOURCE, tmp / f"c{time.time_ns()}"))
        build_time = best_of(5, lambda: build(SAMPLE_SOURCE, tmp / "b", key))
        built = build(SAMPLE_SOURCE, tmp / "b", key)
        package_bytes = sum(f["size"] for f in json.loads(built.manifest)["files"])
        bundle_bytes = built.bundle.stat().st_size

        def install_fresh() -> None:
            campus = Campus(tmp / f"d{time.time_ns()}")
            campus.install(str(built.bundle))
            campus.close()

        install_time = best_of(5, install_fresh)

        # An update that changes one module, fetched from a real web server.
        course = tmp / "course"
        shutil.copytree(SAMPLE_SOURCE, course)
        tree = tmp / "tree"
        publish(FolderPackage(build(course, tmp / "v1", key).package_dir), tree)
        (course / "course.yaml").write_text(
            (course / "course.yaml").read_text().replace("version: 1.0.0", "version: 1.0.1"))
        module = course / "en" / "social-integration.md"
        module.write_text(module.read_text() + "\nOne more paragraph for the update.\n")
        v2 = build(course, tmp / "v2", key)
        publish(FolderPackage(v2.package_dir), tree)
        with serve(tree) as server:
            campus = Campus(tmp / "learner")
            campus.install(server.url, version="1.0.0")
            server.reset()
            campus.install(server.url)
            update_bytes = server.bytes_sent
            campus.close()
        changed = module.stat().st_size + len(v2.manifest)

        # Rendering the longest module, against python-markdown alone.
        longest = max((SAMPLE_SOURCE / "en").glob("*.md"), key=lambda p: p.stat().st_size)
        front = split_front_matter(longest.read_text(encoding="utf-8"), longest.name)
        import markdown

        plain = best_of(20, lambda: markdown.markdown(front.body, extensions=["tables",
                                                                              "footnotes"]))
        safe = best_of(20, lambda: render_markdown(front.body, module_path="en/" + longest.name))

    rows += [
        ("build the sample course", f"{build_time * 1000:.0f} ms = "
                                    f"{build_time / copy_time:.1f}x copying its sources"),
        ("install the bundle into a new store", f"{install_time * 1000:.0f} ms = "
                                                f"{install_time / copy_time:.1f}x copying "
                                                "its sources"),
        ("package (distinct file bytes)", f"{package_bytes:,} bytes"),
        ("bundle", f"{bundle_bytes:,} bytes = {bundle_bytes / package_bytes:.2f} of the package"),
        ("update changing one module: bytes fetched", f"{update_bytes:,} bytes = "
                                                      f"{update_bytes / package_bytes:.3f} of "
                                                      "the package"),
        ("  changed file + manifest (target)", f"{changed:,} bytes; the rest is catalog.json "
                                               "and manifest.sig"),
        (f"render the longest module ({longest.name}, {len(front.body.split()):,} words)",
         f"{safe * 1000:.1f} ms = {safe / plain:.1f}x python-markdown alone"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
