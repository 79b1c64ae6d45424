"""dnstwist 20250130 in the shared rival sandbox (benchkit.sandbox), and runs of ``rival_runner.py`` under
that venv's interpreter with the network blocked."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchkit.log import progress
from benchkit.sandbox import RivalError, SandboxedVenv
from genbench.inputs import to_ascii, write_lines
from genbench.results import BrandRun, GenRun, positions_of

RIVAL_VERSION = "20250130"
RUNNER = Path(__file__).resolve().parent / "rival_runner.py"
_CODE_SUFFIXES = (".py", ".pyc")


@dataclass
class ScanResult:
    """What dnstwist's Scanner threads found for a list of names."""

    wall_s: float
    queries: int
    threads: int
    nameservers: list[str]
    registered: dict[str, dict[str, Any]]  # name -> the DNS fields dnstwist added (absent: not registered)
    seconds: dict[str, float]  # name -> seconds a scanner thread spent on it
    unfinished: int
    process_wall_s: float


class Rival(SandboxedVenv):
    """dnstwist (with dnspython) in ``OUT/rival-venv``, the venv bench/match's openSquat uses, driven by the
    runner script. Its scans reach only the loopback resolver the benchmark starts."""

    def __init__(self, out_dir: Path) -> None:
        super().__init__(
            out_dir / "rival-venv",
            out_dir / "dnstwist",
            package="dnstwist",
            version=RIVAL_VERSION,
            requirements=["dnspython"],
            label="dnstwist",
        )

    def _runner(self, command: list[str], netlog_name: str) -> tuple[int, str, float]:
        """The runner in the sandbox: (exit code, stderr, wall seconds of the process)."""
        netlog = self.fresh_netlog(netlog_name)
        start = time.perf_counter()
        proc = self.call_sandboxed(command, netlog=netlog)
        wall = time.perf_counter() - start
        blocked = self.blocked_attempts(netlog)
        if blocked:
            progress(f"dnstwist: {netlog_name}: {len(blocked)} network attempts refused (see {netlog})")
        return proc.returncode, proc.stderr, wall

    def wheel_files(self) -> dict[str, list[str]]:
        """The files the installed dnstwist distribution ships: code, and anything else (dictionaries)."""
        text = self.query(
            "import importlib.metadata as m, json; "
            "print(json.dumps([str(f) for f in m.files('dnstwist') or []]))"
        )
        files: list[str] = json.loads(text) if text else []
        data = [
            name
            for name in files
            if not name.endswith(_CODE_SUFFIXES) and ".dist-info/" not in name and "/bin/" not in name
        ]
        return {"all": files, "data": data}

    def generate(
        self,
        key: str,
        label: str,
        domains: list[str],
        tlds: list[str] | None,
        targets: dict[str, set[str]],
    ) -> GenRun:
        """Run the runner's ``generate`` for every domain and turn its output into a GenRun."""
        self.work.mkdir(parents=True, exist_ok=True)
        command = [
            str(self.python),
            str(RUNNER),
            "generate",
            "--domains",
            str(write_lines(self.work / "brands.txt", domains)),
            "--out",
            str(self.work / f"{key}.jsonl"),
        ]
        if tlds is not None:
            command += ["--tlds", str(write_lines(self.work / "tld-dictionary.txt", tlds))]
        run = GenRun(key, label)
        progress(f"dnstwist: {key}: {' '.join(command)}")
        returncode, stderr, wall = self._runner(command, key)
        run.notes["process_wall_s"] = round(wall, 3)
        run.notes["command"] = command
        if returncode != 0:
            run.error = f"runner exited {returncode}: {stderr[-1000:]}"
            return run
        with (self.work / f"{key}.jsonl").open(encoding="utf-8") as fh:
            header = json.loads(fh.readline())
            run.notes.update(header)
            for line in fh:
                record = json.loads(line)
                brand = to_ascii(record["brand"])
                names: list[str] = record["domains"]
                run.brands.append(
                    BrandRun(
                        brand,
                        float(record["seconds"]),
                        len(names),
                        positions_of(names, targets.get(brand, set()), normalize=True),
                    )
                )
                run.notes.setdefault("parsed", {})[brand] = record["parsed"]
        return run

    def scan(self, names: list[str], address: str, port: int, threads: int | None) -> ScanResult:
        """Resolve ``names`` with dnstwist's Scanner threads against ``address:port``."""
        self.work.mkdir(parents=True, exist_ok=True)
        out = self.work / "scan.json"
        out.unlink(missing_ok=True)
        command = [
            str(self.python),
            str(RUNNER),
            "scan",
            "--names",
            str(write_lines(self.work / "scan-names.txt", names)),
            "--nameserver",
            address,
            "--port",
            str(port),
            "--out",
            str(out),
        ]
        if threads:
            command += ["--threads", str(threads)]
        progress(f"dnstwist: scan: {' '.join(command)}")
        returncode, stderr, process_wall = self._runner(command, "scan")
        if returncode != 0 or not out.exists():
            raise RivalError(f"dnstwist scan exited {returncode}: {stderr[-1000:]}")
        data = json.loads(out.read_text(encoding="utf-8"))
        return ScanResult(
            wall_s=float(data["wall_s"]),
            queries=int(data["queries_udp"]) + int(data["queries_tcp"]),
            threads=int(data["threads"]),
            nameservers=list(data["nameservers"]),
            registered={to_ascii(k): v for k, v in data["registered"].items()},
            seconds={to_ascii(k): float(v) for k, v in data["seconds"].items()},
            unfinished=int(data["unfinished"]),
            process_wall_s=process_wall,
        )
