"""The naive rule the clusterer must beat: "same address or same name server = same campaign", as
union-find over every record's A/AAAA addresses and name servers (DNS and RDAP), read from the same
evidence file clonewatch reads."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from clusterbench.score import Campaign


@dataclass
class Baseline:
    campaigns: list[Campaign]  # the connected components of more than one domain
    wall_s: float
    records: int


class _UnionFind:
    def __init__(self) -> None:
        self.parent: list[int] = []

    def add(self) -> int:
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def values(record: dict[str, object]) -> set[str]:
    """What the naive rule joins on: each address, each name server (lower case, no trailing dot)."""
    dns = record.get("dns") or {}
    rdap = record.get("rdap") or {}
    assert isinstance(dns, dict) and isinstance(rdap, dict)
    keys = {f"a:{a}" for a in (dns.get("a") or []) + (dns.get("aaaa") or [])}
    servers = (dns.get("ns") or []) + (rdap.get("nameservers") or [])
    keys.update(f"ns:{name.lower().rstrip('.')}" for name in servers)
    return keys


def naive_campaigns(evidence: Path) -> Baseline:
    started = time.perf_counter()
    sets = _UnionFind()
    domains: list[str] = []
    first_holder: dict[str, int] = {}
    with evidence.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            node = sets.add()
            domains.append(record["domain"])
            for key in values(record):
                holder = first_holder.setdefault(key, node)
                if holder != node:
                    sets.union(holder, node)
    groups: dict[int, list[str]] = {}
    for node, domain in enumerate(domains):
        groups.setdefault(sets.find(node), []).append(domain)
    campaigns = [
        Campaign(f"naive-{i + 1}", {domain: None for domain in members})
        for i, members in enumerate(g for g in groups.values() if len(g) > 1)
    ]
    return Baseline(campaigns, time.perf_counter() - started, len(domains))
