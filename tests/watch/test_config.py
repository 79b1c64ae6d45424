from __future__ import annotations

import tomllib
from dataclasses import MISSING, fields
from datetime import timedelta
from pathlib import Path

import pytest

from clonewatch.errors import ConfigError
from clonewatch.watch import config as config_module
from clonewatch.watch.config import flag_feeds, load_config, parse_config
from clonewatch.watch.ctfeed import CtOptions
from clonewatch.watch.feeds import default_feed_kinds
from clonewatch.watch.nrd import NrdOptions

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
    assert config.feeds[0].options == NrdOptions(source=str(tmp_path / "nrd"), settle=2.0)
    assert config.feeds[1].options == CtOptions(
        url="https://ct.example/log/", entries_per_request=64, start="end"
    )
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
    rdap = {"lol": "https://rdap.example/rdap/", ".PM": "https://rdap.nic.pm/"}
    servers = parse_config({"feeds": feeds, "probe": {"rdap": rdap}}, base_dir=tmp_path).probe.rdap_servers
    assert servers == {"lol": "https://rdap.example/rdap/", "pm": "https://rdap.nic.pm/"}
    trusted = parse_config({"feeds": feeds, "probe": {"ca_file": "lab-ca.pem"}}, base_dir=tmp_path).probe
    assert trusted.ca_file == tmp_path / "lab-ca.pem"
    with pytest.raises(ConfigError, match=r"probe\.rdap\.lol: not an http\(s\) URL"):
        parse_config({"feeds": feeds, "probe": {"rdap": {"lol": "ftp://x/"}}}, base_dir=tmp_path)
    remote = parse_config({"feeds": feeds, "probe": {"blobs": "s3://evidence/clonewatch"}}, base_dir=tmp_path)
    assert remote.probe.blobs == "s3://evidence/clonewatch"  # object storage: a URL, not a path


def test_a_registered_kind_is_read_from_the_config_with_no_code_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The config knows feed kinds only through the registry: a kind added there is read, its
    defaults applied, its unknown keys refused, and it is listed among the known kinds."""
    from tests.watch.test_feeds import ZONE, ZoneOptions

    monkeypatch.setattr(config_module, "default_feed_kinds", lambda: {**default_feed_kinds(), "zone": ZONE})
    config = parse_config({"feeds": {"zone": [{"source": "com.zone", "poll": "1h"}]}}, base_dir=tmp_path)
    assert [(f.kind, f.options, f.poll, f.key) for f in config.feeds] == [
        ("zone", ZoneOptions(str(tmp_path / "com.zone")), 3600.0, "feeds.zone[0]")
    ]
    with pytest.raises(ConfigError) as caught:
        parse_config({"feeds": {"zone": [{"source": "x", "serial": 1}], "dns": []}})
    assert str(caught.value).splitlines() == [
        "feeds.dns: unknown key (known: nrd, ct, file, zone)",
        "feeds.zone[0].serial: unknown key (known: source, origin, axfr_every, poll)",
    ]


def test_feed_flags_become_feed_tables(tmp_path: Path) -> None:
    (tmp_path / "nrd").mkdir()
    tables = flag_feeds(
        {"nrd": ["nrd", "https://nrd.example/today.gz"], "ct": ["ct.example/log"], "file": ["-"]}, tmp_path
    )
    assert tables == {
        "nrd": [{"source": str(tmp_path / "nrd")}, {"source": "https://nrd.example/today.gz"}],
        "ct": [{"url": "ct.example/log"}],  # not a path option: left as given, for the check to refuse
        "file": [{"source": "-"}],
    }
    assert flag_feeds({"ct": []}) == {}


def test_the_module_docstring_documents_every_feed_option_with_its_default() -> None:
    """The ``[[feeds.*]]`` part of the config's docstring parses as TOML and shows every option
    of every registered kind (and only those), each default as the kind declares it."""
    doc = config_module.__doc__ or ""
    lines = doc[doc.index("    [[feeds.") : doc.index("    [probe]")].splitlines()
    documented = tomllib.loads("\n".join(line.split("#")[0].strip() for line in lines))["feeds"]
    for name, kind in default_feed_kinds().items():
        (table,) = documented[name]
        assert set(table) - {"poll"} == set(kind.keys), name  # poll: every kind's, shown on some
        for option in fields(kind.options):
            if option.default is not MISSING:
                assert table[option.name] == option.default, f"feeds.{name}.{option.name}"


def test_probe_vantages_are_proxies_by_name(tmp_path: Path) -> None:
    feed = tmp_path / "names.txt"
    feed.write_text("spiegel.ltd\n")
    feeds = {"file": [{"source": str(feed)}]}
    vantages = {"de": "socks5h://user:pw@127.0.6.10:1080", "ru": "http://127.0.6.10:3128"}
    good = parse_config({"feeds": feeds, "probe": {"vantages": vantages}}, base_dir=tmp_path)
    assert [(v.name, v.proxy.display(), v.proxy.resolves_names) for v in good.probe.vantages] == [
        ("de", "socks5h://127.0.6.10:1080", True),
        ("ru", "http://127.0.6.10:3128", True),
    ]
    bad = {"vantages": {"de": "ftp://127.0.6.10:21", "fr": 3128}}
    with pytest.raises(ConfigError) as error:
        parse_config({"feeds": feeds, "probe": bad}, base_dir=tmp_path)
    assert "probe.vantages.de: vantage de: bad proxy URL" in str(error.value)
    assert "probe.vantages.fr: vantage fr: bad proxy URL" in str(error.value)



def test_probe_lease(tmp_path: Path) -> None:
    feeds = {"file": [{"source": "-"}]}
    assert parse_config({"feeds": feeds}, base_dir=tmp_path).probe.lease == 900.0
    assert parse_config({"feeds": feeds, "probe": {"lease": "5m"}}, base_dir=tmp_path).probe.lease == 300.0
