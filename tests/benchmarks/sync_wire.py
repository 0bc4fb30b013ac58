"""Bytes on the wire per statement when a desktop syncs 10,000 statements, plain and gzip.

Run: .venv/bin/python -m tests.benchmarks.sync_wire [STATEMENTS]
A real `stepcampus serve` process (SQLite) behind a byte-counting TCP proxy; both directions,
HTTP headers included. "push" is the statements' trip up with the acknowledgements; "own back"
is the same sync pulling them back (the pull cursor cannot tell them from other computers');
"2nd computer" is a new desktop of the same learner pulling them all.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import httpx

from stepcampus.campus import Campus
from stepcampus.progress import activity
from stepcampus.sync.accounts import save_link
from stepcampus.sync.engine import queued_count, sync_profile
from stepcampus.tasks import Task
from tests.faultproxy import FaultProxy
from tests.lrs_server import RunningServer, start_server

COURSE = "inclusive-social-protection"
TARGET = 150


class PlainOnly(httpx.HTTPTransport):
    """The real transport, hiding the gzip extension in /about: an LRS that does not offer it."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.url.path.endswith("/about"):
            response.read()
            about = response.json()
            about["extensions"].pop("urn:stepcampus:gzip-requests", None)
            return httpx.Response(200, json=about)
        return response


def learn(campus: Campus, profile_id: str, statements: int) -> None:
    """Reading in steps, completions, quiz answers and results, as a learner makes them."""
    f = campus.sessions
    module = 0
    while queued_count(f) < statements:
        name = f"module-{module}"
        for percent in (20, 40, 60, 80):
            activity.record_progress(f, profile_id, COURSE, name, f"p-{percent}", percent)
        activity.complete_module(f, profile_id, COURSE, name)
        attempt = activity.start_attempt(f, profile_id, COURSE, name)
        for question in range(4):
            activity.save_answer(f, attempt, question, [question % 3], 1.0)
        activity.finish_attempt(f, attempt, 0.8, 70)
        module += 1


def measure(server: RunningServer, source: Path, work: Path, mode: str, n: int,
            batch_size: int) -> tuple[float, float, float]:
    """Bytes per statement for one mode: pushing them (with the acknowledgements), the same
    sync pulling them back, and a second computer pulling them."""
    username = f"{mode}{batch_size}"
    server.admin("create-learner", username, "--password", "bench-secret-1")
    desk_dir = work / f"{username}-a"
    shutil.copytree(source, desk_dir)
    transport = PlainOnly() if mode == "plain" else None
    with FaultProxy(server.port) as proxy:
        endpoint = proxy.url + "/xapi/"
        campus = Campus(desk_dir)
        [profile] = activity.list_profiles(campus.sessions)
        link = save_link(campus.sessions, profile.id, endpoint, username, "bench-secret-1")
        proxy.reset_counts()
        marks: list[int] = []

        def note(done: int, total: int, message: str) -> None:
            if message.startswith("fetching"):
                marks.append(proxy.bytes_up + proxy.bytes_down)

        sync_profile(campus.sessions, profile.id, link, batch_size=batch_size,
                     transport=transport, task=Task(on_progress=note))
        push = marks[0] / n
        back = (proxy.bytes_up + proxy.bytes_down - marks[0]) / n
        campus.close()

        other = Campus(work / f"{username}-b")
        new = activity.create_profile(other.sessions, "Amina").id
        link = save_link(other.sessions, new, endpoint, username, "bench-secret-1")
        proxy.reset_counts()
        report = sync_profile(other.sessions, new, link, transport=transport)
        assert report.received == n, report
        pull = (proxy.bytes_up + proxy.bytes_down) / n
        other.close()
    return push, back, pull


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    work = Path(tempfile.mkdtemp(prefix="sync-wire-"))
    source = work / "source"
    campus = Campus(source)
    profile_id = activity.create_profile(campus.sessions, "Amina").id
    learn(campus, profile_id, n)
    n = queued_count(campus.sessions)
    campus.close()
    rows = []
    try:
        for mode, batch in (("plain", 500), ("gzip", 100), ("gzip", 500)):
            # A server each: the desktops are copies, so their statement ids are the same.
            server = start_server(f"sqlite:///{work / f'server-{mode}-{batch}.sqlite'}")
            try:
                    figures = measure(server, source, work, mode, n, batch)
            finally:
                server.stop()
            rows.append((f"{mode}, batches of {batch}", *figures))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{n} statements through a counting proxy (bytes per statement, both directions, "
          f"headers included; target under {TARGET} for the push)")
    print(f"{'mode':<24}{'push':>8}{'own back':>10}{'sync total':>12}{'2nd computer':>14}")
    for name, push, back, pull in rows:
        print(f"{name:<24}{push:>8.1f}{back:>10.1f}{push + back:>12.1f}{pull:>14.1f}")
    plain, best = rows[0][1], rows[-1][1]
    print(f"gzip/plain push ratio: {best / plain:.2f}")


if __name__ == "__main__":
    main()
