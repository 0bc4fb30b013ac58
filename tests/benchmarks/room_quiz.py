"""Room quiz: how long from a learner's answer to the facilitator's chart, in a room of 30.

    .venv/bin/python -m tests.benchmarks.room_quiz [--learners 30] [--rounds 5] [--window 4]

A real `stepcampus hub` process (loopback, not announced) serves the facilitator's data folder
with the sample course installed. The facilitator follows the room with the long poll
(`view(after=VERSION)`), as the app does, and releases the next question of the module
`social-exclusion` once every answer to the last one is on its chart. Each learner is a
process of its own (a device each; 30 interpreters, so that no client's GIL is the room's
bottleneck) with two threads, like a device: one follows the room with the long poll all the
time, the other answers each question released at a random moment after seeing it. Rounds:
answers spread over `--window` seconds, then all within one second.

Which view first shows which answer is exact, not guessed from counts: the answer's route
reads the room's version right after taking the answer, on the event loop with no await in
between, so the version it returns is that answer's own; the facilitator's view of version V
holds exactly the answers of version <= V (checked against its `answered` counts). Latency:
the first facilitator view with the answer's version or later, received, minus the moment
the learner sent the answer (time.monotonic(): CLOCK_MONOTONIC, one clock for every process
on Linux).

Baselines from the same run: one learner alone, before and after the room (the same route,
the same long polls, nothing else in the room), and a plain authenticated GET /room/quiz
repeated by one more client all along.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stepcampus.campus import SAMPLE_KEY, Campus
from stepcampus.classroom.room_client import POLL_SECONDS, FacilitatorClient, LearnerClient
from stepcampus.coursepack.build import build
from stepcampus.coursepack.keys import load_private_key
from tests.benchmarks.hub import _cpu_seconds, _p95
from tests.conftest import SAMPLE_SOURCE
from tests.hub.conftest import COURSE, HUB_PASSWORD, RunningHub

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext
    from multiprocessing.queues import Queue
    from multiprocessing.sharedctypes import SynchronizedArray
    from multiprocessing.synchronize import Event

MODULE = "social-exclusion"  # 8 questions for the room: choices, true/false, a word, numbers
FACILITATOR = "fatou"
PROBE = "probe"  # a learner account that never joins: the plain-GET baseline
ROUND_TIMEOUT = 60.0
ALONE_THINK = (0.1, 0.4)  # one learner: nothing to contend with, so no need to wait long
BURST_THINK = (0.5, 1.5)  # the whole room within one second


@dataclass(frozen=True)
class Sent:
    """One answer as its learner saw it."""

    learner: str
    run: str
    number: int
    sent: float  # time.monotonic() before the POST
    acked: float  # and once its answer came back
    version: int  # the room's version with this answer in it


@dataclass(frozen=True)
class Seen:
    """One facilitator's view, as it arrived."""

    at: float
    run: str
    version: int
    number: int
    answered: int


@dataclass
class Learned:
    """What one learner process reports at the end."""

    learner: str
    sent: list[Sent]
    polls: dict[str, int]  # the long polls answered, by run


@dataclass
class Phase:
    name: str
    seen: list[Seen]
    start: float
    end: float
    hub_cpu: float
    busy: float  # of the machine's CPU time, all cores
    answers: list[Sent] = field(default_factory=list)
    polls: int = 0

    @property
    def runs(self) -> set[str]:
        return {s.run for s in self.seen}


# ------------------------------------------------------------------------------ learners


def _response(question: dict[str, Any], rng: random.Random) -> Any:
    """A valid answer of the question's kind (which one does not matter to the hub's cost)."""
    kind, choices = question["kind"], len(question.get("choices") or [])
    if kind in ("multichoice", "truefalse"):
        return rng.randrange(choices)
    if kind == "multiple_answers":
        return sorted(rng.sample(range(choices), rng.randint(1, choices)))
    if kind == "numerical":
        return str(rng.randint(1990, 2010))
    return rng.choice(["cooperatives", "mutual organisations", "associations"])


