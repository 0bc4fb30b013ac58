"""Blob downloads from a published tree: streamed, resumed after a cut, verified, capped,
cancellable, against a real web server on loopback."""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.coursepack.build import blob_relpath, build
from stepcampus.coursepack.packagesource import FolderPackage
from stepcampus.coursepack.publish import publish
from stepcampus.errors import Cancelled, InputError
from stepcampus.settings import Settings, save_settings
from stepcampus.sync.download import (
    TokenBucket,
    TransportError,
    Tree,
    discard_partials,
    partial_folder,
    pending_bytes,
)
from stepcampus.tasks import Task
from tests.webserver import StaticServer, serve, touch_later

MEDIA = "media/recording.ogg"
MEDIA_BYTES = 600 * 1024


@dataclass(frozen=True)
class Published:
    tree: Path
    media: bytes
    sha: str

    @property
    def size(self) -> int:
        return len(self.media)

    @property
    def path(self) -> str:
        return "/" + blob_relpath(self.sha)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, sample_key) -> Published:
    """The sample course with a recording large enough to cut in half, published once."""
    import shutil

    from tests.conftest import SAMPLE_SOURCE

    root = tmp_path_factory.mktemp("published")
    course = root / "course"
    shutil.copytree(SAMPLE_SOURCE, course)
    media = random.Random(7).randbytes(MEDIA_BYTES)
    (course / MEDIA).write_bytes(media)
    publish(FolderPackage(build(course, root / "build", sample_key).package_dir), root / "tree")
    return Published(root / "tree", media, hashlib.sha256(media).hexdigest())


@pytest.fixture
def tree_copy(published: Published, tmp_path: Path) -> Published:
    """A private copy of the tree, for tests that change the files the server holds."""
    import shutil

    shutil.copytree(published.tree, tmp_path / "tree")
    return Published(tmp_path / "tree", published.media, published.sha)


@pytest.fixture
def server(published: Published) -> Iterator[StaticServer]:
    with serve(published.tree) as running:
        yield running


def blob_requests(server: StaticServer, sha: str) -> list[tuple[str | None, bool, int]]:
    """(Range asked, If-Range sent, status) for each request of the blob."""
    return [(s.range, s.if_range is not None, s.status) for s in server.seen if sha in s.path]


