"""One tweet object -> a Post: X API v2 tweets (pages, stream lines, twarc2's flattened lines) and
v1.1 tweets. A retweet carries the links of the post it retweets; a quote its own links and the
quoted post's; each link says how it came (``Via``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from clonewatch.social.posts import Account, Post, PostLink, Via, distinct_links, parse_time, tweet_time

Tweets = Mapping[str, Mapping[str, Any]]
NO_TWEETS: Tweets = {}


def v2_account(user: Mapping[str, Any]) -> Account:
    """A v2 user object (``includes.users``, or a flattened ``author``)."""
    metrics = user.get("public_metrics")
    image = user.get("profile_image_url")
    followers = metrics.get("followers_count") if isinstance(metrics, dict) else None
    return Account(
        id=str(user["id"]),
        username=_text(user.get("username")),
        created_at=parse_time(user.get("created_at")),
        followers=followers if isinstance(followers, int) else None,
        default_image=("default_profile" in image) if isinstance(image, str) else None,
    )


def v2_post(tweet: Any, users: Mapping[str, Account], referenced: Tweets) -> Post | str:
    """The post, or why the object is none: ``users`` by id, ``referenced`` tweets by id (a
    page's ``includes.tweets``; a flattened tweet carries its own)."""
    if not isinstance(tweet, dict):
        return "not a tweet object"
    created = parse_time(tweet.get("created_at"))
    author = tweet.get("author_id")
    if created is None or author is None or "id" not in tweet:
        return "tweet without id, author_id or created_at"
    refs = _references(tweet, referenced)
    retweeted = refs.get("retweeted")
    quoted = refs.get("quoted")
    if retweeted is not None:
        original = retweeted[1]
        if original is not None:
            links = [PostLink(url, Via.RETWEETED) for url in _v2_all_urls(original, referenced)]
        else:  # the original is not in the data: the retweet's copy of its links is all there is
            links = [PostLink(url, Via.RETWEETED) for url in _v2_urls(tweet)]
    else:
        links = [PostLink(url) for url in _v2_urls(tweet)]
        if quoted is not None and quoted[1] is not None:
            links += [PostLink(url, Via.QUOTED) for url in _v2_urls(quoted[1])]
    author_object = tweet.get("author")
    account = (
        v2_account(author_object)
        if isinstance(author_object, dict) and "id" in author_object
        else users.get(str(author), Account(str(author)))
    )
    return Post(
        post_id=str(tweet["id"]),
        account=account,
        time=tweet_time(str(tweet["id"]), created),
        links=distinct_links(links),
        text=str(tweet.get("text") or ""),
        reposts=retweeted[0] if retweeted else None,
        quotes=quoted[0] if quoted else None,
    )


def _references(tweet: Mapping[str, Any], referenced: Tweets) -> dict[str, tuple[str, Any]]:
    """type -> (id, the referenced tweet object or None when the data lacks it)."""
    found: dict[str, tuple[str, Any]] = {}
    refs = tweet.get("referenced_tweets")
    for ref in refs if isinstance(refs, list) else ():
        if not isinstance(ref, dict) or "id" not in ref or not isinstance(ref.get("type"), str):
            continue
        ref_id = str(ref["id"])
        full = ref if ("entities" in ref or "text" in ref) else referenced.get(ref_id)
        found[ref["type"]] = (ref_id, full)
    return found


def _v2_urls(tweet: Mapping[str, Any]) -> Iterator[str]:
    entities = tweet.get("entities")
    urls = entities.get("urls") if isinstance(entities, dict) else None
    for entity in urls if isinstance(urls, list) else ():
        if isinstance(entity, dict):
            url = entity.get("unwound_url") or entity.get("expanded_url") or entity.get("url")
            if isinstance(url, str):
                yield url


def _v2_all_urls(tweet: Mapping[str, Any], referenced: Tweets) -> Iterator[str]:
    """A tweet's own links and those of the tweet it quotes (what retweeting it passes on)."""
    yield from _v2_urls(tweet)
    quoted = _references(tweet, referenced).get("quoted")
    if quoted is not None and quoted[1] is not None:
        yield from _v2_urls(quoted[1])


def is_v1_tweet(document: Mapping[str, Any]) -> bool:
    """A v1.1 tweet: a user object, a time, an id, and text."""
    return (
        isinstance(document.get("user"), dict)
        and "created_at" in document
        and ("id_str" in document or "id" in document)
        and ("text" in document or "full_text" in document or "extended_tweet" in document)
    )


def v1_post(tweet: Mapping[str, Any]) -> Post | str:
    """The post of a v1.1 tweet (search, timelines, the v1.1 stream, academic archives), or why not."""
    created = parse_time(tweet.get("created_at"))
    user = tweet.get("user")
    post_id = _v1_id(tweet)
    if created is None or not isinstance(user, dict) or post_id is None or _v1_id(user) is None:
        return "v1.1 tweet without id, user or created_at"
    original = tweet.get("retweeted_status")
    quoted = tweet.get("quoted_status")
    if isinstance(original, dict):
        links = [PostLink(url, Via.RETWEETED) for url in _v1_urls(original)]
        inner = original.get("quoted_status")
        if isinstance(inner, dict):
            links += [PostLink(url, Via.RETWEETED) for url in _v1_urls(inner)]
    else:
        links = [PostLink(url) for url in _v1_urls(tweet)]
        if isinstance(quoted, dict):
            links += [PostLink(url, Via.QUOTED) for url in _v1_urls(quoted)]
    quoted_id = tweet.get("quoted_status_id_str") or (_v1_id(quoted) if isinstance(quoted, dict) else None)
    image = user.get("default_profile_image")
    followers = user.get("followers_count")
    extended = tweet.get("extended_tweet")
    text = (extended.get("full_text") if isinstance(extended, dict) else None) or tweet.get("full_text")
    return Post(
        post_id=post_id,
        account=Account(
            id=str(_v1_id(user)),
            username=_text(user.get("screen_name")),
            created_at=parse_time(user.get("created_at")),
            followers=followers if isinstance(followers, int) else None,
            default_image=image if isinstance(image, bool) else None,
        ),
        time=tweet_time(post_id, created),
        links=distinct_links(links),
        text=str(text or tweet.get("text") or ""),
        reposts=_v1_id(original) if isinstance(original, dict) else None,
        quotes=str(quoted_id) if quoted_id else None,
    )


def _v1_id(thing: Mapping[str, Any]) -> str | None:
    value = thing.get("id_str") or thing.get("id")
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None


def _v1_urls(tweet: Mapping[str, Any]) -> Iterator[str]:
    """Links of a v1.1 tweet: the untruncated ``extended_tweet`` entities when there are any, media
    links too (v2 lists those among its URLs)."""
    extended = tweet.get("extended_tweet")
    source: Mapping[str, Any] = extended if isinstance(extended, dict) else tweet
    if source:
        for group in ("entities", "extended_entities"):
            entities = source.get(group)
            if not isinstance(entities, dict):
                continue
            for kind in ("urls", "media"):
                items = entities.get(kind)
                for entity in items if isinstance(items, list) else ():
                    if isinstance(entity, dict):
                        url = _v1_url(entity)
                        if url is not None:
                            yield url


def _v1_url(entity: Mapping[str, Any]) -> str | None:
    unwound = entity.get("unwound")
    if isinstance(unwound, dict) and isinstance(unwound.get("url"), str):
        return str(unwound["url"])
    url = entity.get("expanded_url") or entity.get("url")
    return url if isinstance(url, str) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
