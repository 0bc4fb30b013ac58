"""Read a published tree (catalog, manifests, blobs) from a web server or a folder.

The only module of the install path that talks to the network; what it hands back is verified
by the installer against the signed manifest.

Blobs stream to a partial file named by their hash, kept in the data folder between attempts:
a dropped connection, a cancel or a closed laptop costs only the bytes not yet received, since
the next attempt asks the server for the rest (`Range`, guarded by `If-Range`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from stepcampus.coursepack.build import blob_relpath
from stepcampus.coursepack.packagesource import copy_verified
from stepcampus.errors import InputError, Problem, StepCampusError
from stepcampus.tasks import Task

if TYPE_CHECKING:
    from stepcampus.coursepack.contentstore import ContentStore

MAX_CATALOG_BYTES = 16 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
PARTIAL_FOLDER = "partial"
_CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+|\*)$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class TransportError(StepCampusError):
    """The server or folder could not be reached or answered with an error."""


def is_remote(location: str) -> bool:
    return urlparse(location).scheme in ("http", "https", "file")


def partial_folder(data_dir: Path) -> Path:
    """Where unfinished blob downloads wait for the next attempt."""
    return Path(data_dir) / PARTIAL_FOLDER


def pending_bytes(data_dir: Path) -> int:
    """Bytes already received for downloads that have not finished (0 when none)."""
    folder = partial_folder(data_dir)
    if not folder.is_dir():
        return 0
    return sum(p.stat().st_size for p in folder.iterdir() if _SHA256.match(p.name))


def discard_partials(data_dir: Path) -> int:
    """Remove every unfinished download; return how many blobs were dropped."""
    folder = partial_folder(data_dir)
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.iterdir():
        removed += _SHA256.match(path.name) is not None
        path.unlink(missing_ok=True)
    return removed


class TokenBucket:
    """Spreads reads over time at `rate` bytes per second.

    It starts empty and holds at most a tenth of a second's worth, so a download begins at the
    capped rate instead of with a burst that would swamp a shared office link.
    """

    def __init__(self, rate: int, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.capacity = max(rate / 10, 1.0)
        self.tokens = 0.0
        self.sleep = sleep
        self.clock = clock
        self.stamp = clock()

    def take(self, count: int) -> None:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        self.tokens -= count  # a debt is paid off by waiting, here or before the next read
        if self.tokens < 0:
            self.sleep(-self.tokens / self.rate)


class Tree:
    """A published tree at an http(s):// or file:// URL, or a local folder path.

    `cap_bytes_per_s` (0: none) throttles what comes over HTTP; `task` lets a person stop a
    blob download between chunks. `partial_dir` keeps blobs between attempts, the unfinished
    and the finished ones of an install that failed later; without it they live beside the
    destination and go with it. Given `store`, the partial folder is the store's, and on close
    finished blobs the store now holds are dropped from it.
    """

    def __init__(self, location: str, timeout: float = 30.0, *, cap_bytes_per_s: int = 0,
                 partial_dir: Path | None = None, store: ContentStore | None = None,
                 task: Task | None = None) -> None:
        self.location = location.rstrip("/")
        parsed = urlparse(location)
        self.folder: Path | None = None
        self.client: Any = None
        if parsed.scheme in ("http", "https"):
            import httpx

            self.client = httpx.Client(timeout=timeout, follow_redirects=True)
        elif parsed.scheme == "file":
            self.folder = Path(unquote(parsed.path))
        else:
            self.folder = Path(location)
        self.bytes_fetched = 0
        if partial_dir is None and store is not None:
            partial_dir = partial_folder(store.root)
        self.partial_dir = Path(partial_dir) if partial_dir is not None else None
        self.store = store
        # Blobs fetched whole (hash, size), kept as partials until the store holds them.
        self.finished: list[tuple[str, int]] = []
        self.task = task
        self.bucket = TokenBucket(cap_bytes_per_s, self._pause) if cap_bytes_per_s > 0 else None

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.store is not None and self.partial_dir is not None:
            for sha, size in self.finished:
                if self.store.has(sha, size):
                    BlobDownload(self, sha, 0, self.partial_dir / sha).discard()
        self.finished.clear()

    def __enter__(self) -> Tree:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _name(self, rel: str) -> str:
        return f"{self.location}/{rel}"

    def _pause(self, seconds: float) -> None:
        """Wait for the bandwidth cap, but wake at once when the person cancels."""
        if self.task is None:
            time.sleep(seconds)
            return
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self.task.check()
            time.sleep(min(left, 0.05))
        self.task.check()

    def _received(self, count: int) -> None:
        self.bytes_fetched += count
        if self.bucket is not None:
            self.bucket.take(count)

    def _chunk_size(self) -> int:
        # Small reads under a low cap keep the rate smooth and the cancel button quick.
        if self.bucket is None:
            return CHUNK_BYTES
        return max(1024, min(CHUNK_BYTES, self.bucket.rate // 20))

    def get(self, rel: str, limit: int) -> bytes:
        if self.folder is not None:
            path = self.folder / rel
            try:
                with open(path, "rb") as handle:
                    data = handle.read(limit + 1)
            except FileNotFoundError:
                raise TransportError(f"{path}: not found") from None
            except OSError as exc:
                raise TransportError(f"{path}: {exc.strerror}") from None
            self.bytes_fetched += len(data)
        else:
            data = self._http_get(rel, limit)
        if len(data) > limit:
            raise InputError(Problem(self._name(rel), None, "is implausibly large"))
        return data

    def _http_get(self, rel: str, limit: int) -> bytes:
        import httpx

        url = self._name(rel)
        try:
            with self.client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise TransportError(f"{url}: the server answered {response.status_code}")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes(self._chunk_size()):
                    size += len(chunk)
                    chunks.append(chunk)
                    self._received(len(chunk))
                    if size > limit:
                        break
                return b"".join(chunks)
        except httpx.HTTPError as exc:
            raise TransportError(f"{url}: {exc}") from None

    def catalog(self) -> dict[str, Any]:
        raw = self.get("catalog.json", MAX_CATALOG_BYTES)
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(Problem(self._name("catalog.json"), None,
                                     f"is not a valid catalog ({exc})")) from None
        if not isinstance(data, dict) or not isinstance(data.get("courses"), list):
            raise InputError(Problem(self._name("catalog.json"), None,
                                     "is not a STEP Campus catalog"))
        return data

    def package(self, course_id: str | None = None, version: str | None = None) -> TreePackage:
        courses = self.catalog()["courses"]
        if course_id is None:
            if len(courses) != 1:
                ids = ", ".join(str(c.get("id")) for c in courses) or "none"
                raise InputError(Problem(self._name("catalog.json"), None,
                                         f"the tree holds {len(courses)} courses ({ids})",
                                         "name the course to install"))
            entry = courses[0]
        else:
            matches = [c for c in courses if c.get("id") == course_id]
            if not matches:
                raise InputError(Problem(self._name("catalog.json"), None,
                                         f"no course {course_id!r} here",
                                         "run 'stepcampus catalog URL' to see what it holds"))
            entry = matches[0]
        version = version or str(entry.get("latest"))
        versions = {str(v.get("version")): v for v in entry.get("versions", [])}
        if version not in versions:
            raise InputError(Problem(self._name("catalog.json"), None,
                                     f"{entry.get('id')} has no version {version}"))
        return TreePackage(self, versions[version])

    def fetch_blob(self, sha256: str, size: int, dest: Path) -> int:
        """Write the verified blob to `dest`; return the bytes transferred for it."""
        if not _SHA256.match(sha256):
            raise InputError(Problem(self.location, None, f"{sha256!r} is not a SHA-256"))
        if self.folder is not None:
            path = self.folder / blob_relpath(sha256)
            try:
                with open(path, "rb") as handle:
                    written = copy_verified(handle, dest, sha256, size, str(path))
            except FileNotFoundError:
                raise TransportError(f"{path}: not found") from None
            self.bytes_fetched += written
            return written
        dest = Path(dest)
        if self.partial_dir is None:
            partial = dest.with_name(dest.name + ".download")
        else:
            self.partial_dir.mkdir(parents=True, exist_ok=True)
            partial = self.partial_dir / sha256
        download = BlobDownload(self, sha256, size, partial)
        transferred = download.run(dest, keep=self.store is not None)
        self.finished.append((sha256, size))
        return transferred


class BlobDownload:
    """One blob over HTTP into its partial file, resumed if a previous attempt left one."""

    def __init__(self, tree: Tree, sha256: str, size: int, partial: Path) -> None:
        self.tree = tree
        self.sha256 = sha256
        self.size = size
        self.url = tree._name(blob_relpath(sha256))
        self.partial = partial
        # The validator (ETag or Last-Modified) of the file the partial's bytes came from.
        self.meta = partial.with_name(partial.name + ".json")
        self.transferred = 0

    def run(self, dest: Path, keep: bool = False) -> int:
        """Complete the blob into `dest`; with `keep`, the finished partial stays too (a hard
        link: no second copy), so an install that fails later does not fetch it again."""
        resumed = self._offset() > 0
        if not self._attempt():
            # The partial left by an earlier attempt was damaged: one clean start, then give up.
            self.discard()
            if not resumed or not self._attempt():
                self.discard()
                raise InputError(Problem(self.url, None,
                                         f"blob {self.sha256[:12]} does not match its SHA-256",
                                         "the server's copy is damaged: tell its publisher"))
        if keep:
            dest.unlink(missing_ok=True)
            try:
                os.link(self.partial, dest)
            except OSError:  # a file system without hard links
                shutil.copyfile(self.partial, dest)
        else:
            os.replace(self.partial, dest)
            self.meta.unlink(missing_ok=True)
        return self.transferred

    def discard(self) -> None:
        self.partial.unlink(missing_ok=True)
        self.meta.unlink(missing_ok=True)

    def _offset(self) -> int:
        try:
            offset = self.partial.stat().st_size
        except FileNotFoundError:
            return 0
        if offset > self.size:
            self.discard()
            return 0
        return offset

    def _validator(self) -> str | None:
        """The If-Range value for a resume: only for the server the partial came from."""
        try:
            meta = json.loads(self.meta.read_text(encoding="utf-8"))
            value, url = meta.get("validator"), meta.get("url")
        except (OSError, ValueError, AttributeError):
            return None
        # From another server (a mirror, the facilitator's machine) the same name means the
        # same bytes; its validator would not match, and the final hash check guards anyway.
        return value if isinstance(value, str) and url == self.url else None

    def _attempt(self) -> bool:
        """Complete the partial; True when it holds exactly the blob."""
        import httpx

        offset = self._offset()
        digest = hashlib.sha256()
        if offset:
            with open(self.partial, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
        if offset == self.size:
            return digest.hexdigest() == self.sha256
        # Ranges count the file's own bytes: no compression in between.
        headers = {"Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
            validator = self._validator()
            if validator:
                headers["If-Range"] = validator
        try:
            with self.tree.client.stream("GET", self.url, headers=headers) as response:
                offset = self._start(response, offset)
                if offset == 0:
                    digest = hashlib.sha256()
                self._write(response, offset, digest)
        except httpx.HTTPError as exc:
            raise TransportError(f"{self.url}: {exc} (the download resumes next time)") from None
        return self.partial.stat().st_size == self.size and digest.hexdigest() == self.sha256

    def _start(self, response: Any, offset: int) -> int:
        """Check the answer against what was asked; return where its bytes begin."""
        status = response.status_code
        if status == 206 and offset:
            match = _CONTENT_RANGE.match(response.headers.get("content-range", ""))
            if match is None or int(match.group(1)) != offset:
                self.discard()
                raise TransportError(f"{self.url}: the server sent the wrong part of the file "
                                     f"({response.headers.get('content-range')!r} for byte "
                                     f"{offset}); the download starts over next time")
            if match.group(3) != "*" and int(match.group(3)) != self.size:
                self.discard()
                raise InputError(Problem(self.url, None, f"blob {self.sha256[:12]} is "
                                         f"{match.group(3)} bytes, the manifest says {self.size}",
                                         "the package was altered"))
            return offset
        if status == 200:  # a full answer: the server ignores Range, or the file changed
            validator = response.headers.get("etag", "")
            if not validator or validator.startswith("W/"):
                validator = response.headers.get("last-modified", "")
            # A new file, not a truncated one: a finished partial may share its bytes (a hard
            # link) with a blob already staged or stored.
            self.partial.unlink(missing_ok=True)
            with open(self.partial, "wb"):
                pass
            self.meta.write_text(json.dumps({"url": self.url, "validator": validator}),
                                 encoding="utf-8")
            return 0
        if status == 416:
            self.discard()
            raise TransportError(f"{self.url}: the server has less of this file than was "
                                 "already received; the download starts over next time")
        raise TransportError(f"{self.url}: the server answered {status}")

    def _write(self, response: Any, offset: int, digest: Any) -> None:
        written = offset
        task = self.tree.task
        with open(self.partial, "ab") as out:
            # Whatever arrives is written at once (no re-chunking), so a cut loses nothing; under
            # a cap, small pieces keep the rate smooth and the progress moving (a cut loses at
            # most one piece, fetched again on resume).
            small = self.tree._chunk_size() if self.tree.bucket is not None else None
            for chunk in response.iter_bytes(small):
                written += len(chunk)
                self.transferred += len(chunk)
                if written > self.size:
                    out.close()
                    self.discard()
                    raise InputError(Problem(self.url, None, f"blob {self.sha256[:12]} is "
                                             "larger than the manifest says",
                                             "the package was altered"))
                digest.update(chunk)
                out.write(chunk)
                self.tree._received(len(chunk))
                if task is not None:
                    if task.cancelled:
                        out.flush()
                        task.check()
                    task.advance(written)
        framed = ("content-length" in response.headers
                  or "chunked" in response.headers.get("transfer-encoding", ""))
        if written < self.size and framed:  # a whole answer, and still short: not a cut
            self.discard()
            raise InputError(Problem(self.url, None, f"blob {self.sha256[:12]} is {written} "
                                     f"bytes, the manifest says {self.size}",
                                     "the package was altered"))
        if written < self.size:
            raise TransportError(f"{self.url}: the connection ended after {written} of "
                                 f"{self.size} bytes (the download resumes next time)")


class TreePackage:
    """One course version of a published tree, read as a package source."""

    def __init__(self, tree: Tree, entry: dict[str, Any]) -> None:
        self.tree = tree
        self.entry = entry
        self.label = tree.location
        self.manifest_label = tree._name(str(entry.get("manifest")))

    def manifest(self) -> tuple[bytes, bytes]:
        from stepcampus.coursepack.manifest import MAX_MANIFEST_BYTES

        manifest, signature = str(self.entry["manifest"]), str(self.entry["signature"])
        for rel in (manifest, signature):
            if ".." in rel.split("/") or rel.startswith("/"):
                raise InputError(Problem(self.tree._name("catalog.json"), None,
                                         f"unsafe path {rel!r} in the catalog"))
        return self.tree.get(manifest, MAX_MANIFEST_BYTES), self.tree.get(signature, 1024)

    def fetch_blob(self, sha256: str, size: int, dest: Path) -> int:
        return self.tree.fetch_blob(sha256, size, dest)

    def close(self) -> None:
        self.tree.close()
