"""`./run demo`'s world, end to end: `python -m clonewatch.testing.demo --no-serve` starts the demo
world on loopback, watches a day of names with probing and screenshots, clusters, adds the demo
account and stops once the dashboard answers; the store and blob directory it leaves hold it all."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.cookiejar import CookieJar
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
    clone = next(domain for domain, verdict in sorted(verdicts.items()) if verdict == "clone")
    shown = logged_in_page(db, tmp_path / "blobs", password[1], f"/domains/{clone}")
    assert f'alt="screenshot of {clone}"' in shown and 'alt="screenshot of the genuine site"' in shown


def logged_in_page(db: str, blobs: Path, password: str, path: str) -> str:
    """The page at ``path`` of `clonewatch serve` on the demo's store, logged in with the printed password."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = ["serve", "--db", db, "--blobs", str(blobs), "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen([sys.executable, "-m", "clonewatch", *serve])
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(CookieJar())
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                login = opener.open(f"{base}/login", timeout=5).read().decode("utf-8")
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "the dashboard did not start"
                time.sleep(0.2)
        csrf = re.search(r'name="csrf"[^>]*value="([^"]+)"', login)
        assert csrf, login
        form = urllib.parse.urlencode({"csrf": csrf[1], "next": "/", "name": "demo", "password": password})
        with opener.open(f"{base}/login", data=form.encode(), timeout=10) as answer:
            assert not answer.url.endswith("/login"), "the printed password did not log in"
        return str(opener.open(base + path, timeout=10).read().decode("utf-8"))
    finally:
        server.terminate()
        server.wait(10)
