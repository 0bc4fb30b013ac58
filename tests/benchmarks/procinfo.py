"""Resident memory of a process and of its children, read from /proc (Linux)."""

from __future__ import annotations

import os
from pathlib import Path


def status_kb(pid: int | str = "self", field: str = "VmRSS") -> int:
    """A `kB` field of /proc/PID/status (VmRSS now, VmHWM the peak); 0 if the process is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def descendants(pid: int) -> list[int]:
    """The process ids started by pid, and by those, and so on."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: the fields follow the last ")".
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def tree_rss_kb(pid: int | None = None) -> tuple[int, int]:
    """(summed VmRSS in kB, number of processes) of pid and all its descendants.

    Summing RSS counts pages shared between the processes (libraries) once per process, as
    a task manager's per-process columns do."""
    pid = pid or os.getpid()
    pids = [pid, *descendants(pid)]
    return sum(status_kb(p) for p in pids), len(pids)
