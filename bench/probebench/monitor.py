"""Run ``clonewatch probe`` with names on stdin through benchkit's monitored run, with the measures this
benchmark adds: the clonewatch (Python) process's own peak, the peak of its whole tree (Playwright's driver
and Chromium's processes included) by kind of process and as summed PSS (shared pages split between the
processes), the CPU of the lab's DNS servers, and how many results were out after each second."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchkit.procmon import run_monitored

PSS_EVERY = 0.5  # seconds between PSS samples (smaps_rollup costs the kernel more than status)
LINES_EVERY = 1.0  # seconds between counts of the output lines


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


@dataclass
class ProbeSampler:
    """The probe's own measures, taken at each sample of benchkit's monitored run."""

    output: Path
    python_peak: int = 0
    tree_pss: int = 0
    groups: dict[str, int] = field(default_factory=dict)
    first: float | None = None
    timeline: list[tuple[float, int]] = field(default_factory=list)
    _last_pss: float = -math.inf
    _last_lines: float = -math.inf

    def sample(self, now: float, root: int, rss: Mapping[int, tuple[int, int]]) -> None:
        if root in rss:
            self.python_peak = max(self.python_peak, *rss[root])
        by_group: dict[str, int] = {}
        for pid, (kb, _) in rss.items():
            kind = _group(pid)
            by_group[kind] = by_group.get(kind, 0) + kb
        for kind, kb in by_group.items():
            self.groups[kind] = max(self.groups.get(kind, 0), kb)
        if now - self._last_pss >= PSS_EVERY:
            self._last_pss = now
            self.tree_pss = max(self.tree_pss, sum(pss_kb(pid) for pid in rss))
        if now - self._last_lines >= LINES_EVERY:
            self._last_lines = now
            lines = _count_lines(self.output)
            self.timeline.append((round(now, 2), lines))
            if self.first is None and lines:
                self.first = now


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
    sampler = ProbeSampler(stdout)
    stats = run_monitored(
        cmd,
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        timeout=timeout,
        interval=interval,
        watch_pids=dns_pids,
        samplers=[sampler],
    )
    return ProbeStats(
        cmd=stats.cmd,
        wall_s=stats.wall_s,
        returncode=stats.returncode,
        timed_out=stats.timed_out,
        python_peak_kb=sampler.python_peak,
        tree_peak_rss_kb=stats.peak_tree_rss_kb,
        tree_peak_pss_kb=sampler.tree_pss,
        group_peak_rss_kb=sampler.groups,
        peak_procs=stats.peak_procs,
        samples=stats.samples,
        cpu_s=stats.cpu_s,
        lab_cpu_s=stats.own_cpu_s,
        dns_cpu_s=stats.watched_cpu_s,
        other_cpu_cores=stats.other_cpu_cores,
        first_result_s=sampler.first,
        timeline=[*sampler.timeline, (round(stats.wall_s, 2), _count_lines(stdout))],
    )
