"""`social` on real X data as researchers hold it (../shared/data/xdata_dev.tar.gz: twarc2 search
pages, flattened and stream output, non-post records, v1.1 tweets), against counts written here."""

from __future__ import annotations

import csv
import json
import subprocess
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from clonewatch.social import normalise_url
from clonewatch.testing.xdata import ARCHIVE, SEARCH_PAGES, unpack
from tests.conftest import SHARED_DATA

Cli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def xdata(tmp_path_factory: pytest.TempPathFactory) -> Path:
    archive = SHARED_DATA / ARCHIVE
    if not archive.exists():
        pytest.skip(f"real X data not found at {archive}")
    return unpack(archive, tmp_path_factory.mktemp("xdata"))


def _normalised(urls: Iterable[str | None]) -> set[str]:
    found = set()
    for url in urls:
        normal = normalise_url(url) if url else None
        if normal is not None:
            found.add(normal[0])
    return found


def _entity_urls(tweet: dict[str, Any]) -> Iterator[str | None]:
    for entity in (tweet.get("entities") or {}).get("urls") or []:
        yield entity.get("unwound_url") or entity.get("expanded_url") or entity.get("url")


def independent_links(paths: Iterable[Path]) -> dict[str, set[tuple[str, str]]]:
    """post id -> {(normalised url, via)} read straight from v2 pages, the first copy of a post kept:
    a retweet has its original's links (and those the original quotes) when the page includes the
    original, else its own copy; a quote has its own links and the quoted post's."""
    posts: dict[str, set[tuple[str, str]]] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            page = json.loads(line)
            included = {t["id"]: t for t in page.get("includes", {}).get("tweets", [])}
            for tweet in page["data"] if isinstance(page["data"], list) else [page["data"]]:
                if tweet["id"] in posts:
                    continue
                refs = {r["type"]: r["id"] for r in tweet.get("referenced_tweets", [])}
                original = included.get(refs.get("retweeted", ""))
                if "retweeted" in refs:
                    sources = [tweet] if original is None else [original]
                    if original is not None:
                        inner = {r["type"]: r["id"] for r in original.get("referenced_tweets", [])}
                        sources += [included[inner["quoted"]]] if inner.get("quoted") in included else []
                    links = {(u, "retweeted") for s in sources for u in _normalised(_entity_urls(s))}
                else:
                    links = {(u, "own") for u in _normalised(_entity_urls(tweet))}
                    quoted = included.get(refs.get("quoted", ""))
                    if quoted is not None:
                        mine = {u for u, _ in links}
                        links |= {(u, "quoted") for u in _normalised(_entity_urls(quoted)) if u not in mine}
                posts[tweet["id"]] = links
    return posts


def link_rows(result: subprocess.CompletedProcess[str]) -> list[tuple[str, str, str]]:
    assert result.returncode == 0, result.stderr
    return [(r["post_id"], r["url"], r["via"]) for r in map(json.loads, result.stdout.splitlines())]


def test_links_of_real_pages_match_an_independent_count(cli: Cli, xdata: Path) -> None:
    paths = [xdata / name for name in SEARCH_PAGES]
    expected = independent_links(paths)
    result = cli("social", "links", *map(str, paths), "--format", "jsonl")
    rows = link_rows(result)
    assert len(rows) == len(set(rows)), "a (post, link) pair listed twice"
    assert set(rows) == {(post, url, via) for post, links in expected.items() for url, via in links}
    duplicates = sum(len(json.loads(line)["data"]) for p in paths for line in p.read_text().splitlines())
    duplicates -= len(expected)
    assert duplicates >= 200  # 2sets.jsonl is kpop.jsonl and brexit.jsonl again
    assert f"read {len(expected):,} posts (x-api-v2), {duplicates:,} duplicates left out" in result.stderr
    vias = {via for _, _, via in rows}
    assert vias == {"own", "retweeted", "quoted"}
    own_only = link_rows(
        cli("social", "links", *map(str, paths), "--format", "jsonl", "--retweets", "exclude")
    )
    assert set(own_only) == {row for row in rows if row[2] == "own"}


