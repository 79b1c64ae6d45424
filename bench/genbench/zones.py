"""The DNS test world: which of the candidate names exist and how, as clonewatch's TestZones."""

from __future__ import annotations

import random
import socket
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from clonewatch.names import default_psl
from clonewatch.testing.dns import LocalDns, TestZones

# How planted registered names are made, cycled in this order (weights: 8 A, 4 A+AAAA, 3 A+AAAA+MX,
# 2 MX only, 1 AAAA only, 2 NS only). NS-only names get their own zone, served by NSD.
REGISTERED_KINDS: tuple[str, ...] = (
    ("a",) * 8 + ("a+aaaa",) * 4 + ("a+aaaa+mx",) * 3 + ("mx",) * 2 + ("aaaa",) + ("ns-only",) * 2
)
REGISTERED_SHARE = 0.015  # of the names: 300 of 20,000
SERVFAIL_NAMES = 5
TIMEOUT_NAMES = 5
WILDCARD_SHARE = 0.01  # the wildcard suffix is the one whose name count is closest to this share
WILDCARD_ADDRESS = "203.0.113.250"
EXPECTED_REGISTERED = frozenset(f"registered:{kind}" for kind in REGISTERED_KINDS)


@dataclass
class DnsPlan:
    """The names to resolve, what each one is in the test zones, and the zones themselves."""

    names: list[str]
    expected: dict[str, str]  # name -> registered:KIND, wildcard, servfail, timeout or unregistered
    zones: TestZones
    wildcard_suffix: str
    seed: int
    counts: dict[str, int] = field(default_factory=dict)


def _isolated(names: list[str]) -> set[str]:
    """Names with no ancestor or descendant in the list: making one of them exist (or fail) cannot
    change the answer for another (no empty non-terminals, no delegations over other names)."""
    present = set(names)
    related: set[str] = set()
    for name in names:
        labels = name.split(".")
        for cut in range(1, len(labels) - 1):
            parent = ".".join(labels[cut:])
            if parent in present:
                related.update((name, parent))
    return present - related


def choose_wildcard_suffix(names: list[str], exclude: set[str]) -> str:
    """The public suffix (not one of the genuine domains' own) whose count of names is closest to
    WILDCARD_SHARE of the list; ties go to the alphabetically first."""
    psl = default_psl()
    counts = Counter(psl.suffix_of(name) for name in names)
    target = max(1.0, WILDCARD_SHARE * len(names))
    candidates = [(abs(count - target), suffix) for suffix, count in counts.items() if suffix not in exclude]
    if not candidates:
        raise ValueError("no suffix left for the wildcard")
    return min(candidates)[1]


def build_plan(names: list[str], genuine_suffixes: set[str], seed: int) -> DnsPlan:
    """Plant registered names (A/AAAA/MX/NS-only mixes), one wildcard suffix, a few SERVFAIL and a few
    timeout names among ``names``; everything else is unregistered (NXDOMAIN)."""
    rng = random.Random(seed)
    suffix = choose_wildcard_suffix(names, genuine_suffixes)
    expected = {name: "unregistered" for name in names}
    under_wildcard = {name for name in names if name.endswith("." + suffix)}
    for name in under_wildcard:
        expected[name] = "wildcard"
    pool = sorted(_isolated(names) - under_wildcard)
    rng.shuffle(pool)
    n_registered = max(1, round(REGISTERED_SHARE * len(names)))
    registered, pool = pool[:n_registered], pool[n_registered:]
    servfail, pool = pool[:SERVFAIL_NAMES], pool[SERVFAIL_NAMES:]
    timeouts = pool[:TIMEOUT_NAMES]
    zones = TestZones(wildcard_suffixes={suffix: WILDCARD_ADDRESS}, servfail=servfail, timeouts=timeouts)
    for index, name in enumerate(registered):
        kind = REGISTERED_KINDS[index % len(REGISTERED_KINDS)]
        expected[name] = f"registered:{kind}"
        host = index % 250 + 1
        if kind == "ns-only":
            zones.only_ns.append(name)
        if "a" in kind.split("+"):
            zones.records.append((name, "A", f"198.51.100.{host}"))
        if "aaaa" in kind.split("+"):
            zones.records.append((name, "AAAA", f"2001:db8::{host:x}"))
        if "mx" in kind.split("+"):
            zones.records.append((name, "MX", f"10 mx.{name}."))
    for name in servfail:
        expected[name] = "servfail"
    for name in timeouts:
        expected[name] = "timeout"
    return DnsPlan(names, expected, zones, suffix, seed, dict(Counter(expected.values())))


def port_is_free(address: str, port: int) -> bool:
    """Whether both UDP and TCP ``address:port`` can be bound right now."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((address, port))
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                tcp.bind((address, port))
    except OSError:
        return False
    return True


# Debian's NSD is built with response rate limiting on (200 responses/s per client /24 by default):
# past that it drops answers or sends them truncated, Unbound retries or returns SERVFAIL, and a
# benchmark would measure NSD's limit rather than the tools.
NSD_NO_RATE_LIMIT = ("rrl-ratelimit: 0", "rrl-whitelist-ratelimit: 0")


class BenchDns(LocalDns):
    """LocalDns for benchmarking. Its resolver (Unbound) listens on port 53 of its loopback address
    when that port is free (binding it needs root), so that dnstwist, which cannot set a DNS port,
    reaches it as its CLI's ``--nameservers ADDRESS`` would; otherwise the free port LocalDns picked is
    kept. NSD runs without response rate limiting."""

    def __init__(self, zones: TestZones, workdir: Path) -> None:
        super().__init__(zones, workdir)
        if port_is_free(self.address, 53):
            self.port = 53

    def _write_nsd_conf(self) -> Path:
        path = super()._write_nsd_conf()
        text = path.read_text(encoding="utf-8")
        options = "".join(f"  {option}\n" for option in NSD_NO_RATE_LIMIT)
        path.write_text(text.replace("server:\n", "server:\n" + options, 1), encoding="utf-8")
        return path
