"""The memory of a process and all its descendants, sampled from /proc (Linux), for tests that
state a cap on a whole process tree (Playwright's driver and every Chromium process included).

PSS (proportional set size) splits each shared page between the processes that map it, so the
sum over a tree is what the tree really holds, where summed RSS would count Chromium's shared
code once per process."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType


def descendants(root: int) -> list[int]:
    """``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found = [root]
    for pid in found:
        found.extend(children.get(pid, ()))
    return found


def pss(pid: int) -> int:
    """A process's proportional set size in bytes (0 when it is gone)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii", errors="replace")
    except OSError:
        return 0
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


class TreeMemory:
    """Samples the summed PSS of a process tree in a thread while in use; ``peak`` in bytes."""

    def __init__(self, root: int | None = None, every: float = 0.1) -> None:
        self.root = root if root is not None else os.getpid()
        self.every = every
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-memory", daemon=True)

    def sample(self) -> int:
        total = sum(pss(pid) for pid in descendants(self.root))
        self.peak = max(self.peak, total)
        self.samples += 1
        return total

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()

    def __enter__(self) -> TreeMemory:
        self.sample()
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
