"""Serve a published tree (catalog, manifests, blobs) read-only, for resumable downloads.

Learners on poor links resume with byte ranges and revalidate the catalog with ETags, so the
app answers `Range`, `If-Range` and `If-None-Match` itself. Blobs are named by their SHA-256,
which is their strong ETag and makes them immutable; other files are hashed once per change.
Files stream from disk in chunks; nothing is read whole. The content is public.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import threading
from collections.abc import Callable, Iterator
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

CHUNK_BYTES = 64 * 1024
_BLOB = re.compile(r"^blobs/sha256/([0-9a-f]{2})/([0-9a-f]{64})$")
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_IMMUTABLE = "public, max-age=31536000, immutable"
_REVALIDATE = "no-cache"  # catalog and manifests may be republished: always ask, 304 is cheap
_TYPES = {".json": "application/json", ".sig": "text/plain; charset=utf-8"}


class ContentFiles:
    """The tree's files: safe lookups and cached strong ETags."""

    def __init__(self, folder: Path) -> None:
        self.root = Path(folder).resolve()
        self._etags: dict[Path, tuple[int, int, str]] = {}
        self._lock = threading.Lock()

    def find(self, rel: str) -> Path | None:
        """The regular file `rel` names inside the tree, or None (missing, hidden or outside).

        Raises ValueError for a path that tries to climb out or hide a separator.
        """
        parts = rel.split("/")
        for part in parts:
            if part in ("", ".", "..") or "\\" in part or "\x00" in part:
                raise ValueError(f"unsafe path {rel!r}")
        if any(part.startswith(".") for part in parts):
            return None  # temporary files of a publish in progress, and other hidden files
        candidate = self.root.joinpath(*parts)
        try:
            resolved = candidate.resolve(strict=True)
        except (FileNotFoundError, NotADirectoryError, RuntimeError):
            return None
        except OSError:
            return None
        if not resolved.is_relative_to(self.root):
            return None  # a symbolic link that leads out of the tree
        if not stat.S_ISREG(resolved.stat().st_mode):
            return None
        return resolved

    def etag(self, rel: str, path: Path, info: os.stat_result) -> str:
        match = _BLOB.match(rel)
        if match and match.group(2).startswith(match.group(1)):
            return f'"{match.group(2)}"'
        key = (info.st_mtime_ns, info.st_size)
        with self._lock:
            cached = self._etags.get(path)
        if cached is not None and cached[:2] == key:
            return cached[2]
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        etag = f'"{digest.hexdigest()}"'
        with self._lock:
            self._etags[path] = (*key, etag)
        return etag


def parse_range(header: str, size: int) -> tuple[int, int] | str | None:
    """(first, last) byte for a single satisfiable range; None to ignore the header (not a
    single byte range, so the whole file is sent); "unsatisfiable" for a 416."""
    match = _RANGE.match(header.strip())
    if match is None:
        return None
    first, last = match.group(1), match.group(2)
    if first:
        start = int(first)
        if last and int(last) < start:
            return None  # malformed: ignored, as the standard asks
        if start >= size:
            return "unsatisfiable"
        return start, min(int(last), size - 1) if last else size - 1
    if not last:
        return None
    suffix = int(last)
    if suffix == 0 or size == 0:
        return "unsatisfiable"
    return max(size - suffix, 0), size - 1


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match: weak comparison over a list, or '*'."""
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


def _not_modified_since(header: str, mtime: float) -> bool:
    try:
        since = parsedate_to_datetime(header).timestamp()
    except (TypeError, ValueError, IndexError):
        return False
    return int(mtime) <= since


def stream_file(path: Path, start: int, length: int) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(CHUNK_BYTES, length))
            if not chunk:
                return  # the file shrank under us: the client sees a short body and retries
            length -= len(chunk)
            yield chunk


def file_response(request: Request, *, size: int, etag: str, modified: str, cache: str,
                  media_type: str, body: Callable[[int, int], Iterator[bytes]],
                  mtime: float | None = None) -> Response:
    """The answer for one file: 304 on If-None-Match (or, without it, If-Modified-Since when
    `mtime` is known), 206 for a single range (If-Range: a strong ETag or the exact date), 416
    past the end, else 200; HEAD without the body. `body(start, length)` streams the bytes."""
    headers = {"ETag": etag, "Last-Modified": modified, "Accept-Ranges": "bytes",
               "Cache-Control": cache}
    if_none_match = request.headers.get("if-none-match")
    since = request.headers.get("if-modified-since")
    # If-None-Match wins; the date is only a fallback for clients without the ETag.
    if (_etag_matches(if_none_match, etag) if if_none_match is not None
            else since is not None and mtime is not None and _not_modified_since(since, mtime)):
        return Response(status_code=304, headers=headers)
    start, end, status = 0, size - 1, 200
    wanted = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if wanted is not None and (if_range is None or if_range.strip() in (etag, modified)):
        chosen = parse_range(wanted, size)
        if chosen == "unsatisfiable":
            return Response(status_code=416, headers={**headers,
                                                      "Content-Range": f"bytes */{size}"})
        if isinstance(chosen, tuple):
            start, end = chosen
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    length = end - start + 1 if size else 0
    headers["Content-Length"] = str(length)
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers, media_type=media_type)
    return StreamingResponse(body(start, length), status_code=status, headers=headers,
                             media_type=media_type)


def content_app(folder: Path) -> Starlette:
    """A read-only ASGI app serving the published tree in `folder` (GET and HEAD)."""
    files = ContentFiles(folder)

    # A plain function: Starlette runs it on a worker thread, so disk work never stalls others.
    def serve(request: Request) -> Response:
        rel = request.path_params["path"]
        if not rel:
            return PlainTextResponse("not found\n", status_code=404)
        try:
            path = files.find(rel)
        except ValueError as exc:
            return PlainTextResponse(f"{exc}\n", status_code=400)
        if path is None:
            return PlainTextResponse("not found\n", status_code=404)
        info = path.stat()
        size = info.st_size
        etag = files.etag(rel, path, info)
        modified = formatdate(info.st_mtime, usegmt=True)
        return file_response(request, size=size, etag=etag, modified=modified,
                             cache=_IMMUTABLE if _BLOB.match(rel) else _REVALIDATE,
                             media_type=_TYPES.get(path.suffix, "application/octet-stream"),
                             body=lambda start, length: stream_file(path, start, length),
                             mtime=info.st_mtime)

    return Starlette(routes=[Route("/{path:path}", serve, methods=["GET", "HEAD"])])