def test_flattened_lines_give_the_links_of_the_pages_they_came_from(cli: Cli, xdata: Path) -> None:
    flat = cli("social", "links", str(xdata / "flat.jsonl"), "--format", "jsonl")
    pages = cli("social", "links", str(xdata / "noflat.jsonl"), "--format", "jsonl")
    assert set(link_rows(flat)) == set(link_rows(pages)) and link_rows(flat)
    assert "read 100 posts (twarc2-flat)" in flat.stderr


def test_stream_output_with_a_broken_line(cli: Cli, xdata: Path, tmp_path: Path) -> None:
    path = xdata / "streaming_output_with_error.jsonl"
    result = cli("social", "links", str(path), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert (
        f"read 7 posts (twarc2-stream), 0 duplicates left out, skipped 1 ({path}:8 not JSON" in result.stderr
    )
    fine = tmp_path / "without-the-broken-line.jsonl"
    fine.write_text("\n".join(path.read_text().splitlines()[:7]) + "\n")
    expected = {(post, url) for post, links in independent_links([fine]).items() for url, _ in links}
    assert {(post, url) for post, url, _ in link_rows(result)} == expected and expected


def test_v1_tweets_retweets_carry_the_original_links(cli: Cli, xdata: Path) -> None:
    timeline = json.loads((xdata / "get_home_timeline.json").read_text())
    expected = set()
    for tweet in timeline:
        source = tweet.get("retweeted_status", tweet)
        sources = [source, *([source["quoted_status"]] if "quoted_status" in source else [])]
        entities = [s.get("entities", {}) for s in sources]
        urls = _normalised(
            e.get("expanded_url") for s in entities for e in s.get("urls", []) + s.get("media", [])
        )
        via = "retweeted" if "retweeted_status" in tweet else "own"
        expected |= {(tweet["id_str"], url, via) for url in urls}
    paths = [
        xdata / "get_home_timeline.json",
        xdata / "get_status.json",
        xdata / "extended_tweet_in_extended_mode.json",
    ]
    result = cli("social", "links", *map(str, paths), "--format", "jsonl")
    rows = set(link_rows(result))
    assert {row for row in rows if row[0] in {t["id_str"] for t in timeline}} == expected
    assert any(via == "retweeted" for _, _, via in expected)
    assert "read 22 posts (v1.1), 0 duplicates left out, skipped 0" in result.stderr
    extended = json.loads((xdata / "extended_tweet_in_extended_mode.json").read_text())
    assert (extended["id_str"], extended["entities"]["media"][0]["expanded_url"], "own") in rows


@pytest.mark.parametrize(
    ("name", "held"),
    [
        ("users.jsonl", "user records (1 page)"),
        ("counts.jsonl", "tweet counts (1 page)"),
        ("lists.jsonl", "list records (2 pages)"),
        ("tweets_compliance.jsonl", "compliance results (2 lines)"),
        ("users_compliance.jsonl", "compliance results (2 lines)"),
    ],
)
def test_real_files_without_posts_are_refused_saying_what_they_hold(
    cli: Cli, xdata: Path, name: str, held: str
) -> None:
    result = cli("social", "coordinate", str(xdata / name))
    assert (result.returncode, result.stderr) == (
        2,
        f"clonewatch: error: {xdata / name}: no posts in it, only {held}\n",
    )


def test_empty_real_file(cli: Cli, xdata: Path) -> None:
    result = cli("social", "links", str(xdata / "empty.json"))
    assert (result.returncode, result.stderr) == (
        2,
        f"clonewatch: error: {xdata / 'empty.json'}: empty, no posts in it\n",
    )


@pytest.mark.parametrize("level", ["url", "domain"])
def test_overlapping_inputs_give_the_same_groups_and_edges_as_one(
    cli: Cli, xdata: Path, tmp_path: Path, level: str
) -> None:
    once = [str(xdata / "kpop.jsonl"), str(xdata / "brexit.jsonl")]
    again = [str(xdata / "2sets.jsonl"), *once, str(xdata / "2sets.jsonl")]
    options = ("--window", "10m", "--min-repeat", "1", "--level", level, "--format", "jsonl")
    runs = []
    for name, files in (("once", once), ("again", again)):
        edges = tmp_path / f"{name}.csv"
        result = cli("social", "coordinate", *files, *options, "--edges", str(edges))
        assert result.returncode == 0, result.stderr
        runs.append((result.stdout, edges.read_text(), result.stderr))
    assert runs[0][:2] == runs[1][:2]
    assert len(runs[0][1].splitlines()) > 10  # the retweets of the same posts make real edges
    assert "0 duplicates left out" in runs[0][2] and "400 duplicates left out" in runs[1][2]
    graphs = []
    for name, files in (("once", once), ("again", again)):
        out = tmp_path / f"{name}.graphml"
        result = cli("social", "graph", *files, "--window", "10m", "--level", level, "--out", str(out))
        assert result.returncode == 0, result.stderr
        graphs.append(out.read_text())
    assert graphs[0] == graphs[1] and "<edge" in graphs[0]


def test_retweets_exclude_leaves_amplification_out(cli: Cli, xdata: Path) -> None:
    files = [str(xdata / "kpop.jsonl"), str(xdata / "brexit.jsonl")]
    options = ("--window", "10m", "--min-repeat", "1", "--format", "jsonl")
    included = cli("social", "coordinate", *files, *options)
    excluded = cli("social", "coordinate", *files, *options, "--retweets", "exclude")
    assert included.returncode == excluded.returncode == 0, included.stderr + excluded.stderr
    shares = [
        int(r.stderr.split(" shares")[0].rsplit(" ", 1)[1].replace(",", "")) for r in (included, excluded)
    ]
    assert shares[0] > shares[1]


def _twarc_csv(flat: Path, out: Path) -> Path:
    """flat.jsonl as `twarc2 csv` writes it (a retweet's entities merged from the retweeted tweet,
    URL lists as JSON, newlines escaped)."""
    columns = [
        "id",
        "referenced_tweets.retweeted.id",
        "referenced_tweets.quoted.id",
        "author_id",
        "created_at",
        "text",
        "entities.urls",
        "author.username",
        "author.created_at",
        "author.public_metrics.followers_count",
    ]
    with out.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(columns)
        for line in flat.read_text(encoding="utf-8").splitlines():
            tweet = json.loads(line)
            refs = {r["type"]: r for r in tweet.get("referenced_tweets", [])}
            source = refs["retweeted"] if "entities" in refs.get("retweeted", {}) else tweet
            urls = [
                e.get("unwound_url") or e["expanded_url"] for e in source.get("entities", {}).get("urls", [])
            ]
            writer.writerow(
                [
                    tweet["id"],
                    refs.get("retweeted", {}).get("id", ""),
                    refs.get("quoted", {}).get("id", ""),
                    tweet["author_id"],
                    tweet["created_at"],
                    tweet["text"].replace("\n", "\\n"),
                    json.dumps(urls) if urls else "",
                    tweet["author"]["username"],
                    tweet["author"].get("created_at", ""),
                    tweet["author"].get("public_metrics", {}).get("followers_count", ""),
                ]
            )
    return out


def test_a_twarc_csv_export_of_real_posts(cli: Cli, xdata: Path, tmp_path: Path) -> None:
    exported = _twarc_csv(xdata / "flat.jsonl", tmp_path / "flat.csv")
    from_csv = cli("social", "links", str(exported), "--format", "jsonl")
    expected = set()  # the export keeps a retweet's original's own links, a quote's own links
    for line in (xdata / "flat.jsonl").read_text(encoding="utf-8").splitlines():
        tweet = json.loads(line)
        original = next((r for r in tweet.get("referenced_tweets", []) if r["type"] == "retweeted"), None)
        via = "own" if original is None else "retweeted"
        source = original if original is not None and "entities" in original else tweet
        expected |= {(tweet["id"], url, via) for url in _normalised(_entity_urls(source))}
    assert set(link_rows(from_csv)) == expected
    assert "read 100 posts (twarc-csv)" in from_csv.stderr
