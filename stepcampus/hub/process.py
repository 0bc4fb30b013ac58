"""The hub as a child process of the facilitator's desktop: the app's "Open the room" switch.

A process of its own rather than a server thread in the app: the hub keeps serving while the
window is busy, a crash of either leaves the other standing, and it is the very `stepcampus
hub` a facilitator runs in a terminal, with the same logs and the same clean stop on SIGTERM.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from stepcampus.errors import StepCampusError
from stepcampus.tasks import Task

START_SECONDS = 60.0  # a cold start on a slow desktop imports the server and opens two stores
STOP_SECONDS = 15.0  # a quiz under way is finished and written before the hub exits


class HubStartError(StepCampusError):
    """The hub did not come up; the message says why in the hub's own words."""


def project_env() -> dict[str, str]:
    """The environment for a child `python -m stepcampus.cli`: this package importable."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


class HubProcess:
    """One `stepcampus hub` on a data folder, started and stopped by the desktop."""

    def __init__(self, data_dir: Path, host: str = "0.0.0.0", port: int = 8471, *,
                 announce: bool = True, name: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.host = host
        self.port = port
        self.announce = announce
        self.name = name
        self.process: subprocess.Popen[bytes] | None = None
        self._log = Path(tempfile.mkstemp(prefix="stepcampus-hub-", suffix=".log")[1])

    @property
    def url(self) -> str:
        """Where this desktop reaches its hub (on every network means loopback here too)."""
        shown = "127.0.0.1" if self.host in ("0.0.0.0", "", "localhost") else self.host
        return f"http://{shown}:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 8) -> str:
        try:
            text = self._log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])

    def start(self, task: Task | None = None) -> None:
        """Start the hub and return once it answers; HubStartError (with the hub's own reason,
        such as a port in use) when it exits or does not answer in time."""
        if self.running:
            return
        cmd = [sys.executable, "-m", "stepcampus.cli", "--data-dir", str(self.data_dir), "hub",
               "--host", self.host, "--port", str(self.port)]
        if not self.announce:
            cmd.append("--no-announce")
        if self.name:
            cmd += ["--name", self.name]
        with open(self._log, "wb") as log:
            self.process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, env=project_env(),
                                            start_new_session=True)  # Ctrl+C in a terminal
        deadline = time.monotonic() + START_SECONDS
        while True:
            if self.process.poll() is not None:
                said = self.log_tail() or f"it exited with {self.process.returncode}"
                self.process = None
                raise HubStartError(f"the hub did not start: {said}")
            if task is not None and task.cancelled:
                self.stop()
                task.check()
            try:
                if httpx.get(self.url + "/hub/about", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise HubStartError(f"the hub did not answer within {START_SECONDS:.0f} s: "
                                    f"{self.log_tail() or 'nothing in its log'}")
            time.sleep(0.1)

    def stop(self) -> None:
        """A clean stop (SIGTERM: the room quiz is finished and written, forwarding saved);
        killed if it does not end in time."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_SECONDS)

    def close(self) -> None:
        self.stop()
        self._log.unlink(missing_ok=True)
