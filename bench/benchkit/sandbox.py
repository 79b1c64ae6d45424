"""A rival tool in its own venv, run with outgoing connections blocked (netblock/sitecustomize.py)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchkit.venv import pip_install

BENCH_DIR = Path(__file__).resolve().parent.parent
NETBLOCK_DIR = BENCH_DIR / "netblock"
NETPROBE = BENCH_DIR / "matchbench" / "netprobe.py"
_PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "ftp_proxy", "no_proxy")


class RivalError(RuntimeError):
    pass


class SandboxedVenv:
    """Install ``package==version`` into ``venv`` and run it with the network block proven active."""

    def __init__(
        self,
        venv: Path,
        work: Path,
        *,
        package: str,
        version: str,
        executable: str,
        progress: Callable[[str], None],
    ) -> None:
        self.venv = venv
        self.work = work
        self.package = package
        self.version = version
        self.executable = executable
        self.netlog = work / "netblock-probe.log"
        self.progress = progress

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def exe(self) -> Path:
        return self.venv / "bin" / self.executable

    def installed_version(self) -> str | None:
        if not self.python.exists():
            return None
        proc = subprocess.run(
            [str(self.python), "-c", f"import importlib.metadata as m; print(m.version({self.package!r}))"],
            capture_output=True,
            text=True,
            check=False,
        )
        return proc.stdout.strip() if proc.returncode == 0 else None

    def ensure_installed(self) -> None:
        if self.installed_version() == self.version and self.exe.exists():
            return
        self.progress(f"rival: installing {self.package}=={self.version} into {self.venv}")
        pip_install(self.venv, [f"{self.package}=={self.version}"])
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
        proc = subprocess.run(
            [str(self.python), str(NETPROBE)],
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
        return report
