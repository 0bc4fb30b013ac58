"""The hub's client of the campus server: link (a facilitator's hub token), about, statements
and state documents. Every failure is an UpstreamError whose kind tells the forwarder what to
do: wait and retry (offline, server), stop until relinked (unauthorised), or set the records
aside (refused, conflict)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

from stepcampus.errors import InputError, Problem, StepCampusError
from stepcampus.http_errors import server_said

XAPI_VERSION = "1.0.3"
HOME_PAGE_EXTENSION = "urn:stepcampus:home-page"
GZIP_EXTENSION = "urn:stepcampus:gzip-requests"

Kind = Literal["offline", "unauthorised", "refused", "conflict", "server"]


class UpstreamError(StepCampusError):
    def __init__(self, kind: Kind, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind: Kind = kind
        self.message = message
        self.status = status


@dataclass(frozen=True)
class HubLink:
    """What a hub keeps of its link: the campus, the hub token and whose it is."""

    base: str  # the campus server's address, without /xapi/
    token: str
    hub_id: str
    facilitator: str
    label: str


def campus_base(url: str) -> str:
    """The campus server's address from what a person typed (with or without /xapi/)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(Problem("--upstream", None, f"{url!r} is not an http(s) URL",
                                 "give the campus server's address, e.g. "
                                 "https://campus.example.org"))
    if parts.query or parts.fragment:
        raise InputError(Problem("--upstream", None, f"{url!r} has a query or fragment"))
    path = parts.path.rstrip("/")
    path = path.removesuffix("/xapi")
    return f"{parts.scheme}://{parts.netloc}{path}"


class Upstream:
    def __init__(self, base: str, token: str | None = None, timeout: float = 30.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base = base.rstrip("/")
        headers = {"X-Experience-API-Version": XAPI_VERSION}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(base_url=self.base, headers=headers, transport=transport,
                                  timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Upstream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, method: str, path: str, what: str, ok: tuple[int, ...] = (200,),
              **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise UpstreamError("offline", f"the campus at {self.base} cannot be reached to "
                                f"{what} ({type(exc).__name__})") from None
        status = response.status_code
        if status in ok:
            return response
        said = server_said(response)
        said = f": {said}" if said else ""
        if status == 401:
            raise UpstreamError("unauthorised", f"the campus at {self.base} refused the hub's "
                                f"sign-in{said} (link the hub again with --user)", status)
        if status in (400, 403, 404, 413, 422):
            raise UpstreamError("refused", f"the campus refused to {what} (HTTP {status}"
                                f"{said})", status)
        if status in (409, 412):
            raise UpstreamError("conflict", f"the campus holds other content (HTTP {status}"
                                f"{said})", status)
        raise UpstreamError("server", f"the campus failed to {what} (HTTP {status}{said})",
                            status)

    def _json(self, response: httpx.Response, what: str) -> Any:
        try:
            return response.json()
        except ValueError:
            raise UpstreamError("server", f"the campus at {self.base} sent a malformed answer "
                                f"when asked to {what}") from None

    # -- linking -------------------------------------------------------------------------------
    def create_hub(self, username: str, password: str | None, label: str) -> HubLink:
        """Ask for a hub token as the facilitator `username` (their password is not kept);
        with no password, as the bearer of the token this client was made with."""
        what = "make a hub token"
        auth = {"auth": (username, password)} if password is not None else {}
        response = self._send("POST", "/api/hubs", what, ok=(201,), json={"label": label},
                              **auth)
        data = self._json(response, what)
        if not (isinstance(data, dict) and isinstance(data.get("token"), str)
                and isinstance(data.get("id"), str)):
            raise UpstreamError("server", f"the campus at {self.base} sent a malformed answer "
                                f"when asked to {what}")
        return HubLink(self.base, data["token"], data["id"], str(data.get("facilitator")),
                       str(data.get("label") or label))

    def about(self) -> tuple[str | None, bool]:
        """The campus's home page for learners' accounts, and whether it takes gzip bodies."""
        data = self._json(self._send("GET", "/xapi/about", "describe itself"),
                          "describe itself")
        extensions = data.get("extensions") if isinstance(data, dict) else None
        extensions = extensions if isinstance(extensions, dict) else {}
        home = extensions.get(HOME_PAGE_EXTENSION)
        return (home if isinstance(home, str) and home else None,
                extensions.get(GZIP_EXTENSION) is True)

    # -- statements ----------------------------------------------------------------------------
    def post_statements(self, bodies: list[str], *, compress: bool) -> None:
        payload = ("[" + ",".join(bodies) + "]").encode()
        headers = {"Content-Type": "application/json"}
        if compress:
            payload = gzip.compress(payload, 6, mtime=0)
            headers["Content-Encoding"] = "gzip"
        what = f"store {len(bodies)} statements"
        ids = self._json(self._send("POST", "/xapi/statements", what, content=payload,
                                    headers=headers), what)
        if not isinstance(ids, list) or len(ids) != len(bodies):
            raise UpstreamError("server", f"the campus at {self.base} acknowledged other "
                                "statements than those sent")

    # -- state documents -----------------------------------------------------------------------
    def get_state(self, params: dict[str, str]) -> tuple[bytes, str, str] | None:
        """(body, content type, ETag) of a document, or None when there is none."""
        response = self._send("GET", "/xapi/activities/state", "read a state document",
                              ok=(200, 404), params=params)
        if response.status_code == 404:
            return None
        return (response.content, response.headers.get("content-type", ""),
                response.headers.get("etag", ""))

    def put_state(self, params: dict[str, str], body: bytes, content_type: str,
                  etag: str | None) -> None:
        """Replace the document only if it is still the one read (etag) or, None, absent."""
        headers = {"Content-Type": content_type,
                   **({"If-Match": etag} if etag else {"If-None-Match": "*"})}
        self._send("PUT", "/xapi/activities/state", "save a state document", ok=(204,),
                   params=params, content=body, headers=headers)


def agent_param(home_page: str, username: str) -> str:
    return json.dumps({"objectType": "Agent", "account": {"homePage": home_page,
                                                          "name": username}},
                      separators=(",", ":"))
