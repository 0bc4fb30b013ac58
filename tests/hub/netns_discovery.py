"""Run inside a network namespace of its own (`unshare --net`), where only the loopback
interface exists: two hubs of the same name announce themselves with mDNS on 127.0.0.1, and
`stepcampus hub discover` lists them. Nothing can leave the machine from here.

Usage: python -m tests.hub.netns_discovery WORK_DIR  (prints a JSON report)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.hub.conftest import RunningHub, stepcampus, wait_for


def main(work: Path) -> dict[str, object]:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    first, second = RunningHub(work / "hub-a"), RunningHub(work / "hub-b")
    report: dict[str, object] = {}
    try:
        first.start("--name", "Room 4", announce=True)
        wait_for(lambda: "announced on the local network" in first.log, 30,
                 f"the first hub's announcement ({first.log})")
        second.start("--name", "Room 4", announce=True)
        wait_for(lambda: "announced as" in second.log, 30,
                 f"the second hub's announcement ({second.log})")
        found = stepcampus("hub", "discover", "--interface", "127.0.0.1", "--timeout", "1.5",
                           "--json")
        report = {"first": first.log, "second": second.log, "discover": found.stdout,
                  "discover_err": found.stderr, "code": found.returncode,
                  "ports": [first.port, second.port]}
        first.stop()
        wait_for(lambda: first.process is not None and first.process.poll() is not None, 30,
                 "the first hub to stop")
        after = stepcampus("hub", "discover", "--interface", "127.0.0.1", "--timeout", "1.5",
                           "--json")
        report["after_stop"] = after.stdout
    finally:
        first.stop()
        second.stop()
    return report


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
