"""The content app: a published tree served read-only with ETags, ranges and safe paths."""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from stepcampus.coursepack.build import blob_relpath
from stepcampus.server.content import content_app, parse_range
from stepcampus.sync.download import Tree
from tests.webserver import serve_asgi

BLOB = bytes(range(256)) * 40  # 10,240 bytes
SHA = hashlib.sha256(BLOB).hexdigest()
BLOB_URL = "/" + blob_relpath(SHA)
CATALOG = b'{"format": "stepcampus-catalog", "courses": []}\n'


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    (root / blob_relpath(SHA)).parent.mkdir(parents=True)
    (root / blob_relpath(SHA)).write_bytes(BLOB)
    (root / "catalog.json").write_bytes(CATALOG)
    (root / ".catalog.json.tmp").write_bytes(b"half written")
    (tmp_path / "secret.txt").write_text("outside the tree")
    (root / "manifests").mkdir()
    (root / "manifests" / "escape.json").symlink_to(tmp_path / "secret.txt")
    (root / "manifests" / "inside.json").symlink_to(root / "catalog.json")
    return root


@pytest.fixture
def client(tree: Path) -> Iterator[TestClient]:
    with TestClient(content_app(tree)) as test_client:
        yield test_client


def test_whole_files_with_strong_etags_and_caching(client: TestClient) -> None:
    blob = client.get(BLOB_URL)
    assert blob.status_code == 200 and blob.content == BLOB
    assert blob.headers["etag"] == f'"{SHA}"'
    assert blob.headers["accept-ranges"] == "bytes"
    assert "immutable" in blob.headers["cache-control"]
    assert blob.headers["content-length"] == str(len(BLOB))
    assert blob.headers["last-modified"].endswith("GMT")

    catalog = client.get("/catalog.json")
    assert catalog.content == CATALOG
    assert catalog.headers["etag"] == f'"{hashlib.sha256(CATALOG).hexdigest()}"'
    assert catalog.headers["cache-control"] == "no-cache"
    assert catalog.headers["content-type"].startswith("application/json")


