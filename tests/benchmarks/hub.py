"""The LAN hub: what equipping a room costs the campus's line, and how fast a room installs.

    .venv/bin/python -m tests.benchmarks.hub [--learners 30] [--runs 3]

A real `stepcampus serve --content` publishes the sample course; a byte-counting proxy stands
for the campus's line. The facilitator's data folder installs the course from it, then runs a
real `stepcampus hub` process (loopback, not announced). Then N learners' data folders install
the course from the hub at once, and the proxy tells what the room cost the campus. Installs
are `Campus.install` on its own data folder each, in N threads of one process (clients that
share one interpreter: a pessimistic load for the clients, not for the hub), and as N
`stepcampus install` processes (whole programs, each paying its start-up). Baselines from the
same run: one learner alone from the hub, and the same N threads from the campus server's own
/content/ directly (its content code serving the same files).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from stepcampus.campus import SAMPLE_COURSE, SAMPLE_KEY, Campus
from stepcampus.coursepack.build import build
from stepcampus.coursepack.keys import load_private_key
from stepcampus.coursepack.packagesource import BundlePackage
from stepcampus.coursepack.publish import publish
from tests.conftest import SAMPLE_SOURCE
from tests.faultproxy import FaultProxy
from tests.hub.conftest import RunningHub, env
from tests.lrs_server import ROOT, start_server


def _install(folder: Path, url: str) -> float:
    start = time.perf_counter()
    campus = Campus(folder)
    try:
        result = campus.install(url, SAMPLE_COURSE)
        assert result.fetched_blobs == result.files and not result.already_installed
    finally:
        campus.close()
    return time.perf_counter() - start


def _threads(base: Path, url: str, count: int) -> tuple[float, list[float]]:
    folders = [base / f"learner-{i}" for i in range(count)]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=count) as pool:
        each = list(pool.map(lambda folder: _install(folder, url), folders))
    return time.perf_counter() - start, each


def _processes(base: Path, url: str, count: int) -> float:
    cmd = [sys.executable, "-m", "stepcampus.cli", "--data-dir"]
    start = time.perf_counter()
    running = [subprocess.Popen([*cmd, str(base / f"p-{i}"), "install", url, SAMPLE_COURSE],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env(),
                                cwd=ROOT) for i in range(count)]
    for process in running:
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
    return time.perf_counter() - start


def _cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used (Linux /proc)."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3, help="runs of each timing (median)")
    args = parser.parse_args()
    n = args.learners
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        built = build(SAMPLE_SOURCE, tmp / "build", load_private_key(SAMPLE_KEY))
        source = BundlePackage(built.bundle)
        try:
            publish(source, tmp / "tree")
        finally:
            source.close()
        package = sum(int(p.stat().st_size) for p in (tmp / "tree" / "blobs").rglob("*")
                      if p.is_file())
        campus = start_server(f"sqlite:///{tmp / 'campus.sqlite'}", content_dir=tmp / "tree")
        hub = RunningHub(tmp / "facilitator")
        try:
            with FaultProxy(campus.port) as line:
                _install(tmp / "facilitator", line.url + "/content/")
                equip = line.bytes_down
                hub.start()
                line.reset_counts()
                alone = statistics.median(_install(tmp / f"alone-{r}", hub.content)
                                          for r in range(args.runs))
                assert hub.process is not None
                cpu = _cpu_seconds(hub.process.pid)
                runs = [_threads(tmp / f"room-{r}", hub.content, n) for r in range(args.runs)]
                hub_cpu = (_cpu_seconds(hub.process.pid) - cpu) / args.runs
                room_bytes = line.bytes_down
                direct = [_threads(tmp / f"direct-{r}", campus.url + "/content/", n)
                          for r in range(args.runs)]
                processes = statistics.median(_processes(tmp / f"proc-{r}", hub.content, n)
                                              for r in range(args.runs))
                room_bytes = line.bytes_down  # after every learner install from the hub
        finally:
            hub.stop()
            campus.stop()
    wall = statistics.median(w for w, _ in runs)
    each = [t for _, times in runs for t in times]
    direct_wall = statistics.median(w for w, _ in direct)
    rows = [
        ("package (distinct file bytes)", f"{package:,} bytes"),
        (f"fetched from the campus to equip a room of {n} through the hub",
         f"{equip + room_bytes:,} bytes = **{(equip + room_bytes) / package:.3f}x** the package"
         f" (target: one copy); {room_bytes:,} of them after the hub had it"),
        (f"the same {n} learners straight from the campus", f"{n * equip:,} bytes = "
                                                          f"{n * equip / package:.1f}x"),
        (f"{n} learners installing from the hub at once ({n} threads)",
         f"**{wall:.2f} s** for the room; each install p50 {statistics.median(each):.2f} s, "
         f"p95 {_p95(each):.2f} s"),
        ("  the hub process's CPU for it", f"{hub_cpu:.2f} s = {hub_cpu / n * 1000:.0f} ms a "
                                           f"learner ({hub_cpu / wall:.0%} of one core)"),
        ("one learner alone from the hub (baseline)",
         f"{alone * 1000:.0f} ms: the room = {wall / alone:.1f}x one install, "
         f"{wall / (n * alone):.2f} of {n} in a row"),
        (f"{n} threads from the campus's own /content/ (baseline)",
         f"{direct_wall:.2f} s: the hub = {wall / direct_wall:.2f}x"),
        (f"{n} `stepcampus install` processes from the hub at once",
         f"{processes:.2f} s (each program's start-up included)"),
    ]
    print(f"median of {args.runs} runs; loopback, 2-core machine class\n")
    print("| what | figure |\n|---|---|")
    for what, figure in rows:
        print(f"| {what} | {figure} |")


if __name__ == "__main__":
    main()