def cut_install(campus: Campus, server: StaticServer, published: Published) -> int:
    """Install with the recording's connection dropped half-way; return the bytes kept."""
    server.cut_next(published.sha, after=published.size // 2)
    with pytest.raises(TransportError, match="resumes next time"):
        campus.install(server.url)
    assert campus.installed() == []  # nothing a learner sees changed
    kept = (partial_folder(campus.data_dir) / published.sha).stat().st_size
    assert 0 < kept <= published.size // 2
    # the files finished before the cut wait with it
    assert pending_bytes(campus.data_dir) > kept
    return kept


def installed_media(campus: Campus) -> bytes:
    return campus.course(SAMPLE_COURSE).read_bytes(MEDIA)


def test_a_cut_download_resumes_where_it_stopped(campus: Campus, server: StaticServer,
                                                 published: Published) -> None:
    kept = cut_install(campus, server, published)
    first = {s.path for s in server.seen if "/blobs/" in s.path}
    server.reset()
    result = campus.install(server.url)

    assert result.version == "1.0.0"
    # Only the rest of the recording is fetched again: the files the first attempt finished
    # were kept, though that install failed.
    assert blob_requests(server, published.sha) == [(f"bytes={kept}-", True, 206)]
    again = [s.path for s in server.seen if "/blobs/" in s.path]
    assert len(first) > 1 and set(again) & first == {published.path}
    assert len(first | set(again)) == result.fetched_blobs
    assert kept + server.sent[published.path] == published.size
    assert installed_media(campus) == published.media
    assert pending_bytes(campus.data_dir) == 0
    assert list(partial_folder(campus.data_dir).iterdir()) == []


def test_a_damaged_partial_is_detected_and_fetched_again(campus: Campus, server: StaticServer,
                                                         published: Published) -> None:
    kept = cut_install(campus, server, published)
    partial = partial_folder(campus.data_dir) / published.sha
    partial.write_bytes(bytes(kept))  # right length, wrong bytes

    campus.install(server.url)

    assert blob_requests(server, published.sha)[1:] == [
        (f"bytes={kept}-", True, 206), (None, False, 200)]
    assert installed_media(campus) == published.media
    assert pending_bytes(campus.data_dir) == 0


def test_a_server_that_ignores_ranges_still_works(campus: Campus, server: StaticServer,
                                                  published: Published) -> None:
    server.honour_ranges = False
    kept = cut_install(campus, server, published)
    campus.install(server.url)

    assert blob_requests(server, published.sha) == [
        (None, False, 200), (f"bytes={kept}-", True, 200)]
    assert installed_media(campus) == published.media


def test_a_file_changed_on_the_server_starts_over(campus: Campus, tree_copy: Published) -> None:
    with serve(tree_copy.tree) as server:
        kept = cut_install(campus, server, tree_copy)
        touch_later(tree_copy.tree / blob_relpath(tree_copy.sha))  # new ETag and date
        campus.install(server.url)

    assert blob_requests(server, tree_copy.sha) == [
        (None, False, 200), (f"bytes={kept}-", True, 200)]
    assert installed_media(campus) == tree_copy.media


def test_cancel_keeps_the_partial_and_a_later_install_resumes(
        campus: Campus, server: StaticServer, published: Published) -> None:
    # A low cap stretches the download so the cancel lands in the middle of the recording.
    save_settings(campus.data_dir, Settings(download_cap_kib=256))
    task = Task()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            campus.install(server.url, task=task)
        except BaseException as exc:
            failure.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    partial = partial_folder(campus.data_dir) / published.sha
    deadline = time.monotonic() + 20
    while not (partial.exists() and partial.stat().st_size) and time.monotonic() < deadline:
        time.sleep(0.01)
    task.cancel()
    worker.join(20)
    assert not worker.is_alive()
    assert len(failure) == 1 and isinstance(failure[0], Cancelled)
    kept = partial.stat().st_size
    assert 0 < kept < published.size // 2
    assert pending_bytes(campus.data_dir) >= kept
    assert campus.installed() == []

    save_settings(campus.data_dir, Settings())
    campus.install(server.url)
    ranges = [r for r, _, _ in blob_requests(server, published.sha)]
    assert ranges == [None, f"bytes={kept}-"]
    assert installed_media(campus) == published.media


def test_a_blob_larger_than_the_manifest_says_is_refused(server: StaticServer,
                                                         published: Published,
                                                         tmp_path: Path) -> None:
    with Tree(server.url, partial_dir=tmp_path / "partial") as tree, \
            pytest.raises(InputError, match="larger than the manifest says") as caught:
        tree.fetch_blob(published.sha, published.size - 1, tmp_path / "out")
    assert server.url in str(caught.value) and published.sha[:12] in str(caught.value)
    assert not (tmp_path / "out").exists()
    assert list((tmp_path / "partial").iterdir()) == []


def test_a_blob_that_does_not_match_its_hash_is_refused(server: StaticServer,
                                                        published: Published,
                                                        tmp_path: Path) -> None:
    wrong = "0" * 64
    rel = blob_relpath(wrong)
    (published.tree / rel).parent.mkdir(parents=True, exist_ok=True)
    (published.tree / rel).write_bytes(b"not what the name says")
    try:
        with Tree(server.url, partial_dir=tmp_path / "partial") as tree, \
                pytest.raises(InputError, match="does not match its SHA-256") as caught:
            tree.fetch_blob(wrong, 22, tmp_path / "out")
    finally:
        (published.tree / rel).unlink()
    assert f"{server.url}/{rel}" in str(caught.value)
    assert list((tmp_path / "partial").iterdir()) == []


def test_a_finished_partial_is_used_without_the_network(published: Published,
                                                        tmp_path: Path) -> None:
    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / published.sha).write_bytes(published.media)
    # Nothing listens on this port: any request would fail.
    with Tree("http://127.0.0.1:9", partial_dir=partial) as tree:
        assert tree.fetch_blob(published.sha, published.size, tmp_path / "out") == 0
    assert (tmp_path / "out").read_bytes() == published.media
    assert discard_partials(tmp_path) == 0 and not list(partial.iterdir())


