from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from clonewatch.errors import ConfigError
from clonewatch.watch.config import load_config, parse_config

GOOD = """
db = "sqlite:///w.db"
brands = "ours.txt"
batch_size = 500
poll = "5m"
allow_private = true

[[feeds.nrd]]
source = "nrd"
poll = "1h"

[[feeds.ct]]
url = "https://ct.example/log/"
start = "end"
entries_per_request = 64

[[feeds.file]]
source = "-"

[probe]
concurrency = 4
[probe.schedule]
parked = "12h"
default = "3d"

[alerts]
file = "alerts.jsonl"
webhook = "https://hooks.example/x"
retries = 2

[caps]
max_retry_after = 60
"""


def test_every_key_is_read_and_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "nrd").mkdir()
    path = tmp_path / "clonewatch.toml"
    path.write_text(GOOD)
    config = load_config(path)
    assert (config.db, config.brands, config.batch_size, config.poll) == (
        "sqlite:///w.db",
        tmp_path / "ours.txt",
        500,
        300.0,
    )
    assert [(f.kind, f.poll) for f in config.feeds] == [("nrd", 3600.0), ("ct", 300.0), ("file", 300.0)]
    assert config.feeds[0].options["source"] == str(tmp_path / "nrd")
    assert config.feeds[1].options == {
        "url": "https://ct.example/log/",
        "entries_per_request": 64,
        "start": "end",
    }
    assert config.probe.concurrency == 4 and config.probe.schedule.interval("parked") == timedelta(hours=12)
    assert config.probe.schedule.interval("clone") == timedelta(days=3)
    assert config.alerts.file == tmp_path / "alerts.jsonl" and config.alerts.webhooks == (
        "https://hooks.example/x",
    )
    assert config.caps.max_retry_after == 60.0 and config.allow_private


def test_flags_add_feeds_and_replace_values(tmp_path: Path) -> None:
    (tmp_path / "nrd").mkdir()
    path = tmp_path / "clonewatch.toml"
    path.write_text(GOOD)
    config = load_config(path, {"batch_size": 7, "feeds": {"ct": [{"url": "http://127.0.0.1:1/log/"}]}})
    assert config.batch_size == 7 and [f.kind for f in config.feeds] == ["nrd", "ct", "ct", "file"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"feeds": {"ct": [{"url": "ftp://x"}]}}, "feeds.ct[0].url: not an http(s) URL"),
        ({"feeds": {"ct": [{}]}}, "feeds.ct[0].url: missing"),
        ({"feeds": {"zone": [{"source": "x"}]}}, "feeds.zone: unknown key (known: nrd, ct, file)"),
        (
            {"feeds": {"nrd": [{"source": "/no/such/dir"}]}},
            "feeds.nrd[0].source: /no/such/dir is not a directory",
        ),
        ({"feeds": {"nrd": {"source": "x"}}}, "feeds.nrd: not an array of tables ([[feeds.nrd]])"),
        (
            {"feeds": {"ct": [{"url": "https://c/", "start": -1}]}},
            'feeds.ct[0].start: not an index >= 0 or "end"',
        ),
        ({"batch_size": 0, "feeds": {"file": [{"source": "-"}]}}, "batch_size: not a positive integer"),
        ({"poll": "soon", "feeds": {"file": [{"source": "-"}]}}, "poll: "),
        (
            {"alerts": {"webhook": ["https://ok/", 3]}, "feeds": {"file": [{"source": "-"}]}},
            "alerts.webhook: ",
        ),
        (
            {"probe": {"schedule": {"parkd": "1d"}}, "feeds": {"file": [{"source": "-"}]}},
            "probe.schedule.parkd: unknown key",
        ),
        (
            {"caps": {"retries": True}, "feeds": {"file": [{"source": "-"}]}},
            "caps.retries: not a whole number",
        ),
        ({}, "feeds: no feed given"),
    ],
)
def test_errors_name_the_key(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, origin="w.toml")
    assert f"w.toml: {message}" in str(caught.value)


def test_every_error_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"batch_size": "big", "feeds": {"ct": [{"url": "x"}, {"url": "y"}]}})
    assert str(caught.value).splitlines() == [
        "feeds.ct[0].url: not an http(s) URL",
        "feeds.ct[1].url: not an http(s) URL",
        "batch_size: not a positive integer",
    ]


def test_not_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("feeds = [")
    with pytest.raises(ConfigError, match=r"bad\.toml: not valid TOML"):
        load_config(path)


def test_probe_resolver_screenshots_and_blobs(tmp_path: Path) -> None:
    feed = tmp_path / "names.txt"
    feed.write_text("spiegel.ltd\n")
    feeds = {"file": [{"source": str(feed)}]}
    probe = {"resolver": "127.0.0.1:5300", "screenshots": True, "blobs": "blobs"}
    good = parse_config({"feeds": feeds, "probe": probe}, base_dir=tmp_path)
    assert (good.probe.resolver, good.probe.screenshots, good.probe.blobs) == (
        "127.0.0.1:5300", True, tmp_path / "blobs",
    )  # fmt: skip
    with pytest.raises(ConfigError, match=r"probe\.resolver: bad resolver"):
        parse_config({"feeds": feeds, "probe": {"resolver": "127.0.0.1:notaport"}}, base_dir=tmp_path)
