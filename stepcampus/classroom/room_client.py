"""The two ends of a quiz with the room, as clients of a hub's /room/ routes (hub/room.py): a
learner's device (find the hub, sign in, join, follow, answer) and the facilitator's desktop
(start, release, reveal, count hands, finish). No Qt: the app runs them off its UI thread,
`stepcampus room join` in a terminal.

A long poll (`view(after=VERSION)`) returns as soon as the room changed, or after `wait`
seconds with the same version; the caller asks again with the version it got.
"""

from __future__ import annotations

import json
from typing import Any, Literal, Self
from urllib.parse import urlsplit

import httpx

from stepcampus.errors import StepCampusError
from stepcampus.http_errors import server_said

DEFAULT_PORT = 8471
POLL_SECONDS = 25.0
TIMEOUT = 10.0  # for everything but the long poll, which gets its wait on top
Kind = Literal["offline", "unauthorised", "refused", "server"]


class RoomClientError(StepCampusError):
    """What went wrong, in words; `status` is the hub's HTTP status, None when unreachable."""

    def __init__(self, message: str, kind: Kind = "refused", status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.kind: Kind = kind
        self.status = status


def hub_address(text: str) -> str:
    """The hub's base URL from what a person typed: an address, address:port or a URL (of the
    hub, its /content/ or /xapi/); the port is 8471 unless given."""
    typed = text.strip()
    if not typed:
        raise RoomClientError("type the hub's address, for example 192.168.1.20 or "
                              "http://192.168.1.20:8471")
    parts = urlsplit(typed if "://" in typed else f"http://{typed}")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("http", "https") or not parts.hostname or port == -1 \
            or any(c.isspace() for c in typed):
        raise RoomClientError(f"{typed!r} is not a hub's address (for example 192.168.1.20 or "
                              "http://192.168.1.20:8471)")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    path = parts.path.rstrip("/")
    for suffix in ("/content", "/xapi", "/room"):
        path = path.removesuffix(suffix)
    return f"{parts.scheme}://{host}:{port or DEFAULT_PORT}{path}"


class RoomClient:
    """One signed-in account on one hub (a bearer token; the password is not kept)."""

    def __init__(self, base: str, token: str, *, timeout: float = TIMEOUT,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base = hub_address(base)
        self.timeout = timeout
        self.account: dict[str, Any] = {}
        self._http = httpx.Client(base_url=self.base, timeout=timeout, transport=transport,
                                  headers={"Authorization": f"Bearer {token}"})

    @classmethod
    def sign_in(cls, base: str, username: str, password: str, **options: Any) -> Self:
        """Exchange the password for a token of this hub (POST /api/token)."""
        address = hub_address(base)
        try:
            with httpx.Client(base_url=address, timeout=options.get("timeout", TIMEOUT),
                              transport=options.get("transport")) as http:
                response = http.post("/api/token", auth=(username, password))
        except httpx.TransportError as exc:
            kind = type(exc).__name__
            raise RoomClientError(f"the hub at {address} does not answer ({kind}): is it "
                                  "running, and on this network?", "offline") from None
        said = server_said(response, or_status=True)
        if response.status_code in (401, 429):
            raise RoomClientError(said, "unauthorised", response.status_code)
        if response.status_code != 200:
            raise RoomClientError(f"the hub at {address} refused to sign in: {said}", "server",
                                  response.status_code)
        data = response.json()
        client = cls(address, str(data["token"]), **options)
        client.account = {key: data.get(key) for key in ("username", "name", "role")}
        return client

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, method: str, path: str, *, ok: tuple[int, ...] = (200,),
              timeout: float | None = None, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, timeout=timeout or self.timeout,
                                          **kwargs)
        except httpx.TransportError as exc:
            raise RoomClientError(f"the hub at {self.base} does not answer "
                                  f"({exc.__class__.__name__})", "offline") from None
        if response.status_code not in ok:
            kind: Kind = "unauthorised" if response.status_code == 401 else (
                "server" if response.status_code >= 500 else "refused")
            raise RoomClientError(server_said(response, or_status=True), kind, response.status_code)
        try:
            return response.json()
        except ValueError:
            raise RoomClientError(f"the hub at {self.base} sent an answer that is not JSON",
                                  "server", response.status_code) from None

    def view(self, after: int | None = None, wait: float = POLL_SECONDS) -> dict[str, Any]:
        """The room quiz now; with `after`, once it is newer than that version (or `wait`
        seconds later, unchanged)."""
        params: dict[str, Any] = {}
        if after is not None:
            params = {"after": after, "wait": f"{wait:g}"}
        return dict(self._send("GET", "/room/quiz", params=params,
                               timeout=self.timeout + (wait if after is not None else 0)))


class LearnerClient(RoomClient):
    def join(self) -> dict[str, Any]:
        return dict(self._send("POST", "/room/join"))

    def answer(self, number: int, response: Any) -> dict[str, Any]:
        """Send an answer to the open question (a later one replaces it); RoomClientError with
        the hub's reason when refused (a malformed answer: 400, the question closed: 409)."""
        return dict(self._send("POST", "/room/answer",
                               json={"number": number, "answer": response}))


class FacilitatorClient(RoomClient):
    def quizzes(self, language: str | None = None) -> list[dict[str, Any]]:
        params = {"language": language} if language else {}
        return list(self._send("GET", "/room/quizzes", params=params))

    def start(self, course: str, module: str, *, language: str | None = None,
              class_id: str | None = None, class_name: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"course": course, "module": module}
        if language:
            body["language"] = language
        if class_id:
            body["class"] = {"id": class_id, "name": class_name}
        return dict(self._send("POST", "/room/quiz", json=body, ok=(201,)))

    def release(self, number: int | None = None) -> dict[str, Any]:
        return dict(self._send("POST", "/room/quiz/release",
                               json={} if number is None else {"number": number}))

    def reveal(self) -> dict[str, Any]:
        return dict(self._send("POST", "/room/quiz/reveal"))

    def hands(self, counts: list[int], number: int | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"counts": counts}
        if number is not None:
            body["number"] = number
        return dict(self._send("POST", "/room/quiz/hands", json=body))

    def finish(self) -> dict[str, Any]:
        return dict(self._send("POST", "/room/quiz/finish"))


def typed_response(question: dict[str, Any], text: str) -> Any:
    """What a person typed at a terminal (choices numbered from 1: "2", "1,3"; true or false;
    a word or a number) as the answer the hub takes; RoomClientError saying what to type."""
    kind, choices = question.get("kind"), list(question.get("choices") or [])
    typed = text.strip()
    if kind in ("multichoice", "truefalse"):
        if kind == "truefalse" and typed.casefold() in ("true", "t", "false", "f"):
            return 0 if typed.casefold().startswith("t") else 1
        if not typed.isdigit() or not 1 <= int(typed) <= len(choices):
            raise RoomClientError(f"type the number of one answer, 1 to {len(choices)}")
        return int(typed) - 1
    if kind == "multiple_answers":
        picked = [p.strip() for p in typed.replace(";", ",").split(",") if p.strip()]
        if not picked or not all(p.isdigit() and 1 <= int(p) <= len(choices) for p in picked) \
                or len(set(picked)) != len(picked):
            raise RoomClientError(f"type the numbers of your answers, 1 to {len(choices)}, "
                                  "separated by commas (for example 1,3)")
        return sorted(int(p) - 1 for p in picked)
    if not typed:
        raise RoomClientError("type your answer")
    return typed


def shown_response(question: dict[str, Any], response: Any) -> str:
    """An answer as a person reads it back: the choices' words, or what was typed."""
    choices = list(question.get("choices") or [])
    if isinstance(response, list):
        return "; ".join(choices[i] for i in response if 0 <= i < len(choices))
    if isinstance(response, int) and not isinstance(response, bool) \
            and 0 <= response < len(choices):
        return str(choices[response])
    return response if isinstance(response, str) else json.dumps(response)


class Follower:
    """Follows a room on a thread of its own: `on_view(view)` at every change, `on_trouble(
    message)` while the hub does not answer (it keeps trying), until `stop()`.

    It signs in with its own client (a copy of the token), so a long poll in flight never
    holds up the facilitator's or the learner's own requests; `stop` returns at once and the
    thread ends after the poll it is in (at most `wait` seconds), closing its client.
    """

    def __init__(self, client: RoomClient, on_view: Any, on_trouble: Any = None, *,
                 wait: float = 10.0, retry: float = 2.0) -> None:
        import threading

        token = client._http.headers["Authorization"].removeprefix("Bearer ")
        self._client = RoomClient(client.base, token, timeout=client.timeout)
        self._on_view = on_view
        self._on_trouble = on_trouble
        self._wait = wait
        self._retry = retry
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="room-follow", daemon=True)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()

    def _run(self) -> None:
        version: int | None = None
        try:
            while not self._stopped.is_set():
                try:
                    view = self._client.view(after=version, wait=self._wait)
                except RoomClientError as exc:
                    if self._stopped.is_set():
                        return
                    if self._on_trouble is not None:
                        self._on_trouble(exc.message)
                    if exc.kind == "unauthorised":
                        return  # a revoked token does not come back by asking again
                    self._stopped.wait(self._retry)
                    version = None  # after a gap, the whole view again
                    continue
                if self._stopped.is_set():
                    return
                if view.get("version") != version:
                    version = view.get("version")
                    self._on_view(view)
        finally:
            self._client.close()
