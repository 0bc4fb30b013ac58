"""In-process pieces of the server: password hashes, the failure limiter, agent keys."""

from __future__ import annotations

import pytest

from stepcampus.server.agents import agent_key, owner_of
from stepcampus.server.auth import FailureLimiter
from stepcampus.server.passwords import hash_password, verify_password
from stepcampus.server.problems import Refused


def test_password_hash_format_and_checks() -> None:
    stored = hash_password("correct horse")
    parts = stored.split("$")
    assert parts[:4] == ["scrypt", str(2**14), "8", "1"] and len(parts) == 6
    assert verify_password("correct horse", stored)
    assert not verify_password("correct horsE", stored)
    assert hash_password("correct horse") != stored  # a fresh salt each time
    assert not verify_password("x", "md5$whatever")
    assert not verify_password("x", "garbage")


def test_failure_limiter_window() -> None:
    now = [1000.0]
    limiter = FailureLimiter(limit=5, window=60, clock=lambda: now[0])
    key = ("10.0.0.1", "amina")
    for _ in range(5):
        limiter.check(key, "logins")
        limiter.fail(key)
    with pytest.raises(Refused) as refused:
        limiter.check(key, "logins")
    assert refused.value.status == 429 and refused.value.headers["Retry-After"] == "61"
    limiter.check(("10.0.0.2", "amina"), "logins")  # another address is not blocked
    now[0] += 60.5
    limiter.check(key, "logins")  # the failures aged out


def test_agent_keys_ignore_names_and_find_owners() -> None:
    home = "urn:stepcampus:campus"
    plain = {"account": {"homePage": home, "name": "amina"}}
    named = {"objectType": "Agent", "name": "Amina K.", **plain}
    assert agent_key(plain) == agent_key(named)
    assert owner_of(named, home) == "amina"
    assert owner_of({"account": {"homePage": "https://elsewhere", "name": "amina"}}, home) is None
    assert agent_key({"mbox": "mailto:A@x.org"}) == agent_key({"mbox": "mailto:a@x.org"})
    for bad in ({}, {"mbox": "a@x.org"}, {"objectType": "Group", "mbox": "mailto:a@x"},
                {"mbox": "mailto:a@x", "openid": "https://x"}, []):
        with pytest.raises(Refused):
            agent_key(bad)
