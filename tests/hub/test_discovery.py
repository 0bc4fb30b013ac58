"""Discovery with real processes and real mDNS, inside a network namespace made for the test
(`unshare --net`: only a loopback interface, so no packet can reach any network): two hubs
named alike are both listed, the second with zeroconf's suffix and saying so; a stopped hub
says goodbye and is no longer listed. Needs root (as CI runs) and `ip`; skipped otherwise."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hub.conftest import ROOT, env


def test_two_hubs_of_one_name_are_told_apart_and_both_found(tmp_path: Path) -> None:
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("ip"):
        pytest.skip("a network namespace of the test's own needs root, unshare and ip")
    probe = subprocess.run(["unshare", "--net", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a network namespace here: {probe.stderr.decode().strip()}")
    done = subprocess.run(["unshare", "--net", sys.executable, "-m",
                           "tests.hub.netns_discovery", str(tmp_path)],
                          capture_output=True, text=True, env=env(), cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["code"] == 0, report
    found = json.loads(report["discover"])
    first_port, second_port = report["ports"]
    assert [(h["name"], h["port"]) for h in found] == [("Room 4", first_port),
                                                        ("Room 4-2", second_port)]
    assert found[0]["content"] == f"http://127.0.0.1:{first_port}/content/"
    assert found[0]["xapi"] == f"http://127.0.0.1:{first_port}/xapi/"
    assert "announced on the local network as 'Room 4'" in report["first"]
    assert (f"another STEP Campus hub is on this network: 'Room 4' at "
            f"http://127.0.0.1:{first_port}") in report["second"]
    assert ("a hub named 'Room 4' is already on this network: this one is announced as "
            "'Room 4-2'") in report["second"]
    assert [h["name"] for h in json.loads(report["after_stop"])] == ["Room 4-2"]
