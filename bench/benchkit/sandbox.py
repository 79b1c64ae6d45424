"""The rival sandbox: a rival tool installed from PyPI into its own venv (never clonewatch's), and run with
every non-loopback connection refused (``bench/netblock/sitecustomize.py``), the block proven active by
``netprobe.py`` in the main process and in worker processes before the rival runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from benchkit.log import progress
from benchkit.procmon import RunStats, run_monitored

BENCH_DIR = Path(__file__).resolve().parent.parent
NETBLOCK_DIR = BENCH_DIR / "netblock"
NETPROBE = Path(__file__).resolve().parent / "netprobe.py"
_PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "ftp_proxy", "no_proxy")


class RivalError(RuntimeError):
    pass


def pip_install(venv: Path, requirements: Sequence[str]) -> None:
    """Create ``venv`` when missing and ``pip install`` the requirements into it."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    command = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements]
    subprocess.run(command, check=True)


class SandboxedVenv:
    """``package==version`` (plus any other ``requirements``) in ``venv``; runs in ``work``, network blocked.

    ``label`` starts the progress lines (``rival``, ``dnstwist``). ``probe_extras`` maps a key of the
    network probe's report to a file whose ``check()`` runs in the sandbox once the block is proven
    (see netprobe.py).
    """

    def __init__(
        self,
        venv: Path,
        work: Path,
        *,
        package: str,
        version: str,
        executable: str | None = None,
        requirements: Sequence[str] = (),
        label: str = "rival",
        probe_extras: Mapping[str, Path] | None = None,
    ) -> None:
        self.venv = venv
        self.work = work
        self.package = package
        self.version = version
        self.executable = executable
        self.requirements = [f"{package}=={version}", *requirements]
        self.label = label
        self.probe_extras = dict(probe_extras or {})
        self.netlog = work / "netblock-probe.log"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def exe(self) -> Path:
        return self.venv / "bin" / (self.executable or "python")

    def query(self, code: str) -> str | None:
        """What ``code`` prints under the venv's interpreter (outside the sandbox); None if it fails."""
        if not self.python.exists():
            return None
        proc = subprocess.run([str(self.python), "-c", code], capture_output=True, text=True, check=False)
        return proc.stdout.strip() if proc.returncode == 0 else None

    def installed_version(self) -> str | None:
        """The package's version, or None unless every requirement is installed."""
        others = [r.split("==", 1)[0] for r in self.requirements[1:]]
        return self.query(
            "import importlib.metadata as m; "
            + "".join(f"m.version({name!r}); " for name in others)
            + f"print(m.version({self.package!r}))"
        )

    def ensure_installed(self) -> None:
        if self.installed_version() == self.version and self.exe.exists():
            return
        progress(f"{self.label}: installing {' '.join(self.requirements)} into {self.venv}")
        pip_install(self.venv, self.requirements)
        if self.installed_version() != self.version:
            raise RivalError(f"{self.package} {self.version} did not install into {self.venv}")

    def env(self, netlog: Path | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k.lower() not in _PROXY_VARS}
        env["PYTHONPATH"] = str(NETBLOCK_DIR)
        env["BENCH_NETBLOCK_LOG"] = str(netlog or self.netlog)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONNOUSERSITE", None)
        return env

    def verify_network_block(self) -> dict[str, Any]:
        """Run the probe under the rival's interpreter: the block must be active in main and in workers."""
        self.work.mkdir(parents=True, exist_ok=True)
        extras = [arg for key, path in self.probe_extras.items() for arg in ("--extra", f"{key}={path}")]
        proc = subprocess.run(
            [str(self.python), str(NETPROBE), *extras],
            capture_output=True,
            text=True,
            env=self.env(),
            cwd=self.work,
            timeout=300,
            check=False,
        )
        try:
            report: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError) as exc:
            raise RivalError(f"network-block probe failed: {proc.stdout}\n{proc.stderr}") from exc
        if proc.returncode != 0 or not report.get("ok"):
            raise RivalError(f"network block NOT active, refusing to run {self.package}: {report}")
        kinds = ", ".join(report.get("workers", {}))
        progress(f"{self.label}: network block verified in the main process and in workers ({kinds})")
        return report

    def prepare(self) -> dict[str, Any]:
        """Install when needed, then prove the block; returns the probe's report."""
        self.ensure_installed()
        return self.verify_network_block()

    def fresh_netlog(self, name: str) -> Path:
        """``WORK/NAME.netblock.log``, emptied: where this run's refused attempts are written."""
        self.work.mkdir(parents=True, exist_ok=True)
        netlog = self.work / f"{name}.netblock.log"
        netlog.unlink(missing_ok=True)
        return netlog

    @staticmethod
    def blocked_attempts(netlog: Path) -> list[str]:
        """The refused attempts logged in ``netlog`` (one line each: pid, call, target)."""
        return netlog.read_text(encoding="utf-8").splitlines() if netlog.exists() else []

    def run_sandboxed(
        self, cmd: Sequence[str], *, logs: str, netlog: Path, timeout: float | None
    ) -> RunStats:
        """``cmd`` in the sandbox, from ``work``, monitored; output in ``WORK/LOGS.stdout.log`` and
        ``WORK/LOGS.stderr.log``."""
        self.work.mkdir(parents=True, exist_ok=True)
        return run_monitored(
            cmd,
            stdout=self.work / f"{logs}.stdout.log",
            stderr=self.work / f"{logs}.stderr.log",
            env=self.env(netlog),
            cwd=self.work,
            timeout=timeout,
        )

    def call_sandboxed(self, cmd: Sequence[str], *, netlog: Path) -> subprocess.CompletedProcess[str]:
        """``cmd`` in the sandbox, not monitored, standard error captured (the caller times it)."""
        return subprocess.run(
            list(cmd), stderr=subprocess.PIPE, text=True, check=False, env=self.env(netlog), cwd=self.work
        )
