"""Posts (X API v2 JSON, twarc2 lines, CSV) -> links -> coordinated account groups."""

from clonewatch.social.coordinate import (
    CoShare,
    Edge,
    Group,
    Level,
    Share,
    co_share_edges,
    estimate_window,
    groups_of,
    parse_window,
)
from clonewatch.social.links import Link, link_of, normalise_url
from clonewatch.social.posts import Account, Post, ReadReport, read_posts
from clonewatch.social.shares import shares_of

__all__ = [
    "Account",
    "CoShare",
    "Edge",
    "Group",
    "Level",
    "Link",
    "Post",
    "ReadReport",
    "Share",
    "co_share_edges",
    "estimate_window",
    "groups_of",
    "link_of",
    "normalise_url",
    "parse_window",
    "read_posts",
    "shares_of",
]
