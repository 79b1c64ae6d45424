"""Coordinated link sharing on generated X API v2 data with planted networks."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from clonewatch.brands import Brand
from clonewatch.errors import InputError
from clonewatch.match import Matcher
from clonewatch.social import (
    Account,
    Level,
    ReadReport,
    Share,
    co_share_edges,
    groups_of,
    normalise_url,
    parse_window,
    read_posts,
    share_table,
    shares_of,
)
from tests.social.posts_kit import scenario

Cli = Callable[..., subprocess.CompletedProcess[str]]
MATCHER = Matcher([Brand("Der Spiegel", ("spiegel.de",)), Brand("Bild", ("bild.de",))])


def found_groups(path: Path, level: Level, *, only_lookalikes: bool = False) -> list[set[str]]:
    report = ReadReport()
    shares = [
        share
        for _, _, share in shares_of(
            read_posts(path, report), MATCHER, level=level, only_lookalikes=only_lookalikes
        )
        if share is not None
    ]
    groups = groups_of(co_share_edges(shares, 60.0), min_repeat=3)
    return [{account.id for account in group.accounts} for group in groups]


@pytest.mark.parametrize("level", [Level.URL, Level.DOMAIN, Level.BRAND])
def test_planted_networks_are_found_exactly(tmp_path: Path, level: Level) -> None:
    world = scenario()
    path = world.write_pages(tmp_path / "pages.jsonl")
    groups = found_groups(path, level, only_lookalikes=level is not Level.BRAND)
    assert sorted(groups, key=min) == sorted(world.planted, key=min)
    assert not any(group & world.organic for group in groups)


def test_organic_breaking_news_is_not_a_group(tmp_path: Path) -> None:
    world = scenario()
    path = world.write_pages(tmp_path / "pages.jsonl")
    groups = found_groups(path, Level.URL)
    assert not any(group & world.organic for group in groups)


def test_links_are_normalised() -> None:
    assert normalise_url("hxxps://Spiegel[.]LTD:443/a?utm_source=x&id=3&fbclid=zz#top") == (
        "https://spiegel.ltd/a?id=3",
        "spiegel.ltd",
    )
    assert normalise_url("bild.lol/x") == ("http://bild.lol/x", "bild.lol")
    assert normalise_url("mailto:someone@example.com") is None
    assert normalise_url("not a link") is None


@pytest.mark.parametrize(("text", "seconds"), [("60", 60.0), ("60s", 60.0), ("2m", 120.0), ("1h", 3600.0)])
def test_windows(text: str, seconds: float) -> None:
    assert parse_window(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "-5s", "0"])
def test_bad_windows(text: str) -> None:
    with pytest.raises(InputError):
        parse_window(text)


def test_formats_and_broken_lines(tmp_path: Path) -> None:
    flat = tmp_path / "flat.jsonl"
    tweet = {
        "id": "1", "author_id": "7", "created_at": "2026-11-20T10:00:00Z", "text": "x",
        "entities": {"urls": [{"expanded_url": "https://bild.lol/a"}]},
        "author": {"id": "7", "username": "seven"},
    }  # fmt: skip
    flat.write_text(
        json.dumps(tweet) + "\n{broken\n" + json.dumps(tweet | {"id": "2"}) + "\n", encoding="utf-8"
    )
    report = ReadReport()
    posts = list(read_posts(flat, report))
    assert [p.post_id for p in posts] == ["1", "2"]
    assert posts[0].account.username == "seven"
    assert report.format == "twarc2-flat"
    assert report.skipped[0][0] == f"{flat}:2"
    table = tmp_path / "posts.csv"
    table.write_text("account,time,url,text\nalice,2026-11-20T10:00:00Z,https://bild.lol/a,hi\nbob,never,x\n")
    report = ReadReport()
    assert [p.account.id for p in read_posts(table, report)] == ["alice"]
    assert report.format == "csv" and "bad time" in report.skipped[0][1]
    junk = tmp_path / "junk.txt"
    junk.write_text("hello world\n")
    with pytest.raises(InputError, match=r"not X API v2 or v1\.1 JSON"):
        list(read_posts(junk, ReadReport()))


def test_cli_coordinate_and_links(cli: Cli, tmp_path: Path, brands_file: Callable[[str], Path]) -> None:
    world = scenario()
    path = world.write_pages(tmp_path / "pages.jsonl")
    brands = brands_file("spiegel.de\nbild.de\n")
    result = cli(
        "social", "coordinate", str(path), "--window", "60s", "--min-repeat", "3", "--only-lookalikes",
        "--brands", str(brands), "--format", "jsonl",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    groups = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted((set(g["account_ids"]) for g in groups), key=min) == sorted(world.planted, key=min)
    spiegel = next(g for g in groups if any(k.startswith("https://spiegel.ltd") for k in g["keys"]))
    assert spiegel["size"] == 6
    assert all(c["seconds"] <= 60 for c in spiegel["tightest"])
    assert all(fact["default_image"] for fact in spiegel["account_facts"])
    assert "read " in result.stderr and "2 groups" in result.stderr
    links = cli("social", "links", str(path), "--brands", str(brands), "--format", "jsonl")
    rows = [json.loads(line) for line in links.stdout.splitlines()]
    assert any(
        row["lookalike"] == "spiegel.de" and row["url"].startswith("https://spiegel.ltd/") for row in rows
    )
    assert all("utm_source" not in row["url"] for row in rows)


@pytest.mark.parametrize("epoch", [True, False])
def test_csv_posts_are_read_column_wise_with_the_same_result(tmp_path: Path, epoch: bool) -> None:
    world = scenario()
    path = world.write_csv(tmp_path / "posts.csv", epoch=epoch)
    with path.open("a", encoding="utf-8") as stream:
        stream.write("9000,not-a-time,https://spiegel.ltd/article-0,late,x1\n")
        stream.write("only,two\n")
        stream.write("9001,2026-11-21T00:00:00Z,https://spiegel.ltd/article-9\n")
    report = ReadReport()
    table = share_table([path], MATCHER, report, level=Level.URL, only_lookalikes=True)
    groups = groups_of(co_share_edges(table, 60.0), min_repeat=3)
    assert sorted(({a.id for a in g.accounts} for g in groups), key=min) == sorted(world.planted, key=min)
    assert report.format == "csv" and report.read == len(world.tweets) + 1
    assert sorted(why for _, why in report.skipped) == ["bad time 'not-a-time'", "fewer than 3 columns"]
    assert "https://spiegel.ltd/article-9" in table.keys
    spiegel = next(g for g in groups if len(g.accounts) == 6)
    assert all(c.first.isdigit() and c.second.isdigit() and c.seconds <= 60 for c in spiegel.tightest)
    by_posts = [
        share
        for _, _, share in shares_of(
            read_posts(path, ReadReport()), MATCHER, level=Level.URL, only_lookalikes=True
        )
        if share is not None
    ]
    assert sorted(
        zip(table.time.tolist(), (table.keys[k] for k in table.key.tolist()), strict=True)
    ) == sorted((share.time, share.key) for share in by_posts)


def test_cli_csv_edges_neutralise_formulas(cli: Cli, tmp_path: Path) -> None:
    posts = tmp_path / "posts.csv"
    rows = [f"{name},{1000 + 3 * i + r * 600},https://x.example/{r}" for r in range(3) for i, name in
            enumerate(("=cmd", "bob", "\"carol,jr\""))]  # fmt: skip
    posts.write_text("account,time,url\n" + "\n".join(rows) + "\n")
    edges = tmp_path / "edges.csv"
    result = cli(
        "social", "coordinate", str(posts), "--window", "10", "--edges", str(edges), "--format", "csv"
    )
    assert result.returncode == 0, result.stderr
    assert edges.read_text().splitlines() == [
        "account_a,account_b,weight,keys",
        "'=cmd,bob,3,https://x.example/0 https://x.example/1 https://x.example/2",
        '\'=cmd,"carol,jr",3,https://x.example/0 https://x.example/1 https://x.example/2',
        'bob,"carol,jr",3,https://x.example/0 https://x.example/1 https://x.example/2',
    ]
    assert result.stdout.splitlines()[0].startswith("size,accounts")


def test_cli_unknown_format_is_exit_2(cli: Cli, tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_text("hello\n")
    result = cli("social", "coordinate", str(junk))
    assert result.returncode == 2
    assert "not X API v2 or v1.1 JSON" in result.stderr


def test_whole_json_document_edges_file_and_estimated_window(
    cli: Cli, tmp_path: Path, brands_file: Callable[[str], Path]
) -> None:
    world = scenario()
    lines = world.write_pages(tmp_path / "pages.jsonl").read_text().splitlines()
    document = tmp_path / "export.json"
    document.write_text(json.dumps([json.loads(line) for line in lines], indent=2))
    edges = tmp_path / "edges.csv"
    brands = brands_file("spiegel.de\nbild.de\n")
    estimated = cli("social", "coordinate", str(document), "--only-lookalikes", "--brands", str(brands))
    assert estimated.returncode == 0, estimated.stderr
    assert "window estimated from the data" in estimated.stderr
    planted = set().union(*world.planted)
    assert all(set(g["account_ids"]) <= planted for g in map(json.loads, estimated.stdout.splitlines()))
    result = cli(
        "social", "coordinate", str(document), "--only-lookalikes", "--brands", str(brands),
        "--window", "60s", "--edges", str(edges), "--format", "jsonl",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    groups = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted((set(g["account_ids"]) for g in groups), key=min) == sorted(world.planted, key=min)
    cohort = groups[0]["cohort"]
    assert cohort["default_images"] == groups[0]["size"]
    assert cohort["created_span_days"] is not None and cohort["created_span_days"] <= 2
    assert cohort["median_followers"] < 10
    rows = edges.read_text().splitlines()
    assert rows[0] == "account_a,account_b,weight,keys"
    planted_pairs = sum(len(group) * (len(group) - 1) // 2 for group in world.planted)
    assert len(rows) - 1 == planted_pairs
    assert all(int(row.split(",")[2]) >= 4 for row in rows[1:])


def test_estimated_window_follows_the_fastest_shares() -> None:
    from clonewatch.social import Account, Share, estimate_window

    shares = [Share(f"k{k}", 1000.0 * k + delay, Account(f"a{i}"), f"p{k}-{i}", "u")
              for k in range(20) for i, delay in enumerate((0, 2, 3, 5, 400, 900))]  # fmt: skip
    assert 1.0 <= estimate_window(shares) <= 5.0
    with pytest.raises(InputError, match="give --window"):
        estimate_window([Share("only", 0.0, Account("a"), "p", "u")])


def test_co_repost_level(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 11, 20, tzinfo=UTC)
    tweets = []
    for burst in range(4):
        for member in range(4):
            when = start + timedelta(hours=burst, seconds=member * 3)
            tweets.append({
                "id": f"{burst}{member}", "author_id": f"m{member}", "created_at": when.isoformat(),
                "text": "RT", "referenced_tweets": [{"type": "retweeted", "id": f"orig{burst}"}],
            })  # fmt: skip
    for person in range(30):
        when = start + timedelta(minutes=17 * person)
        tweets.append({
            "id": f"o{person}", "author_id": f"p{person}", "created_at": when.isoformat(), "text": "RT",
            "referenced_tweets": [{"type": "retweeted", "id": "orig0"}],
        })  # fmt: skip
    path = tmp_path / "reposts.json"
    path.write_text(json.dumps({"data": tweets}))
    groups = found_groups(path, Level.REPOST)
    assert groups == [{"m0", "m1", "m2", "m3"}]


def _clique_shares(prefix: str, size: int, urls: int, start: float) -> list[Share]:
    return [
        Share(f"{prefix}-url{u}", start + 3600 * u + i, Account(f"{prefix}{i:02d}"), f"{prefix}{u}-{i}", "x")
        for u in range(urls)
        for i in range(size)
    ]


def test_big_components_are_split_into_louvain_communities() -> None:
    shares = _clique_shares("a", 30, 5, 0.0) + _clique_shares("b", 30, 5, 100_000.0)
    for u in range(3):  # a thin bridge: two accounts of each side share three more links together
        for i, account in enumerate(("a00", "a01", "b00", "b01")):
            shares.append(Share(f"bridge{u}", 500_000.0 + 3600 * u + i, Account(account), f"br{u}{i}", "x"))
    groups = groups_of(co_share_edges(shares, 60.0), min_repeat=3)
    found = sorted({a.id[0] for a in group.accounts} for group in groups)
    assert len(groups) == 2
    assert found == [{"a"}, {"b"}]
    assert sorted(len(group.accounts) for group in groups) == [30, 30]


def test_cli_graph_files(cli: Cli, tmp_path: Path, brands_file: Callable[[str], Path]) -> None:
    world = scenario()
    path = world.write_pages(tmp_path / "pages.jsonl")
    brands = brands_file("spiegel.de\nbild.de\n")
    for name in ("network.graphml", "network.gexf"):
        out = tmp_path / name
        result = cli(
            "social", "graph", str(path), "--out", str(out), "--only-lookalikes", "--min-repeat", "3",
            "--brands", str(brands),
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        text = out.read_text()
        assert "user9000" in text and "weight" in text
        assert not any(f">user{uid}<" in text or f'"user{uid}"' in text for uid in world.organic)
    bad = cli("social", "graph", str(path), "--out", str(tmp_path / "network.png"))
    assert bad.returncode == 2
    assert ".graphml or .gexf" in bad.stderr


def test_co_post_finds_accounts_posting_near_identical_text(tmp_path: Path) -> None:
    import random
    from datetime import UTC, datetime, timedelta

    rng = random.Random(3)
    start = datetime(2026, 11, 20, tzinfo=UTC)
    vocabulary = "the a war news minister said today city people report new law army price gas".split()
    messages = [
        "Shocking: the German minister admits sanctions hurt Germany more than Russia, read it now",
        "Leaked memo shows the French government hid the real cost of weapons for Ukraine from voters",
        "Berlin residents protest as heating bills triple while politicians send billions abroad again",
    ]
    tweets = []
    for burst, message in enumerate(messages):
        for member in range(5):
            text = f"{message} {'!' * member} https://t.co/{burst}{member} @someone{member}"
            when = start + timedelta(hours=burst * 2, seconds=member * 4)
            tweet = {"id": f"c{burst}{member}", "author_id": f"c{member}", "created_at": when.isoformat()}
            tweets.append(tweet | {"text": text})
    for person in range(200):
        words = " ".join(rng.choice(vocabulary) for _ in range(12))
        when = start + timedelta(seconds=rng.uniform(0, 8 * 3600))
        tweets.append({"id": f"o{person}", "author_id": f"o{person % 60}", "created_at": when.isoformat(),
                       "text": words})  # fmt: skip
    path = tmp_path / "posts.json"
    path.write_text(json.dumps({"data": tweets}))
    assert found_groups(path, Level.TEXT) == [{f"c{member}" for member in range(5)}]


def test_cli_resolves_shortened_links_to_the_look_alike(
    cli: Cli, tmp_path: Path, local_dns: object, sites: int, brands_file: Callable[[str], Path]
) -> None:
    rows = ["account,time,url,text,post_id"]
    for burst in range(4):
        for member in range(4):
            seconds = burst * 3600 + member * 5
            rows.append(
                f"m{member},{1795600000 + seconds},http://short.click:{sites}/s/{burst}{member},x,p{burst}{member}"
            )
    for person in range(10):
        rows.append(f"o{person},{1795600000 + person * 977},https://example.org/{person},x,o{person}")
    posts = tmp_path / "posts.csv"
    posts.write_text("\n".join(rows) + "\n")
    brands = brands_file("spiegel.de\n")
    resolver = local_dns.resolver  # type: ignore[attr-defined]
    links = cli(
        "social", "links", str(posts), "--resolve", "--resolver", resolver, "--allow-private",
        "--brands", str(brands), "--format", "jsonl",
    )  # fmt: skip
    assert links.returncode == 0, links.stderr
    first = json.loads(links.stdout.splitlines()[0])
    assert first["url"].startswith(f"http://spiegel-news.live:{sites}/article/")
    assert "utm_source" not in first["url"]
    assert first["lookalike"] == "spiegel.de"
    assert [hop.split("/")[2].split(":")[0] for hop in first["chain"]] == [
        "short.click",
        "hop.lol",
        "spiegel-news.live",
    ]
    groups = cli(
        "social", "coordinate", str(posts), "--resolve", "--resolver", resolver, "--allow-private",
        "--level", "brand", "--window", "60s", "--brands", str(brands), "--format", "jsonl",
    )  # fmt: skip
    assert groups.returncode == 0, groups.stderr
    found = [set(json.loads(line)["account_ids"]) for line in groups.stdout.splitlines()]
    assert found == [{"m0", "m1", "m2", "m3"}]
    refused = cli("social", "links", str(posts), "--resolve", "--resolver", resolver, "--brands", str(brands),
                  "--format", "jsonl")  # fmt: skip
    row = json.loads(refused.stdout.splitlines()[0])
    assert row["resolve_error"].startswith("refused") and row["lookalike"] is None


def test_a_community_worker_finds_the_same_groups_in_its_own_process() -> None:
    from clonewatch.social.community import CommunityWorker

    shares = _clique_shares("a", 30, 5, 0.0) + _clique_shares("b", 30, 5, 100_000.0)
    for u in range(3):
        for i, account in enumerate(("a00", "a01", "b00", "b01")):
            shares.append(Share(f"bridge{u}", 500_000.0 + 3600 * u + i, Account(account), f"br{u}{i}", "x"))
    network = co_share_edges(shares, 60.0)
    with CommunityWorker() as worker:
        remote = groups_of(network, min_repeat=3, worker=worker)
    local = groups_of(network, min_repeat=3)
    assert [g.to_dict() for g in remote] == [g.to_dict() for g in local]
    assert sorted(len(g.accounts) for g in remote) == [30, 30]
