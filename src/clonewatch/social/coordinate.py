"""Coordinated link sharing: accounts that post the same link, domain or look-alike brand within a
window of each other, again and again (the co-sharing method of CooRnet), grouped with their proof."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from clonewatch.errors import InputError
from clonewatch.social.posts import Account

TIGHTEST_KEPT = 5
LOUVAIN_ABOVE = 50
_WORD_DIGITS = re.compile(r"[A-Za-z_]+\d{3,}")


class Level(StrEnum):
    """What counts as the same thing shared: the exact link, its domain, the brand it imitates,
    the same post reposted (co-repost), or near-identical text (co-post)."""

    URL = "url"
    DOMAIN = "domain"
    BRAND = "brand"
    REPOST = "repost"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Share:
    """One post's share of one link, reduced to what coordination needs."""

    key: str
    time: float
    account: Account
    post_id: str
    url: str


@dataclass(frozen=True, slots=True)
class CoShare:
    """Two posts of two accounts sharing the same key ``seconds`` apart: the evidence of an edge."""

    seconds: float
    key: str
    first: str
    second: str


@dataclass(slots=True)
class Edge:
    accounts: tuple[str, str]
    weight: int = 0
    keys: set[str] = field(default_factory=set)
    tightest: list[CoShare] = field(default_factory=list)

    def add(self, evidence: CoShare) -> None:
        self.weight += 1
        self.keys.add(evidence.key)
        self.tightest.append(evidence)
        if len(self.tightest) > TIGHTEST_KEPT * 2:
            self.tightest = sorted(self.tightest, key=lambda c: c.seconds)[:TIGHTEST_KEPT]


