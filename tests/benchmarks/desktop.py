"""Desktop app figures: start-up time, memory with a module open, and UI freezes.

Run: .venv/bin/python -m tests.benchmarks.desktop [--runs N] [--webengine]

Every figure comes from fresh processes, against a baseline measured in the same run:
- start-up: `stepcampus --data-dir DIR app --quit-after-start` on a prepared data folder
  (sample course installed, one profile without a PIN, last used: the app opens straight into
  its library), process start to exit, against a bare PySide6 window that exits the same way
  (`bare_window.py`); also process start to the first filled screen (`app_shown.py`), and a
  first start on an empty data folder (which builds and installs the sample course);
- memory: RSS of the app with the reader showing the longest sample module, laid out
  (`reader_rss.py`), against a bare window showing the same page in a QTextBrowser and, with
  --webengine, in a QWebEngineView (`webengine_rss.py`; all its processes summed). QtWebEngine
  is not a project dependency: --webengine installs PySide6-Addons, at the installed PySide6
  version, into a throw-away virtual environment in the system's temporary folder (reused by
  later runs) and never touches .venv;
- UI freezes: the longest gap between ticks of a 5 ms timer on the UI thread, per phase of
  real work driven in one process (`ui_freeze.py`), against an idle event loop.

Windows are offscreen unless a display is available or QT_QPA_PLATFORM says otherwise. An
installed app has its modules compiled to bytecode: where PYTHONDONTWRITEBYTECODE is set
(so this project's sources have none), the children get theirs compiled into a cache in the
temporary folder (PYTHONPYCACHEPREFIX, reused by later runs), never into the source tree.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from tests.benchmarks.appdriver import prepare_in_child, read_report

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
FIRST_START_RUNS = 3
MEMORY_RUNS = 3
FREEZE_RUNS = 3
FREEZE_TARGET_MS = 100
START_TARGET = 3.0
MEMORY_TARGET_MB = 200


@dataclass
class Run:
    seconds: float  # process start to exit
    shown: float | None  # process start to the first screen, when the child tells
    peak_kb: int  # the child's peak RSS
    stdout: str


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")  # the engine refuses root otherwise
    if env.pop("PYTHONDONTWRITEBYTECODE", None):
        env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "stepcampus-bench-pycache")
        compile_all(env)
    return env


def compile_all(env: dict[str, str]) -> None:
    """Bytecode for everything the children may import, in the PYTHONPYCACHEPREFIX cache
    (which replaces every __pycache__ folder, the standard library's included)."""
    skip = r"[/\\](site-packages|test|tests|idlelib|lib2to3|tkinter|turtledemo|ensurepip)[/\\]"
    stdlib = sysconfig.get_paths()["stdlib"]
    for folders, exclude in (([stdlib], ["-x", skip]),
                             ([ROOT / "stepcampus", ROOT / "ui", ROOT / "tests",
                               sysconfig.get_paths()["purelib"]], [])):
        subprocess.run([sys.executable, "-m", "compileall", "-q", "-j0", *exclude, *folders],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(command: list[str | Path], env: dict[str, str], timeout: float = 300) -> Run:
    """Start command, wait for it; its wall time, when it said `shown`, and its peak RSS."""
    with tempfile.TemporaryFile() as out:
        start = time.monotonic()
        process = subprocess.Popen([str(c) for c in command], stdout=out,
                                   stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
        deadline = start + timeout
        while True:  # os.wait4 reports the child's own peak RSS, which Popen.wait drops
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                raise TimeoutError(" ".join(map(str, command)))
            time.sleep(0.002)
        seconds = time.monotonic() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        stdout = out.read().decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} exited with "
                           f"{process.returncode}:\n{stdout[-2000:]}")
    shown = next((float(line.split()[1]) - start for line in stdout.splitlines()
                  if line.startswith("shown ")), None)
    return Run(seconds, shown, usage.ru_maxrss, stdout)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def mb(kb: float) -> str:
    return f"{kb / 1024:.0f} MB"


def webengine_python(env: dict[str, str]) -> Path | None:
    """A Python with PySide6 and QtWebEngine at the installed version, outside the project."""
    pyside = version("PySide6-Essentials")
    venv = Path(tempfile.gettempdir()) / f"stepcampus-bench-webengine-{pyside}"
    python = venv / "bin" / "python"
    check = [str(python), "-c", "import PySide6.QtWebEngineWidgets"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    print(f"installing PySide6-Addons {pyside} into {venv} (throw-away, outside the project)",
          file=sys.stderr)
    steps = [[sys.executable, "-m", "venv", str(venv)],
             [str(python), "-m", "pip", "install", "--quiet",
              f"PySide6-Essentials=={pyside}", f"PySide6-Addons=={pyside}"]]
    for step in steps:
        if subprocess.run(step, env=env).returncode != 0:
            return None
    return python if subprocess.run(check, capture_output=True).returncode == 0 else None


def startup(tmp: Path, runs: int, env: dict[str, str]) -> list[tuple[str, str]]:
    data = tmp / "learner"  # prepared by main()
    bare_cmd: list[str | Path] = [sys.executable, ROOT / "tests/benchmarks/bare_window.py",
                                  "--print-shown"]
    app_args = ["--data-dir", data, "app", "--quit-after-start"]
    app_cmd: list[str | Path] = [BIN / "stepcampus", *app_args]
    shown_cmd: list[str | Path] = [sys.executable, "-m", "tests.benchmarks.app_shown",
                                   *app_args]
    for command in (bare_cmd, app_cmd, shown_cmd):  # warm the disk cache and .pyc files
        run(command, env)
    bare: list[Run] = []
    app: list[Run] = []
    app_shown: list[Run] = []
    for _ in range(runs):  # interleaved, so a busy moment of the machine hits all three
        bare.append(run(bare_cmd, env))
        app.append(run(app_cmd, env))
        app_shown.append(run(shown_cmd, env))
    first: list[Run] = []
    for number in range(FIRST_START_RUNS):
        first.append(run([sys.executable, "-m", "tests.benchmarks.app_shown", "--data-dir",
                          tmp / f"empty-{number}", "app", "--quit-after-start"], env))

    bare_exit = min(r.seconds for r in bare)
    app_exit = min(r.seconds for r in app)
    bare_shown = min(r.shown or 0 for r in bare)
    app_first_screen = min(r.shown or 0 for r in app_shown)
    ratio = app_exit / bare_exit
    verdict = "within" if ratio <= START_TARGET else "OVER"
    bare_median = statistics.median(r.seconds for r in bare)
    return [
        ("start-up, bare PySide6 window: start to exit",
         f"{ms(bare_exit)} (median {ms(bare_median)}), "
         f"peak RSS {mb(min(r.peak_kb for r in bare))}"),
        ("start-up, `stepcampus app --quit-after-start`: start to exit",
         f"{ms(app_exit)} (median {ms(statistics.median(r.seconds for r in app))}) = "
         f"{ratio:.1f}x the bare window ({verdict} the {START_TARGET:.0f}x target), "
         f"peak RSS {mb(min(r.peak_kb for r in app))}"),
        ("start-up: start to the first filled screen", f"app {ms(app_first_screen)} = "
                                                       f"{app_first_screen / bare_shown:.1f}x "
                                                       f"the bare window's {ms(bare_shown)}"),
        ("first start (empty data folder: sample built + installed)",
         f"{ms(min(r.shown or 0 for r in first))} to the first filled screen, "
         f"{ms(min(r.seconds for r in first))} to exit"),
    ]


def memory(tmp: Path, module: str, words: int, webengine: bool,
           env: dict[str, str]) -> list[tuple[str, str]]:
    data = tmp / "learner"  # prepared by main()
    page = tmp / "page.html"
    app = [read_report(run([sys.executable, "-m", "tests.benchmarks.reader_rss", data, module,
                            page], env).stdout) for _ in range(MEMORY_RUNS)]
    plain = [read_report(run([sys.executable, "-m", "tests.benchmarks.webengine_rss",
                              "textbrowser", page], env).stdout) for _ in range(MEMORY_RUNS)]
    app_kb = statistics.median(int(r["rss_kb"]) for r in app)
    plain_kb = statistics.median(int(r["rss_kb"]) for r in plain)
    verdict = "within" if app_kb / 1024 < MEMORY_TARGET_MB else "OVER"
    checkpoints: dict[str, int] = app[len(app) // 2]["checkpoints"]
    rows = [
        (f"memory: the app, reader on the longest module ({module}, {words:,} words)",
         f"{mb(app_kb)} RSS ({verdict} the {MEMORY_TARGET_MB} MB target), peak "
         f"{mb(statistics.median(int(r['hwm_kb']) for r in app))}"),
        ("  on the way", ", ".join(f"{name} {mb(kb)}" for name, kb in checkpoints.items())),
        ("memory: bare window, the same page in a QTextBrowser", mb(plain_kb)),
    ]
    if not webengine:
        rows.append(("memory: the same page in a QWebEngineView", "not measured (--webengine)"))
        return rows
    python = webengine_python(env)
    if python is None:
        rows.append(("memory: the same page in a QWebEngineView",
                     "not measured: PySide6-Addons could not be installed"))
        return rows
    web = [read_report(run([python, "-m", "tests.benchmarks.webengine_rss", "webengine", page],
                           env).stdout) for _ in range(MEMORY_RUNS)]
    web_kb = statistics.median(int(r["rss_kb"]) for r in web)
    rows.append(("memory: the same page in a QWebEngineView (all processes)",
                 f"{mb(web_kb)} in {web[0]['processes']} processes = "
                 f"{web_kb / app_kb:.1f}x the whole app with its reader"))
    return rows


def freezes(tmp: Path, env: dict[str, str]) -> list[tuple[str, str]]:
    reports = [read_report(run([sys.executable, "-m", "tests.benchmarks.ui_freeze",
                                tmp / f"freeze-{number}"], env).stdout)
               for number in range(FREEZE_RUNS)]
    phases: dict[str, list[float]] = {}
    for report in reports:
        for phase in report["phases"]:
            phases.setdefault(phase["phase"], []).append(phase["max_ms"])
    rows = [(f"UI freeze, longest gap of a {reports[0]['tick_ms']} ms timer "
             f"(median of {FREEZE_RUNS} runs; worst)", "")]
    for name, maxima in phases.items():
        worst = max(maxima)
        flag = "" if worst <= FREEZE_TARGET_MS or name.startswith("idle") else "  OVER target"
        rows.append((f"  {name}", f"{statistics.median(maxima):.0f} ms; {worst:.0f} ms{flag}"))
    builds = [float(r["build_ms"]) for r in reports]
    rows.append(("  (window built + start(), before its first paint)",
                 f"{statistics.median(builds):.0f} ms"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="warm start-up runs (default 7)")
    parser.add_argument("--webengine", action="store_true",
                        help="also measure QWebEngineView (installs PySide6-Addons into a "
                             "throw-away virtual environment in the temporary folder)")
    args = parser.parse_args()
    env = child_env()
    print(f"PySide6 {version('PySide6-Essentials')}, {os.cpu_count()} cores, "
          f"QT_QPA_PLATFORM={env.get('QT_QPA_PLATFORM', '(display)')}; start-up: best of "
          f"{args.runs} warm runs", flush=True)
    with tempfile.TemporaryDirectory(prefix="stepcampus-bench-") as tmp_name:
        tmp = Path(tmp_name)
        prepared = prepare_in_child(tmp / "learner", env)
        rows = startup(tmp, args.runs, env)
        rows += memory(tmp, str(prepared["module"]), int(prepared["words"]),
                       args.webengine, env)
        rows += freezes(tmp, env)
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}".rstrip())


if __name__ == "__main__":
    main()
