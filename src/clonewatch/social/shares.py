"""From posts to shares: one per link, keyed by the level at which coordination is sought."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from clonewatch.match import Matcher

if TYPE_CHECKING:
    from clonewatch.probe.fetch import RedirectResolver
from clonewatch.social.coordinate import Level, Share
from clonewatch.social.links import Link, link_of
from clonewatch.social.posts import Post
from clonewatch.social.texts import NearDuplicates

LINK_CACHE = 500_000  # links are shared many times: normalise and match each once (bounded)


def shares_of(
    posts: Iterable[Post],
    matcher: Matcher | None,
    *,
    level: Level,
    only_lookalikes: bool,
    redirects: RedirectResolver | None = None,
) -> Iterator[tuple[Post, Link | None, Share | None]]:
    """Each link of each post, with the share it makes at ``level`` (None when the link does not
    count: no look-alike where one is required, or no brand at the brand level). At the repost
    level each repost is one share keyed by the reposted post, at the text level each post is
    keyed by its near-duplicate text (co-post); there is no link then."""
    texts = NearDuplicates() if level is Level.TEXT else None
    links: dict[str, Link | None] = {}
    for post in posts:
        if texts is not None:
            key = texts.key(post.text)
            if key is not None:
                yield post, None, Share(key, post.time.timestamp(), post.account, post.post_id, key)
            continue
        if level is Level.REPOST:
            if post.reposts is not None:
                yield (
                    post,
                    None,
                    Share(post.reposts, post.time.timestamp(), post.account, post.post_id, post.reposts),
                )
            continue
        for raw in post.urls:
            if raw in links:
                link = links[raw]
            else:
                link = link_of(raw, matcher, redirects)
                if len(links) >= LINK_CACHE:
                    links.clear()
                links[raw] = link
            if link is None:
                continue
            if only_lookalikes and link.lookalike is None:
                yield post, link, None
                continue
            if level is Level.URL:
                key = link.url
            elif level is Level.DOMAIN:
                key = link.domain
            elif link.lookalike is not None:
                key = link.lookalike.genuine
            else:
                yield post, link, None
                continue
            yield post, link, Share(key, post.time.timestamp(), post.account, post.post_id, link.url)
