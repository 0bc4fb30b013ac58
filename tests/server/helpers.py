"""Small builders shared by the server tests."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from typing import Any

from tests.lrs_server import ROOT, Campus

VERB = "http://adlnet.gov/expapi/verbs/"


def statement(campus: Campus, username: str, activity: str = "urn:test:activity:1",
              verb: str = "completed", **extra: Any) -> dict[str, Any]:
    made: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": {**campus.agent(username), "name": username.title()},
        "verb": {"id": VERB + verb, "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": activity},
        "timestamp": "2026-01-05T10:00:00.000Z",
    }
    made.update(extra)
    return made


def voiding(campus: Campus, username: str, target: str) -> dict[str, Any]:
    return statement(campus, username, verb="voided",
                     object={"objectType": "StatementRef", "id": target})


def run_cli(*args: str, stdin: str | None = None, home: str | None = None
            ) -> subprocess.CompletedProcess[str]:
    """Run the real `stepcampus` command in a subprocess."""
    env = dict(os.environ)
    if home is not None:
        env["STEPCAMPUS_HOME"] = home
    return subprocess.run([sys.executable, "-m", "stepcampus.cli", *args], input=stdin,
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
