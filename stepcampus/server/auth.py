"""Who is asking: HTTP Basic or a bearer token, with a short memory and a failed-login limit.

A sync sends many requests; checking scrypt on each would cost ~50 ms of CPU apiece, so a
successful Basic check is remembered for a minute under a keyed hash of the credentials
(the plain password is never kept). Failed password checks are counted per client address
and username: past the limit the answer is 429 even for the right password.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import threading
import time
from collections import deque
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from stepcampus.server.accounts import Principal, account_for_token, find_account, principal
from stepcampus.server.passwords import dummy_hash, verify_password
from stepcampus.server.problems import Refused

REALM = 'Basic realm="STEP Campus"'
CACHE_SECONDS = 60.0
CACHE_SIZE = 10000
MAX_FAILURES = 5
FAILURE_WINDOW = 60.0


def unauthorised(message: str) -> Refused:
    return Refused(401, message, {"WWW-Authenticate": REALM})


class FailureLimiter:
    """At most `limit` failures per key within `window` seconds; then 429 until they age out."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = FAILURE_WINDOW,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._failures: dict[tuple[str, ...], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, ...]) -> deque[float]:
        now = self._clock()
        failures = self._failures.get(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            self._failures.pop(key, None)
        return failures

    def check(self, key: tuple[str, ...], what: str) -> None:
        with self._lock:
            failures = self._recent(key)
            if len(failures) >= self.limit:
                wait = max(1, int(failures[0] + self.window - self._clock()) + 1)
                raise Refused(429, f"too many failed {what}; try again in {wait} s",
                              {"Retry-After": str(wait)})

    def fail(self, key: tuple[str, ...]) -> None:
        with self._lock:
            self._recent(key)
            self._failures.setdefault(key, deque()).append(self._clock())
            if len(self._failures) > 100000:  # a flood of keys: forget the oldest half
                for stale in list(self._failures)[:50000]:
                    del self._failures[stale]


class Authenticator:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory
        self._secret = os.urandom(32)
        self._cache: dict[bytes, tuple[Principal, float]] = {}
        self._lock = threading.Lock()
        self.logins = FailureLimiter()
        self.enrolments = FailureLimiter()  # wrong enrolment codes, per client address

    def authenticate(self, authorization: str | None, client: str) -> Principal:
        """The principal for an Authorization header; Refused 401 or 429 otherwise.

        Blocking (database, scrypt): run it off the event loop.
        """
        if not authorization:
            raise unauthorised("credentials are required (HTTP Basic or a bearer token)")
        scheme, _, value = authorization.partition(" ")
        scheme = scheme.lower()
        if scheme == "bearer":
            with self._factory() as session:
                found = account_for_token(session, value.strip())
                if found is None:
                    raise unauthorised("the bearer token is not valid")
                return principal(*found)
        if scheme != "basic":
            raise unauthorised(f"unsupported authorization scheme {scheme!r}")
        try:
            username, sep, password = base64.b64decode(value.strip(), validate=True) \
                .decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise unauthorised("the Basic credentials are not valid base64 text") from exc
        if not sep:
            raise unauthorised("the Basic credentials need username:password")
        return self.check_password(username, password, client)

    def check_password(self, username: str, password: str, client: str) -> Principal:
        key = (client, username)
        self.logins.check(key, f"logins for {username!r}")
        fingerprint = hmac.new(self._secret, f"{username}\0{password}".encode(),
                               hashlib.sha256).digest()
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(fingerprint)
        if cached is not None and cached[1] > now:
            return cached[0]
        with self._factory() as session:
            account = find_account(session, username)
            found = principal(account) if account is not None else None
            stored = account.password_hash if account is not None else dummy_hash()
        if not verify_password(password, stored) or found is None:
            self.logins.fail(key)
            raise unauthorised("wrong username or password")
        with self._lock:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            self._cache[fingerprint] = (found, now + CACHE_SECONDS)
        return found
