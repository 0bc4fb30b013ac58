"""A real static web server on loopback, serving a folder and counting what it sends.

It answers single byte ranges (with If-Range against its ETag or Last-Modified), can be told
to ignore ranges like the simplest servers do, and can drop a connection after a number of
body bytes, to stand in for a learner's flaky link.
"""

from __future__ import annotations

import email.utils
import functools
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@dataclass(frozen=True)
class Seen:
    """One request as the server received it."""

    path: str
    range: str | None
    if_range: str | None
    status: int = 0


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up mid-body (a cancel, a cut) is part of the tests, not news.
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class StaticServer:
    def __init__(self, folder: Path) -> None:
        self.requests: list[str] = []
        self.seen: list[Seen] = []
        self.bytes_sent = 0
        self.sent: dict[str, int] = {}  # body bytes by path
        self.honour_ranges = True
        self.range_skew = 0  # > 0: send the wrong part of the file for a range, as a bad proxy
        self._cuts: list[tuple[str, int]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append(self.path)
                server._serve(self)

            def do_HEAD(self) -> None:
                server._serve(self, body=False)

        self.folder = Path(folder)
        self.httpd = _QuietServer(("127.0.0.1", 0),
                                  functools.partial(Handler, directory=str(folder)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def reset(self) -> None:
        self.requests.clear()
        self.seen.clear()
        self.sent.clear()
        self.bytes_sent = 0

    def cut_next(self, path_part: str, after: int) -> None:
        """Drop the connection of the next response whose path holds `path_part` after
        `after` body bytes (its Content-Length still promises them all)."""
        with self._lock:
            self._cuts.append((path_part, after))

    def _take_cut(self, path: str) -> int | None:
        with self._lock:
            for index, (part, after) in enumerate(self._cuts):
                if part in path:
                    del self._cuts[index]
                    return after
        return None

    def _serve(self, handler: SimpleHTTPRequestHandler, body: bool = True) -> None:
        path = Path(handler.translate_path(handler.path))
        wanted = handler.headers.get("Range")
        if_range = handler.headers.get("If-Range")

        def note(status: int) -> None:
            if body:
                self.seen.append(Seen(handler.path.split("?")[0], wanted, if_range, status))

        if not path.is_file():
            note(404)
            handler.send_error(HTTPStatus.NOT_FOUND)
            return
        stat = path.stat()
        size = stat.st_size
        etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
        modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
        start, end = 0, size - 1
        status = 200
        match = _RANGE.match(wanted or "")
        use_range = (self.honour_ranges and match is not None
                     and (if_range is None or if_range in (etag, modified)))
        if use_range and match is not None:
            first, last = match.group(1), match.group(2)
            if first:
                start = int(first)
                end = min(int(last), size - 1) if last else size - 1
            elif last:
                start = max(size - int(last), 0)
            if (not first and not last) or start >= size or start > end:
                note(416)
                handler.send_response(416)
                handler.send_header("Content-Range", f"bytes */{size}")
                handler.send_header("Content-Length", "0")
                handler.end_headers()
                return
            status = 206
            start = min(start + self.range_skew, end)
        note(status)
        handler.send_response(status)
        handler.send_header("Content-Type", "application/octet-stream")
        handler.send_header("Content-Length", str(end - start + 1))
        handler.send_header("ETag", etag)
        handler.send_header("Last-Modified", modified)
        if self.honour_ranges:
            handler.send_header("Accept-Ranges", "bytes")
        if status == 206:
            handler.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        handler.end_headers()
        if not body:
            return
        cut = self._take_cut(handler.path)
        remaining = end - start + 1 if cut is None else min(cut, end - start + 1)
        with open(path, "rb") as source:
            source.seek(start)
            while remaining > 0:
                chunk = source.read(min(remaining, 64 * 1024))
                if not chunk:
                    break
                handler.wfile.write(chunk)
                with self._lock:
                    self.bytes_sent += len(chunk)
                    self.sent[handler.path] = self.sent.get(handler.path, 0) + len(chunk)
                remaining -= len(chunk)
        if cut is not None:
            handler.close_connection = True
            handler.wfile.flush()
            handler.connection.shutdown(2)  # socket.SHUT_RDWR: the client sees a broken body


def touch_later(path: Path) -> None:
    """Give a file a new modification time, so its ETag and Last-Modified change."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


@contextmanager
def serve(folder: Path) -> Iterator[StaticServer]:
    server = StaticServer(folder)
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


@contextmanager
def serve_asgi(app: object, timeout: float = 20.0) -> Iterator[str]:
    """Run an ASGI app under a real uvicorn on a free loopback port; yield its base URL."""
    import socket
    import time

    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()
