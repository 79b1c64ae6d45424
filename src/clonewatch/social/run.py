"""The social stage end to end, one call per question: files of posts -> coordinated account
groups (:func:`coordinated_groups`), or -> the co-sharing network of accounts (:func:`account_network`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clonewatch.brands import Brand, bundled_watchlist
from clonewatch.match import Matcher
from clonewatch.social.community import CommunityWorker
from clonewatch.social.coordinate import Group, Level
from clonewatch.social.graph import account_graph
from clonewatch.social.groups import groups_of
from clonewatch.social.network import CoShareNetwork, co_share_edges, estimate_window
from clonewatch.social.nogc import cycles_uncollected
from clonewatch.social.posts import ReadReport
from clonewatch.social.shares import share_table

if TYPE_CHECKING:
    from clonewatch.social.resolve import LinkResolver


@dataclass(frozen=True, slots=True)
class Coordination:
    """What a coordination run found: the groups (largest first), the number of shares they were
    found among, and the window used (``estimated`` from the data when none was given)."""

    groups: tuple[Group, ...]
    shares: int
    window: float
    estimated: bool


def needs_matcher(level: Level, only_lookalikes: bool) -> bool:
    """Whether the look-alikes decide what counts, so that links must be matched against brands."""
    return only_lookalikes or level is Level.BRAND


def coordinated_groups(
    files: Sequence[Path],
    report: ReadReport,
    *,
    min_repeat: int,
    window: float | None = None,
    level: Level = Level.URL,
    only_lookalikes: bool = False,
    retweets: bool = True,
    watchlist: Sequence[Brand] | None = None,
    redirects: LinkResolver | None = None,
    on_estimate: Callable[[float], None] | None = None,
    while_grouping: Callable[[CoShareNetwork], None] | None = None,
) -> Coordination:
    """Groups of accounts that shared the same thing (``level``) within ``window`` seconds of each
    other at least ``min_repeat`` times, read from ``files`` (what was skipped goes to ``report``).

    Without a ``window`` one is estimated from the data and handed to ``on_estimate``. The
    ``watchlist`` (default: the bundled one) is used only when look-alikes decide what counts.
    Each post is read once across ``files``; with ``retweets`` False only the links posts carry
    themselves count (no retweeted or quoted ones). The graph library loads in a helper process
    while the posts are read; ``while_grouping`` (to write the co-sharing network out, say) runs in
    a thread while the groups form, and what it raises is raised here.
    """
    with cycles_uncollected(), CommunityWorker() as worker:
        matcher = _matcher(level, only_lookalikes, watchlist)
        shares = share_table(
            files,
            matcher,
            report,
            level=level,
            only_lookalikes=only_lookalikes,
            retweets=retweets,
            redirects=redirects,
        )
        estimated = window is None
        if window is None:
            window = estimate_window(shares)
            if on_estimate is not None:
                on_estimate(window)
        network = co_share_edges(shares, window)
        with ThreadPoolExecutor(max_workers=1) as background:
            side = background.submit(while_grouping, network) if while_grouping is not None else None
            groups = groups_of(network, min_repeat=min_repeat, worker=worker)
            if side is not None:
                side.result()
    return Coordination(tuple(groups), len(shares), window, estimated)


def account_network(
    files: Sequence[Path],
    report: ReadReport,
    *,
    window: float,
    min_repeat: int,
    level: Level = Level.URL,
    only_lookalikes: bool = False,
    retweets: bool = True,
    watchlist: Sequence[Brand] | None = None,
) -> Any:
    """The co-sharing network of accounts as a networkx graph: an edge, weighted by its count, for
    every pair that co-shared within ``window`` seconds at least ``min_repeat`` times; account
    facts on the nodes (write it with :func:`clonewatch.social.graph.write_graph`)."""
    matcher = _matcher(level, only_lookalikes, watchlist)
    with cycles_uncollected():
        shares = share_table(
            files, matcher, report, level=level, only_lookalikes=only_lookalikes, retweets=retweets
        )
        network = co_share_edges(shares, window)
        accounts = {account.id: account for account in shares.accounts}
        return account_graph(network.edges(min_repeat=min_repeat), accounts, min_repeat=min_repeat)


def _matcher(level: Level, only_lookalikes: bool, watchlist: Sequence[Brand] | None) -> Matcher | None:
    if not needs_matcher(level, only_lookalikes):
        return None
    return Matcher(watchlist if watchlist is not None else bundled_watchlist())
