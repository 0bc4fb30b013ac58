"""A real static web server on loopback, serving a folder and counting what it sends."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class StaticServer:
    def __init__(self, folder: Path) -> None:
        self.requests: list[str] = []
        self.bytes_sent = 0
        server = self

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append(self.path)
                super().do_GET()

            def copyfile(self, source, outputfile) -> None:
                data = source.read()
                server.bytes_sent += len(data)
                outputfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0),
                                         functools.partial(Handler, directory=str(folder)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def reset(self) -> None:
        self.requests.clear()
        self.bytes_sent = 0


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
