"""Read posts from X API v2 pages, twarc2 flattened JSON lines or a plain CSV, whichever a file holds."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from clonewatch.errors import InputError

CSV_COLUMNS = ("account", "time", "url")


@dataclass(frozen=True, slots=True)
class Account:
    """What the data says of an account; every fact may be missing."""

    id: str
    username: str | None = None
    created_at: datetime | None = None
    followers: int | None = None
    default_image: bool | None = None


@dataclass(frozen=True, slots=True)
class Post:
    """One post: who, when (UTC), the links it carries, its text, and what it reposts."""

    post_id: str
    account: Account
    time: datetime
    urls: tuple[str, ...]
    text: str = ""
    reposts: str | None = None


@dataclass(slots=True)
class ReadReport:
    """Where reading went wrong: (position, reason) for each skipped line or page."""

    format: str = ""
    read: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def read_posts(path: Path, report: ReadReport) -> Iterator[Post]:
    """Every post in the file; the format is detected from its content. JSON lines and CSV are read
    line by line (flat memory); a single JSON document is read whole. InputError when the file is
    missing, unreadable or in no known format."""
    try:
        handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    with handle:
        try:
            first = next((line for line in handle if line.strip()), "")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text") from exc
        head = first.lstrip()
        if head.startswith(("{", "[")):
            yield from _read_json(first, handle, path, report)
        elif _csv_header(head):
            report.format = "csv"
            yield from _read_csv(handle, path, report)
        else:
            raise InputError(
                f"{path}: not X API v2 JSON, twarc2 JSON lines or a CSV with header account,time,url"
            )


def is_csv(path: Path) -> bool:
    """Whether the file starts (after blank lines) with the CSV header account,time,url."""
    try:
        with path.open(encoding="utf-8") as handle:
            return _csv_header(next((line for line in handle if line.strip()), "").lstrip())
    except (OSError, UnicodeDecodeError):
        return False


def _csv_header(line: str) -> bool:
    return line.rstrip("\r\n").split(",")[:3] == list(CSV_COLUMNS)


def _read_json(first: str, rest: TextIO, path: Path, report: ReadReport) -> Iterator[Post]:
    documents: Iterator[tuple[str, Any]]
    try:
        json.loads(first)
        documents = _json_lines(first, rest, path, report)
    except json.JSONDecodeError:
        try:
            whole = json.loads(first + rest.read())
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}: broken JSON document ({exc.msg})") from None
        pages = whole if isinstance(whole, list) else [whole]
        documents = iter([(f"{path} page {i}", page) for i, page in enumerate(pages)])
    for where, document in documents:
        if isinstance(document, dict) and isinstance(document.get("data"), list):
            report.format = report.format or "x-api-v2"
            yield from _page_posts(document, where, report)
        elif isinstance(document, dict) and "author_id" in document and "created_at" in document:
            report.format = report.format or "twarc2-flat"
            post = _tweet(document, _users(document.get("author")), where, report)
            if post:
                yield post
        else:
            report.skipped.append((where, "neither an API page nor a tweet"))
    if not report.format:
        raise InputError(f"{path}: JSON, but no X API v2 pages or tweets in it")


def _json_lines(first: str, rest: TextIO, path: Path, report: ReadReport) -> Iterator[tuple[str, Any]]:
    yield f"{path}:1", json.loads(first)
    for lineno, line in enumerate(rest, start=2):
        if not line.strip():
            continue
        try:
            yield f"{path}:{lineno}", json.loads(line)
        except json.JSONDecodeError as exc:
            report.skipped.append((f"{path}:{lineno}", f"not JSON ({exc.msg})"))


def _users(author: Any) -> dict[str, Account]:
    if isinstance(author, dict) and "id" in author:
        return {str(author["id"]): _account(author)}
    return {}


def _page_posts(page: dict[str, Any], where: str, report: ReadReport) -> Iterator[Post]:
    includes = page.get("includes") or {}
    users: dict[str, Account] = {}
    for user in includes.get("users") or []:
        if isinstance(user, dict) and "id" in user:
            users[str(user["id"])] = _account(user)
    for index, tweet in enumerate(page["data"]):
        post = _tweet(tweet, users, f"{where} data[{index}]", report)
        if post:
            yield post


def _account(user: dict[str, Any]) -> Account:
    metrics = user.get("public_metrics") or {}
    image = user.get("profile_image_url")
    return Account(
        id=str(user["id"]),
        username=user.get("username"),
        created_at=parse_time(user.get("created_at")),
        followers=metrics.get("followers_count") if isinstance(metrics, dict) else None,
        default_image=("default_profile" in image) if isinstance(image, str) else None,
    )


def _tweet(tweet: Any, users: dict[str, Account], where: str, report: ReadReport) -> Post | None:
    if not isinstance(tweet, dict):
        report.skipped.append((where, "not a tweet object"))
        return None
    created = parse_time(tweet.get("created_at"))
    author = tweet.get("author_id")
    if created is None or author is None or "id" not in tweet:
        report.skipped.append((where, "tweet without id, author_id or created_at"))
        return None
    urls: list[str] = []
    for entity in (tweet.get("entities") or {}).get("urls") or []:
        if isinstance(entity, dict):
            url = entity.get("unwound_url") or entity.get("expanded_url") or entity.get("url")
            if isinstance(url, str):
                urls.append(url)
    reposted = None
    for ref in tweet.get("referenced_tweets") or []:
        if isinstance(ref, dict) and ref.get("type") == "retweeted":
            reposted = str(ref.get("id"))
    report.read += 1
    return Post(
        post_id=str(tweet["id"]),
        account=users.get(str(author), Account(str(author))),
        time=created,
        urls=tuple(urls),
        text=str(tweet.get("text") or ""),
        reposts=reposted,
    )


def _read_csv(rest: TextIO, path: Path, report: ReadReport) -> Iterator[Post]:
    reader = csv.reader(rest)
    accounts: dict[str, Account] = {}
    for row in reader:
        if not row or not "".join(row).strip():
            continue
        if len(row) < 3:
            report.skipped.append((f"{path}:{reader.line_num + 1}", "fewer than 3 columns"))
            continue
        created = parse_time(row[1])
        if created is None:
            report.skipped.append((f"{path}:{reader.line_num + 1}", f"bad time {row[1][:40]!r}"))
            continue
        name = row[0].strip()
        account = accounts.get(name)
        if account is None:
            account = accounts[name] = Account(name)
        report.read += 1
        yield Post(
            post_id=row[4] if len(row) > 4 and row[4] else f"{path.name}:{reader.line_num + 1}",
            account=account,
            time=created,
            urls=(row[2].strip(),),
            text=row[3] if len(row) > 3 else "",
        )


LAST_SECOND = 253402300799  # 9999-12-31T23:59:59Z: later times are junk


def parse_time(value: Any) -> datetime | None:
    """Epoch seconds or ISO 8601, as UTC; None for anything else or outside years 1970 to 9999."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _epoch(float(value))
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return _epoch(float(text))
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _epoch(seconds: float) -> datetime | None:
    if not 0 <= seconds <= LAST_SECOND:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)
