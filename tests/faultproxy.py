"""A TCP proxy on 127.0.0.1 for fault tests: cut connections after N bytes, throttle, count.

Each new connection takes the next planned cut ("up" counts bytes client->server, "down"
server->client); when the count is reached the connection is reset, both sides, mid-stream.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Literal

Direction = Literal["up", "down"]
_CHUNK = 4096


@dataclass(frozen=True)
class Cut:
    direction: Direction
    after: int  # bytes passed in that direction before the reset


class FaultProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1",
                 bytes_per_s: float | None = None) -> None:
        self.target = (target_host, target_port)
        self.bytes_per_s = bytes_per_s
        self.bytes_up = 0
        self.bytes_down = 0
        self.connections = 0
        self.cuts_done = 0
        self._plan: deque[Cut] = deque()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._closed = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def plan(self, *cuts: Cut) -> None:
        """Cuts for the next connections, one each, in order."""
        with self._lock:
            self._plan.extend(cuts)

    @property
    def planned(self) -> int:
        with self._lock:
            return len(self._plan)

    def reset_counts(self) -> None:
        with self._lock:
            self.bytes_up = self.bytes_down = self.connections = 0

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._listener.close()
        with self._lock:
            for sock in list(self._sockets):
                _reset(sock)
        self._thread.join(timeout=5)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                _reset(client)  # the server is down: the client sees a refused connection
                continue
            server.settimeout(None)
            with self._lock:
                self.connections += 1
                cut = self._plan.popleft() if self._plan else None
                self._sockets.update((client, server))
            link = _Link(self, client, server, cut)
            for direction in ("up", "down"):
                threading.Thread(target=link.pump, args=(direction,), daemon=True).start()

    def _count(self, direction: Direction, n: int) -> None:
        with self._lock:
            if direction == "up":
                self.bytes_up += n
            else:
                self.bytes_down += n

    def _forget(self, *socks: socket.socket) -> None:
        with self._lock:
            self._sockets.difference_update(socks)


class _Link:
    def __init__(self, proxy: FaultProxy, client: socket.socket, server: socket.socket,
                 cut: Cut | None) -> None:
        self.proxy, self.client, self.server, self.cut = proxy, client, server, cut
        self.passed = {"up": 0, "down": 0}
        self.dead = False
        self._open = {"up", "down"}

    def pump(self, direction: Direction) -> None:
        source, sink = ((self.client, self.server) if direction == "up"
                        else (self.server, self.client))
        try:
            while True:
                data = source.recv(_CHUNK)
                if not data:
                    sink.shutdown(socket.SHUT_WR)
                    self._ended(direction)
                    return
                if self.cut is not None and self.cut.direction == direction:
                    room = self.cut.after - self.passed[direction]
                    if len(data) >= room:
                        if room > 0:
                            sink.sendall(data[:room])
                            self._pass(direction, room)
                        self._kill(cut=True)
                        return
                self._throttle(len(data))
                sink.sendall(data)
                self._pass(direction, len(data))
        except OSError:
            self._kill(cut=False)

    def _ended(self, direction: Direction) -> None:
        with self.proxy._lock:
            self._open.discard(direction)
            finished = not self._open
        if finished:
            for sock in (self.client, self.server):
                with contextlib.suppress(OSError):
                    sock.close()
            self.proxy._forget(self.client, self.server)

    def _pass(self, direction: Direction, n: int) -> None:
        self.passed[direction] += n
        self.proxy._count(direction, n)

    def _throttle(self, n: int) -> None:
        if self.proxy.bytes_per_s:
            time.sleep(n / self.proxy.bytes_per_s)

    def _kill(self, cut: bool) -> None:
        if self.dead:
            return
        self.dead = True
        if cut:
            with self.proxy._lock:
                self.proxy.cuts_done += 1
        _reset(self.client)
        _reset(self.server)
        self.proxy._forget(self.client, self.server)


def _reset(sock: socket.socket) -> None:
    """Close with RST, as a dropped link or crashed peer does, not a polite FIN.

    SHUT_RD first wakes the other pump thread blocked in recv on this socket, sending nothing.
    """
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RD)
    with contextlib.suppress(OSError):
        sock.close()
