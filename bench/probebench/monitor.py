"""Run ``clonewatch probe`` with names on stdin and measure its wall time, CPU and memory: the clonewatch
(Python) process's own peak, and the peak of its whole process tree (Playwright's driver and Chromium's
processes included) as summed RSS and as summed PSS (shared pages split between the processes)."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchkit.procmon import cpu_ticks, kill_group, machine_busy_s, process_tree, rss_kb, self_cpu_s

PSS_EVERY = 0.5  # seconds between PSS samples (smaps_rollup costs the kernel more than status)


@dataclass
class ProbeStats:
    cmd: list[str]
    wall_s: float
    returncode: int | None
    timed_out: bool
    python_peak_kb: int  # the clonewatch process's own peak: max(sampled VmRSS, VmHWM)
    tree_peak_rss_kb: int  # max over samples of the summed VmRSS of the tree
    tree_peak_pss_kb: int  # max over samples of the summed PSS of the tree (sampled less often)
    group_peak_rss_kb: dict[str, int]  # per kind of process (python, node, chromium, other): summed RSS
    peak_procs: int
    samples: int
    cpu_s: float  # user + system CPU seconds of the tree
    lab_cpu_s: float  # CPU seconds of this process (the lab's web servers) during the run
    dns_cpu_s: float  # CPU seconds of NSD and Unbound during the run
    other_cpu_cores: float  # average cores busy with anything else on the machine
    first_result_s: float | None = None  # seconds until the first output line (start-up cost)
    timeline: list[tuple[float, int]] = field(default_factory=list)  # (seconds, lines of output so far)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _group(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm", encoding="ascii", errors="replace") as fh:
            comm = fh.read().strip().lower()
    except OSError:
        return "other"
    if comm.startswith("python") or comm == "clonewatch":
        return "python"
    if comm.startswith("node"):
        return "node"
    if "chrom" in comm or comm.startswith(("headless", "cat")):
        return "chromium"
    return "other"


def pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _count_lines(path: Path) -> int:
    try:
        with path.open("rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 16), b""))
    except OSError:
        return 0


def run_probe(
    cmd: Sequence[str],
    *,
    stdin: Path,
    stdout: Path,
    stderr: Path,
    dns_pids: Sequence[int] = (),
    timeout: float | None = None,
    interval: float = 0.05,
) -> ProbeStats:
    """Run ``cmd`` in its own session with ``stdin``; sample its tree every ``interval`` s."""
    result: dict[str, Any] = {}
    ticks = os.sysconf("SC_CLK_TCK")
    with stdin.open("rb") as inp, stdout.open("wb") as out, stderr.open("wb") as err:
        busy0, self0 = machine_busy_s(), self_cpu_s()
        dns0 = sum(cpu_ticks(pid) for pid in dns_pids)
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdin=inp, stdout=out, stderr=err, start_new_session=True)

        def reap() -> None:
            _, status, usage = os.wait4(proc.pid, 0)
            result["end"] = time.perf_counter()
            result["status"] = status
            result["cpu"] = usage.ru_utime + usage.ru_stime

        waiter = threading.Thread(target=reap, daemon=True)
        waiter.start()
        python_peak = tree_rss = tree_pss = peak_procs = samples = 0
        groups: dict[str, int] = {}
        last_ticks: dict[int, int] = {}
        last_pss = 0.0
        first: float | None = None
        timeline: list[tuple[float, int]] = []
        last_line_check = 0.0
        timed_out = False
        deadline = None if timeout is None else start + timeout
        while waiter.is_alive():
            now = time.perf_counter()
            tree = process_tree(proc.pid)
            total = 0
            by_group: dict[str, int] = {}
            for pid in tree:
                rss, hwm = rss_kb(pid)
                total += rss
                if pid == proc.pid:
                    python_peak = max(python_peak, rss, hwm)
                kind = _group(pid)
                by_group[kind] = by_group.get(kind, 0) + rss
                t = cpu_ticks(pid)
                if t:
                    last_ticks[pid] = t
            tree_rss = max(tree_rss, total)
            for kind, kb in by_group.items():
                groups[kind] = max(groups.get(kind, 0), kb)
            if now - last_pss >= PSS_EVERY:
                last_pss = now
                tree_pss = max(tree_pss, sum(pss_kb(pid) for pid in tree))
            if now - last_line_check >= 1.0:
                last_line_check = now
                lines = _count_lines(stdout)
                timeline.append((round(now - start, 2), lines))
                if first is None and lines:
                    first = now - start
            samples += 1
            peak_procs = max(peak_procs, len(tree))
            if deadline is not None and now > deadline and not timed_out:
                timed_out = True
                kill_group(proc.pid, waiter)
            waiter.join(interval)
        waiter.join()
        busy1, self1 = machine_busy_s(), self_cpu_s()
        dns1 = sum(cpu_ticks(pid) for pid in dns_pids)
    status = result.get("status")
    returncode = os.waitstatus_to_exitcode(status) if isinstance(status, int) else None
    proc.returncode = returncode
    end = result.get("end")
    wall = (end if isinstance(end, float) else time.perf_counter()) - start
    timeline.append((round(wall, 2), _count_lines(stdout)))
    cpu = result.get("cpu")
    cpu_s = max(cpu if isinstance(cpu, float) else 0.0, sum(last_ticks.values()) / ticks)
    lab_cpu = self1 - self0
    dns_cpu = (dns1 - dns0) / ticks
    other = max(0.0, (busy1 - busy0) - cpu_s - lab_cpu - dns_cpu) / wall if wall > 0 else 0.0
    return ProbeStats(
        cmd=list(cmd),
        wall_s=wall,
        returncode=returncode,
        timed_out=timed_out,
        python_peak_kb=python_peak,
        tree_peak_rss_kb=tree_rss,
        tree_peak_pss_kb=tree_pss,
        group_peak_rss_kb=groups,
        peak_procs=peak_procs,
        samples=samples,
        cpu_s=cpu_s,
        lab_cpu_s=lab_cpu,
        dns_cpu_s=dns_cpu,
        other_cpu_cores=other,
        first_result_s=first,
        timeline=timeline,
    )
