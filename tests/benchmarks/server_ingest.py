"""How fast the campus server ingests xAPI statements, on SQLite and PostgreSQL.

    .venv/bin/python -m tests.benchmarks.server_ingest [--statements 5000] [--batch 100]

Posts statements in batches through HTTP to a real `stepcampus serve` process, and compares
with two baselines from the same run: the same store code called in-process on a fresh
database (what HTTP, JSON and auth add), and as many GET /xapi/about requests (the floor of
a request's cost). Columns: statements per second each way; HTTP time ÷ in-process time
(what the web layer costs); time of the about requests ÷ HTTP ingest time (the share that is
bare request overhead). Also counts the bytes of a batch sent plain and gzipped.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from tests.lrs_server import Campus, postgres_cluster, start_campus
from tests.server.helpers import statement


def _batches(campus: Campus, total: int, size: int) -> list[list[dict[str, object]]]:
    who = (campus.learner, campus.learner2)
    made = [statement(campus, who[i % 2], activity=f"urn:bench:module:{i % 40}")
            for i in range(total)]
    return [made[i:i + size] for i in range(0, total, size)]


def _http_ingest(campus: Campus, batches: list[list[dict[str, object]]]) -> float:
    with campus.client(campus.facilitator) as client:
        client.get("/api/me")  # warm the login cache: a sync pays scrypt once
        start = time.perf_counter()
        for batch in batches:
            body = gzip.compress(json.dumps(batch).encode(), 6)
            answer = client.post("/xapi/statements", content=body, headers={
                "Content-Encoding": "gzip", "Content-Type": "application/json"})
            answer.raise_for_status()
        return time.perf_counter() - start


def _about_requests(campus: Campus, count: int) -> float:
    with httpx.Client(base_url=campus.url) as client:
        client.get("/xapi/about")
        start = time.perf_counter()
        for _ in range(count):
            client.get("/xapi/about").raise_for_status()
        return time.perf_counter() - start


def _direct_store(database_url: str, batches: list[list[dict[str, object]]]) -> float:
    from stepcampus.server import statements
    from stepcampus.server.access import Access
    from stepcampus.server.accounts import Principal
    from stepcampus.server.database import open_server_database, session_factory
    from tests.lrs_server import HOME_PAGE, seed_accounts

    seed_accounts(database_url)
    engine = open_server_database(database_url)
    factory = session_factory(engine)
    access = Access(Principal(1, "ada", "Ada", "admin"))
    authority = {"objectType": "Agent", "account": {"homePage": HOME_PAGE, "name": "ada"}}
    try:
        start = time.perf_counter()
        for batch in batches:
            now = datetime.now(UTC)
            prepared = [statements.prepare(json.loads(json.dumps(raw)), i, HOME_PAGE, authority,
                                           access, now) for i, raw in enumerate(batch)]
            statements.store(factory, prepared, access)
        return time.perf_counter() - start
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cluster = None
        targets = [("SQLite", lambda name: f"sqlite:///{Path(tmp) / name}.sqlite")]
        try:
            cluster = postgres_cluster()
            targets.append(("PostgreSQL", lambda name: cluster.create_database(name)))
        except RuntimeError as exc:
            print(f"(PostgreSQL skipped: {exc})", file=sys.stderr)
        try:
            for label, url_for in targets:
                campus = start_campus(url_for("served"))
                try:
                    batches = _batches(campus, args.statements, args.batch)
                    http = _http_ingest(campus, batches)
                    about = _about_requests(campus, len(batches))
                finally:
                    campus.server.stop()
                direct = _direct_store(url_for("direct"), _batches(campus, args.statements,
                                                                   args.batch))
                rows.append((label, args.statements / http, args.statements / direct,
                             http / direct, about / http))
            sample = json.dumps(batches[0]).encode()
        finally:
            if cluster is not None:
                cluster.stop()
    print(f"{args.statements} statements in batches of {args.batch}, "
          f"through HTTP to a real server process")
    print(f"{'database':<12}{'HTTP stmt/s':>13}{'in-process stmt/s':>19}"
          f"{'HTTP÷in-process':>17}{'about÷HTTP':>12}")
    for label, http_rate, direct_rate, ratio, floor in rows:
        print(f"{label:<12}{http_rate:>13,.0f}{direct_rate:>19,.0f}{ratio:>17.2f}"
              f"{floor:>12.3f}")
    packed = gzip.compress(sample, 6)
    print(f"one batch: {len(sample):,} bytes as JSON, {len(packed):,} gzipped "
          f"({len(sample) / len(packed):.1f}x smaller)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
