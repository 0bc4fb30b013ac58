"""xAPI agents on the server: parsing, a canonical key per identity, and its campus owner."""

from __future__ import annotations

import json
from typing import Any

from stepcampus.server.problems import bad_request

_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def learner_agent(home_page: str, username: str, name: str | None = None) -> dict[str, Any]:
    """A campus account as an xAPI Agent: the identity statements and state are filed under."""
    agent: dict[str, Any] = {"objectType": "Agent",
                             "account": {"homePage": home_page, "name": username}}
    if name:
        agent["name"] = name
    return agent


def agent_key(agent: Any, field: str = "agent") -> str:
    """A text equal for two agents exactly when they have the same identifier (IFI)."""
    if not isinstance(agent, dict):
        raise bad_request(f"{field} is not a JSON object")
    if agent.get("objectType", "Agent") != "Agent":
        raise bad_request(f"{field}.objectType must be Agent")
    ifis = [key for key in _IFIS if key in agent]
    if len(ifis) != 1:
        raise bad_request(f"{field} needs exactly one identifier (mbox, mbox_sha1sum, openid "
                          "or account)")
    kind = ifis[0]
    value = agent[kind]
    if kind == "account":
        if not (isinstance(value, dict) and isinstance(value.get("homePage"), str)
                and isinstance(value.get("name"), str) and value["name"]):
            raise bad_request(f"{field}.account needs a homePage and a name")
        return f"account|{value['homePage']}|{value['name']}"
    if not isinstance(value, str) or not value:
        raise bad_request(f"{field}.{kind} is not a text")
    if kind == "mbox" and not value.startswith("mailto:"):
        raise bad_request(f"{field}.mbox must start with mailto:")
    return f"{kind}|{value.lower() if kind != 'openid' else value}"


def parse_agent_param(text: str | None, field: str = "agent") -> dict[str, Any]:
    if text is None:
        raise bad_request(f"the {field} parameter is required")
    try:
        agent = json.loads(text)
    except ValueError as exc:
        raise bad_request(f"the {field} parameter is not JSON: {exc}") from exc
    agent_key(agent, field)
    return agent


def owner_of(agent: dict[str, Any], home_page: str) -> str | None:
    """The campus username an agent identifies, or None for an identity from elsewhere."""
    account = agent.get("account")
    if isinstance(account, dict) and account.get("homePage") == home_page:
        name = account.get("name")
        return name if isinstance(name, str) else None
    return None


def describe(agent: Any) -> str:
    """A short text naming an agent in an error message."""
    if isinstance(agent, dict):
        account = agent.get("account")
        if isinstance(account, dict):
            return f"account {account.get('name')!r} of {account.get('homePage')}"
        for kind in _IFIS:
            if kind in agent:
                return f"{kind} {agent[kind]!r}"
    return json.dumps(agent)[:200]
