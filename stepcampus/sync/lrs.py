"""A small xAPI 1.0.3 client: about, statements (post, look up, page through) and state, and
the campus server's account API beside the LRS (sign-in tokens, learners' questions).

Every failure becomes a SyncError with a kind and a sentence naming the endpoint; transient
ones (no connection, timeouts, 429, 5xx) are retried with back-off first.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import httpx

from stepcampus.sync.errors import Conflict, PreconditionFailed, SyncError
from stepcampus.sync.retry import RetryPolicy, parse_retry_after
from stepcampus.tasks import Task

XAPI_VERSION = "1.0.3"
HOME_PAGE_EXTENSION = "urn:stepcampus:home-page"
GZIP_EXTENSION = "urn:stepcampus:gzip-requests"
GZIP_LEVEL = 6  # level 9 saves under 1 % on statement batches and costs twice the time
_RETRY_STATUSES = {429, 500, 502, 503, 504}
_JSON = "application/json"


@dataclass(frozen=True)
class About:
    versions: list[str]
    home_page: str | None
    gzip_requests: bool


@dataclass(frozen=True)
class Page:
    statements: list[dict[str, Any]]
    consistent_through: str | None


# A link's secret is a password, or (for a campus server) this prefix and a bearer token.
TOKEN_PREFIX = "token:"


class LrsClient:
    def __init__(self, endpoint: str, username: str, secret: str, *,
                 retry: RetryPolicy | None = None, transport: httpx.BaseTransport | None = None,
                 timeout: float = 30.0, task: Task | None = None) -> None:
        self.endpoint = endpoint if endpoint.endswith("/") else endpoint + "/"
        self.username = username
        self.retry = retry or RetryPolicy()
        self.task = task
        headers = {"X-Experience-API-Version": XAPI_VERSION}
        self.uses_token = secret.startswith(TOKEN_PREFIX)
        if self.uses_token:
            headers["Authorization"] = "Bearer " + secret.removeprefix(TOKEN_PREFIX)
        self._http = httpx.Client(
            auth=None if self.uses_token else (username, secret), transport=transport,
            headers=headers, timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> LrsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests ------------------------------------------------------------------------------
    def _request(self, method: str, path: str, what: str, *, passthrough: frozenset[int] = (
            frozenset()), **kwargs: Any) -> httpx.Response:
        url = urljoin(self.endpoint, path)
        retries = 0
        while True:
            if self.task is not None:
                self.task.check()
            retry_after: float | None = None
            try:
                response = self._http.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                failure: SyncError = SyncError("offline", self._offline(exc, what))
            else:
                status = response.status_code
                if status < 300 or status in passthrough:
                    return response
                failure = self._failure(response, what)
                if status not in _RETRY_STATUSES:
                    raise failure
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                if retry_after is not None and retry_after > self.retry.longest_wait:
                    raise SyncError("server", f"the server at {self.endpoint} is busy and asks "
                                    f"to wait {retry_after:.0f} s; try again later")
            if retries + 1 >= self.retry.attempts:
                raise failure
            self.retry.sleep(self.retry.delay(retries, retry_after))
            retries += 1

    def _offline(self, exc: httpx.TransportError, what: str) -> str:
        if isinstance(exc, httpx.TimeoutException):
            why = "no answer in time"
        elif isinstance(exc, httpx.ConnectError):
            why = "cannot connect"
        else:
            why = "the connection broke"
        return (f"the server at {self.endpoint} cannot be reached ({why} while trying to "
                f"{what}); progress stays queued until the next sync")

    def _failure(self, response: httpx.Response, what: str) -> SyncError:
        status = response.status_code
        said = _server_message(response)
        if status == 401 and self.uses_token:
            return SyncError("unauthorised", f"the server at {self.endpoint} no longer accepts "
                             f"this computer's sign-in for user {self.username} (type the "
                             "password again)")
        if status == 401:
            return SyncError("unauthorised", f"the server at {self.endpoint} refused user "
                             f"{self.username}'s password (check the user name and password)")
        if status == 403:
            return SyncError("unauthorised", f"the server at {self.endpoint} does not allow "
                             f"user {self.username} to {what}{said}")
        if status == 429 or status >= 500:
            return SyncError("server", f"the server at {self.endpoint} failed to {what} "
                             f"(HTTP {status}{said})")
        return SyncError("refused", f"the server at {self.endpoint} refused to {what} "
                         f"(HTTP {status}{said})")

    def _json(self, response: httpx.Response, what: str) -> Any:
        try:
            return response.json()
        except ValueError:
            raise self._malformed(what) from None

    def _malformed(self, what: str) -> SyncError:
        return SyncError("server", f"the server at {self.endpoint} sent a malformed answer when "
                         f"asked to {what}")

    # -- about ---------------------------------------------------------------------------------
    def about(self) -> About:
        response = self._request("GET", "about", "describe itself", passthrough=frozenset({404}))
        if response.status_code == 404:
            raise SyncError("server", f"there is no xAPI LRS at {self.endpoint} (its 'about' "
                            "answered 404; check the address)")
        data = self._json(response, "describe itself")
        versions = data.get("version") if isinstance(data, dict) else None
        if not isinstance(versions, list) or not any(
                isinstance(v, str) and v.startswith("1.0") for v in versions):
            raise SyncError("server", f"the LRS at {self.endpoint} does not speak xAPI 1.0 "
                            f"(it offers {versions!r})")
        extensions = data.get("extensions")
        extensions = extensions if isinstance(extensions, dict) else {}
        home = extensions.get(HOME_PAGE_EXTENSION)
        return About(versions, home if isinstance(home, str) and home else None,
                     extensions.get(GZIP_EXTENSION) is True)

    def issue_token(self) -> str:
        """A campus server's bearer token for this account, in exchange for the password.

        Only STEP Campus servers have the account API beside the LRS (`../api/token`).
        """
        what = "issue a sign-in token"
        data = self._json(self._request("POST", "../api/token", what), what)
        token = data.get("token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise self._malformed(what)
        return token

    # -- questions (campus servers only) -------------------------------------------------------
    def post_questions(self, questions: list[dict[str, Any]], *,
                       compress: bool) -> list[str] | None:
        """Send a batch of a learner's questions (`../api/questions`); the ids the server
        accepted, or None when it has no questions API (another LRS, an older campus server)."""
        what = f"store {len(questions)} questions"
        headers = {"Content-Type": _JSON}
        payload = _compact({"questions": questions}).encode()
        if compress:
            payload = gzip.compress(payload, GZIP_LEVEL, mtime=0)
            headers["Content-Encoding"] = "gzip"
        response = self._request("POST", "../api/questions", what, content=payload,
                                 headers=headers, passthrough=frozenset({404}))
        if response.status_code == 404:
            return None
        data = self._json(response, what)
        accepted = data.get("accepted") if isinstance(data, dict) else None
        if not isinstance(accepted, list) or not all(isinstance(i, str) for i in accepted):
            raise self._malformed(what)
        return accepted

    def questions(self) -> list[dict[str, Any]] | None:
        """The account's questions with their answers, or None without a questions API."""
        what = f"list user {self.username}'s questions"
        response = self._request("GET", "../api/questions", what, passthrough=frozenset({404}))
        if response.status_code == 404:
            return None
        data = self._json(response, what)
        listed = data.get("questions") if isinstance(data, dict) else None
        if not isinstance(listed, list) or not all(isinstance(q, dict) for q in listed):
            raise self._malformed(what)
        return listed

    # -- statements ----------------------------------------------------------------------------
    def post_statements(self, payload: bytes, count: int, *, compress: bool) -> None:
        """POST a JSON array of count statements; Conflict on 409."""
        headers = {"Content-Type": _JSON}
        if compress:
            payload = gzip.compress(payload, GZIP_LEVEL, mtime=0)
            headers["Content-Encoding"] = "gzip"
        what = f"store {count} statements"
        response = self._request("POST", "statements", what, content=payload, headers=headers,
                                 passthrough=frozenset({409}))
        if response.status_code == 409:
            raise Conflict(f"the server at {self.endpoint} holds some of these statements "
                           f"already{_server_message(response)}")
        ids = self._json(response, what)
        if not isinstance(ids, list) or len(ids) != count:
            raise self._malformed(what)

    def statement_exists(self, statement_id: str) -> bool:
        """Whether the LRS holds this statement id, voided or not."""
        for key in ("statementId", "voidedStatementId"):
            response = self._request("GET", "statements", f"look up statement {statement_id}",
                                     params={key: statement_id}, passthrough=frozenset({404}))
            if response.status_code == 200:
                return True
        return False

    def statements(self, agent: dict[str, Any], since: str | None,
                   limit: int = 500) -> Iterator[Page]:
        """The agent's statements stored after since, newest first, a page at a time.

        Newest first, the LRS default: the cursor moves only once the whole answer is in, so an
        interrupted pull starts again rather than resuming inside a group of statements that
        share one `stored` time.
        """
        params: dict[str, str] | None = {"agent": _compact(agent), "limit": str(limit)}
        if since:
            params["since"] = since
        path: str = "statements"
        what = f"list user {self.username}'s statements"
        seen: set[str] = set()
        while True:
            response = self._request("GET", path, what, params=params)
            data = self._json(response, what)
            listed = data.get("statements") if isinstance(data, dict) else None
            if not isinstance(listed, list) or not all(isinstance(s, dict) for s in listed):
                raise self._malformed(what)
            ids = {s.get("id") for s in listed if isinstance(s.get("id"), str)}
            if listed and ids <= seen:
                raise SyncError("server", f"the server at {self.endpoint} keeps answering the "
                                "same statements when asked for more")
            seen |= ids
            yield Page(listed, response.headers.get("X-Experience-API-Consistent-Through"))
            more = data.get("more")
            if not more or not listed:
                return
            if not isinstance(more, str):
                raise self._malformed(what)
            # `more` is relative to the server, not to the endpoint's folder; it carries its
            # own query, which any params given here (even none) would replace.
            path, params = urljoin(self.endpoint, more), None

    # -- state documents -----------------------------------------------------------------------
    def get_state(self, activity_id: str, agent: dict[str, Any],
                  state_id: str) -> tuple[Any, str | None]:
        """(document, ETag); (None, None) when there is none."""
        what = f"read the {state_id} document"
        response = self._request("GET", "activities/state", what,
                                 params=_state_params(activity_id, agent, state_id),
                                 passthrough=frozenset({404}))
        if response.status_code == 404:
            return None, None
        return self._json(response, what), response.headers.get("ETag")

    def put_state(self, activity_id: str, agent: dict[str, Any], state_id: str, document: Any,
                  etag: str | None) -> None:
        """Replace a document, only if it is still the one read (etag) or, etag None, absent."""
        what = f"save the {state_id} document"
        headers = {"Content-Type": _JSON}
        if etag:
            headers["If-Match"] = etag
        else:
            headers["If-None-Match"] = "*"
        response = self._request("PUT", "activities/state", what, content=_compact(document),
                                 params=_state_params(activity_id, agent, state_id),
                                 headers=headers, passthrough=frozenset({412}))
        if response.status_code == 412:
            raise PreconditionFailed(f"the {state_id} document changed on {self.endpoint}")

    def post_state(self, activity_id: str, agent: dict[str, Any], state_id: str,
                   document: dict[str, Any]) -> None:
        """Merge the top-level keys of document into the stored one."""
        self._request("POST", "activities/state", f"save the {state_id} document",
                      content=_compact(document), headers={"Content-Type": _JSON},
                      params=_state_params(activity_id, agent, state_id))


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _state_params(activity_id: str, agent: dict[str, Any], state_id: str) -> dict[str, str]:
    return {"activityId": activity_id, "agent": _compact(agent), "stateId": state_id}


def _server_message(response: httpx.Response) -> str:
    """': what the server said', shortened, when it said something readable."""
    from stepcampus.http_errors import server_said

    text = server_said(response)
    return f": {text}" if text else ""
