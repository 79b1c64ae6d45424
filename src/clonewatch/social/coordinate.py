"""Coordinated sharing records: what is shared (the level), one share, one co-share, one group of
accounts with its proof; the network and the groups are built in network.py and groups.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from clonewatch.errors import InputError
from clonewatch.social.posts import Account

TIGHTEST_KEPT = 5
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
