"""Real proxies on loopback that stand in for vantage points: Debian's ``tinyproxy`` (HTTP
``CONNECT``) and ``microsocks`` (SOCKS5, with or without RFC 1929 user and password), each
connecting out from its own ``source`` address, so a lab site sees a different client address per
vantage, as a site abroad sees another country.

A proxy resolves target names with the system's resolver. Each one runs in a mount namespace of
its own where ``/etc/hosts`` holds the names the test gives it and ``/etc/nsswitch.conf`` says
``hosts: files``: it knows the lab's names, asks no DNS server at all (nothing leaves loopback),
and the machine's resolver stays as it is for everything else. ``targets`` reads the proxy's own
log: what it was asked to reach.

    with ConnectProxy("127.0.5.1", source="127.0.5.2", hosts={"clone.test": "127.0.5.9"}) as proxy:
        proxy.url  # http://127.0.5.1:PORT
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import ClassVar, Self

from clonewatch.testing.processes import stop

STARTUP_SECONDS = 10.0
STARTS = 5  # tries, each on a fresh port, when another process took the port we picked
IDLE_SECONDS = 30
_JAIL = 'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/nsswitch.conf && shift 2 && exec "$@"'


def hosts_of(records: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """The A records among DNS ``records`` (``TestZones.records``) as a proxy's hosts."""
    return {name: data for name, rtype, data in records if rtype == "A"}


class _Proxy:
    """A proxy process listening on ``address``; a context manager that starts and stops it."""

    scheme: ClassVar[str] = ""
    binary: ClassVar[str] = ""

    def __init__(self, address: str, *, source: str, hosts: Mapping[str, str]) -> None:
        self.address = address
        self.source = source
        self.hosts = dict(hosts)
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._workdir: tempfile.TemporaryDirectory[str] | None = None
        self._kept_log = ""

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.address}:{self.port}"

    @property
    def log(self) -> str:
        """The proxy's log so far (kept when the proxy stops)."""
        return _read(self._log_path) if self._workdir else self._kept_log

    @property
    def targets(self) -> list[str]:
        """``HOST:PORT`` the proxy's log says it was asked to reach, in order."""
        raise NotImplementedError

    @property
    def _dir(self) -> Path:
        assert self._workdir is not None
        return Path(self._workdir.name)

    @property
    def _output_path(self) -> Path:
        return self._dir / "output"

    @property
    def _log_path(self) -> Path:
        """Where the proxy logs its connections (its output unless it keeps a log file)."""
        return self._output_path

    def _command(self) -> list[str]:
        raise NotImplementedError

    def __enter__(self) -> Self:
        binary = shutil.which(self.binary) or shutil.which(self.binary, path="/usr/sbin:/sbin")
        if binary is None:
            raise RuntimeError(f"{self.binary} is not installed (./run installs Debian's package)")
        self._workdir = tempfile.TemporaryDirectory(prefix=f"{self.binary}-")
        hosts = self._dir / "hosts"
        hosts.write_text("".join(f"{address} {name}\n" for name, address in self.hosts.items()), "utf-8")
        nsswitch = self._dir / "nsswitch.conf"
        nsswitch.write_text("hosts: files\n", encoding="utf-8")
        jail = ["unshare", "--mount", "--propagation", "private"]
        if os.geteuid() != 0:
            jail.append("--map-root-user")
        for _ in range(STARTS):
            self.port = _free_port(self.address)
            with self._output_path.open("wb") as out:
                self._process = subprocess.Popen(
                    [*jail, "sh", "-c", _JAIL, "sh", str(hosts), str(nsswitch), binary, *self._command()],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            if self._wait():
                return self
        said = " ".join(_read(path)[-400:] for path in dict.fromkeys((self._output_path, self._log_path)))
        self.__exit__(None, None, None)
        raise RuntimeError(f"{self.binary} did not start on {self.address}: {said}")

    def _wait(self) -> bool:
        """Whether the proxy listens (False when it died, e.g. the port was taken meanwhile)."""
        assert self._process is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            if _listening(self.address, self.port):
                return True
            time.sleep(0.05)
        self._process.kill()
        self._process.wait()
        return False

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._process is not None:
            stop(self._process)
            self._process = None
        if self._workdir is not None:
            self._kept_log = self.log
            self._workdir.cleanup()
            self._workdir = None


class ConnectProxy(_Proxy):
    """tinyproxy: an HTTP proxy (clonewatch sends it ``CONNECT host:port`` only), any port."""

    scheme = "http"
    binary = "tinyproxy"
    _REQUEST = re.compile(r"Request \(file descriptor \d+\): CONNECT (\S+) HTTP/")
    _CLIENT = re.compile(r"Connect \(file descriptor \d+\): (\S+)")

    @property
    def targets(self) -> list[str]:
        return self._REQUEST.findall(self.log)

    @property
    def _log_path(self) -> Path:
        return self._dir / "tinyproxy.log"

    @property
    def clients(self) -> list[str]:
        """The address of every connection the proxy accepted, in order."""
        return self._CLIENT.findall(self.log)

    def _command(self) -> list[str]:
        config = self._dir / "tinyproxy.conf"
        lines = [
            f"Listen {self.address}",
            f"Port {self.port}",
            f"Bind {self.source}",
            f"Timeout {IDLE_SECONDS}",
            "Allow 127.0.0.0/8",
            f'LogFile "{self._log_path}"',
            "LogLevel Connect",
            "MaxClients 64",
        ]
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return ["-d", "-c", str(config)]


class SocksProxy(_Proxy):
    """microsocks: a SOCKS5 proxy; with ``credentials`` it requires that user and password."""

    scheme = "socks5h"
    binary = "microsocks"
    _CONNECTED = re.compile(r"client\[\d+\] \S+: connected to (\S+)")

    def __init__(
        self,
        address: str,
        *,
        source: str,
        hosts: Mapping[str, str],
        credentials: tuple[str, str] | None = None,
    ) -> None:
        super().__init__(address, source=source, hosts=hosts)
        self.credentials = credentials

    @property
    def targets(self) -> list[str]:
        """``HOST:PORT`` of every connection the proxy opened (microsocks logs only those)."""
        return self._CONNECTED.findall(self.log)

    def _command(self) -> list[str]:
        command = ["-i", self.address, "-p", str(self.port), "-b", self.source]
        if self.credentials is not None:
            command += ["-u", self.credentials[0], "-P", self.credentials[1]]
        return command


def _free_port(address: str) -> int:
    with socket.socket() as probe:
        probe.bind((address, 0))
        return int(probe.getsockname()[1])


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def _listening(address: str, port: int) -> bool:
    """Whether a TCP socket listens on ``address:port`` (read from /proc: no connection made)."""
    local = f"{socket.inet_aton(address)[::-1].hex().upper()}:{port:04X}"
    for line in Path("/proc/net/tcp").read_text(encoding="ascii").splitlines()[1:]:
        fields = line.split()
        if fields[1] == local and fields[3] == "0A":
            return True
    return False
