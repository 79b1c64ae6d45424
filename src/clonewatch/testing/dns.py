"""A real authoritative server (NSD) behind a real resolver (Unbound), on loopback, serving test zones.

NSD holds the root zone with the test names, so nothing is ever asked of the Internet; Unbound in
front behaves like the resolver a user points ``--resolver`` at, and gives the two failures an
authoritative server cannot: names it refuses to answer at all (timeouts) and names whose zone
failed to load (SERVFAIL, passed on from NSD).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import dns.message
import dns.query

NSD_ADDRESS = "127.0.1.1"
UNBOUND_ADDRESS = "127.0.1.2"
STARTUP_SECONDS = 15.0


@dataclass
class TestZones:
    """What the servers hold: plain records, suffixes with a wildcard A record, names that only
    have NS records (their own zone), names whose zone fails to load, names never answered, and
    names served as zones of their own whose NS records name the given name servers (``records``
    at or under such a name go into its zone)."""

    records: list[tuple[str, str, str]] = field(default_factory=list)
    wildcard_suffixes: dict[str, str] = field(default_factory=dict)
    only_ns: list[str] = field(default_factory=list)
    servfail: list[str] = field(default_factory=list)
    timeouts: list[str] = field(default_factory=list)
    name_servers: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def zone_of(self, name: str) -> str | None:
        """The zone of ``name`` among ``name_servers`` (the name itself or a parent), if any."""
        labels = name.rstrip(".").lower().split(".")
        for start in range(len(labels) - 1):
            candidate = ".".join(labels[start:])
            if candidate in self.name_servers:
                return candidate
        return None


def free_port(address: str) -> int:
    """A port free for both UDP and TCP on ``address`` (asked of the kernel, then released)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((address, 0))
            port = int(udp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind((address, port))
                except OSError:
                    continue
                return port
    raise RuntimeError(f"no free port on {address}")


class LocalDns:
    """Start with ``with LocalDns(zones, workdir) as server:``; ``server.resolver`` is HOST:PORT."""

    def __init__(self, zones: TestZones, workdir: Path) -> None:
        self.zones = zones
        self.workdir = workdir
        self.nsd_port = free_port(NSD_ADDRESS)
        self.port = free_port(UNBOUND_ADDRESS)
        self.address = UNBOUND_ADDRESS
        self._processes: list[subprocess.Popen[bytes]] = []

    @property
    def resolver(self) -> str:
        return f"{self.address}:{self.port}"

    def __enter__(self) -> LocalDns:
        nsd, unbound = _binary("nsd"), _binary("unbound")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._write_zones()
        self._start([nsd, "-d", "-c", str(self._write_nsd_conf())], "nsd.out")
        self._wait(NSD_ADDRESS, self.nsd_port)
        self._start([unbound, "-d", "-c", str(self._write_unbound_conf())], "unbound.out")
        self._wait(UNBOUND_ADDRESS, self.port)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for process in reversed(self._processes):
            process.terminate()
        for process in self._processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    def _start(self, command: list[str], log: str) -> None:
        with (self.workdir / log).open("wb") as out:
            self._processes.append(subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT))

    def _wait(self, address: str, port: int) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        query = dns.message.make_query(".", "SOA")
        while time.monotonic() < deadline:
            if any(process.poll() is not None for process in self._processes):
                break
            try:
                dns.query.udp(query, address, port=port, timeout=0.5)
                return
            except (OSError, dns.exception.Timeout):
                time.sleep(0.1)
        logs = "; ".join(path.read_text(errors="replace")[-500:] for path in self.workdir.glob("*.out"))
        raise RuntimeError(f"DNS server on {address}:{port} did not start: {logs}")

    def _write_zones(self) -> None:
        lines = [
            "$ORIGIN .",
            "$TTL 300",
            "@ IN SOA ns.test. admin.test. 1 3600 600 86400 300",
            "@ IN NS ns.test.",
            f"ns.test. IN A {NSD_ADDRESS}",
        ]
        own: dict[str, list[str]] = {name: [] for name in self.zones.name_servers}
        for name, rtype, data in self.zones.records:
            zone = self.zones.zone_of(name)
            (lines if zone is None else own[zone]).append(f"{name}. IN {rtype} {data}")
        lines += [f"*.{suffix}. IN A {address}" for suffix, address in self.zones.wildcard_suffixes.items()]
        lines += [f"{name}. IN NS ns.test." for name in (*self.zones.only_ns, *self.zones.servfail)]
        lines += [
            f"{name}. IN NS {server}."
            for name, servers in self.zones.name_servers.items()
            for server in servers
        ]
        (self.workdir / "root.zone").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for name, servers in self.zones.name_servers.items():
            apex = [
                f"$ORIGIN {name}.",
                "$TTL 300",
                f"@ IN SOA {servers[0]}. admin.test. 1 3600 600 86400 300",
                *(f"@ IN NS {server}." for server in servers),
                *own[name],
            ]
            (self.workdir / f"{name}.zone").write_text("\n".join(apex) + "\n", encoding="utf-8")
        for name in self.zones.only_ns:
            apex = [
                f"$ORIGIN {name}.",
                "$TTL 300",
                "@ IN SOA ns.test. admin.test. 1 3600 600 86400 300",
                "@ IN NS ns.test.",
            ]
            (self.workdir / f"{name}.zone").write_text("\n".join(apex) + "\n", encoding="utf-8")

    def _write_nsd_conf(self) -> Path:
        work = self.workdir
        served = (*self.zones.only_ns, *self.zones.name_servers)
        zones = [(".", "root.zone")] + [(name, f"{name}.zone") for name in served]
        zones += [(name, f"{name}.missing.zone") for name in self.zones.servfail]
        text = "\n".join(
            [
                "server:",
                f"  ip-address: {NSD_ADDRESS}@{self.nsd_port}",
                '  username: ""',
                '  chroot: ""',
                f'  zonesdir: "{work}"',
                f'  pidfile: "{work}/nsd.pid"',
                f'  xfrdfile: "{work}/xfrd.state"',
                f'  zonelistfile: "{work}/zone.list"',
                f'  logfile: "{work}/nsd.log"',
                "  server-count: 1",
                "  do-ip6: no",
                "  rrl-ratelimit: 0",  # NSD rate-limits answers by default: not here
                "  rrl-whitelist-ratelimit: 0",
                "remote-control:",
                "  control-enable: no",
                *(f'zone:\n  name: "{name}"\n  zonefile: "{file}"' for name, file in zones),
            ]
        )
        path = work / "nsd.conf"
        path.write_text(text + "\n", encoding="utf-8")
        return path

    def _write_unbound_conf(self) -> Path:
        work = self.workdir
        delegated = (*self.zones.only_ns, *self.zones.servfail, *self.zones.name_servers)
        stubs = [".", *(f"{name}." for name in delegated)]
        text = "\n".join(
            [
                "server:",
                f"  interface: {UNBOUND_ADDRESS}@{self.port}",
                f"  port: {self.port}",
                "  do-ip6: no",
                '  username: ""',
                '  chroot: ""',
                f'  directory: "{work}"',
                f'  pidfile: "{work}/unbound.pid"',
                "  use-syslog: no",
                f'  logfile: "{work}/unbound.log"',
                "  do-not-query-localhost: no",
                '  module-config: "iterator"',
                "  access-control: 127.0.0.0/8 allow",
                "  qname-minimisation: no",
                "  num-threads: 1",
                "  so-reuseport: no",
                *(f'  local-zone: "{name}." deny' for name in self.zones.timeouts),
                *(
                    f'stub-zone:\n  name: "{name}"\n  stub-addr: {NSD_ADDRESS}@{self.nsd_port}'
                    for name in stubs
                ),
                "remote-control:",
                "  control-enable: no",
            ]
        )
        path = work / "unbound.conf"
        path.write_text(text + "\n", encoding="utf-8")
        return path


def _binary(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if not found:
        raise RuntimeError(f"{name} is not installed (the test setup installs Debian's nsd and unbound)")
    return found
