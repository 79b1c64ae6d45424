"""A real PostgreSQL server on loopback, initialised into a temporary directory for tests and benchmarks.

    with LocalPostgres() as server:
        url = server.url                      # postgresql+psycopg://postgres@127.0.0.1:PORT/clonewatch
        other = server.create_database("t1")  # a fresh, empty database
        server.stop_server(); server.start_server()  # a restart on the same port, data kept

It uses Debian's binaries (``/usr/lib/postgresql/<version>/bin``; the ``postgresql`` package) and,
since PostgreSQL refuses to run as root, runs them as the ``postgres`` system user when started by root.
Durability is switched off (fsync, synchronous commit, full-page writes): the data is thrown away.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

import psycopg

BIN_GLOB = "/usr/lib/postgresql/*/bin"
SYSTEM_USER = "postgres"
SUPERUSER = "postgres"
START_SECONDS = 30
_DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def postgres_bin() -> Path:
    """The newest installed PostgreSQL's bin directory."""
    found = [Path(d) for d in glob.glob(BIN_GLOB) if (Path(d) / "initdb").is_file()]
    if not found:
        raise RuntimeError(
            f"PostgreSQL server binaries not found ({BIN_GLOB}/initdb): install Debian's postgresql package"
        )
    return max(found, key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0)


def _free_tcp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalPostgres:
    """Start with ``with LocalPostgres() as server:``; stopped and deleted on exit."""

    def __init__(self, database: str = "clonewatch") -> None:
        self.database = database
        self.port = 0
        self.workdir: Path | None = None
        self._bin = postgres_bin()
        self._user = SYSTEM_USER if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        return self.url_for(self.database)

    def url_for(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        if not _DATABASE_NAME.fullmatch(name):
            raise ValueError(f"not a plain database name: {name!r}")
        with psycopg.connect(self._conninfo("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"'.encode())
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        if not _DATABASE_NAME.fullmatch(name):
            raise ValueError(f"not a plain database name: {name!r}")
        with psycopg.connect(self._conninfo("postgres"), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())

    def __enter__(self) -> LocalPostgres:
        self.workdir = Path(tempfile.mkdtemp(prefix="clonewatch-pg-"))
        try:
            self._start()
            self.create_database(self.database)
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop()

    def _conninfo(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={database} connect_timeout=5"

    def _start(self) -> None:
        assert self.workdir is not None
        if self._user is not None:
            _ensure_system_user(self._user)
            shutil.chown(self.workdir, self._user, self._user)
        data = self.workdir / "data"
        self._run(
            "initdb",
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        self.port = _free_tcp_port()
        self.start_server()

    def start_server(self) -> None:
        """Start the server (again) on its port, with the data it had."""
        assert self.workdir is not None
        data = self.workdir / "data"
        options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-c port={self.port}",
                f"-c unix_socket_directories={self.workdir}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
            ]
        )
        log = self.workdir / "postgres.log"
        try:
            self._run(
                "pg_ctl",
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(log),
                "-w",
                "-t",
                str(START_SECONDS),
                "start",
            )
        except RuntimeError as exc:
            tail = log.read_text(errors="replace")[-1000:] if log.exists() else ""
            raise RuntimeError(f"{exc}\n{tail}") from None

    def stop_server(self) -> None:
        """Stop the server, as an administrator restarting it would (``pg_ctl stop -m fast``: open
        connections are cut); the data stays for :meth:`start_server`."""
        assert self.workdir is not None
        self._run("pg_ctl", "-D", str(self.workdir / "data"), "-m", "fast", "-w", "stop")

    def _stop(self) -> None:
        if self.workdir is None:
            return
        data = self.workdir / "data"
        try:
            if (data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def _run(self, program: str, *args: str) -> None:
        result = subprocess.run(
            [str(self._bin / program), *args],
            user=self._user,
            group=self._user,
            extra_groups=[] if self._user else None,
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=START_SECONDS + 30,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr.strip()[-1000:]}")


def _ensure_system_user(name: str) -> None:
    """The Debian package creates ``postgres``; create a system user of that name if it is missing."""
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", name], check=True)