def _follow_and_answer(url: str, username: str, seed: int, think: SynchronizedArray[float],
                       stop: Event, ready: Queue[str]) -> Learned:
    rng = random.Random(seed)
    client = LearnerClient.sign_in(url, username, HUB_PASSWORD)
    latest = [client.join()]
    changed = threading.Condition()
    polls: dict[str, int] = {}
    failed: list[BaseException] = []

    def follow() -> None:  # the device's screen: always waiting for the room's news
        view = latest[0]
        try:
            while not stop.is_set():
                view = client.view(after=view["version"])  # the 25 s of the app
                polls[str(view.get("run"))] = polls.get(str(view.get("run")), 0) + 1
                if view["state"] not in ("none", "finished") and not view.get("joined"):
                    view = client.join()
                with changed:
                    latest[0] = view
                    changed.notify_all()
        except BaseException as exc:
            failed.append(exc)
        finally:
            with changed:
                changed.notify_all()

    follower = threading.Thread(target=follow, name=f"follow-{username}", daemon=True)
    follower.start()
    ready.put(username)
    sent: list[Sent] = []
    done: set[tuple[str, int]] = set()
    while not stop.is_set() and follower.is_alive():
        with changed:
            view = latest[0]
            key = (str(view.get("run")), int(view.get("number") or 0))
            if view["state"] != "open" or key in done:
                changed.wait(0.5)
                continue
        done.add(key)
        low, high = think[:]
        time.sleep(rng.uniform(low, high))  # reading the question, thinking
        response = _response(view["question"], rng)
        at = time.monotonic()
        got = client.answer(key[1], response)
        sent.append(Sent(username, key[0], key[1], at, time.monotonic(), int(got["version"])))
    follower.join(POLL_SECONDS + 15)
    client.close()
    if failed:
        raise failed[0]
    return Learned(username, sent, polls)


def _learner(url: str, username: str, seed: int, think: SynchronizedArray[float], stop: Event,
             ready: Queue[str], out: Queue[Learned | str]) -> None:
    try:
        out.put(_follow_and_answer(url, username, seed, think, stop, ready))
    except BaseException as exc:  # said to the parent rather than leaving it waiting
        out.put(f"{username}: {exc!r}")


def _probe(url: str, stop: Event, out: Queue[list[tuple[float, float]]]) -> None:
    """A plain authenticated GET /room/quiz every 50-150 ms: (sent, round trip)."""
    rng = random.Random(0)
    samples: list[tuple[float, float]] = []
    with LearnerClient.sign_in(url, PROBE, HUB_PASSWORD) as client:
        while not stop.is_set():
            at = time.monotonic()
            client.view()
            samples.append((at, time.monotonic() - at))
            time.sleep(rng.uniform(0.05, 0.15))
    out.put(samples)


class Room:
    """Learner processes (forked: nothing else runs threads in the parent at that point)."""

    def __init__(self, ctx: ForkContext, url: str, names: list[str], seed: int) -> None:
        self.names = names
        self.stop = ctx.Event()
        self.think = ctx.Array("d", 2)
        self.ready: Queue[str] = ctx.Queue()
        self.out: Queue[Learned | str] = ctx.Queue()
        self.processes = [ctx.Process(target=_learner, name=name, daemon=True, args=(
            url, name, seed + i, self.think, self.stop, self.ready, self.out))
            for i, name in enumerate(names)]

    def start(self) -> None:
        for process in self.processes:
            process.start()
        for _ in self.names:  # each signed in, joined and following
            self.ready.get(timeout=120)

    def finish(self, desk: FacilitatorClient) -> list[Learned]:
        self.stop.set()
        desk.start(COURSE, MODULE)  # a change wakes every follower now, not in 25 s; a run
        desk.finish()  # without answers writes nothing
        got = [self.out.get(timeout=60) for _ in self.names]  # before join: the queue drains
        for process in self.processes:
            process.join(30)
        failed = [g for g in got if isinstance(g, str)]
        if failed:
            raise RuntimeError("learners failed: " + "; ".join(failed))
        return [g for g in got if isinstance(g, Learned)]


# ------------------------------------------------------------------------------ the desk


