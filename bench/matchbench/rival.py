"""openSquat 2.3.1: private venv, network sandbox, runs and output parsing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from benchkit.log import progress
from benchkit.procmon import RunStats
from benchkit.sandbox import SandboxedVenv

RIVAL_VERSION = "2.3.1"
VERSION_CHECK = Path(__file__).resolve().parent / "opensquat_check.py"
CONFIDENCE = 2  # openSquat's -c: Levenshtein distance allowed between keyword and first label ("medium")


@dataclass
class RivalResult:
    stats: RunStats
    by_domain: dict[str, set[str]] = field(default_factory=dict)  # flagged domain -> keywords that matched
    blocked_attempts: list[str] = field(default_factory=list)
    output: Path | None = None


class Rival(SandboxedVenv):
    def __init__(self, out_dir: Path) -> None:
        super().__init__(
            out_dir / "rival-venv",
            out_dir / "rival",
            package="opensquat",
            version=RIVAL_VERSION,
            executable="opensquat",
            probe_extras={"opensquat_version_check": VERSION_CHECK},
        )
        self.out_dir = out_dir

    def run(self, name: str, feed: Path, keywords: Path, timeout: float | None) -> RivalResult:
        netlog = self.fresh_netlog(name)
        out = self.work / f"{name}.json"
        out.unlink(missing_ok=True)
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
        stats = self.run_sandboxed(cmd, logs=name, netlog=netlog, timeout=timeout)
        result = RivalResult(stats=stats, output=out, blocked_attempts=self.blocked_attempts(netlog))
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
