"""Posts (X API v2 and v1.1 JSON, twarc2 lines, twarc-csv, CSV) -> links -> coordinated account groups."""

from clonewatch.social.coordinate import CoShare, Group, Level, Share, parse_window
from clonewatch.social.groups import groups_of
from clonewatch.social.links import Link, link_of, normalise_url
from clonewatch.social.network import CoShareNetwork, Edge, co_share_edges, estimate_window
from clonewatch.social.posts import Account, Post, PostLink, ReadReport, Via, read_all, read_posts
from clonewatch.social.run import Coordination, account_network, coordinated_groups
from clonewatch.social.shares import post_links, share_table, shares_of
from clonewatch.social.table import ShareTable

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
