"""/content/ of a hub: the tree `stepcampus publish` writes, made from the installed packages;
learners install from it exactly as from the campus; files left on demand come from upstream
once for the whole room."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.coursepack.build import blob_relpath
from stepcampus.coursepack.packagesource import BundlePackage
from stepcampus.coursepack.publish import publish
from tests.faultproxy import FaultProxy
from tests.hub.conftest import SERIES, stepcampus
from tests.lrs_server import start_server


def test_the_tree_is_what_publish_writes_and_learners_install_from_it(
        tmp_path: Path, facilitator: Path, sample_build, hubs) -> None:  # type: ignore[no-untyped-def]
    published = tmp_path / "published"
    source = BundlePackage(sample_build.bundle)
    try:
        publish(source, published)
    finally:
        source.close()
    hub = hubs(facilitator)
    with httpx.Client(base_url=hub.content) as client:
        catalog = client.get("catalog.json")
        assert catalog.content == (published / "catalog.json").read_bytes()
        entry = json.loads(catalog.content)["courses"][0]["versions"][0]
        for rel in (entry["manifest"], entry["signature"]):
            assert client.get(rel).content == (published / rel).read_bytes()
        manifest = json.loads((published / entry["manifest"]).read_bytes())
        for sha in sorted({f["sha256"] for f in manifest["files"]})[:5]:
            rel = blob_relpath(sha)
            blob = client.get(rel)
            assert blob.content == (published / rel).read_bytes()
            assert blob.headers["etag"] == f'"{sha}"' and "immutable" in blob.headers[
                "cache-control"]
        # Range, If-Range, If-None-Match, as the campus's /content/ answers them.
        rel = blob_relpath(sha)
        size = len(blob.content)
        part = client.get(rel, headers={"Range": "bytes=10-19", "If-Range": f'"{sha}"'})
        assert part.status_code == 206 and part.content == blob.content[10:20]
        assert part.headers["content-range"] == f"bytes 10-19/{size}"
        assert client.get(rel, headers={"Range": "bytes=10-", "If-Range": '"other"'}
                          ).status_code == 200
        assert client.get(rel, headers={"Range": f"bytes={size}-"}).status_code == 416
        assert client.get("catalog.json", headers={
            "If-None-Match": catalog.headers["etag"]}).status_code == 304
        assert client.get("blobs/sha256/00/" + "0" * 64).status_code == 404
        assert client.get("manifests/%2e%2e/catalog.json").status_code == 400

    learner = tmp_path / "learner"
    done = stepcampus("--data-dir", str(learner), "install", hub.content, SAMPLE_COURSE)
    assert done.returncode == 0, done.stderr
    assert "installed inclusive-social-protection 1.0.0: fetched 30 files" in done.stdout
    campus = Campus(learner)
    try:
        row = campus.installed()[0]
        assert row.source == hub.content  # later on-demand files come from the hub too
        assert row.manifest == manifest_text(published, entry)
    finally:
        campus.close()


def manifest_text(tree: Path, entry: dict[str, str]) -> str:
    return (tree / entry["manifest"]).read_text(encoding="utf-8")


def _installed_bytes(tree: Path, package: str) -> int:
    """What installing a package from a tree fetches: its files but those left on demand."""
    manifest = json.loads((tree / f"manifests/{package}/1.0.0.json").read_bytes())
    later = set(manifest["course"].get("on_demand") or [])
    sizes = {f["sha256"]: f["size"] for f in manifest["files"] if f["path"] not in later}
    return sum(sizes.values())


def test_the_room_costs_the_campus_one_copy_and_on_demand_files_one_fetch(
        tmp_path: Path, sample_build, series_build, hubs) -> None:  # type: ignore[no-untyped-def]
    tree = tmp_path / "campus-tree"
    for bundle in (sample_build.bundle, series_build.bundle):
        source = BundlePackage(bundle)
        try:
            publish(source, tree)
        finally:
            source.close()
    campus_server = start_server(f"sqlite:///{tmp_path / 'campus.sqlite'}", content_dir=tree)
    try:
        with FaultProxy(campus_server.port) as proxy:
            # The facilitator's desktop downloads both from the campus: one copy each, the
            # recording's heavier versions left there until asked for.
            hub_dir = tmp_path / "hub"
            for package in (SAMPLE_COURSE, SERIES):
                done = stepcampus("--data-dir", str(hub_dir), "install",
                                  proxy.url + "/content/", package)
                assert done.returncode == 0, done.stderr
            equip = proxy.bytes_down
            assert equip < 1.1 * sum(_installed_bytes(tree, p) for p in (SAMPLE_COURSE, SERIES))
            hub = hubs(hub_dir)
            learners = [Campus(tmp_path / f"learner-{i}") for i in range(3)]
            try:
                for learner in learners:
                    for package in (SAMPLE_COURSE, SERIES):
                        learner.install(hub.content, package)
                assert proxy.bytes_down == equip  # the room cost the campus nothing more

                series = json.loads(learners[0].installed()[1].manifest)
                wanted = series["course"]["on_demand"][0]
                size = next(f["size"] for f in series["files"] if f["path"] == wanted)
                sha = next(f["sha256"] for f in series["files"] if f["path"] == wanted)
                # A look (HEAD) never starts a fetch; the first learner who asks does, once.
                assert httpx.head(hub.content + blob_relpath(sha)).status_code == 404
                assert proxy.bytes_down == equip
                for learner in learners:
                    assert learner.fetch_on_demand(SERIES, [wanted]) == size
                    assert learner.content.has(sha, size)
                fetched = proxy.bytes_down - equip
                assert size <= fetched < size + 20_000  # the file, and the manifest to check
                assert "fetched" in hub.log and wanted in hub.log
            finally:
                for learner in learners:
                    learner.close()
    finally:
        campus_server.stop()
