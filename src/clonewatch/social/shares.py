"""From posts to shares: one per link, keyed by the level at which coordination is sought."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from clonewatch.match import Match, Matcher
from clonewatch.names import DomainName
from clonewatch.social.coordinate import Level, Share
from clonewatch.social.links import HostMatches, Link, link_of
from clonewatch.social.posts import Post, PostLink, ReadReport, Via, is_csv, read_all
from clonewatch.social.table import ShareTable
from clonewatch.social.texts import NearDuplicates

if TYPE_CHECKING:
    from clonewatch.social.resolve import LinkResolver

LINK_CACHE = 500_000  # links are shared many times: normalise and match each once (bounded)
LINK_LEVELS = (Level.URL, Level.DOMAIN, Level.BRAND)


@dataclass(slots=True)
class LinkKeys:
    """What each raw link counts as at one level: its Link (normalised, matched, maybe followed)
    and its key, or no key when it does not count (no look-alike where one is required, or no
    brand at the brand level). Each raw link is worked out once (bounded cache)."""

    matcher: Matcher | None
    level: Level
    only_lookalikes: bool
    redirects: LinkResolver | None = None
    _cache: dict[str, tuple[Link | None, str | None]] = field(default_factory=dict)
    _hosts: HostMatches | None = None

    def __post_init__(self) -> None:
        self._hosts = HostMatches(self.matcher) if self.matcher is not None else None

    @property
    def needs_match(self) -> bool:
        return self.matcher is not None

    def match_host(self, name: DomainName) -> Match | None:
        return self._hosts.match(name) if self._hosts is not None else None

    def of(self, raw: str) -> tuple[Link | None, str | None]:
        known = self._cache.get(raw)
        if known is None:
            if len(self._cache) >= LINK_CACHE:
                self._cache.clear()
            known = self._cache[raw] = self._work_out(raw)
        return known

    def _work_out(self, raw: str) -> tuple[Link | None, str | None]:
        link = link_of(raw, self._hosts, self.redirects)
        if link is None or (self.only_lookalikes and link.lookalike is None):
            return link, None
        if self.level is Level.URL:
            return link, link.url
        if self.level is Level.DOMAIN:
            return link, link.domain
        return link, link.lookalike.genuine if link.lookalike is not None else None


def counted_links(post: Post, *, retweets: bool) -> tuple[PostLink, ...]:
    """The links of a post that count: all of them, or with ``retweets`` False only those it
    carries itself (a plain retweet then has none, a quote only its own)."""
    return post.links if retweets else tuple(link for link in post.links if link.via is Via.OWN)


def post_links(
    posts: Iterable[Post],
    matcher: Matcher | None,
    *,
    retweets: bool = True,
    redirects: LinkResolver | None = None,
) -> Iterator[tuple[Post, PostLink, Link]]:
    """Each web link of each post (each normalised link once per post), normalised and matched."""
    links = LinkKeys(matcher, Level.URL, False, redirects)
    for post in posts:
        seen: set[str] = set()
        for raw in counted_links(post, retweets=retweets):
            link, _ = links.of(raw.url)
            if link is not None and link.url not in seen:
                seen.add(link.url)
                yield post, raw, link


def shares_of(
    posts: Iterable[Post],
    matcher: Matcher | None,
    *,
    level: Level,
    only_lookalikes: bool,
    retweets: bool = True,
    redirects: LinkResolver | None = None,
) -> Iterator[tuple[Post, Link | None, Share | None]]:
    """Each link of each post, with the share it makes at ``level`` (None when the link does not
    count); a post shares each key once however often it lists links to it. At the repost level
    each repost is one share keyed by the reposted post, at the text level each post that is no
    plain retweet is keyed by its near-duplicate text (co-post); there is no link then. With
    ``retweets`` False only the links a post carries itself count (see :func:`counted_links`)."""
    texts = NearDuplicates() if level is Level.TEXT else None
    links = LinkKeys(matcher, level, only_lookalikes, redirects)
    for post in posts:
        if texts is not None:
            key = texts.key(post.text) if post.reposts is None else None
            if key is not None:
                yield post, None, Share(key, post.time.timestamp(), post.account, post.post_id, key)
            continue
        if level is Level.REPOST:
            if post.reposts is not None:
                repost = Share(post.reposts, post.time.timestamp(), post.account, post.post_id, post.reposts)
                yield post, None, repost
            continue
        keys: set[str] = set()
        for raw in counted_links(post, retweets=retweets):
            link, key = links.of(raw.url)
            if link is None:
                continue
            if key is None or key in keys:
                yield post, link, None
                continue
            keys.add(key)
            yield post, link, Share(key, post.time.timestamp(), post.account, post.post_id, link.url)


def share_table(
    files: Sequence[Path],
    matcher: Matcher | None,
    report: ReadReport,
    *,
    level: Level,
    only_lookalikes: bool,
    retweets: bool = True,
    redirects: LinkResolver | None = None,
) -> ShareTable:
    """All shares of all files in columns, each post read once. A single CSV file in clonewatch's
    layout at a link level is read column-wise (pyarrow); other inputs go post by post."""
    if len(files) == 1 and level in LINK_LEVELS and is_csv(files[0]):
        from clonewatch.social.csvtable import read_csv_table

        return read_csv_table(files[0], report, LinkKeys(matcher, level, only_lookalikes, redirects))
    shares = (
        share
        for _, _, share in shares_of(
            read_all(files, report),
            matcher,
            level=level,
            only_lookalikes=only_lookalikes,
            retweets=retweets,
            redirects=redirects,
        )
        if share is not None
    )
    return ShareTable.from_shares(shares)
