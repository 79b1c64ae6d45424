"""What the monitor reads: feeds of names behind one small interface, listed in one registry.

A feed is stateless between polls: :meth:`Feed.batches` starts from the cursor the store last
committed for it and yields batches of names, each with the cursor *after* it. The monitor stores
each batch's matches and its cursor in one transaction before it asks for the next batch, so a
crash loses nothing and replays at most one batch (whose inserts are idempotent).

An entry a feed cannot read (a certificate that does not parse) is logged with its position,
counted in :attr:`Batch.skipped` and passed over: the cursor moves past it, so it is never fatal
and never read again. The monitor does the same for a line that holds no domain name.

A feed that is down raises :class:`clonewatch.errors.FeedUnavailable` (after yielding what it
could); the monitor logs it and tries again on a later poll.

Each kind is declared once, beside its feed, as a :class:`FeedKind`: a frozen dataclass of its
options (fields with their defaults and checks), its command-line flag and how it builds a feed.
:func:`default_feed_kinds` lists them; the config (``[[feeds.KIND]]``) and ``clonewatch watch``'s
flags are made from that list, and any other kind is refused with the known ones listed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from clonewatch.errors import ConfigError
from clonewatch.watch.checks import Checker
from clonewatch.watch.http import HttpClient


@dataclass(frozen=True, slots=True)
class Lines:
    """Where a batch's names are the lines of one file: the file (or URL) and the first's number."""

    origin: str
    first: int

    def at(self, index: int) -> str:
        """``origin:line`` of ``names[index]``."""
        return f"{self.origin}:{self.first + index}"


@dataclass(frozen=True, slots=True)
class Batch:
    """Names read from a feed (raw lines or DNS names; the matcher parses them) and the cursor after
    them; ``skipped`` counts the entries in its range that the feed could not read (it logged each).
    ``lines`` is set when the names are a file's lines, so that one which is not a name can be
    reported where it is."""

    names: Sequence[str]
    cursor: Any
    source: str = ""
    skipped: int = 0
    lines: Lines | None = None

    @classmethod
    def of_lines(cls, names: Sequence[str], cursor: Any, origin: str, last: int) -> Batch:
        """A batch of the lines of ``origin`` up to line number ``last``."""
        return cls(names, cursor, f"{origin}:{last}", lines=Lines(origin, last - len(names) + 1))


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


OptionsT = TypeVar("OptionsT")
Check = Callable[[Any, Checker], Any]


def checked(convert: Callable[[Any], Any]) -> dict[str, Any]:
    """Metadata of an option field: a config value becomes the option's value through ``convert``,
    whose ValueError says what is wrong with it."""
    return {"check": lambda value, checker: convert(value)}


def checked_path(check: Check) -> dict[str, Any]:
    """Metadata of an option that may name a local path: ``check(value, checker)`` resolves it with
    ``checker.path`` (relative to the config file). Given as a flag, it is relative to the working
    directory instead (:func:`clonewatch.watch.config.flag_feeds`)."""
    return {"check": check, "path": True}


@dataclass(frozen=True, slots=True)
class FeedKind(Generic[OptionsT]):
    """One kind of feed, declared once: the frozen dataclass of its options (its fields are the keys
    of ``[[feeds.NAME]]``, with their defaults and ``checked`` metadata; the first is the one its
    command-line ``flag`` gives), the flag's help, and how a feed is built from the options."""

    name: str
    options: type[OptionsT]
    build: Callable[[OptionsT, FeedContext], Feed]
    flag: str
    help: str

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(option.name for option in fields(self.options))  # type: ignore[arg-type]

    def read(self, table: Mapping[str, Any], key: str, checker: Checker) -> OptionsT | None:
        """The options in one ``[[feeds.NAME]]`` table (``key`` names it in errors): each value
        given is checked, the others take their defaults. None, with every problem recorded in
        ``checker.errors``, when a required option is missing or a value is wrong."""
        values: dict[str, Any] = {}
        errors = len(checker.errors)
        for option in fields(self.options):  # type: ignore[arg-type]
            if option.name in table:
                convert = _bound(option.metadata["check"], checker)
                values[option.name] = checker.get(table, key, option.name, convert, None)
            elif option.default is MISSING and option.default_factory is MISSING:
                checker.errors.append(f"{key}.{option.name}: missing")
        return self.options(**values) if len(checker.errors) == errors else None


def _bound(check: Check, checker: Checker) -> Callable[[Any], Any]:
    return lambda value: check(value, checker)


def default_feed_kinds() -> dict[str, FeedKind[Any]]:
    """Every built-in feed kind, by the name used in the config (``[[feeds.nrd]]``) and the store."""
    from clonewatch.watch.ctfeed import CT
    from clonewatch.watch.nrd import NRD
    from clonewatch.watch.stream import FILE

    return {kind.name: kind for kind in (NRD, CT, FILE)}


def feed_kind(name: str, key: str | None = None) -> FeedKind[Any]:
    """The registered kind ``name``; ConfigError (under ``key``, default ``feeds.NAME``) listing the
    known kinds for any other."""
    kinds = default_feed_kinds()
    if name not in kinds:
        where = key or f"feeds.{name}"
        raise ConfigError(f"{where}: unknown feed kind (known: {', '.join(sorted(kinds))})")
    return kinds[name]


def build_feed(kind: str, options: Mapping[str, Any], context: FeedContext) -> Feed:
    """The feed of ``kind`` with ``options`` as a config table would give them (relative paths from
    the working directory); ConfigError for an unknown kind or a bad option."""
    found = feed_kind(kind)
    checker = Checker(Path.cwd())
    checker.table(dict(options), f"feeds.{kind}", found.keys)
    read = found.read(options, f"feeds.{kind}", checker)
    if checker.errors or read is None:
        raise ConfigError("\n".join(checker.errors))
    return found.build(read, context)
