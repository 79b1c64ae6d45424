"""openSquat 2.3.1: private venv, network sandbox, runs and output parsing."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchkit.venv import pip_install
from matchbench.log import progress
from matchbench.procmon import RunStats, run_monitored

RIVAL_VERSION = "2.3.1"
CONFIDENCE = 2  # openSquat's -c: Levenshtein distance allowed between keyword and first label ("medium")
BENCH_DIR = Path(__file__).resolve().parent.parent
NETBLOCK_DIR = BENCH_DIR / "netblock"
NETPROBE = Path(__file__).resolve().parent / "netprobe.py"
_PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "ftp_proxy", "no_proxy")


class RivalError(RuntimeError):
    pass


@dataclass
class RivalResult:
    stats: RunStats
    by_domain: dict[str, set[str]] = field(default_factory=dict)  # flagged domain -> keywords that matched
    blocked_attempts: list[str] = field(default_factory=list)
    output: Path | None = None


class Rival:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.venv = out_dir / "rival-venv"
        self.work = out_dir / "rival"
        self.netlog = self.work / "netblock-probe.log"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def exe(self) -> Path:
        return self.venv / "bin" / "opensquat"

    def installed_version(self) -> str | None:
        if not self.python.exists():
            return None
        proc = subprocess.run(
            [str(self.python), "-c", "import importlib.metadata as m; print(m.version('opensquat'))"],
            capture_output=True,
            text=True,
            check=False,
        )
        return proc.stdout.strip() if proc.returncode == 0 else None

    def ensure_installed(self) -> None:
        if self.installed_version() == RIVAL_VERSION and self.exe.exists():
            return
        progress(f"rival: installing opensquat=={RIVAL_VERSION} into {self.venv}")
        pip_install(self.venv, [f"opensquat=={RIVAL_VERSION}"])
        if self.installed_version() != RIVAL_VERSION:
            raise RivalError(f"opensquat {RIVAL_VERSION} did not install into {self.venv}")

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
            raise RivalError(f"network block NOT active, refusing to run openSquat: {report}")
        return report

    def run(self, name: str, feed: Path, keywords: Path, timeout: float | None) -> RivalResult:
        self.work.mkdir(parents=True, exist_ok=True)
        out = self.work / f"{name}.json"
        out.unlink(missing_ok=True)
        netlog = self.work / f"{name}.netblock.log"
        netlog.unlink(missing_ok=True)
        cmd = [
            str(self.exe),
            "-k",
            str(keywords),
            "-d",
            str(feed),
            "-c",
            str(CONFIDENCE),
            "-o",
            str(out),
            "-t",
            "json",
        ]
        progress(f"rival: {name}: {' '.join(cmd)}")
        stats = run_monitored(
            cmd,
            stdout=self.work / f"{name}.stdout.log",
            stderr=self.work / f"{name}.stderr.log",
            env=self.env(netlog),
            cwd=self.work,
            timeout=timeout,
        )
        result = RivalResult(stats=stats, output=out)
        if netlog.exists():
            result.blocked_attempts = netlog.read_text(encoding="utf-8").splitlines()
        if stats.returncode == 0 and out.exists():
            result.by_domain = parse_json_output(out)
        progress(
            f"rival: {name}: rc={stats.returncode} wall={stats.wall_s:.1f}s "
            f"flagged={len(result.by_domain):,} "
            f"blocked network attempts={len(result.blocked_attempts)}"
        )
        return result


def parse_json_output(path: Path) -> dict[str, set[str]]:
    """``-t json`` gives ``[{"keyword": K, "domains": [{"domain": D}, ...]}, ...]``: invert, deduplicated."""
    by_domain: dict[str, set[str]] = {}
    for entry in json.loads(path.read_text(encoding="utf-8")):
        keyword = str(entry.get("keyword", ""))
        for item in entry.get("domains", []):
            domain = item.get("domain") if isinstance(item, dict) else item
            if isinstance(domain, str):
                by_domain.setdefault(domain.strip().lower(), set()).add(keyword)
    return by_domain
