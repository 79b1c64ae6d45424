"""Posts from JSON: X API v2 pages (twarc2 search/timeline output), twarc2 stream/sample lines
(``data`` is one tweet), twarc2 flattened tweets, v1.1 tweets (lines, arrays, search responses).
JSON lines are read one by one and a broken line is skipped wherever it is (the first too); a
file that is one JSON document (or array) is read whole. What is no post is named: user records,
tweet counts, lists, compliance jobs and results, API errors."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from clonewatch.errors import InputError
from clonewatch.social.posts import Account, FileReport, Post, ReadReport
from clonewatch.social.tweets import NO_TWEETS, is_v1_tweet, v1_post, v2_account, v2_post

V2_PAGE = "x-api-v2"
V2_STREAM = "twarc2-stream"
V2_FLAT = "twarc2-flat"
V1 = "v1.1"


def read_json_posts(
    first: tuple[int, str],
    rest: Iterator[tuple[int, str]],
    name: str,
    report: ReadReport,
    found: FileReport,
) -> Iterator[Post]:
    """Every post of a JSON file whose first non-blank line is ``first``."""
    for where, document in _documents(first, rest, name, report):
        yield from _posts_of(document, where, report, found)


def _documents(
    first: tuple[int, str], rest: Iterator[tuple[int, str]], name: str, report: ReadReport
) -> Iterator[tuple[str, Any]]:
    """(position, parsed document) for each JSON line, or for the one document of the file."""
    number, line = first
    try:
        yield f"{name}:{number}", json.loads(line)
    except json.JSONDecodeError as exc:
        second = next(rest, None)
        if second is None or not _parses(second[1]):
            yield from _whole([first, *([second] if second else []), *rest], name, report)
            return
        report.skipped.append((f"{name}:{number}", f"not JSON ({exc.msg})"))
        rest = _chain(second, rest)
    yield from _lines(rest, name, report)


def _lines(rest: Iterable[tuple[int, str]], name: str, report: ReadReport) -> Iterator[tuple[str, Any]]:
    for number, line in rest:
        try:
            yield f"{name}:{number}", json.loads(line)
        except json.JSONDecodeError as exc:
            report.skipped.append((f"{name}:{number}", f"not JSON ({exc.msg})"))


def _whole(lines: list[tuple[int, str]], name: str, report: ReadReport) -> Iterator[tuple[str, Any]]:
    """One JSON document over many lines (pretty-printed); an array gives its items. When it does
    not parse but some of its lines do on their own, it is JSON lines after all, broken ones skipped."""
    try:
        document = json.loads("".join(line for _, line in lines))
    except json.JSONDecodeError as exc:
        if any(_parses(line) for _, line in lines[2:]):
            yield from _lines(lines, name, report)
            return
        where = lines[min(exc.lineno, len(lines)) - 1][0]
        raise InputError(f"{name}:{where}: broken JSON document ({exc.msg})") from None
    if isinstance(document, list):
        for index, item in enumerate(document):
            yield f"{name} [{index}]", item
    else:
        yield name, document


def _parses(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict | list)
    except json.JSONDecodeError:
        return False


def _chain(head: tuple[int, str], rest: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    yield head
    yield from rest


def _posts_of(document: Any, where: str, report: ReadReport, found: FileReport) -> Iterator[Post]:
    """The posts of one document, whichever kind it is; what holds none is counted or skipped."""
    if isinstance(document, list):  # a line holding an array (of tweets or pages)
        for index, item in enumerate(document):
            yield from _posts_of(item, f"{where} [{index}]", report, found)
        return
    if not isinstance(document, dict):
        report.skipped.append((where, "not a JSON object"))
        return
    data = document.get("data")
    if isinstance(data, list) and (not data or _is_v2_tweet(data[0])):
        if data or "meta" in document or "includes" in document:
            found.saw(report, V2_PAGE)
        yield from _page(document, data, where, report, found)
    elif isinstance(data, dict) and _is_v2_tweet(data):
        found.saw(report, V2_STREAM)
        yield from _page(document, [data], where, report, found)
    elif isinstance(document.get("statuses"), list):
        found.saw(report, V1)
        for index, tweet in enumerate(document["statuses"]):
            yield from _v1(tweet, f"{where} statuses[{index}]", report, found)
    elif is_v1_tweet(document):
        found.saw(report, V1)
        yield from _v1(document, where, report, found)
    elif _is_v2_tweet(document) and "author_id" in document:
        found.saw(report, V2_FLAT)
        if not found.repeated(report, document.get("id")):
            yield from _counted(v2_post(document, {}, NO_TWEETS), where, report, found)
    else:
        what = _what(document)
        found.other[what, "page" if "data" in document else "line"] += 1
        report.skipped.append((where, what))


def _page(
    page: Mapping[str, Any], tweets: list[Any], where: str, report: ReadReport, found: FileReport
) -> Iterator[Post]:
    fresh = [
        (index, tweet)
        for index, tweet in enumerate(tweets)
        if not (isinstance(tweet, dict) and found.repeated(report, tweet.get("id")))
    ]
    if not fresh:  # a page read before: its users and referenced tweets are not worked out again
        return
    includes = page.get("includes")
    includes = includes if isinstance(includes, dict) else {}
    users: dict[str, Account] = {}
    for user in includes.get("users") or ():
        if isinstance(user, dict) and "id" in user:
            users[str(user["id"])] = v2_account(user)
    referenced = {
        str(tweet["id"]): tweet
        for tweet in includes.get("tweets") or ()
        if isinstance(tweet, dict) and "id" in tweet
    }
    many = len(tweets) > 1 or isinstance(page.get("data"), list)
    for index, tweet in fresh:
        yield from _counted(
            v2_post(tweet, users, referenced), f"{where} data[{index}]" if many else where, report, found
        )


def _v1(tweet: Any, where: str, report: ReadReport, found: FileReport) -> Iterator[Post]:
    if isinstance(tweet, dict) and found.repeated(report, tweet.get("id_str") or tweet.get("id")):
        return
    post = v1_post(tweet) if isinstance(tweet, dict) else "not a tweet object"
    yield from _counted(post, where, report, found)


def _counted(post: Post | str, where: str, report: ReadReport, found: FileReport) -> Iterator[Post]:
    if isinstance(post, str):
        report.skipped.append((where, post))
        return
    found.posts += 1
    yield post


def _is_v2_tweet(item: Any) -> bool:
    """A v2 tweet object: an id and text (or a time and an author), and no user's name."""
    return (
        isinstance(item, dict)
        and "id" in item
        and "username" not in item
        and ("text" in item or ("created_at" in item and "author_id" in item))
    )


def _what(document: Mapping[str, Any]) -> str:
    """What a document that holds no post is, as shown to the user."""
    data = document.get("data")
    item = data[0] if isinstance(data, list) and data else data
    subject = item if isinstance(item, dict) else document
    if "tweet_count" in subject:
        return "tweet counts"
    if "username" in subject or "screen_name" in subject:
        return "user records"
    if "member_count" in subject or "owner_id" in subject:
        return "list records"
    if "download_url" in subject or "upload_url" in subject:
        return "compliance jobs"
    if "action" in subject and "reason" in subject:
        return "compliance results"
    if "delete" in document or "scrub_geo" in document or "limit" in document:
        return "stream notices"
    if "errors" in document or ("title" in document and "detail" in document):
        return "API errors"
    if isinstance(data, list) and not data:
        return "empty pages"
    return "records that are no posts"