def test_a_changed_file_gets_a_new_etag(client: TestClient, tree: Path) -> None:
    before = client.get("/catalog.json").headers["etag"]
    assert client.get("/catalog.json").headers["etag"] == before  # cached, same answer
    (tree / "catalog.json").write_bytes(CATALOG + b" ")
    stat = (tree / "catalog.json").stat()
    os.utime(tree / "catalog.json", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    after = client.get("/catalog.json")
    assert after.headers["etag"] != before
    assert after.headers["etag"] == f'"{hashlib.sha256(CATALOG + b" ").hexdigest()}"'


def test_if_none_match_gives_304(client: TestClient) -> None:
    etag = client.get("/catalog.json").headers["etag"]
    again = client.get("/catalog.json", headers={"If-None-Match": f'"other", {etag}'})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert client.get("/catalog.json", headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(BLOB_URL, headers={"If-None-Match": f'W/"{SHA}"'}).status_code == 304
    modified = client.get(BLOB_URL).headers["last-modified"]
    assert client.get(BLOB_URL, headers={"If-Modified-Since": modified}).status_code == 304
    # If-None-Match decides when both are sent
    both = {"If-None-Match": '"other"', "If-Modified-Since": modified}
    assert client.get(BLOB_URL, headers=both).status_code == 200


@pytest.mark.parametrize(("header", "first", "last"), [
    ("bytes=0-99", 0, 99),
    ("bytes=10000-", 10000, 10239),
    ("bytes=-40", 10200, 10239),
    ("bytes=10200-99999", 10200, 10239),
    ("bytes=-99999", 0, 10239),
])
def test_single_ranges_give_206(client: TestClient, header: str, first: int, last: int) -> None:
    answer = client.get(BLOB_URL, headers={"Range": header})
    assert answer.status_code == 206
    assert answer.content == BLOB[first:last + 1]
    assert answer.headers["content-range"] == f"bytes {first}-{last}/{len(BLOB)}"
    assert answer.headers["content-length"] == str(last - first + 1)


@pytest.mark.parametrize("header", ["bytes=10240-", "bytes=99999-100000", "bytes=-0"])
def test_unsatisfiable_ranges_give_416(client: TestClient, header: str) -> None:
    answer = client.get(BLOB_URL, headers={"Range": header})
    assert answer.status_code == 416
    assert answer.headers["content-range"] == f"bytes */{len(BLOB)}"
    assert answer.content == b""


@pytest.mark.parametrize("header", ["bytes=5-1", "bytes=0-1,5-6", "lines=1-2", "bytes=-"])
def test_ranges_it_does_not_serve_give_the_whole_file(client: TestClient, header: str) -> None:
    answer = client.get(BLOB_URL, headers={"Range": header})
    assert answer.status_code == 200 and answer.content == BLOB


def test_if_range_is_honoured(client: TestClient) -> None:
    whole = client.get(BLOB_URL)
    for validator in (whole.headers["etag"], whole.headers["last-modified"]):
        same = client.get(BLOB_URL, headers={"Range": "bytes=100-", "If-Range": validator})
        assert same.status_code == 206 and same.content == BLOB[100:]
    changed = client.get(BLOB_URL, headers={"Range": "bytes=100-", "If-Range": '"old"'})
    assert changed.status_code == 200 and changed.content == BLOB


def test_head_sends_headers_only(client: TestClient) -> None:
    head = client.head(BLOB_URL)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(BLOB))
    assert head.headers["etag"] == f'"{SHA}"'
    ranged = client.head(BLOB_URL, headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 206 and ranged.headers["content-length"] == "10"


def test_it_is_read_only(client: TestClient) -> None:
    for method in ("POST", "PUT", "DELETE"):
        assert client.request(method, "/catalog.json").status_code == 405


@pytest.mark.parametrize(("path", "status"), [
    ("/%2e%2e/secret.txt", 400),
    ("/manifests/%2e%2e/%2e%2e/secret.txt", 400),
    ("/manifests/..%2f..%2fsecret.txt", 400),
    ("/blobs//sha256", 400),
    ("/manifests/escape.json", 404),  # a symbolic link out of the tree
    ("/.catalog.json.tmp", 404),  # hidden: a publish in progress
    ("/manifests", 404),  # folders are not listed
    ("/", 404),
    ("/no-such-file", 404),
])
def test_paths_outside_the_tree_are_refused(client: TestClient, path: str, status: int) -> None:
    answer = client.get(path)
    assert answer.status_code == status
    assert b"outside the tree" not in answer.content


def test_a_link_inside_the_tree_is_served(client: TestClient) -> None:
    assert client.get("/manifests/inside.json").content == CATALOG


def test_parse_range_edges() -> None:
    assert parse_range("bytes=0-0", 1) == (0, 0)
    assert parse_range("bytes=-1", 0) == "unsatisfiable"
    assert parse_range("bytes=0-", 0) == "unsatisfiable"
    assert parse_range(" bytes=3-4 ", 10) == (3, 4)
    assert parse_range("bytes=a-b", 10) is None


def raw_get(base: str, target: str) -> bytes:
    """A request line sent as written: clients tidy '..' away before sending."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def test_a_real_server_resumes_a_download(tree: Path, tmp_path: Path) -> None:
    app = content_app(tree)
    with serve_asgi(app) as url:
        with httpx.Client() as http:
            ranged = http.get(url + BLOB_URL, headers={"Range": "bytes=5000-"})
            assert ranged.status_code == 206 and ranged.content == BLOB[5000:]
            assert http.get(url + "/catalog.json").content == CATALOG
        assert raw_get(url, "/../secret.txt").startswith(b"HTTP/1.1 400")
        assert raw_get(url, "/manifests/../../secret.txt").startswith(b"HTTP/1.1 400")

        # The desktop's downloader against this server: it asks for the rest only.
        partial = tmp_path / "partial"
        partial.mkdir()
        (partial / SHA).write_bytes(BLOB[:4096])
        (partial / f"{SHA}.json").write_text(f'{{"validator": "\\"{SHA}\\""}}')
        with Tree(url, partial_dir=partial) as downloader:
            assert downloader.fetch_blob(SHA, len(BLOB), tmp_path / "blob") == len(BLOB) - 4096
    assert (tmp_path / "blob").read_bytes() == BLOB


def test_mounted_under_a_prefix(tree: Path) -> None:
    from starlette.applications import Starlette
    from starlette.routing import Mount

    app = Starlette(routes=[Mount("/content", app=content_app(tree))])
    with TestClient(app) as mounted:
        assert mounted.get("/content/catalog.json").content == CATALOG
        answer = mounted.get("/content" + BLOB_URL, headers={"Range": "bytes=-10"})
        assert answer.status_code == 206 and answer.content == BLOB[-10:]
        assert mounted.get("/content/%2e%2e/secret.txt").status_code == 400
