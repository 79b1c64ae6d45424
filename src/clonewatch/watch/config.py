"""The monitor's settings: a TOML file and/or command-line flags, validated before anything runs.

Every problem is reported with the key that holds it (``feeds.ct[0].url: not an http(s) URL``).
Relative paths in a file are taken relative to the file. The keys, with their defaults::

    db = "sqlite:///watch.db"         # default: $CLONEWATCH_DB, else the user data directory
    brands = "ours.txt"               # default: the bundled watchlist
    batch_size = 1000                 # names (NRD, file) or entries (CT) per transaction
    poll = 300                        # seconds (or "5m") between polls of a feed without its own
    allow_private = false             # let feeds and webhooks reach private/loopback addresses

    [[feeds.nrd]]                     # repeatable; also [[feeds.ct]] and [[feeds.file]]
    source = "/data/nrd/"             # a directory of daily files, or an http(s) URL of one file
    poll = "1h"
    settle = 2                        # seconds a file must be unchanged before an unended last line counts
    [[feeds.ct]]
    url = "https://ct.example/log/"
    poll = 60
    entries_per_request = 256
    start = 0                         # first index for a log never read, or "end"
    [[feeds.file]]
    source = "names.txt"              # or "-" for standard input

    [probe]
    enabled = true
    concurrency = 8
    batch = 50                        # domains probed per round
    resolver = "127.0.0.1:53"         # DNS server for every probe lookup (default: the system's)
    screenshots = false               # headless Chromium: rendered pages, JavaScript hops, PNGs
    blobs = "/var/lib/clonewatch/blobs"   # page bodies and screenshots, named by SHA-256
    lease = "15m"                     # PostgreSQL: how long a monitor's claim on a domain it probes holds
    [probe.vantages]                  # also visit every site through these proxies (NAME = URL)
    de = "socks5h://10.0.0.5:1080"    # http://, socks5:// (names resolved here), socks5h://
    [probe.schedule]                  # re-probe intervals by verdict
    default = "7d"
    unregistered = "1d"
    no-website = "1d"
    parked = "1d"

    [dask]
    scheduler = "tcp://10.0.0.2:8786"  # probe on this Dask cluster (or "local:4": four local workers)

    [alerts]
    stdout = false
    file = "alerts.jsonl"
    webhook = ["https://hooks.example/x"]
    max_attempts = 10                 # deliveries tried per alert before it is left failed
    min_score = 0.9                   # also alert on a flag alone scoring this much (default: only
                                      # probed verdicts clone, redirector, cloaked alert)
    retries = 3                       # immediate retries of one delivery (exponential backoff)
    backoff = 1.0

    [caps]
    http_timeout = 30
    max_response_bytes = 268435456
    max_retry_after = 300             # longest Retry-After honoured, in seconds
    retries = 4                       # retries of a CT request on 429/5xx
    backoff = 1.0
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clonewatch.errors import ConfigError, InputError
from clonewatch.store import ProbeSchedule
from clonewatch.watch.checks import (
    Checker,
    boolean,
    count,
    http_url,
    positive_int,
    resolver_address,
    seconds,
    text,
)
from clonewatch.watch.feeds import Feed, FeedContext, default_feed_kinds, feed_kind

if TYPE_CHECKING:
    from clonewatch.probe.vantage import Vantage


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One configured feed: its kind, its options (the kind's options dataclass, e.g.
    :class:`clonewatch.watch.ctfeed.CtOptions`), how often it is polled, and its config key."""

    kind: str
    options: Any
    poll: float
    key: str

    def build(self, context: FeedContext) -> Feed:
        return feed_kind(self.kind, self.key).build(self.options, context)


@dataclass(frozen=True, slots=True)
class AlertSettings:
    stdout: bool = False
    file: Path | None = None
    webhooks: tuple[str, ...] = ()
    max_attempts: int = 10
    retries: int = 3
    backoff: float = 1.0
    min_score: float | None = None  # a flag alone alerts from this match score; None: never


@dataclass(frozen=True, slots=True)
class ProbeConfig:
    enabled: bool = True
    concurrency: int = 8
    batch: int = 50
    schedule: ProbeSchedule = field(default_factory=ProbeSchedule)
    resolver: str | None = None
    screenshots: bool = False
    blobs: str | Path | None = None  # a directory, or object storage: "s3://bucket/prefix"
    vantages: tuple[Vantage, ...] = ()
    lease: float = 900.0
    rdap_servers: Mapping[str, str] = field(default_factory=dict)  # suffix -> RDAP base URL
    ca_file: Path | None = None  # trust this CA bundle, not the system's


@dataclass(frozen=True, slots=True)
class Caps:
    http_timeout: float = 30.0
    max_response_bytes: int = 256 * 1024 * 1024
    max_retry_after: float = 300.0
    retries: int = 4
    backoff: float = 1.0


