"""`clonewatch users` and `clonewatch serve` through the installed console script."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from clonewatch.store import Store
from tests.conftest import CLONEWATCH
from tests.web.conftest import Api, api_caller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_users_add_hashes_the_password_from_standard_input(cli: Any, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'w.db'}"
    added = cli("users", "add", "ana", "--role", "analyst", "--db", db, stdin=b"a long passphrase\n")
    assert added.returncode == 0, added.stderr
    assert "added ana (analyst)" in added.stderr
    with Store.open(db) as store:
        user = store.user("ana")
    assert user is not None and user.password_hash.startswith("$argon2id$")
    assert "a long passphrase" not in user.password_hash

    again = cli("users", "add", "ana", "--role", "viewer", "--db", db, stdin=b"another passphrase\n")
    assert (again.returncode, again.stderr.strip()) == (2, "clonewatch: error: user 'ana' exists already")
    short = cli("users", "add", "bo", "--role", "viewer", "--db", db, stdin=b"short\n")
    assert short.returncode == 2 and "8 to 1024 characters" in short.stderr
    role = cli("users", "add", "bo", "--role", "root", "--db", db, stdin=b"a long passphrase\n")
    assert role.returncode == 2 and "unknown role 'root': use one of viewer, analyst, admin" in role.stderr
    nobody = cli("users", "token", "nobody", "--db", db)
    assert nobody.returncode == 2 and "no user 'nobody'" in nobody.stderr
    listed = cli("users", "list", "--db", db)
    assert listed.stdout.split("\t")[:2] == ["ana", "analyst"]


def test_serve_answers_on_loopback_with_a_token(cli: Any, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'w.db'}"
    assert (
        cli("users", "add", "vera", "--role", "viewer", "--db", db, stdin=b"a long passphrase\n").returncode
        == 0
    )
    token = cli("users", "token", "vera", "--db", db).stdout.strip()
    assert token.startswith("cw_")
    port = free_port()
    server = subprocess.Popen(
        [str(CLONEWATCH), "serve", "--db", db, "--port", str(port), "--blobs", str(tmp_path / "blobs")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CLONEWATCH_SECRET": "s" * 40},
    )
    try:
        api: Api = api_caller(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = api("/api/me", token)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (
                    server.stderr.read() if server.stderr else ""
                )
                time.sleep(0.2)
        assert (status, body) == (200, {"name": "vera", "role": "viewer"})
        assert api("/api/findings")[0] == 401
        assert api("/api/findings", token)[1]["total"] == 0
    finally:
        server.send_signal(signal.SIGINT)
        _, stderr = server.communicate(timeout=30)
    assert f"on http://127.0.0.1:{port}/" in stderr


def test_serve_refuses_a_short_secret(cli: Any, tmp_path: Path) -> None:
    done = cli("serve", "--db", f"sqlite:///{tmp_path / 'w.db'}", env={"CLONEWATCH_SECRET": "short"})
    assert done.returncode == 2 and "CLONEWATCH_SECRET is too short" in done.stderr