def _conduct(desk: FacilitatorClient, rounds: int, expected: int, pause: float) -> list[Seen]:
    """Release `rounds` questions (in as many runs of the quiz as it takes), each once the
    chart shows `expected` answers to the last; every view the desk received."""
    seen: list[Seen] = []

    def note(view: dict[str, Any]) -> dict[str, Any]:
        seen.append(Seen(time.monotonic(), str(view["run"]), int(view["version"]),
                         int(view["number"]), int(view["tally"]["answered"])))
        return view

    done = 0
    while done < rounds:
        count = int(desk.start(COURSE, MODULE)["count"])
        for _ in range(min(count, rounds - done)):
            view = note(desk.release())
            deadline = time.monotonic() + ROUND_TIMEOUT
            while view["tally"]["answered"] < expected:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"only {view['tally']['answered']} of {expected} "
                                       f"answers after {ROUND_TIMEOUT:.0f} s")
                view = note(desk.view(after=view["version"]))
            done += 1
            time.sleep(pause)  # the room's long polls settle: rounds do not overlap
        desk.finish()
    return seen


def _cpu_times() -> tuple[int, int]:
    """The machine's (busy, total) CPU ticks, all cores (Linux /proc/stat)."""
    ticks = [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    return sum(ticks) - idle, sum(ticks)


def _phase(name: str, hub: RunningHub, run: Callable[[], list[Seen]]) -> Phase:
    assert hub.process is not None
    cpu, (busy, total) = _cpu_seconds(hub.process.pid), _cpu_times()
    start = time.monotonic()
    seen = run()
    end = time.monotonic()
    busy_after, total_after = _cpu_times()
    return Phase(name, seen, start, end, _cpu_seconds(hub.process.pid) - cpu,
                 (busy_after - busy) / max(1, total_after - total))


def _settle(phases: list[Phase], learned: list[Learned]) -> None:
    """Give each phase its answers and long polls (by the quiz runs it held)."""
    for phase in phases:
        runs = phase.runs
        phase.answers += [s for one in learned for s in one.sent if s.run in runs]
        phase.polls += sum(n for one in learned for r, n in one.polls.items() if r in runs)


def _latencies(phase: Phase) -> list[float]:
    """Each answer's latency to the chart, after checking that the versions tell which
    answers each view holds."""
    by_run: dict[str, list[Seen]] = {}
    for s in sorted(phase.seen, key=lambda s: s.at):
        by_run.setdefault(s.run, []).append(s)
    for s in phase.seen:
        held = sum(1 for a in phase.answers
                   if (a.run, a.number) == (s.run, s.number) and a.version <= s.version)
        assert held == s.answered, f"a view of version {s.version} counts {s.answered} " \
                                   f"answers, {held} by their versions"
    found = []
    for a in phase.answers:
        first = next(s for s in by_run[a.run] if s.version >= a.version)
        assert first.number == a.number
        found.append(first.at - a.sent)
    return found


# ------------------------------------------------------------------------------ the run


def _facilitator_folder(tmp: Path, names: list[str]) -> Path:
    """The sample course installed from its bundle, and the hub's accounts, made with the
    code `stepcampus hub admin create-*` runs (31 CLI processes would take half a minute)."""
    from stepcampus.hub.database import HubDatabase, hub_database_path
    from stepcampus.server import accounts
    from stepcampus.server.database import write_session

    built = build(SAMPLE_SOURCE, tmp / "build", load_private_key(SAMPLE_KEY))
    folder = tmp / "facilitator"
    campus = Campus(folder)
    try:
        campus.install(str(built.bundle))
    finally:
        campus.close()
    db = HubDatabase(hub_database_path(folder))
    try:
        with write_session(db.factory) as session:
            accounts.create_account(session, FACILITATOR, HUB_PASSWORD, "facilitator")
            for name in [*names, PROBE]:
                accounts.create_account(session, name, HUB_PASSWORD, "learner")
    finally:
        db.close()
    return folder


def _measure(hub: RunningHub, names: list[str], args: argparse.Namespace
             ) -> tuple[list[Phase], list[tuple[float, float]]]:
    ctx = multiprocessing.get_context("fork")
    stop_probe = ctx.Event()
    probe_out: Queue[list[tuple[float, float]]] = ctx.Queue()
    probe = ctx.Process(target=_probe, args=(hub.url, stop_probe, probe_out), daemon=True)
    probe.start()
    phases: list[Phase] = []
    with FacilitatorClient.sign_in(hub.url, FACILITATOR, HUB_PASSWORD) as desk:

        def alone(name: str) -> None:
            room = Room(ctx, hub.url, names[:1], args.seed)
            room.think[:] = list(ALONE_THINK)
            room.start()
            phases.append(_phase(name, hub, lambda: _conduct(desk, args.alone, 1, 0.1)))
            _settle(phases[-1:], room.finish(desk))

        alone("alone, before")
        room = Room(ctx, hub.url, names, args.seed + 1000)
        room.start()
        for name, think in ((f"spread over {args.window:g} s", (0.5, 0.5 + args.window)),
                            ("within 1 s", BURST_THINK)):
            room.think[:] = list(think)
            phases.append(_phase(name, hub, lambda: _conduct(desk, args.rounds, len(names),
                                                             0.3)))
        _settle(phases[-2:], room.finish(desk))
        alone("alone, after")
    stop_probe.set()
    samples = probe_out.get(timeout=30)
    probe.join(30)
    return phases, samples


def _ms(values: list[float]) -> str:
    return (f"p50 {statistics.median(values) * 1000:.0f} ms, **p95 {_p95(values) * 1000:.0f} "
            f"ms**, max {max(values) * 1000:.0f} ms")


def _probed(samples: list[tuple[float, float]], phases: list[Phase]) -> list[float]:
    return [rtt for at, rtt in samples if any(p.start <= at < p.end for p in phases)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5, help="questions, of each room phase")
    parser.add_argument("--window", type=float, default=4.0,
                        help="seconds over which the room's answers are spread")
    parser.add_argument("--alone", type=int, default=24,
                        help="questions answered by the one learner, before and after")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    names = [f"learner-{i:02d}" for i in range(args.learners)]
    with tempfile.TemporaryDirectory() as name:
        hub = RunningHub(_facilitator_folder(Path(name), names))
        hub.start()
        try:
            phases, samples = _measure(hub, names, args)
        finally:
            hub.stop()
    before, spread, burst, after = phases
    latency = {p.name: _latencies(p) for p in phases}
    alone = latency[before.name] + latency[after.name]
    room = latency[spread.name] + latency[burst.name]
    plain_room, plain_alone = _probed(samples, [spread, burst]), _probed(samples, [before, after])
    n = args.learners
    rows = []
    for phase in (spread, burst):
        got = latency[phase.name]
        rows.append((f"answer → facilitator's chart, {n} learners, answers {phase.name} "
                     f"({len(got)} answers)", f"{_ms(got)} (target p95 < 300 ms)"))
    for phase in (before, after):
        rows.append((f"the same, one learner alone, {phase.name.split(', ')[1]} the room "
                     f"(baseline, {len(latency[phase.name])} answers)", _ms(latency[phase.name])))
    rows += [
        ("the room ÷ one learner alone (p95; p50)",
         f"**{_p95(room) / _p95(alone):.1f}x**; "
         f"{statistics.median(room) / statistics.median(alone):.1f}x"),
        ("  of which the answer's own POST /room/answer, in the room",
         _ms([a.acked - a.sent for p in (spread, burst) for a in p.answers])),
        (f"a plain GET /room/quiz by one more client, during the room ({len(plain_room)})",
         f"{_ms(plain_room)}: answer → chart p95 = {_p95(room) / _p95(plain_room):.1f}x it"),
        (f"  the same GET beside the one learner alone ({len(plain_alone)})", _ms(plain_alone)),
    ]
    for phase in (spread, burst):
        answers = len(phase.answers)
        seconds = phase.end - phase.start
        rows.append((f"the hub's work, answers {phase.name}",
                     f"{phase.polls / answers:.1f} learners' long polls answered per answer; "
                     f"hub CPU {phase.hub_cpu / answers * 1000:.1f} ms an answer, "
                     f"{phase.hub_cpu / seconds:.0%} of one core over {seconds:.1f} s; "
                     f"machine {phase.busy:.0%} busy"))
    print(f"{n} learner processes + the facilitator + 1 probe on loopback; "
          f"{args.rounds} questions a room phase, {args.alone} for one learner alone\n")
    print("| what | figure |\n|---|---|")
    for what, figure in rows:
        print(f"| {what} | {figure} |")


if __name__ == "__main__":
    main()
