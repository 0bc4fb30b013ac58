"""Real campus servers for tests: a throw-away PostgreSQL cluster and `stepcampus serve` processes.

Nothing here mocks the server: start_server runs the real command on 127.0.0.1 and waits
until its LRS answers; PostgresCluster runs a real PostgreSQL in a temporary folder.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60.0
XAPI_HEADERS = {"X-Experience-API-Version": "1.0.3"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    delay = 0.02
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.25)


# --------------------------------------------------------------------------- PostgreSQL


def postgres_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None when there is none."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name)
                   if Path(p).parent.parent.name.isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb and the server refuse to run as root; the Debian package provides the user.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class PostgresCluster:
    """A PostgreSQL cluster in a temporary folder, listening on 127.0.0.1:port, trust auth.

    Durability is switched off (fsync, synchronous_commit): the data is thrown away anyway.
    """

    def __init__(self, folder: Path, bin_dir: Path) -> None:
        self.folder = folder
        self.bin_dir = bin_dir
        self.data_dir = folder / "data"
        self.port = free_port()
        self.host = "127.0.0.1"
        self.admin_url = f"postgresql+psycopg://postgres@{self.host}:{self.port}/postgres"
        self.url = self.database_url("stepcampus")
        self._running = False
        self._databases = 0

    def database_url(self, name: str) -> str:
        return f"postgresql+psycopg://postgres@{self.host}:{self.port}/{name}"

    def _run(self, *cmd: str) -> None:
        done = subprocess.run(_as_postgres([str(self.bin_dir / cmd[0]), *cmd[1:]]),
                              capture_output=True, text=True, cwd=self.folder)
        if done.returncode != 0:
            raise RuntimeError(f"{cmd[0]} failed ({done.returncode}): {done.stderr.strip()}")

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data_dir), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--no-locale")
        self.start()
        self.create_database("stepcampus")

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses={self.host} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data_dir), "-o", options, "-l",
                  str(self.folder / "server.log"), "-w", "-t", "60", "start")
        self._running = True

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database (a fresh name when none is given); its SQLAlchemy URL."""
        import psycopg

        if name is None:
            self._databases += 1
            name = f"test_{os.getpid()}_{self._databases}"
        with psycopg.connect(host=self.host, port=self.port, user="postgres",
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.database_url(name)

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(host=self.host, port=self.port, user="postgres",
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self._running:
            self._running = False
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def postgres_cluster(tmp: Path | None = None) -> PostgresCluster:
    """Start a throw-away cluster; RuntimeError when PostgreSQL is not installed.

    tmp is used when the postgres user can reach it; otherwise (pytest's private temporary
    folders when running as root) a folder of our own under the system temporary folder.
    """
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (no initdb under "
                           "/usr/lib/postgresql/*/bin or on PATH)")
    folder = Path(tempfile.mkdtemp(prefix="stepcampus-pg-",
                                   dir=tmp if tmp is not None and os.geteuid() != 0 else None))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    cluster = PostgresCluster(folder, bin_dir)
    try:
        cluster.init()
    except BaseException:
        cluster.stop()
        raise
    return cluster


# --------------------------------------------------------------------------- the server


class RunningServer:
    """One `stepcampus serve` process; stop/kill/start keep the same port and database."""

    def __init__(self, database_url: str, port: int, args: list[str], log_dir: Path,
                 data_dir: Path) -> None:
        self.database_url = database_url
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.xapi = self.url + "/xapi/"
        self.data_dir = data_dir
        self._args = args
        self._log_dir = log_dir
        self._starts = 0
        self.process: subprocess.Popen[bytes] = None  # type: ignore[assignment]

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["STEPCAMPUS_HOME"] = str(self.data_dir)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        return env

    @property
    def log(self) -> str:
        """What the current process printed so far (stdout then stderr)."""
        out = self._log_dir / f"out-{self._starts}.txt"
        err = self._log_dir / f"err-{self._starts}.txt"
        return "".join(p.read_text(errors="replace") for p in (out, err) if p.exists())

    def start(self) -> None:
        if self.process is not None and self.process.poll() is None:
            raise RuntimeError("the server is already running")
        self._starts += 1
        cmd = [sys.executable, "-m", "stepcampus.cli", "serve", "--host", "127.0.0.1",
               "--port", str(self.port), "--database", self.database_url, *self._args]
        with open(self._log_dir / f"out-{self._starts}.txt", "wb") as out, \
                open(self._log_dir / f"err-{self._starts}.txt", "wb") as err:
            self.process = subprocess.Popen(cmd, stdout=out, stderr=err, env=self._env(),
                                            cwd=ROOT)

        def answering() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}:\n"
                                   f"{self.log}")
            try:
                return httpx.get(self.url + "/xapi/about", timeout=1.0).status_code == 200
            except httpx.HTTPError:
                return False

        try:
            _wait_until(answering, START_TIMEOUT, f"the server on {self.url}")
        except RuntimeError:
            if self.process.poll() is None:
                self.kill()
            raise

    def stop(self) -> None:
        """SIGTERM and wait: the clean shutdown a service manager asks for."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL and wait: a crash or a pulled plug."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def admin(self, *args: str, stdin: str | None = None, check: bool = True) -> str:
        """Run `stepcampus admin --database URL ARGS`; its stdout (CalledProcessError if failed)."""
        cmd = [sys.executable, "-m", "stepcampus.cli", "admin", "--database",
               self.database_url, *args]
        done = subprocess.run(cmd, input=stdin, capture_output=True, text=True,
                              env=self._env(), cwd=ROOT)
        if check and done.returncode != 0:
            raise subprocess.CalledProcessError(done.returncode, cmd, done.stdout, done.stderr)
        return done.stdout

    def client(self, auth: tuple[str, str] | None = None, token: str | None = None,
               **kwargs: object) -> httpx.Client:
        """An httpx client for this server sending the xAPI version header."""
        headers = dict(XAPI_HEADERS)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return httpx.Client(base_url=self.url, auth=auth, headers=headers,  # type: ignore[arg-type]
                            timeout=30.0, **kwargs)


def start_server(database_url: str, *, content_dir: Path | None = None,
                 port: int | None = None, extra_args: Sequence[str] = ()) -> RunningServer:
    """Run `stepcampus serve` on 127.0.0.1 and wait until GET /xapi/about answers."""
    log_dir = Path(tempfile.mkdtemp(prefix="stepcampus-serve-"))
    atexit.register(shutil.rmtree, log_dir, True)  # logs stay readable until the run ends
    data_dir = log_dir / "home"
    data_dir.mkdir()
    args = list(extra_args)
    if content_dir is not None:
        args += ["--content", str(content_dir)]
    attempts = 1 if port is not None else 3  # a free port may be taken before the bind
    for attempt in range(attempts):
        server = RunningServer(database_url, port or free_port(), args, log_dir, data_dir)
        try:
            server.start()
            return server
        except RuntimeError as exc:
            if attempt == attempts - 1 or "address already in use" not in str(exc).lower():
                raise
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- seeded accounts

HOME_PAGE = "urn:stepcampus:campus"


class Campus:
    """A server with accounts: an admin, two facilitators with a class each, three learners.

    `learner` and `learner2` are in `class_name`, run by `facilitator`; `other_learner` is in
    `other_class`, run by `other_facilitator`. Passwords are in `passwords[username]`.
    """

    admin = "ada"
    facilitator = "fatou"
    other_facilitator = "farid"
    learner = "amina"
    learner2 = "bilal"
    other_learner = "chen"
    class_name = "Cohort A"
    other_class = "Cohort B"
    home_page = HOME_PAGE

    def __init__(self, server: RunningServer | None) -> None:
        self.server = server  # type: ignore[assignment]
        self.url = server.url if server is not None else ""
        self.passwords = {name: f"{name}-secret-pw" for name in (
            self.admin, self.facilitator, self.other_facilitator, self.learner, self.learner2,
            self.other_learner)}

    def auth(self, username: str) -> tuple[str, str]:
        return username, self.passwords[username]

    def client(self, username: str | None = None, **kwargs: object) -> httpx.Client:
        """An xAPI client logged in as username (Basic), or anonymous when None."""
        return self.server.client(auth=self.auth(username) if username else None, **kwargs)

    def agent(self, username: str) -> dict[str, object]:
        return {"objectType": "Agent", "account": {"homePage": self.home_page, "name": username}}


def seed_accounts(database_url: str) -> None:
    """Create Campus's accounts and classes directly in the database (migrating it first)."""
    from stepcampus.server import accounts
    from stepcampus.server.database import open_server_database, session_factory, write_session

    engine = open_server_database(database_url)
    try:
        campus = Campus(None)
        pw = campus.passwords
        with write_session(session_factory(engine)) as session:
            accounts.create_account(session, campus.admin, pw[campus.admin], "admin")
            for who in (campus.facilitator, campus.other_facilitator):
                accounts.create_account(session, who, pw[who], "facilitator", who.title())
            mine = accounts.create_class(session, campus.class_name, campus.facilitator)
            theirs = accounts.create_class(session, campus.other_class,
                                           campus.other_facilitator)
            for who, group in ((campus.learner, mine), (campus.learner2, mine),
                               (campus.other_learner, theirs)):
                account = accounts.create_account(session, who, pw[who], "learner", who.title())
                accounts.add_member(session, group, account)
    finally:
        engine.dispose()


def start_campus(database_url: str, **kwargs: object) -> Campus:
    """Seed the accounts, then start a server on the database."""
    seed_accounts(database_url)
    return Campus(start_server(database_url, **kwargs))  # type: ignore[arg-type]