@dataclass(frozen=True, slots=True)
class WatchConfig:
    """Everything ``clonewatch watch`` runs with."""

    feeds: tuple[FeedSpec, ...] = ()
    db: str | None = None
    brands: Path | None = None
    batch_size: int = 1000
    poll: float = 300.0
    allow_private: bool = False
    probe: ProbeConfig = field(default_factory=ProbeConfig)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    caps: Caps = field(default_factory=Caps)
    scheduler: str | None = None  # [dask] scheduler: probe on that cluster


def read_toml(path: Path) -> dict[str, Any]:
    """The file's table; InputError naming the file when it is missing or not TOML."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise InputError(f"{path}: no such config file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``extra`` over ``base``: tables merge, feed lists are appended, other values replace."""
    merged = dict(base)
    for key, value in extra.items():
        old = merged.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            merged[key] = merge(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            merged[key] = old + value
        else:
            merged[key] = value
    return merged


def parse_config(raw: Mapping[str, Any], *, base_dir: Path | None = None, origin: str = "") -> WatchConfig:
    """A validated WatchConfig from a raw table (a parsed TOML file merged with flags).

    Raises ConfigError listing every bad key, one per line, each prefixed with ``origin``.
    """
    check = Checker(base_dir or Path.cwd())
    top = check.table(
        dict(raw),
        "",
        ("db", "brands", "batch_size", "poll", "allow_private", "feeds", "probe", "alerts", "caps", "dask"),
    )
    poll = check.get(top, "", "poll", seconds, 300.0)
    feeds = _feeds(check, top.get("feeds"), poll)
    probe = _probe(check, top.get("probe"))
    alerts = _alerts(check, top.get("alerts"))
    caps_raw = check.table(
        top.get("caps"),
        "caps",
        ("http_timeout", "max_response_bytes", "max_retry_after", "retries", "backoff"),
    )
    caps = Caps(
        check.get(caps_raw, "caps", "http_timeout", seconds, 30.0),
        check.get(caps_raw, "caps", "max_response_bytes", positive_int, 256 * 1024 * 1024),
        check.get(caps_raw, "caps", "max_retry_after", seconds, 300.0),
        check.get(caps_raw, "caps", "retries", count, 4),
        check.get(caps_raw, "caps", "backoff", seconds, 1.0),
    )
    config = WatchConfig(
        feeds=feeds,
        db=check.get(top, "", "db", text, None),
        brands=check.get(top, "", "brands", check.path, None),
        batch_size=check.get(top, "", "batch_size", positive_int, 1000),
        poll=poll,
        allow_private=check.get(top, "", "allow_private", boolean, False),
        probe=probe,
        alerts=alerts,
        caps=caps,
        scheduler=check.get(
            check.table(top.get("dask"), "dask", ("scheduler",)), "dask", "scheduler", text, None
        ),
    )
    if not feeds and not check.errors:
        check.errors.append("feeds: no feed given (--nrd, --ct, --feed, or [[feeds.*]] in --config)")
    if check.errors:
        prefix = f"{origin}: " if origin else ""
        raise ConfigError("\n".join(prefix + error for error in check.errors))
    return config


def _feeds(check: Checker, raw: Any, default_poll: float) -> tuple[FeedSpec, ...]:
    """Every ``[[feeds.KIND]]`` table, read with its kind's options (unknown kinds refused)."""
    registered = default_feed_kinds()
    kinds = check.table(raw, "feeds", tuple(registered))
    specs: list[FeedSpec] = []
    for name, kind in registered.items():
        items = kinds.get(name, [])
        if not isinstance(items, list):
            check.errors.append(f"feeds.{name}: not an array of tables ([[feeds.{name}]])")
            continue
        for number, item in enumerate(items):
            key = f"feeds.{name}[{number}]"
            table = check.table(item, key, (*kind.keys, "poll"))
            if not isinstance(item, dict):
                continue
            options = kind.read(table, key, check)
            poll = check.get(table, key, "poll", seconds, default_poll)
            if options is not None:
                specs.append(FeedSpec(name, options, poll, key))
    return tuple(specs)


def flag_feeds(
    values: Mapping[str, Sequence[str]], cwd: Path | None = None
) -> dict[str, list[dict[str, str]]]:
    """Feeds given on the command line (kind -> the values of its flag) as ``[[feeds.KIND]]``
    tables: each value sets the kind's first option; local paths are made absolute from ``cwd``
    (the working directory), since the tables are merged into a config file's."""
    base = cwd or Path.cwd()
    tables: dict[str, list[dict[str, str]]] = {}
    for name, given in values.items():
        if not given:
            continue
        first = fields(feed_kind(name, f"--{name}").options)[0]
        is_path = first.metadata.get("path", False)
        tables[name] = [{first.name: _absolute(value, base) if is_path else value} for value in given]
    return tables


def _absolute(value: str, base: Path) -> str:
    if value == "-" or "://" in value:
        return value
    return str((base / Path(value).expanduser()).resolve())


def _probe(check: Checker, raw: Any) -> ProbeConfig:
    keys: tuple[str, ...] = ("enabled", "concurrency", "batch", "schedule", "resolver", "screenshots")
    keys += ("blobs", "vantages", "lease", "rdap", "ca_file")
    table = check.table(raw, "probe", keys)
    vantages_raw = table.get("vantages")
    vantages: list[Vantage] = []
    if vantages_raw is not None and not isinstance(vantages_raw, dict):
        check.errors.append("probe.vantages: not a table of NAME = PROXY_URL")
    for name, url in (vantages_raw or {}).items() if isinstance(vantages_raw, dict) else ():
        from clonewatch.probe.vantage import vantage  # the probe stage loads only when vantages are given

        try:
            vantages.append(vantage(name, url if isinstance(url, str) else ""))
        except InputError as exc:
            check.errors.append(f"probe.vantages.{name}: {exc}")
    rdap: dict[str, str] = {}
    rdap_raw = table.get("rdap", {})
    if not isinstance(rdap_raw, dict):
        check.errors.append("probe.rdap: not a table of SUFFIX = RDAP base URL")
    for suffix, url in rdap_raw.items() if isinstance(rdap_raw, dict) else ():
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            check.errors.append(f"probe.rdap.{suffix}: not an http(s) URL")
        else:
            rdap[suffix.strip(".").lower()] = url
    schedule_raw = check.table(table.get("schedule"), "probe.schedule", _SCHEDULE_KEYS)
    intervals = dict(ProbeSchedule().by_verdict)
    default = ProbeSchedule().default
    for verdict in schedule_raw:
        if verdict not in _SCHEDULE_KEYS:
            continue
        interval = check.get(schedule_raw, "probe.schedule", verdict, seconds, None)
        if interval is None:
            continue
        if verdict == "default":
            default = timedelta(seconds=interval)
        else:
            intervals[verdict] = timedelta(seconds=interval)
    return ProbeConfig(
        enabled=check.get(table, "probe", "enabled", boolean, True),
        concurrency=check.get(table, "probe", "concurrency", positive_int, 8),
        batch=check.get(table, "probe", "batch", positive_int, 50),
        schedule=ProbeSchedule(intervals, default),
        resolver=check.get(table, "probe", "resolver", resolver_address, None),
        screenshots=check.get(table, "probe", "screenshots", boolean, False),
        blobs=check.get(table, "probe", "blobs", check.location, None),
        vantages=tuple(vantages),
        lease=check.get(table, "probe", "lease", seconds, 900.0) or 900.0,
        rdap_servers=rdap,
        ca_file=check.get(table, "probe", "ca_file", check.path, None),
    )


_SCHEDULE_KEYS = (
    "default",
    "unregistered",
    "no-website",
    "parked",
    "defensive",
    "redirector",
    "live-unrelated",
    "clone",
    "cloaked",
    "unknown",
)


def _alerts(check: Checker, raw: Any) -> AlertSettings:
    table = check.table(
        raw, "alerts", ("stdout", "file", "webhook", "max_attempts", "retries", "backoff", "min_score")
    )

    def webhooks(value: Any) -> tuple[str, ...]:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list):
            raise ValueError("not a URL or a list of URLs")
        return tuple(http_url(item) for item in values)

    return AlertSettings(
        stdout=check.get(table, "alerts", "stdout", boolean, False),
        file=check.get(table, "alerts", "file", check.path, None),
        webhooks=check.get(table, "alerts", "webhook", webhooks, ()),
        max_attempts=check.get(table, "alerts", "max_attempts", positive_int, 10),
        retries=check.get(table, "alerts", "retries", count, 3),
        backoff=check.get(table, "alerts", "backoff", seconds, 1.0),
        min_score=check.get(table, "alerts", "min_score", score, None),
    )


def score(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError("not a match score from 0 to 1")
    return float(value)


def load_config(path: Path | None, overrides: Mapping[str, Any] | None = None) -> WatchConfig:
    """The config file at ``path`` (if any) with ``overrides`` (from flags) merged over it, validated."""
    raw: dict[str, Any] = {}
    base_dir = Path.cwd()
    if path is not None:
        raw = read_toml(path)
        base_dir = path.resolve().parent
    if overrides:
        raw = merge(raw, overrides)
    return parse_config(raw, base_dir=base_dir, origin=str(path) if path is not None else "")
