"""`./run demo`'s world, end to end: `python -m clonewatch.testing.demo --no-serve` starts the demo
world on loopback, watches a day of names with probing and screenshots, clusters, adds the demo
account and stops once the dashboard answers; the store and blob directory it leaves hold it all."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

Cli = Callable[..., subprocess.CompletedProcess[str]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_demo_runs_the_whole_job_to_the_dashboard(cli: Cli, tmp_path: Path) -> None:
    port = free_port()
    demo = subprocess.run(
        [sys.executable, "-m", "clonewatch.testing.demo", "--no-serve", "--workdir", str(tmp_path),
         "--port", str(port)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert "Traceback" not in demo.stderr, demo.stderr[-3000:]
    answered = re.search(r"serving after [\d.]+ s; the login page answers: .*clonewatch", demo.stdout)
    assert answered, demo.stdout
    assert f"Dashboard: http://127.0.0.1:{port}/" in demo.stdout
    password = re.search(r"Password: +(\S+)", demo.stdout)
    assert password and len(password[1]) >= 8
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    found = cli("findings", "--db", db, "--format", "jsonl")
    assert found.returncode == 0, found.stderr
    verdicts = {row["domain"]: row["verdict"] for row in map(json.loads, found.stdout.splitlines())}
    kinds = {"clone", "parked", "defensive", "redirector", "cloaked", "unrelated", "no-website"}
    assert kinds | {"unregistered"} <= set(verdicts.values()), verdicts
    assert all(verdict is not None for verdict in verdicts.values()), verdicts
    blobs = [path for path in (tmp_path / "blobs").rglob("*") if path.is_file()]
    pngs = [path for path in blobs if path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"]
    assert pngs, "no screenshot in the blob directory"
    campaigns = cli("campaigns", "--db", db, "--format", "jsonl")
    assert campaigns.returncode == 0, campaigns.stderr
    held = [json.loads(line) for line in campaigns.stdout.splitlines()]
    assert len(held) >= 2 and all(c["roles"].get("clone") for c in held), held
    users = cli("users", "list", "--db", db)
    assert users.returncode == 0 and "demo" in users.stdout, users.stdout
