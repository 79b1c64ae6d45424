"""What the monitor reads: feeds of names behind one small interface, listed in one registry.

A feed is stateless between polls: :meth:`Feed.batches` starts from the cursor the store last
committed for it and yields batches of names, each with the cursor *after* it. The monitor stores
each batch's matches and its cursor in one transaction before it asks for the next batch, so a
crash loses nothing and replays at most one batch (whose inserts are idempotent).

An entry a feed cannot read (a certificate that does not parse) is logged with its position,
counted in :attr:`Batch.skipped` and passed over: the cursor moves past it, so it is never fatal
and never read again.

A feed that is down raises :class:`clonewatch.errors.FeedUnavailable` (after yielding what it
could); the monitor logs it and tries again on a later poll.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from clonewatch.errors import ConfigError
from clonewatch.watch.http import HttpClient


@dataclass(frozen=True, slots=True)
class Batch:
    """Names read from a feed (raw lines or DNS names; the matcher parses them) and the cursor after
    them; ``skipped`` counts the entries in its range that the feed could not read (it logged each)."""

    names: Sequence[str]
    cursor: Any
    source: str = ""
    skipped: int = 0


class Feed(Protocol):
    """One source of names. ``name`` identifies it in the store (its cursor is kept under it)."""

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...

    def batches(self, cursor: Any, size: int) -> Iterator[Batch]:
        """Batches of at most ``size`` names after ``cursor`` (None: never read), until caught up."""
        ...


@dataclass(frozen=True, slots=True)
class FeedContext:
    """What feeds share: the HTTP client, a stop signal for their waits, and the caps."""

    client: HttpClient = field(default_factory=HttpClient)
    stop: threading.Event = field(default_factory=threading.Event)
    max_retry_after: float = 300.0
    retries: int = 4
    backoff: float = 1.0


FeedFactory = Callable[[Mapping[str, Any], FeedContext], Feed]


def default_feed_kinds() -> dict[str, FeedFactory]:
    """Every built-in feed kind, by the name used in the config (``[[feeds.nrd]]``) and the store."""
    from clonewatch.watch.ctfeed import CtLogFeed
    from clonewatch.watch.nrd import NrdDirectoryFeed, NrdUrlFeed
    from clonewatch.watch.stream import StreamFeed

    def nrd(options: Mapping[str, Any], context: FeedContext) -> Feed:
        source = str(options["source"])
        if source.startswith(("http://", "https://")):
            return NrdUrlFeed(source, context.client)
        return NrdDirectoryFeed(source, settle=float(options.get("settle", 2.0)))

    def ct(options: Mapping[str, Any], context: FeedContext) -> Feed:
        return CtLogFeed(
            str(options["url"]),
            context,
            per_request=int(options.get("entries_per_request", 256)),
            start=options.get("start", 0),
        )

    def stream(options: Mapping[str, Any], context: FeedContext) -> Feed:
        return StreamFeed(str(options["source"]))

    return {"nrd": nrd, "ct": ct, "file": stream}


def build_feed(kind: str, options: Mapping[str, Any], context: FeedContext) -> Feed:
    """The feed of ``kind``; ConfigError for a kind that is not in the registry."""
    kinds = default_feed_kinds()
    if kind not in kinds:
        raise ConfigError(f"feeds.{kind}: unknown feed kind (known: {', '.join(sorted(kinds))})")
    return kinds[kind](options, context)
