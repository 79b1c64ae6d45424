"""Posts (X API v2 and v1.1 JSON, twarc2 lines, twarc-csv, CSV) -> links -> coordinated account groups.

The names below load on first use (numpy and the graph code are not needed to read posts, and every
clonewatch command starts by importing the command line, which names this package)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clonewatch.social.coordinate import CoShare, Group, Level, Share, parse_window
    from clonewatch.social.groups import groups_of
    from clonewatch.social.links import Link, link_of, normalise_url
    from clonewatch.social.network import CoShareNetwork, Edge, co_share_edges, estimate_window
    from clonewatch.social.posts import Account, Post, PostLink, ReadReport, Via, read_all, read_posts
    from clonewatch.social.run import Coordination, account_network, coordinated_groups
    from clonewatch.social.shares import post_links, share_table, shares_of
    from clonewatch.social.table import ShareTable

_HOMES = {
    "coordinate": ("CoShare", "Group", "Level", "Share", "parse_window"),
    "groups": ("groups_of",),
    "links": ("Link", "link_of", "normalise_url"),
    "network": ("CoShareNetwork", "Edge", "co_share_edges", "estimate_window"),
    "posts": ("Account", "Post", "PostLink", "ReadReport", "Via", "read_all", "read_posts"),
    "run": ("Coordination", "account_network", "coordinated_groups"),
    "shares": ("post_links", "share_table", "shares_of"),
    "table": ("ShareTable",),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "Account",
    "CoShare",
    "CoShareNetwork",
    "Coordination",
    "Edge",
    "Group",
    "Level",
    "Link",
    "Post",
    "PostLink",
    "ReadReport",
    "Share",
    "ShareTable",
    "Via",
    "account_network",
    "co_share_edges",
    "coordinated_groups",
    "estimate_window",
    "groups_of",
    "link_of",
    "normalise_url",
    "parse_window",
    "post_links",
    "read_all",
    "read_posts",
    "share_table",
    "shares_of",
]


def __getattr__(name: str) -> Any:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
