"""Run a command and measure wall time, CPU and peak memory of its whole process tree: the monitored run
every benchmark uses (a benchmark adds its own measurements as a ``TreeSampler``)."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


@dataclass
class RunStats:
    cmd: list[str]
    wall_s: float
    returncode: int | None
    timed_out: bool
    peak_tree_rss_kb: int  # max over samples of the sum of VmRSS of the process and all its descendants
    peak_procs: int  # most processes seen in the tree in one sample
    max_single_rss_kb: (
        int  # max VmHWM (own peak RSS since exec) of any process in the tree, when last sampled
    )
    samples: int
    cpu_s: float  # user + system CPU seconds of the process tree
    other_cpu_cores: float  # average cores busy with anything else on the machine during the run
    own_cpu_s: float = 0.0  # CPU seconds of this (benchmark) process during the run
    watched_cpu_s: float = 0.0  # CPU seconds of the run's ``watch_pids`` during the run

    @property
    def peak_kb(self) -> int:
        """Peak memory of the run: the sampled tree peak, or a single process's own peak if that was higher.

        Between two 20 ms samples a short-lived process can peak unseen; its VmHWM still records it.
        """
        return max(self.peak_tree_rss_kb, self.max_single_rss_kb)


def _children(pid: int) -> list[int] | None:
    """Direct children of ``pid`` via /proc/PID/task/*/children; None if the kernel lacks that file."""
    kids: list[int] = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                kids.extend(int(x) for x in fh.read().split())
        except FileNotFoundError:
            if not os.path.exists(f"/proc/{pid}/task/{tid}"):
                continue  # thread ended meanwhile
            return None
        except OSError:
            continue
    return kids


def _children_by_scan(root: int) -> set[int]:
    parent: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parent.setdefault(ppid, []).append(int(entry))
    tree = {root}
    stack = [root]
    while stack:
        for kid in parent.get(stack.pop(), []):
            if kid not in tree:
                tree.add(kid)
                stack.append(kid)
    return tree


def process_tree(root: int) -> set[int]:
    tree = {root}
    stack = [root]
    while stack:
        kids = _children(stack.pop())
        if kids is None:
            return _children_by_scan(root)
        for kid in kids:
            if kid not in tree:
                tree.add(kid)
                stack.append(kid)
    return tree


def rss_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of ``pid`` in kB; zeros if it is gone (or is a kernel thread)."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
                elif line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                    break
    except (OSError, IndexError, ValueError):
        pass
    return rss, hwm


def cpu_ticks(pid: int) -> int:
    """utime + stime of ``pid`` in clock ticks (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0


def machine_busy_s() -> float:
    """CPU seconds the whole machine has spent busy (not idle, not waiting for I/O) since boot."""
    with open("/proc/stat", encoding="ascii") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def self_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class TreeSampler(Protocol):
    """Extra measurements taken at each sample of a monitored run (see ``run_monitored``)."""

    def sample(self, now: float, root: int, rss: Mapping[int, tuple[int, int]]) -> None:
        """``now``: seconds since the start; ``rss``: (VmRSS, VmHWM) in kB of each process of the tree."""


@dataclass
class _TreePeaks:
    """What the samples of one run have seen so far."""

    peak: int = 0  # summed VmRSS of the tree
    procs: int = 0
    samples: int = 0
    max_hwm: int = 0
    last_ticks: dict[int, int] = field(default_factory=dict)  # CPU of each process when last seen

    def sample(self, root: int) -> dict[int, tuple[int, int]]:
        """One sample of the tree under ``root``: (VmRSS, VmHWM) of each of its processes."""
        tree = process_tree(root)
        rss = {pid: rss_kb(pid) for pid in tree}
        for pid in tree:
            ticks = cpu_ticks(pid)
            if ticks:
                self.last_ticks[pid] = ticks
        self.samples += 1
        self.peak = max(self.peak, sum(r for r, _ in rss.values()))
        self.max_hwm = max([self.max_hwm, *(h for _, h in rss.values())])
        self.procs = max(self.procs, len(tree))
        return rss


def run_monitored(
    cmd: Sequence[str],
    *,
    stdout: Path,
    stderr: Path,
    stdin: Path | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
    interval: float = 0.02,
    watch_pids: Sequence[int] = (),
    samplers: Sequence[TreeSampler] = (),
) -> RunStats:
    """Run ``cmd`` in its own session, sampling tree RSS every ``interval`` s; kill the group on timeout.

    ``stdin``: a file to read (default: nothing). ``watch_pids``: other processes (servers the command
    talks to) whose CPU during the run is reported apart and not counted as other load. ``samplers`` see
    every sample of the tree.
    """
    result: dict[str, object] = {}
    peaks = _TreePeaks()
    timed_out = False
    with ExitStack() as files:
        out = files.enter_context(stdout.open("wb"))
        err = files.enter_context(stderr.open("wb"))
        inp = files.enter_context(stdin.open("rb")) if stdin is not None else subprocess.DEVNULL
        busy0, self0 = machine_busy_s(), self_cpu_s()
        watched0 = sum(cpu_ticks(pid) for pid in watch_pids)
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd),
            stdout=out,
            stderr=err,
            stdin=inp,
            env=dict(env) if env else None,
            cwd=cwd,
            start_new_session=True,
        )

        # wait4's ru_maxrss is not used: Linux carries the launching process's high-water mark over exec,
        # so it would report this script's own RSS for any small child. Its CPU times are fine.
        def reap() -> None:
            _, status, usage = os.wait4(proc.pid, 0)
            result["end"] = time.perf_counter()
            result["status"] = status
            result["cpu"] = usage.ru_utime + usage.ru_stime

        waiter = threading.Thread(target=reap, daemon=True)
        waiter.start()
        deadline = None if timeout is None else start + timeout
        while waiter.is_alive():
            now = time.perf_counter()
            rss = peaks.sample(proc.pid)
            for sampler in samplers:
                sampler.sample(now - start, proc.pid, rss)
            if deadline is not None and time.perf_counter() > deadline and not timed_out:
                timed_out = True
                kill_group(proc.pid, waiter)
            waiter.join(interval)
        waiter.join()
        busy1, self1 = machine_busy_s(), self_cpu_s()
        watched1 = sum(cpu_ticks(pid) for pid in watch_pids)
    status = result.get("status")
    returncode = os.waitstatus_to_exitcode(status) if isinstance(status, int) else None
    proc.returncode = returncode  # we reaped it ourselves; keep Popen from trying again
    end = result.get("end")
    wall = (end if isinstance(end, float) else time.perf_counter()) - start
    cpu = result.get("cpu")
    tick = os.sysconf("SC_CLK_TCK")
    # wait4 counts only the descendants the process reaped itself; the samples also see the others.
    cpu_s = max(cpu if isinstance(cpu, float) else 0.0, sum(peaks.last_ticks.values()) / tick)
    own_cpu_s = self1 - self0
    watched_cpu_s = (watched1 - watched0) / tick
    other = max(0.0, (busy1 - busy0) - cpu_s - own_cpu_s - watched_cpu_s) / wall if wall > 0 else 0.0
    return RunStats(
        cmd=list(cmd),
        wall_s=wall,
        returncode=returncode,
        timed_out=timed_out,
        peak_tree_rss_kb=peaks.peak,
        peak_procs=peaks.procs,
        max_single_rss_kb=peaks.max_hwm,
        samples=peaks.samples,
        cpu_s=cpu_s,
        other_cpu_cores=other,
        own_cpu_s=own_cpu_s,
        watched_cpu_s=watched_cpu_s,
    )


def kill_group(pgid: int, waiter: threading.Thread) -> None:
    """SIGTERM the process group we created, then SIGKILL it if it is still there after 5 s."""
    for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        waiter.join(grace)
        if not waiter.is_alive():
            # The leader is gone; make sure no worker of the group survives it.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
            return
