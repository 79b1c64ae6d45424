"""Posts and where they come from: the records, and reading any number of files (or standard
input) whose format is detected from their content, each post read once across all of them."""

from __future__ import annotations

import gzip
import io
import sys
from collections import Counter
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

from clonewatch.errors import InputError

CSV_COLUMNS = ("account", "time", "url")
STDIN = Path("-")


class Via(StrEnum):
    """How a post carries a link: written in it, from the post it retweets, or the one it quotes."""

    OWN = "own"
    RETWEETED = "retweeted"
    QUOTED = "quoted"


@dataclass(frozen=True, slots=True)
class Account:
    """What the data says of an account; every fact may be missing."""

    id: str
    username: str | None = None
    created_at: datetime | None = None
    followers: int | None = None
    default_image: bool | None = None


@dataclass(frozen=True, slots=True)
class PostLink:
    """One link of a post, as written (not yet normalised), and how the post carries it."""

    url: str
    via: Via = Via.OWN


@dataclass(frozen=True, slots=True)
class Post:
    """One post: who, when (UTC), its links (each once), its text, and what it retweets or quotes."""

    post_id: str
    account: Account
    time: datetime
    links: tuple[PostLink, ...]
    text: str = ""
    reposts: str | None = None
    quotes: str | None = None

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(link.url for link in self.links)


@dataclass(slots=True)
class ReadReport:
    """What reading found: the formats seen (in order), posts read, repeated posts left out, and
    (position, reason) for each skipped line, page or row."""

    formats: list[str] = field(default_factory=list)
    read: int = 0
    duplicates: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def format(self) -> str:
        return ", ".join(self.formats)

    def saw(self, name: str) -> None:
        if name not in self.formats:
            self.formats.append(name)


@dataclass(slots=True)
class FileReport:
    """What one file held: how many posts, and how many records of each kind that are no posts."""

    posts: int = 0
    other: Counter[tuple[str, str]] = field(default_factory=Counter)  # (what, page or line)
    formats: set[str] = field(default_factory=set)
    known: Container[str] = frozenset()  # ids of posts already read: not worked out again

    def repeated(self, report: ReadReport, post_id: Any) -> bool:
        """Whether the post is one already read (then counted as a duplicate, and to be skipped)."""
        if post_id is None or str(post_id) not in self.known:
            return False
        self.posts += 1
        report.duplicates += 1
        return True

    def saw(self, report: ReadReport, name: str) -> None:
        self.formats.add(name)
        report.saw(name)


def read_all(paths: Sequence[Path], report: ReadReport) -> Iterator[Post]:
    """Every post of every file, each post id once: a post met again (overlapping collections, a
    file given twice) is counted in ``report.duplicates`` and left out."""
    seen: set[str] = set()
    for path in paths:
        for post in read_posts(path, report, known=seen):
            if post.post_id in seen:
                report.duplicates += 1
                continue
            seen.add(post.post_id)
            report.read += 1
            yield post


def read_posts(path: Path, report: ReadReport, *, known: Container[str] = frozenset()) -> Iterator[Post]:
    """Every post of one file (``-``: standard input; ``.gz`` read directly), duplicates and all;
    the format comes from the content. JSON lines and CSV are read line by line; a JSON document
    or array is read whole. InputError when the file is missing, unreadable, in no known format,
    or holds no posts (saying what it holds instead). Posts whose id is in ``known`` are counted in
    ``report.duplicates`` and not yielded."""
    from clonewatch.social.csvposts import csv_kind, read_csv_posts
    from clonewatch.social.jsonposts import read_json_posts

    found = FileReport(known=known)
    with _open(path) as handle:
        lines = _numbered(handle, path)
        first = next(lines, None)
        if first is None:
            raise InputError(f"{_name(path)}: empty, no posts in it")
        head = first[1].lstrip()
        kind = csv_kind(head)
        if head.startswith(("{", "[")):
            yield from read_json_posts(first, lines, _name(path), report, found)
        elif kind is not None:
            yield from read_csv_posts(kind, first, lines, _name(path), report, found)
        else:
            raise InputError(
                f"{_name(path)}:{first[0]}: not X API v2 or v1.1 JSON, twarc2 JSON lines, a twarc-csv "
                "export or a CSV with header account,time,url"
            )
    if not found.posts and found.other:
        held = ", ".join(
            f"{what} ({count:,} {unit}{'s' if count > 1 else ''})"
            for (what, unit), count in found.other.most_common()
        )
        raise InputError(f"{_name(path)}: no posts in it, only {held}")
    if not found.posts and not found.formats:
        raise InputError(f"{_name(path)}: no posts in it")


def is_csv(path: Path) -> bool:
    """Whether the file is clonewatch's own posts CSV (header account,time,url), read from disk."""
    if path == STDIN or path.suffix == ".gz":
        return False
    from clonewatch.social.csvposts import CsvKind, csv_kind

    try:
        with path.open(encoding="utf-8-sig") as handle:
            head = next((line for line in handle if line.strip()), "").lstrip()
    except (OSError, UnicodeDecodeError):
        return False
    return csv_kind(head) is CsvKind.OWN


def _name(path: Path) -> str:
    return "<stdin>" if path == STDIN else str(path)


def _open(path: Path) -> TextIO:
    if path == STDIN:
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
    try:
        if path.suffix == ".gz":
            return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
        return path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc


def _numbered(handle: TextIO, path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line) for every line that is not blank; InputError on bytes that are not UTF-8
    or a broken compressed stream."""
    number = 0
    try:
        for number, line in enumerate(handle, start=1):
            if not line.isspace():
                yield number, line
    except UnicodeDecodeError:
        raise InputError(f"{_name(path)}:{number + 1}: not UTF-8 text") from None
    except (OSError, EOFError) as exc:
        raise InputError(f"{_name(path)}: cannot read ({exc})") from None


def distinct_links(links: Iterable[PostLink]) -> tuple[PostLink, ...]:
    """Each URL once, the first way it came kept (own before retweeted or quoted)."""
    seen: dict[str, PostLink] = {}
    for link in links:
        seen.setdefault(link.url, link)
    return tuple(seen.values())


TWITTER_EPOCH_MS = 1288834974657  # snowflake ids (X posts since November 2010) count from here


def tweet_time(post_id: str, created: datetime) -> datetime:
    """``created`` (whole seconds in the data) to the millisecond its snowflake id holds, when the id
    is one and agrees with it; co-shares seconds apart are told apart by that."""
    if not post_id.isascii() or not post_id.isdigit() or len(post_id) < 15:
        return created
    stamp = ((int(post_id) >> 22) + TWITTER_EPOCH_MS) / 1000
    if 0 <= stamp - created.timestamp() < 1:
        return datetime.fromtimestamp(stamp, tz=UTC)
    return created


LAST_SECOND = 253402300799  # 9999-12-31T23:59:59Z: later times are junk
V1_TIME = "%a %b %d %H:%M:%S %z %Y"  # v1.1's "Wed Dec 09 19:40:11 +0000 2015"


def parse_time(value: Any) -> datetime | None:
    """Epoch seconds, ISO 8601 or v1.1's time, as UTC; None for anything else or outside years
    1970 to 9999."""
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
        try:
            parsed = datetime.strptime(text, V1_TIME)
        except ValueError:
            return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _epoch(seconds: float) -> datetime | None:
    if not 0 <= seconds <= LAST_SECOND:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)