@dataclass(frozen=True, slots=True)
class Group:
    """Accounts linked by repeated co-shares, with what they pushed, when, and the tightest proof."""

    accounts: tuple[Account, ...]
    keys: tuple[str, ...]
    urls: tuple[str, ...]
    first: datetime
    last: datetime
    edges: int
    co_shares: int
    tightest: tuple[CoShare, ...]

    def cohort(self) -> dict[str, Any]:
        """Account traits shared across the group: evidence to weigh, never proof on its own."""
        created = sorted(a.created_at for a in self.accounts if a.created_at is not None)
        followers = sorted(a.followers for a in self.accounts if a.followers is not None)
        names = [a.username for a in self.accounts if a.username]
        return {
            "created_span_days": (created[-1] - created[0]).days
            if len(created) == len(self.accounts)
            else None,
            "default_images": sum(1 for a in self.accounts if a.default_image),
            "median_followers": followers[len(followers) // 2] if followers else None,
            "word_digit_names": sum(1 for name in names if _WORD_DIGITS.fullmatch(name)),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "accounts": [account.username or account.id for account in self.accounts],
            "account_ids": [account.id for account in self.accounts],
            "size": len(self.accounts),
            "keys": list(self.keys),
            "urls": list(self.urls),
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "edges": self.edges,
            "co_shares": self.co_shares,
            "tightest": [
                {"seconds": c.seconds, "key": c.key, "posts": [c.first, c.second]} for c in self.tightest
            ],
            "account_facts": [_facts(account) for account in self.accounts],
            "cohort": self.cohort(),
        }


def _facts(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "username": account.username,
        "created_at": account.created_at.isoformat() if account.created_at else None,
        "followers": account.followers,
        "default_image": account.default_image,
    }


def parse_window(text: str) -> float:
    """``60``, ``60s``, ``2m``, ``1h`` -> seconds; InputError otherwise."""
    units = {"s": 1.0, "m": 60.0, "h": 3600.0}
    value = text.strip().lower()
    scale = units.get(value[-1:])
    number = value[:-1] if scale else value
    try:
        seconds = float(number) * (scale or 1.0)
    except ValueError:
        raise InputError(f"bad window {text!r}: use seconds, or a number with s, m or h") from None
    if seconds <= 0:
        raise InputError(f"bad window {text!r}: must be positive")
    return seconds


def estimate_window(shares: Iterable[Share], *, top: float = 0.1, quantile: float = 0.1) -> float:
    """CooRnet's rule: among the most-shared keys (the top tenth by shares), the time after each
    key's first share within which the fastest tenth of its later shares happen. At least 1 s."""
    by_key: dict[str, list[float]] = defaultdict(list)
    for share in shares:
        by_key[share.key].append(share.time)
    repeated = sorted((times for times in by_key.values() if len(times) > 1), key=len, reverse=True)
    if not repeated:
        raise InputError("cannot estimate a window: no link is shared twice; give --window")
    chosen = repeated[: max(1, int(len(repeated) * top))]
    delays: list[float] = []
    for times in chosen:
        times.sort()
        delays.extend(t - times[0] for t in times[1:])
    delays.sort()
    return max(1.0, round(delays[int(quantile * (len(delays) - 1))], 3))


def co_share_edges(shares: Iterable[Share], window: float) -> dict[tuple[str, str], Edge]:
    """Every pair of accounts that shared the same key within ``window`` seconds, weighted by how
    many such post pairs there were. Posts are paired only with earlier posts inside the window of
    the same key (a sliding window per key, not all pairs)."""
    by_key: dict[str, list[Share]] = defaultdict(list)
    for share in shares:
        by_key[share.key].append(share)
    edges: dict[tuple[str, str], Edge] = {}
    for key, posts in by_key.items():
        posts.sort(key=lambda s: s.time)
        start = 0
        for i, share in enumerate(posts):
            while share.time - posts[start].time > window:
                start += 1
            for earlier in posts[start:i]:
                if earlier.account.id == share.account.id:
                    continue
                a, b = earlier.account.id, share.account.id
                pair = (a, b) if a < b else (b, a)
                edge = edges.get(pair)
                if edge is None:
                    edge = edges[pair] = Edge(pair)
                edge.add(CoShare(round(share.time - earlier.time, 3), key, earlier.post_id, share.post_id))
    return edges


def groups_of(edges: dict[tuple[str, str], Edge], shares: Iterable[Share], *, min_repeat: int) -> list[Group]:
    """Connected components of the edges repeated at least ``min_repeat`` times, largest first;
    a component of more than LOUVAIN_ABOVE accounts is split into its Louvain communities."""
    strong = [edge for edge in edges.values() if edge.weight >= min_repeat]
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for edge in strong:
        a, b = edge.accounts
        parent[find(a)] = find(b)
    by_root: dict[str, list[Edge]] = defaultdict(list)
    for edge in strong:
        by_root[find(edge.accounts[0])].append(edge)
    components: list[tuple[set[str], list[Edge]]] = []
    for component_edges in by_root.values():
        ids = {account for edge in component_edges for account in edge.accounts}
        if len(ids) <= LOUVAIN_ABOVE:
            components.append((ids, component_edges))
            continue
        from clonewatch.social.graph import communities

        for community in communities(ids, component_edges):
            inside = [e for e in component_edges if e.accounts[0] in community and e.accounts[1] in community]
            components.append((community, inside))
    grouped = {account for ids, _ in components for account in ids}
    accounts: dict[str, Account] = {}
    activity: dict[str, list[Share]] = defaultdict(list)
    for share in shares:
        if share.account.id in grouped:
            accounts.setdefault(share.account.id, share.account)
            activity[share.account.id].append(share)
    groups: list[Group] = []
    for ids, group_edges in components:
        keys = {key for edge in group_edges for key in edge.keys}
        posts = [share for account in ids for share in activity[account] if share.key in keys]
        times = [share.time for share in posts]
        tightest = sorted((c for edge in group_edges for c in edge.tightest), key=lambda c: c.seconds)
        groups.append(
            Group(
                accounts=tuple(accounts[account] for account in sorted(ids)),
                keys=tuple(sorted(keys)),
                urls=tuple(sorted({share.url for share in posts})),
                first=datetime.fromtimestamp(min(times), tz=UTC),
                last=datetime.fromtimestamp(max(times), tz=UTC),
                edges=len(group_edges),
                co_shares=sum(edge.weight for edge in group_edges),
                tightest=tuple(tightest[:TIGHTEST_KEPT]),
            )
        )
    return sorted(groups, key=lambda g: (-len(g.accounts), g.first))
