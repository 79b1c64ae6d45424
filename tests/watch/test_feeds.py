from __future__ import annotations

from dataclasses import MISSING, FrozenInstanceError, dataclass, field, fields
from pathlib import Path

import pytest

from clonewatch.errors import ConfigError
from clonewatch.watch.checks import Checker, seconds, text
from clonewatch.watch.ctfeed import CtLogFeed
from clonewatch.watch.feeds import (
    FeedContext,
    FeedKind,
    build_feed,
    checked,
    checked_path,
    default_feed_kinds,
)
from clonewatch.watch.nrd import NrdUrlFeed


def test_the_registry_lists_every_kind_and_refuses_others(context: FeedContext) -> None:
    assert sorted(default_feed_kinds()) == ["ct", "file", "nrd"]
    feed = build_feed("nrd", {"source": "https://nrd.example/today.txt.gz"}, context)
    assert isinstance(feed, NrdUrlFeed) and feed.name == "nrd:https://nrd.example/today.txt.gz"
    assert build_feed("ct", {"url": "https://ct.example/log"}, context).name == "ct:https://ct.example/log/"
    with pytest.raises(ConfigError, match=r"feeds\.zone: unknown feed kind \(known: ct, file, nrd\)"):
        build_feed("zone", {}, context)


@dataclass(frozen=True, slots=True)
class ZoneOptions:
    """A kind made up for the test: what a new kind declares, and nothing else."""

    source: str = field(metadata=checked_path(lambda value, checker: str(checker.path(value))))
    origin: str = field(default="com", metadata=checked(text))
    axfr_every: float = field(default=3600.0, metadata=checked(seconds))


ZONE = FeedKind("zone", ZoneOptions, lambda options, context: NotImplemented, flag="--zone", help="A zone.")


def test_a_kind_reads_its_options_with_their_declared_defaults(tmp_path: Path) -> None:
    checker = Checker(tmp_path)
    assert ZONE.keys == ("source", "origin", "axfr_every")
    assert ZONE.read({"source": "com.zone"}, "feeds.zone[0]", checker) == ZoneOptions(
        str(tmp_path / "com.zone"), "com", 3600.0
    )
    assert ZONE.read({"source": "a", "axfr_every": "1d"}, "k", checker) == ZoneOptions(
        str(tmp_path / "a"), "com", 86400.0
    )
    assert checker.errors == []
    assert ZONE.read({"origin": "", "axfr_every": "soon"}, "feeds.zone[1]", checker) is None
    assert checker.errors[:2] == [
        "feeds.zone[1].source: missing",
        "feeds.zone[1].origin: not a non-empty string",
    ]
    assert checker.errors[2].startswith("feeds.zone[1].axfr_every: ") and len(checker.errors) == 3


def test_every_registered_kind_declares_each_option_once() -> None:
    """Options are frozen dataclasses whose every field says how it is checked; the first, which
    the command-line flag sets, has no default (a feed needs it)."""
    for name, kind in default_feed_kinds().items():
        assert kind.name == name and kind.flag.startswith("--") and kind.help
        options = fields(kind.options)
        assert options[0].default is MISSING, name
        assert all(callable(option.metadata.get("check")) for option in options), name
        with pytest.raises(FrozenInstanceError):
            kind.options(*["x"] * len(options)).__setattr__(options[0].name, "y")


def test_build_feed_checks_the_options_like_the_config(context: FeedContext) -> None:
    with pytest.raises(ConfigError, match=r"feeds\.ct\.url: not an http\(s\) URL"):
        build_feed("ct", {"url": "ct.example/log"}, context)
    with pytest.raises(ConfigError, match=r"feeds\.ct\.entries: unknown key \(known: url, "):
        build_feed("ct", {"url": "https://ct.example/log/", "entries": 5}, context)
    feed = build_feed("ct", {"url": "https://ct.example/log/", "start": "end"}, context)
    assert isinstance(feed, CtLogFeed) and (feed.per_request, feed.start) == (256, "end")
