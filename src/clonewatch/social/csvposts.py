"""Posts from CSV, row by row: clonewatch's own layout (``account,time,url[,text][,post_id]``, one
row per link; the rows of a post with several links follow each other) and twarc-csv exports
(``twarc2 csv``: one row per tweet, its links a JSON list in ``entities.urls``; a retweet's row
holds the retweeted post's links)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from enum import StrEnum
from pathlib import PurePath

from clonewatch.social.posts import (
    CSV_COLUMNS,
    Account,
    FileReport,
    Post,
    PostLink,
    ReadReport,
    Via,
    distinct_links,
    parse_time,
    tweet_time,
)

TWARC_NEEDS = frozenset({"id", "author_id", "created_at", "entities.urls"})


class CsvKind(StrEnum):
    """Which CSV layout a header announces (the value is the format's name in the summary)."""

    OWN = "csv"
    TWARC = "twarc-csv"


def csv_kind(head: str) -> CsvKind | None:
    """The layout whose header ``head`` (the first non-blank line) is, or None."""
    columns = _header(head)
    if columns[:3] == list(CSV_COLUMNS):
        return CsvKind.OWN
    if set(columns) >= TWARC_NEEDS:
        return CsvKind.TWARC
    return None


def _header(line: str) -> list[str]:
    return [c.strip() for c in next(csv.reader([line.lstrip("\ufeff")]), [])]


def read_csv_posts(
    kind: CsvKind,
    first: tuple[int, str],
    rest: Iterator[tuple[int, str]],
    name: str,
    report: ReadReport,
    found: FileReport,
) -> Iterator[Post]:
    """Every post of a CSV file whose header line is ``first``; bad rows are skipped and reported."""
    found.saw(report, kind.value)
    number = [first[0]]

    def lines() -> Iterator[str]:
        for number[0], line in rest:
            yield line

    rows = ((number[0], row) for row in csv.reader(lines()))
    columns = _header(first[1])
    posts = _own(rows, name, report) if kind is CsvKind.OWN else _twarc(rows, columns, name, report)
    for post in posts:
        found.posts += 1
        yield post


def _own(rows: Iterator[tuple[int, list[str]]], name: str, report: ReadReport) -> Iterator[Post]:
    accounts: dict[str, Account] = {}
    short = PurePath(name).name
    pending: Post | None = None
    for number, row in rows:
        if not "".join(row).strip():
            continue
        if len(row) < 3:
            report.skipped.append((f"{name}:{number}", "fewer than 3 columns"))
            continue
        created = parse_time(row[1])
        if created is None:
            report.skipped.append((f"{name}:{number}", f"bad time {row[1][:40]!r}"))
            continue
        account_name = row[0].strip()
        account = accounts.get(account_name)
        if account is None:
            account = accounts[account_name] = Account(account_name)
        post_id = row[4] if len(row) > 4 and row[4] else f"{short}:{number}"
        link = PostLink(row[2].strip())
        if pending is not None and pending.post_id == post_id:
            pending = Post(
                post_id, pending.account, pending.time, distinct_links((*pending.links, link)), pending.text
            )
            continue
        if pending is not None:
            yield pending
        pending = Post(post_id, account, created, (link,), row[3] if len(row) > 3 else "")
    if pending is not None:
        yield pending


def _twarc(
    rows: Iterator[tuple[int, list[str]]], columns: list[str], name: str, report: ReadReport
) -> Iterator[Post]:
    index = {column: i for i, column in enumerate(columns)}
    accounts: dict[str, Account] = {}

    def cell(row: list[str], column: str) -> str:
        i = index.get(column)
        return row[i].strip() if i is not None and i < len(row) else ""

    for number, row in rows:
        if not "".join(row).strip():
            continue
        where = f"{name}:{number}"
        if len(row) != len(columns):
            report.skipped.append((where, f"{len(row)} columns, the header has {len(columns)}"))
            continue
        created = parse_time(cell(row, "created_at"))
        author = cell(row, "author_id")
        if created is None or not author or not cell(row, "id"):
            report.skipped.append((where, "row without id, author_id or created_at"))
            continue
        urls = _url_list(cell(row, "entities.urls"))
        if urls is None:
            report.skipped.append((where, "entities.urls is not a JSON list"))
            continue
        retweeted = cell(row, "referenced_tweets.retweeted.id") or None
        via = Via.RETWEETED if retweeted else Via.OWN
        account = accounts.get(author)
        if account is None:
            followers = cell(row, "author.public_metrics.followers_count")
            image = cell(row, "author.profile_image_url")
            account = accounts[author] = Account(
                id=author,
                username=cell(row, "author.username") or None,
                created_at=parse_time(cell(row, "author.created_at")),
                followers=int(float(followers)) if _number(followers) else None,
                default_image=("default_profile" in image) if image else None,
            )
        yield Post(
            post_id=cell(row, "id"),
            account=account,
            time=tweet_time(cell(row, "id"), created),
            links=distinct_links(PostLink(url, via) for url in urls),
            text=cell(row, "text").replace("\\n", "\n"),
            reposts=retweeted,
            quotes=cell(row, "referenced_tweets.quoted.id") or None,
        )


def _url_list(text: str) -> list[str] | None:
    """twarc-csv writes a post's links as a JSON list of strings (of objects without
    --process-entities); empty when it has none."""
    if not text:
        return []
    try:
        items = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(items, list):
        return None
    urls: list[str] = []
    for item in items:
        if isinstance(item, str):
            urls.append(item)
        elif isinstance(item, dict):
            url = item.get("unwound_url") or item.get("expanded_url") or item.get("url")
            if isinstance(url, str):
                urls.append(url)
    return urls


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
