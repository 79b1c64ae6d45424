"""The long-running monitor: feeds in (newly-registered lists, certificate-transparency logs, files),
matches and evidence into the store, alerts out; nothing lost or repeated across a crash.

from clonewatch.watch import load_config, run_watch
config = load_config(Path("clonewatch.toml"))
run_watch(config, bundled_watchlist(), once=True)

The names below are imported on first use, so that the command line can read the feed registry
(:mod:`clonewatch.watch.feeds`) without loading the store and its database drivers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clonewatch.watch.alerts import AlertSink, FileSink, StdoutSink, WebhookSink, deliver_pending
    from clonewatch.watch.config import FeedSpec, WatchConfig, load_config, parse_config
    from clonewatch.watch.feeds import Batch, Feed, FeedContext, FeedKind, build_feed, default_feed_kinds
    from clonewatch.watch.monitor import Monitor, WatchStats
    from clonewatch.watch.probing import ProbeFn, ProbeOutcome, default_probe_fn
    from clonewatch.watch.run import WatchReport, run_watch

_MODULES = {
    "alerts": ("AlertSink", "FileSink", "StdoutSink", "WebhookSink", "deliver_pending"),
    "config": ("FeedSpec", "WatchConfig", "load_config", "parse_config"),
    "feeds": ("Batch", "Feed", "FeedContext", "FeedKind", "build_feed", "default_feed_kinds"),
    "monitor": ("Monitor", "WatchStats"),
    "probing": ("ProbeFn", "ProbeOutcome", "default_probe_fn"),
    "run": ("WatchReport", "run_watch"),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "AlertSink",
    "Batch",
    "Feed",
    "FeedContext",
    "FeedKind",
    "FeedSpec",
    "FileSink",
    "Monitor",
    "ProbeFn",
    "ProbeOutcome",
    "StdoutSink",
    "WatchConfig",
    "WatchReport",
    "WatchStats",
    "WebhookSink",
    "build_feed",
    "default_feed_kinds",
    "default_probe_fn",
    "deliver_pending",
    "load_config",
    "parse_config",
    "run_watch",
]
