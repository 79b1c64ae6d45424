"""A real Dask cluster on loopback for tests: ``dask scheduler`` and worker processes
(``clonewatch worker`` or plain ``dask worker``), on ports the system picks, torn down on exit.

    with LocalDaskCluster(tmp_path, workers=[[], []]) as cluster:
        run_cli("match", "feed.txt", "--scheduler", cluster.address)
        cluster.kill(1)   # SIGKILL a worker (and anything it started), as a crash would

Every process runs in a session of its own, so stopping one stops its children too (a worker's
Chromium); each one's output goes to a log file in the work directory, shown when it fails. Should
the test process die without tearing down, the scheduler stops after IDLE_TIMEOUT seconds with no
work and the workers DEATH_TIMEOUT seconds after it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from distributed import Client

BIN = Path(sys.executable).parent
START_TIMEOUT = 60.0
# if the test process dies without tearing down: the scheduler stops when idle, the workers without it
IDLE_TIMEOUT = 600
DEATH_TIMEOUT = 30
_REGISTERED = re.compile(r"clonewatch: worker (\S+) serving|Start worker at:\s+(\S+)")


@dataclass
class ClusterProcess:
    process: subprocess.Popen[bytes]
    log: Path
    address: str = ""

    def stop(self, grace: float = 5.0) -> None:
        if self.process.poll() is not None:
            return
        _signal_group(self.process, signal.SIGTERM)
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            _signal_group(self.process, signal.SIGKILL)
            self.process.wait()


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


class LocalDaskCluster:
    """A scheduler and one worker per item of ``workers`` (each item: that worker's extra
    arguments). ``kind``: ``clonewatch`` (``clonewatch worker``) or ``dask`` (``dask worker``)."""

    def __init__(
        self,
        workdir: Path,
        *,
        workers: Sequence[Sequence[str]] = ((), ()),
        kind: str = "clonewatch",
        threads: int = 1,
    ) -> None:
        if kind not in ("clonewatch", "dask"):
            raise ValueError(f"unknown worker kind {kind!r}: clonewatch or dask")
        self.workdir = workdir
        self.kind = kind
        self.threads = threads
        self._worker_args = [list(args) for args in workers]
        self.scheduler: ClusterProcess | None = None
        self.workers: list[ClusterProcess] = []
        self.address = ""

    def __enter__(self) -> LocalDaskCluster:
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        info = self.workdir / "scheduler.json"
        info.unlink(missing_ok=True)
        self.scheduler = self._spawn(
            "scheduler",
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(info), "--idle-timeout", str(IDLE_TIMEOUT)],
        )  # fmt: skip
        self.address = self._wait(lambda: _scheduler_address(info), self.scheduler, "the scheduler")
        for number, extra in enumerate(self._worker_args):
            self.workers.append(self._spawn(f"worker-{number}", self._worker_command(extra)))
        for worker in self.workers:
            worker.address = self._wait(partial(_worker_address, worker.log), worker, "a worker")

    def _worker_command(self, extra: list[str]) -> list[str]:
        common = [self.address, "--host", "127.0.0.1", "--nthreads", str(self.threads),
                  "--death-timeout", str(DEATH_TIMEOUT)]  # fmt: skip
        if self.kind == "clonewatch":
            return [str(BIN / "clonewatch"), "worker", *common, *extra]
        return [str(BIN / "dask"), "worker", *common, "--no-nanny", "--no-dashboard", *extra]

    def _spawn(self, name: str, command: list[str]) -> ClusterProcess:
        log = self.workdir / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        return ClusterProcess(process, log)

    def _wait(self, found: Callable[[], str | None], owner: ClusterProcess, what: str) -> str:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            value = found()
            if value:
                return str(value)
            if owner.process.poll() is not None:
                break
            time.sleep(0.05)
        log = owner.log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{what} did not start (exit {owner.process.poll()}):\n{log}")

    def kill(self, number: int) -> None:
        """SIGKILL worker ``number`` and its children, as a crash or a pulled plug would."""
        worker = self.workers[number]
        _signal_group(worker.process, signal.SIGKILL)
        worker.process.wait()

    def executed(self) -> dict[str, int]:
        """Tasks each live worker has run so far, as the workers tell the cluster."""
        with self._client() as client:
            counts = client.run(lambda dask_worker: dask_worker.state.executed_count)
        return {str(address): int(count) for address, count in counts.items()}

    def processing(self, number: int) -> int:
        """Tasks the scheduler has handed worker ``number`` that it has not finished."""
        address = self.workers[number].address
        with self._client() as client:
            return len(client.processing(workers=[address]).get(address, ()))

    def busy(self) -> int | None:
        """The number of a live worker that has a task in hand, or None."""
        with self._client() as client:
            held = client.processing()
        for number, worker in enumerate(self.workers):
            if worker.process.poll() is None and held.get(worker.address):
                return number
        return None

    @contextmanager
    def _client(self) -> Iterator[Client]:
        from distributed import Client

        with Client(self.address, timeout=10, set_as_default=False) as client:
            yield client

    def logs(self) -> str:
        """Every process's log, for a failing test's message."""
        parts = [self.scheduler, *self.workers] if self.scheduler else self.workers
        return "\n".join(f"--- {p.log.name}\n{p.log.read_text(errors='replace')[-2000:]}" for p in parts)

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        if self.scheduler is not None:
            self.scheduler.stop()


def _scheduler_address(info: Path) -> str | None:
    try:
        return str(json.loads(info.read_text())["address"])
    except (OSError, ValueError, KeyError):
        return None


def _worker_address(log: Path) -> str | None:
    text = log.read_text(errors="replace")
    if "Registered to" not in text and "clonewatch: worker" not in text:
        return None
    found = _REGISTERED.search(text)
    return next(group for group in found.groups() if group) if found else None
