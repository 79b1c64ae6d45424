"""The long-running monitor: feeds in (newly-registered lists, certificate-transparency logs, files),
matches and evidence into the store, alerts out; nothing lost or repeated across a crash.

from clonewatch.watch import load_config, run_watch
config = load_config(Path("clonewatch.toml"))
run_watch(config, bundled_watchlist(), once=True)
"""

from clonewatch.watch.alerts import AlertSink, FileSink, StdoutSink, WebhookSink, deliver_pending
from clonewatch.watch.config import FeedSpec, WatchConfig, load_config, parse_config
from clonewatch.watch.feeds import Batch, Feed, FeedContext, build_feed, default_feed_kinds
from clonewatch.watch.monitor import Monitor, WatchStats
from clonewatch.watch.probing import ProbeFn, ProbeOutcome, default_probe_fn
from clonewatch.watch.run import WatchReport, run_watch

__all__ = [
    "AlertSink",
    "Batch",
    "Feed",
    "FeedContext",
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