def test_folder_trees_still_work(published: Published, tmp_path: Path) -> None:
    with Tree(published.tree.as_uri()) as tree:
        assert tree.fetch_blob(published.sha, published.size, tmp_path / "a") == published.size
        assert tree.bytes_fetched == published.size
        with pytest.raises(InputError, match="does not match"):
            tree.fetch_blob(published.sha, published.size + 1, tmp_path / "b")
    assert (tmp_path / "a").read_bytes() == published.media


def test_the_cap_slows_a_download_down(tmp_path: Path) -> None:
    data = random.Random(3).randbytes(200 * 1000)
    sha = hashlib.sha256(data).hexdigest()
    (tmp_path / "tree" / blob_relpath(sha)).parent.mkdir(parents=True)
    (tmp_path / "tree" / blob_relpath(sha)).write_bytes(data)
    timings = {}
    with serve(tmp_path / "tree") as server:
        for cap in (0, 100_000):  # 200 kB at 100 kB/s: two seconds, at least one and a half
            with Tree(server.url, cap_bytes_per_s=cap, partial_dir=tmp_path / "p") as tree:
                start = time.monotonic()
                tree.fetch_blob(sha, len(data), tmp_path / f"blob-{cap}")
                timings[cap] = time.monotonic() - start
            assert (tmp_path / f"blob-{cap}").read_bytes() == data
    assert timings[100_000] >= 1.5
    assert timings[100_000] > 3 * timings[0]


def test_the_token_bucket_is_smooth_from_the_start() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    bucket = TokenBucket(1000, sleep=sleep, clock=lambda: now[0])
    bucket.take(100)
    assert waits == [pytest.approx(0.1)]  # no burst allowance at the start
    now[0] += 60  # a long idle spell earns at most a tenth of a second's worth
    bucket.take(300)
    assert waits[-1] == pytest.approx(0.2)
    for _ in range(10):
        bucket.take(100)
    assert now[0] - 60.1 == pytest.approx(1.2, abs=0.01)  # 1,300 bytes at 1,000 per second


def test_pending_bytes_counts_only_partials(tmp_path: Path) -> None:
    assert pending_bytes(tmp_path) == 0
    folder = partial_folder(tmp_path)
    folder.mkdir()
    (folder / ("a" * 64)).write_bytes(b"12345")
    (folder / ("a" * 64 + ".json")).write_text("{}")
    assert pending_bytes(tmp_path) == 5
    assert discard_partials(tmp_path) == 1
    assert pending_bytes(tmp_path) == 0


def test_the_wrong_part_of_the_file_is_refused_and_the_next_try_starts_over(
        campus: Campus, server: StaticServer, published: Published) -> None:
    cut_install(campus, server, published)
    server.range_skew = 100
    with pytest.raises(TransportError, match="wrong part of the file"):
        campus.install(server.url)
    # what it had of the recording cannot be trusted to line up
    assert not (partial_folder(campus.data_dir) / published.sha).exists()
    campus.install(server.url)
    assert [r for r, _, _ in blob_requests(server, published.sha)][-1] is None
    assert installed_media(campus) == published.media


def test_a_partial_resumes_from_another_server(campus: Campus, server: StaticServer,
                                               published: Published) -> None:
    kept = cut_install(campus, server, published)
    with serve(published.tree) as mirror:
        campus.install(mirror.url)
    # The same name is the same bytes: the mirror is asked for the rest, with no If-Range
    # from the first server that it could not match.
    assert blob_requests(mirror, published.sha) == [(f"bytes={kept}-", False, 206)]
    assert mirror.sent[published.path] == published.size - kept
    assert installed_media(campus) == published.media


def test_a_blob_shorter_than_the_manifest_says_is_refused(server: StaticServer,
                                                          published: Published,
                                                          tmp_path: Path) -> None:
    with Tree(server.url, partial_dir=tmp_path / "partial") as tree, \
            pytest.raises(InputError, match=f"the manifest says {published.size + 5}"):
        tree.fetch_blob(published.sha, published.size + 5, tmp_path / "out")
    assert list((tmp_path / "partial").iterdir()) == []
