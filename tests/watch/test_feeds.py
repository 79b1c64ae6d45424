from __future__ import annotations

import pytest

from clonewatch.errors import ConfigError
from clonewatch.watch.feeds import FeedContext, build_feed, default_feed_kinds
from clonewatch.watch.nrd import NrdUrlFeed


def test_the_registry_lists_every_kind_and_refuses_others(context: FeedContext) -> None:
    assert sorted(default_feed_kinds()) == ["ct", "file", "nrd"]
    feed = build_feed("nrd", {"source": "https://nrd.example/today.txt.gz"}, context)
    assert isinstance(feed, NrdUrlFeed) and feed.name == "nrd:https://nrd.example/today.txt.gz"
    assert build_feed("ct", {"url": "https://ct.example/log"}, context).name == "ct:https://ct.example/log/"
    with pytest.raises(ConfigError, match=r"feeds\.zone: unknown feed kind \(known: ct, file, nrd\)"):
        build_feed("zone", {}, context)
