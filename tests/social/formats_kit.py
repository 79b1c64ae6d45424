"""A few made-up posts written in every format `social` reads, with the links each must give.

The posts (ids, accounts, times and links are invented): an own post listing one link twice (as v2
lists a photo link once per photo), a retweet of it, a quote of it with a link of its own, a
retweet whose original is not in the data, and a plain post without links. Each ``write_*``
function renders them the way the format's documentation shows."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Fake:
    id: str
    author: str
    minute: int
    urls: tuple[str, ...] = ()
    text: str = "made-up post"
    retweets: str | None = None
    quotes: str | None = None
    expected: tuple[tuple[str, str], ...] = field(default=())  # (normalised url, via)

    @property
    def time(self) -> datetime:
        return datetime(2026, 11, 20, 9, self.minute, tzinfo=UTC)


ORIGINAL = Fake(
    "9001",
    "501",
    0,
    ("https://bild.lol/story?utm_source=x", "https://bild.lol/story", "https://x.com/a/photo/1"),
    text="read this https://t.co/aa https://t.co/bb",
    expected=(("https://bild.lol/story", "own"), ("https://x.com/a/photo/1", "own")),
)
RETWEET = Fake(
    "9002",
    "502",
    1,
    ("https://bild.lol/st",),
    text="RT @fan501: read this https://t.co/aa",
    retweets="9001",
    expected=(("https://bild.lol/story", "retweeted"), ("https://x.com/a/photo/1", "retweeted")),
)
QUOTE = Fake(
    "9003",
    "503",
    2,
    ("https://spiegel.ltd/news/1", "https://x.com/fan501/status/9001"),
    quotes="9001",
    text="so true https://t.co/cc https://t.co/dd",
    expected=(
        ("https://spiegel.ltd/news/1", "own"),
        ("https://x.com/fan501/status/9001", "own"),
        ("https://bild.lol/story", "quoted"),
        ("https://x.com/a/photo/1", "quoted"),
    ),
)
ORPHAN_RETWEET = Fake(
    "9004",
    "504",
    3,
    ("https://example.org/gone",),
    text="RT @gone: see https://t.co/ee",
    retweets="8000",
    expected=(("https://example.org/gone", "retweeted"),),
)
PLAIN = Fake("9005", "505", 4, text="nothing to click here")
POSTS = (ORIGINAL, RETWEET, QUOTE, ORPHAN_RETWEET, PLAIN)
COLLECTED = POSTS  # every post is in the collection; the original is also a referenced tweet


def expected_links(*, retweets: bool = True) -> set[tuple[str, str, str]]:
    """(post id, normalised url, via) that every format must give."""
    return {(post.id, url, via) for post in POSTS for url, via in post.expected if retweets or via == "own"}


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _v2_user(author: str) -> dict[str, Any]:
    return {
        "id": author,
        "username": f"fan{author}",
        "name": f"Fan {author}",
        "created_at": "2026-10-01T00:00:00.000Z",
        "public_metrics": {"followers_count": 3, "following_count": 9},
        "profile_image_url": "https://pbs.twimg.com/sticky/default_profile_images/default_profile_normal.png",
    }


def _v2_tweet(post: Fake) -> dict[str, Any]:
    tweet: dict[str, Any] = {
        "id": post.id,
        "author_id": post.author,
        "created_at": _iso(post.time),
        "text": post.text,
        "edit_history_tweet_ids": [post.id],
        "lang": "de",
    }
    if post.urls:
        tweet["entities"] = {
            "urls": [
                {
                    "start": 10,
                    "end": 33,
                    "url": f"https://t.co/{i}",
                    "expanded_url": url,
                    "display_url": url[8:30],
                }
                for i, url in enumerate(post.urls)
            ]
        }
    refs = []
    if post.retweets:
        refs.append({"type": "retweeted", "id": post.retweets})
    if post.quotes:
        refs.append({"type": "quoted", "id": post.quotes})
    if refs:
        tweet["referenced_tweets"] = refs
    return tweet


def _referenced(post: Fake) -> list[Fake]:
    return [p for p in POSTS if p.id in (post.retweets, post.quotes)]


def v2_page(posts: tuple[Fake, ...] = COLLECTED) -> dict[str, Any]:
    """One search page: the posts in ``data``, users and referenced tweets in ``includes``."""
    referenced = {p.id: p for post in posts for p in _referenced(post)}
    authors = sorted({p.author for p in posts} | {p.author for p in referenced.values()})
    return {
        "data": [_v2_tweet(post) for post in posts],
        "includes": {
            "users": [_v2_user(a) for a in authors],
            "tweets": [_v2_tweet(p) for p in referenced.values()],
        },
        "meta": {"result_count": len(posts), "newest_id": posts[0].id, "oldest_id": posts[-1].id},
        "__twarc": {"url": "https://api.twitter.com/2/tweets/search/recent", "version": "2.14.0"},
    }


def write_pages(path: Path) -> Path:
    """Two pages, as twarc2 search writes them: one JSON object per line."""
    pages = [v2_page(COLLECTED[:2]), v2_page(COLLECTED[2:])]
    path.write_text("".join(json.dumps(page) + "\n" for page in pages), encoding="utf-8")
    return path


def write_stream(path: Path) -> Path:
    """twarc2 stream/sample output: one tweet per line in ``data``, with its own includes."""
    lines = []
    for post in COLLECTED:
        page = v2_page((post,))
        lines.append(
            {
                "data": page["data"][0],
                "includes": page["includes"],
                "matching_rules": [{"id": "1", "tag": "clones"}],
                "__twarc": page["__twarc"],
            }
        )
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def _flat(post: Fake) -> dict[str, Any]:
    tweet = _v2_tweet(post) | {"author": _v2_user(post.author)}
    refs = []
    for ref in tweet.get("referenced_tweets", []):
        original = next((p for p in POSTS if p.id == ref["id"]), None)
        refs.append(ref | (_v2_tweet(original) | {"author": _v2_user(original.author)} if original else {}))
        refs[-1]["type"] = ref["type"]
    if refs:
        tweet["referenced_tweets"] = refs
    return tweet


def write_flat(path: Path) -> Path:
    """twarc2 flatten output: one tweet per line, author and referenced tweets inlined."""
    path.write_text("".join(json.dumps(_flat(post)) + "\n" for post in COLLECTED), encoding="utf-8")
    return path


def _v1_time(when: datetime) -> str:
    return when.strftime("%a %b %d %H:%M:%S +0000 %Y")


def v1_tweet(post: Fake, *, extended: bool = False) -> dict[str, Any]:
    entities = {
        "hashtags": [],
        "user_mentions": [],
        "urls": [
            {"url": f"https://t.co/{i}", "expanded_url": u, "indices": [0, 1]}
            for i, u in enumerate(post.urls)
        ],
    }
    tweet: dict[str, Any] = {
        "created_at": _v1_time(post.time),
        "id": int(post.id),
        "id_str": post.id,
        "user": {
            "id": int(post.author),
            "id_str": post.author,
            "screen_name": f"fan{post.author}",
            "created_at": "Thu Oct 01 00:00:00 +0000 2026",
            "followers_count": 3,
            "default_profile_image": True,
        },
        "is_quote_status": post.quotes is not None,
    }
    if extended:  # the v1.1 stream: text cut at 140 characters, the rest in extended_tweet
        tweet |= {
            "text": post.text[:20] + "…",
            "truncated": True,
            "entities": {"urls": []},
            "extended_tweet": {"full_text": post.text, "entities": entities},
        }
    else:
        tweet |= {"full_text": post.text, "truncated": False, "entities": entities}
    original = next((p for p in POSTS if p.id == post.retweets), None)
    if original is not None:
        tweet["retweeted_status"] = v1_tweet(original)
    elif post.retweets:  # v1.1 always embeds the original; keep the retweet's own copy of its link
        tweet["retweeted_status"] = v1_tweet(Fake(post.retweets, "999", 0, post.urls))
    quoted = next((p for p in POSTS if p.id == post.quotes), None)
    if quoted is not None:
        tweet["quoted_status_id_str"] = quoted.id
        tweet["quoted_status"] = v1_tweet(quoted)
    return tweet


def write_v1_lines(path: Path) -> Path:
    """v1.1 tweets one per line, as the v1.1 stream or twarc 1 wrote them (extended_tweet)."""
    path.write_text(
        "".join(json.dumps(v1_tweet(post, extended=True)) + "\n" for post in COLLECTED), encoding="utf-8"
    )
    return path


def write_v1_search(path: Path) -> Path:
    """A v1.1 search response (``statuses``), pretty-printed over many lines."""
    response = {
        "statuses": [v1_tweet(post) for post in COLLECTED],
        "search_metadata": {"count": len(COLLECTED), "query": "bild"},
    }
    path.write_text(json.dumps(response, indent=2), encoding="utf-8")
    return path


def write_v1_array(path: Path) -> Path:
    """A JSON array of v1.1 tweets (a timeline)."""
    path.write_text(json.dumps([v1_tweet(post) for post in COLLECTED]), encoding="utf-8")
    return path


TWARC_COLUMNS = (
    "id",
    "conversation_id",
    "referenced_tweets.replied_to.id",
    "referenced_tweets.retweeted.id",
    "referenced_tweets.quoted.id",
    "author_id",
    "in_reply_to_user_id",
    "retweeted_user_id",
    "quoted_user_id",
    "created_at",
    "text",
    "lang",
    "entities.mentions",
    "entities.urls",
    "author.id",
    "author.created_at",
    "author.username",
    "author.profile_image_url",
    "author.public_metrics.followers_count",
    "__twarc.retrieved_at",
)


def write_twarc_csv(path: Path) -> Path:
    """A twarc-csv export (`twarc2 csv`, defaults): one row per tweet, lists as JSON, a retweet's
    entities merged from the retweeted tweet, newlines in text escaped as \\n."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(TWARC_COLUMNS)
        for post in COLLECTED:
            original = next((p for p in POSTS if p.id == post.retweets), None)
            urls = (original or post).urls
            writer.writerow(
                [
                    post.id,
                    post.id,
                    "",
                    post.retweets or "",
                    post.quotes or "",
                    post.author,
                    "",
                    original.author if original else "",
                    "",
                    _iso(post.time),
                    post.text.replace("\n", "\\n"),
                    "de",
                    "[]",
                    json.dumps(list(urls)) if urls else "",
                    post.author,
                    "2026-10-01T00:00:00.000Z",
                    f"fan{post.author}",
                    "https://pbs.twimg.com/default_profile_normal.png",
                    "3",
                    "2026-11-20T10:00:00+00:00",
                ]
            )
    return path


def write_own_csv(path: Path) -> Path:
    """clonewatch's own CSV: one row per link (the own links only: it has no retweet columns)."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["account", "time", "url", "text", "post_id"])
        for post in COLLECTED:
            for url in post.urls:
                writer.writerow([f"fan{post.author}", int(post.time.timestamp()), url, post.text, post.id])
    return path


JSON_WRITERS = {
    "x-api-v2": write_pages,
    "twarc2-stream": write_stream,
    "twarc2-flat": write_flat,
    "v1.1": write_v1_lines,
}
