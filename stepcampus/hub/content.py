"""The packages installed in the hub's data folder, served at /content/ as the published tree
`stepcampus publish` writes: catalog.json, manifests/ID/VERSION.json and .sig, blobs/sha256/.

Nothing is copied: manifests and signatures are the installed rows' signed bytes (the installed
version and the one kept before it), blobs are the content store's files, and the catalog is
made by the publisher's own code. A learner's install verifies the same signatures and hashes
as from the campus. The tree is rebuilt when the installed packages change (an offer, or an
install by the desktop app in another process, seen within a second).

Files a package leaves on demand (a recording's heavier variants) that this computer does not
have are fetched from where the hub's copy came from when a learner first asks, checked against
the signed manifest, and kept: the room fetches them once. A request waits for the fetch up to
ON_DEMAND_WAIT seconds, then is answered 503 with Retry-After while the fetch goes on.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from stepcampus.coursepack.install import on_demand_blobs
from stepcampus.coursepack.manifest import verify

# The catalog exactly as `stepcampus publish` writes it: the same code makes it.
from stepcampus.coursepack.publish import CATALOG_FORMAT, _add_to_catalog, _catalog_bytes
from stepcampus.errors import StepCampusError
from stepcampus.server.content import file_response, stream_file
from stepcampus.store.models import InstalledCourse

if TYPE_CHECKING:
    from stepcampus.campus import Campus

CHUNK_BYTES = 64 * 1024
RECHECK_SECONDS = 1.0
ON_DEMAND_WAIT = 20.0  # below a learner's 30 s read timeout
_BLOB = re.compile(r"^blobs/sha256/([0-9a-f]{2})/([0-9a-f]{64})$")
_IMMUTABLE = "public, max-age=31536000, immutable"
_REVALIDATE = "no-cache"
_TYPES = {".json": "application/json", ".sig": "text/plain; charset=utf-8"}


@dataclass(frozen=True)
class Published:
    """One state of the tree: its small files (bytes, strong ETag) and the blobs it lists."""

    files: dict[str, tuple[bytes, str]]
    blobs: dict[str, int]  # sha256 -> size
    # Blobs left on demand by an installed version that has a source: sha -> (course, paths).
    on_demand: dict[str, tuple[str, list[str]]]
    modified: str  # Last-Modified of the small files
    problems: list[str] = field(default_factory=list)


def _etag(data: bytes) -> str:
    return f'"{hashlib.sha256(data).hexdigest()}"'


def build_tree(rows: list[InstalledCourse]) -> Published:
    catalog: dict[str, object] = {"format": CATALOG_FORMAT, "format_version": 1, "courses": []}
    files: dict[str, tuple[bytes, str]] = {}
    blobs: dict[str, int] = {}
    on_demand: dict[str, tuple[str, list[str]]] = {}
    problems: list[str] = []
    for row in rows:
        versions = [(row.version, row.manifest, row.signature, True)]
        if row.previous_version and row.previous_manifest and row.previous_signature:
            versions.append((row.previous_version, row.previous_manifest,
                             row.previous_signature, False))
        for version, text, signature, current in versions:
            raw = text.encode("utf-8")
            sig = signature.strip().encode("ascii") + b"\n"  # the .sig file build wrote
            rel = f"manifests/{row.course_id}/{version}.json"
            sig_rel = rel.removesuffix(".json") + ".sig"
            try:
                manifest = verify(raw, sig, None, rel, embedded_only=True)
            except StepCampusError as exc:  # a damaged row: not offered, said in the log
                problems.append(f"{row.course_id} {version} is not served: {exc}")
                continue
            files[rel] = (raw, _etag(raw))
            files[sig_rel] = (sig, _etag(sig))
            _add_to_catalog(catalog, manifest, rel, sig_rel)
            blobs.update(manifest.blobs())
            if current and row.source:
                for sha in on_demand_blobs(manifest):
                    paths = sorted(e.path for e in manifest.files if e.sha256 == sha)
                    on_demand[sha] = (row.course_id, paths)
    courses = catalog["courses"]
    assert isinstance(courses, list)
    courses.sort(key=lambda c: c["id"])
    data = _catalog_bytes(catalog)
    files["catalog.json"] = (data, _etag(data))
    return Published(files, blobs, on_demand, formatdate(time.time(), usegmt=True), problems)


class HubTree:
    """The current tree of a data folder, rebuilt when what is installed changes."""

    def __init__(self, campus: Campus, say: Callable[[str], None] = print) -> None:
        self.campus = campus
        self.say = say
        self._lock = threading.Lock()
        self._key: tuple[object, ...] | None = None
        self._checked = 0.0
        self._tree: Published | None = None

    def invalidate(self) -> None:
        with self._lock:
            self._checked = 0.0

    def current(self) -> Published:
        with self._lock:
            now = time.monotonic()
            if self._tree is not None and now - self._checked < RECHECK_SECONDS:
                return self._tree
            self._checked = now
            c = InstalledCourse
            with self.campus.sessions() as session:
                key = tuple(session.execute(
                    select(c.course_id, c.version, c.installed_at, c.previous_version, c.source)
                    .order_by(c.course_id)))
            if self._tree is None or key != self._key:
                with self.campus.sessions() as session:
                    rows = list(session.scalars(select(c).order_by(c.course_id)))
                self._tree = build_tree(rows)
                self._key = key
                for problem in self._tree.problems:
                    self.say(problem)
            return self._tree


@dataclass
class _Fetch:
    done: threading.Event = field(default_factory=threading.Event)
    error: str | None = None


class OnDemand:
    """Fetches of files left on demand, one at a time per blob however many learners ask."""

    def __init__(self, campus: Campus, tree: HubTree, wait: float = ON_DEMAND_WAIT,
                 say: Callable[[str], None] = print) -> None:
        self.campus = campus
        self.tree = tree
        self.wait = wait
        self.say = say
        self._lock = threading.Lock()
        self._fetches: dict[str, _Fetch] = {}

    def ensure(self, sha: str, size: int, course_id: str, paths: list[str]) -> str | None:
        """None once the blob is here; otherwise why not yet ("" while still fetching)."""
        if self.campus.content.has(sha, size):
            return None
        with self._lock:
            fetch = self._fetches.get(sha)
            if fetch is None:
                fetch = self._fetches[sha] = _Fetch()
                threading.Thread(target=self._run, args=(sha, fetch, course_id, paths),
                                 name=f"on-demand-{sha[:8]}", daemon=True).start()
        fetch.done.wait(self.wait)
        if self.campus.content.has(sha, size):
            return None
        return fetch.error if fetch.done.is_set() and fetch.error else ""

    def _run(self, sha: str, fetch: _Fetch, course_id: str, paths: list[str]) -> None:
        try:
            fetched = self.campus.fetch_on_demand(course_id, paths)
            self.say(f"fetched {', '.join(paths)} of {course_id} for the room "
                     f"({fetched} bytes)")
        except (StepCampusError, OSError) as exc:
            fetch.error = f"the hub could not fetch it from its source: {exc}"
            self.say(f"on-demand fetch of {', '.join(paths)} of {course_id} failed: {exc}")
        finally:
            with self._lock:
                self._fetches.pop(sha, None)
            fetch.done.set()
            self.tree.invalidate()


def hub_content_app(campus: Campus, tree: HubTree, on_demand: OnDemand) -> Starlette:
    """A read-only ASGI app serving the tree (GET and HEAD); the content is public."""

    def serve(request: Request) -> Response:  # a plain function: Starlette runs it on a thread
        rel = request.path_params["path"]
        parts = rel.split("/")
        if any(p in ("", ".", "..") or "\\" in p or "\x00" in p for p in parts):
            return PlainTextResponse(f"unsafe path {rel!r}\n" if rel else "not found\n",
                                     status_code=400 if rel else 404)
        published = tree.current()
        small = published.files.get(rel)
        if small is not None:
            data, etag = small
            return file_response(
                request, size=len(data), etag=etag, modified=published.modified,
                cache=_REVALIDATE,
                media_type=_TYPES.get(Path(rel).suffix, "application/octet-stream"),
                body=lambda start, length: iter([data[start:start + length]]))
        match = _BLOB.match(rel)
        if match is None or not match.group(2).startswith(match.group(1)) \
                or match.group(2) not in published.blobs:
            return PlainTextResponse("not found\n", status_code=404)
        sha = match.group(2)
        size = published.blobs[sha]
        if not campus.content.has(sha, size):
            wanted = published.on_demand.get(sha)
            if wanted is None or request.method == "HEAD":  # a look never starts a fetch
                return PlainTextResponse("not on the hub: it was installed without this file "
                                         "(left on demand)\n", status_code=404)
            why = on_demand.ensure(sha, size, *wanted)
            if why:
                return PlainTextResponse(f"{why}\n", status_code=502)
            if why == "":
                return PlainTextResponse(
                    "the hub is fetching this file from its source; try again shortly\n",
                    status_code=503, headers={"Retry-After": "10"})
        path = campus.content.path(sha)
        try:
            info = path.stat()
        except FileNotFoundError:  # removed by an install since the check
            return PlainTextResponse("not found\n", status_code=404)
        return file_response(request, size=info.st_size, etag=f'"{sha}"',
                             modified=formatdate(info.st_mtime, usegmt=True), cache=_IMMUTABLE,
                             media_type="application/octet-stream",
                             body=lambda start, length: stream_file(path, start, length))

    return Starlette(routes=[Route("/{path:path}", serve, methods=["GET", "HEAD"])])
