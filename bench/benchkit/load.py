"""How busy the rest of the machine was while a section of the benchmark ran in this process (Linux
/proc): the in-process counterpart of ``procmon.run_monitored``, for work timed through a Python API."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from benchkit.procmon import machine_busy_s

_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds of the process and of its reaped children) of one process."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2 :].split()
    ppid = int(fields[1])
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return ppid, (utime + stime + cutime + cstime) / _TICK


def tree_cpu_s(root: int) -> float:
    """CPU seconds used by ``root`` and every live descendant (and the children they have reaped)."""
    stats = {pid: stat for pid in _pids() if (stat := _stat(pid)) is not None}
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
        todo.extend(children.get(pid, []))
    return total


def _pids() -> list[int]:
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def titled_cpu_s(prefix: bytes) -> float:
    """CPU seconds of the live processes whose command line starts with ``prefix`` (a PostgreSQL
    backend names itself ``postgres: USER DATABASE ...``; the server is not in this process tree)."""
    total = 0.0
    for pid in _pids():
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                title = fh.read(len(prefix))
        except OSError:
            continue
        if title == prefix and (stat := _stat(pid)) is not None:
            total += stat[1]
    return total


@dataclass
class LoadMeter:
    """``with LoadMeter() as meter:``; afterwards ``meter.other_cores`` is the average number of cores
    kept busy by processes outside this benchmark's process tree during the block. ``also`` counts
    more CPU seconds as the benchmark's own (servers it uses that run outside its tree)."""

    also: Callable[[], float] | None = None
    wall_s: float = 0.0
    own_cpu_s: float = 0.0
    other_cores: float = 0.0
    _start: tuple[float, float, float] = field(default=(0.0, 0.0, 0.0), repr=False)

    def __enter__(self) -> LoadMeter:
        self._start = (time.perf_counter(), machine_busy_s(), self._own())
        return self

    def _own(self) -> float:
        return tree_cpu_s(os.getpid()) + (self.also() if self.also is not None else 0.0)

    def __exit__(self, *exc: object) -> None:
        wall0, busy0, own0 = self._start
        self.wall_s = time.perf_counter() - wall0
        self.own_cpu_s = self._own() - own0
        other = (machine_busy_s() - busy0) - self.own_cpu_s
        self.other_cores = max(0.0, other) / self.wall_s if self.wall_s > 0 else 0.0

    def as_json(self) -> dict[str, float]:
        return {
            "wall_s": round(self.wall_s, 3),
            "own_cpu_s": round(self.own_cpu_s, 2),
            "other_cores": round(self.other_cores, 2),
        }
