"""Hub fixtures: real `stepcampus hub` processes on a facilitator's data folder, a real campus
server upstream (tests.lrs_server), learners' data folders, and direct looks into the hub's
and the campus's SQLite files."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from stepcampus.campus import Campus
from stepcampus.coursepack.build import BuildResult
from tests.lrs_server import ROOT, START_TIMEOUT, free_port

SERIES = "social-protection-in-crises"
HUB_PASSWORD = "room-secret-1"  # every learner's password on the hub, in these tests


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    delay = 0.02
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.2)


def env() -> dict[str, str]:
    made = dict(os.environ)
    made["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), made.get("PYTHONPATH")]))
    return made


def stepcampus(*args: str, stdin: str | None = None, timeout: float = 120
               ) -> subprocess.CompletedProcess[str]:
    """Run the real `stepcampus` command."""
    return subprocess.run([sys.executable, "-m", "stepcampus.cli", *args], input=stdin,
                          capture_output=True, text=True, env=env(), cwd=ROOT, timeout=timeout)


class RunningHub:
    """One `stepcampus hub` process on a data folder; restarts keep the port."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.xapi = self.url + "/xapi/"
        self.content = self.url + "/content/"
        self._logs = Path(tempfile.mkdtemp(prefix="stepcampus-hub-"))
        atexit.register(shutil.rmtree, self._logs, True)
        self._starts = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(self._logs.glob(
            f"*-{self._starts}.txt")))

    def start(self, *args: str, stdin: str | None = None, announce: bool = False) -> None:
        """Start on 127.0.0.1; announced by mDNS only when asked (inside a network namespace
        of the test's own: see test_discovery)."""
        if self.process is not None and self.process.poll() is None:
            raise RuntimeError("the hub is already running")
        self._starts += 1
        cmd = [sys.executable, "-m", "stepcampus.cli", "--data-dir", str(self.data_dir), "hub",
               "--host", "127.0.0.1", "--port", str(self.port),
               *([] if announce else ["--no-announce"]), *args]
        with open(self._logs / f"out-{self._starts}.txt", "wb") as out, \
                open(self._logs / f"err-{self._starts}.txt", "wb") as err:
            self.process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=out, stderr=err,
                                            env=env(), cwd=ROOT)
        assert self.process.stdin is not None
        self.process.stdin.write((stdin or "").encode())
        self.process.stdin.close()

        def answering() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited with {self.process.returncode}:\n{self.log}")
            try:
                return httpx.get(self.url + "/hub/about", timeout=1.0).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(answering, START_TIMEOUT, f"the hub on {self.url}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return stepcampus("--data-dir", str(self.data_dir), "hub", *args, stdin=stdin)

    def add_learner(self, username: str, password: str = HUB_PASSWORD) -> None:
        done = self.cli("admin", "create-learner", username, "--password", password)
        assert done.returncode == 0, done.stderr

    def sql(self, query: str) -> list[tuple[object, ...]]:
        return query_sqlite(self.data_dir / "hub.sqlite", query)

    def waiting(self) -> int:
        """Statements queued for the campus and not set aside."""
        return int(self.sql("SELECT count(*) FROM hub_forward_statements "
                            "WHERE error IS NULL")[0][0])  # type: ignore[call-overload]


def query_sqlite(path: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as conn:
        rows = conn.execute(query).fetchall()
    conn.close()
    return rows


@pytest.fixture
def hubs() -> Iterator[Callable[..., RunningHub]]:
    made: list[RunningHub] = []

    def make(data_dir: Path, *args: str, stdin: str | None = None) -> RunningHub:
        hub = RunningHub(data_dir)
        made.append(hub)
        hub.start(*args, stdin=stdin)
        return hub

    yield make
    for hub in made:
        hub.stop()


@pytest.fixture
def facilitator(tmp_path: Path, sample_build: BuildResult) -> Iterator[Path]:
    """The facilitator's data folder with the sample course installed (from its bundle)."""
    folder = tmp_path / "facilitator"
    campus = Campus(folder)
    campus.install(str(sample_build.bundle))
    campus.close()
    yield folder


COURSE = "inclusive-social-protection"


def learn(factory, profile_id: str, statements: int) -> None:  # type: ignore[no-untyped-def]
    """A realistic mix, 9 statements a module: reading in steps, a completion, quiz answers,
    the result."""
    from stepcampus.progress import activity

    made = module = 0
    while made < statements:
        name = f"module-{module}"
        for percent in (25, 50, 75):
            activity.record_progress(factory, profile_id, COURSE, name, f"p-{percent}", percent)
        activity.complete_module(factory, profile_id, COURSE, name)
        attempt = activity.start_attempt(factory, profile_id, COURSE, name)
        for question in range(3):
            activity.save_answer(factory, attempt, question, [question], 1.0)
        activity.finish_attempt(factory, attempt, 0.9, 70)
        made += 9
        module += 1
