"""Every format `social` reads gives the same posts and links (made-up posts, see formats_kit)."""

from __future__ import annotations

import gzip
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.social import formats_kit as kit

Cli = Callable[..., subprocess.CompletedProcess[str]]
Writer = Callable[[Path], Path]


def links_of(result: subprocess.CompletedProcess[str]) -> list[tuple[str, str, str]]:
    assert result.returncode == 0, result.stderr
    return [(row["post_id"], row["url"], row["via"]) for row in map(json.loads, result.stdout.splitlines())]


WRITERS: dict[str, tuple[Writer, str]] = {
    "pages": (kit.write_pages, "x-api-v2"),
    "stream": (kit.write_stream, "twarc2-stream"),
    "flat": (kit.write_flat, "twarc2-flat"),
    "v1-lines": (kit.write_v1_lines, "v1.1"),
    "v1-search": (kit.write_v1_search, "v1.1"),
    "v1-array": (kit.write_v1_array, "v1.1"),
}


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_each_json_format_gives_every_link_once_with_how_it_came(cli: Cli, tmp_path: Path, kind: str) -> None:
    writer, name = WRITERS[kind]
    path = writer(tmp_path / f"{kind}.json")
    result = cli("social", "links", str(path), "--format", "jsonl")
    found = links_of(result)
    assert len(found) == len(set(found))  # a link listed twice in a post is one link
    assert set(found) == kit.expected_links()
    assert f"read 5 posts ({name}), 0 duplicates left out, skipped 0" in result.stderr
    own = links_of(cli("social", "links", str(path), "--format", "jsonl", "--retweets", "exclude"))
    assert set(own) == kit.expected_links(retweets=False)


def test_twarc_csv_export(cli: Cli, tmp_path: Path) -> None:
    path = kit.write_twarc_csv(tmp_path / "tweets.csv")
    result = cli("social", "links", str(path), "--format", "jsonl")
    # the export keeps a quote's own links only (the quoted post's are not in its row)
    expected = {link for link in kit.expected_links() if link[2] != "quoted"}
    assert set(links_of(result)) == expected
    assert "read 5 posts (twarc-csv)" in result.stderr
    saved = tmp_path / "saved-by-a-spreadsheet.csv"  # with a byte-order mark
    saved.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert set(links_of(cli("social", "links", str(saved), "--format", "jsonl"))) == expected


def test_own_csv_rows_of_one_post_are_one_post(cli: Cli, tmp_path: Path) -> None:
    path = kit.write_own_csv(tmp_path / "posts.csv")
    result = cli("social", "links", str(path), "--format", "jsonl")
    found = links_of(result)
    assert ("9001", "https://bild.lol/story", "own") in found and len(found) == len(set(found))
    assert {post for post, _, _ in found} == {"9001", "9002", "9003", "9004"}
    assert "read 4 posts (csv)" in result.stderr


def test_standard_input_and_gzip(cli: Cli, tmp_path: Path) -> None:
    path = kit.write_pages(tmp_path / "pages.jsonl")
    piped = cli("social", "links", "-", "--format", "jsonl", stdin=path.read_bytes())
    assert set(links_of(piped)) == kit.expected_links()
    packed = tmp_path / "pages.jsonl.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    assert set(links_of(cli("social", "links", str(packed), "--format", "jsonl"))) == kit.expected_links()


def test_the_same_posts_in_several_files_and_formats_are_read_once(cli: Cli, tmp_path: Path) -> None:
    files = [str(writer(tmp_path / kind)) for kind, (writer, _) in sorted(WRITERS.items())]
    result = cli("social", "links", *files, files[0], "--format", "jsonl")
    found = links_of(result)
    assert len(found) == len(set(found)) and set(found) == kit.expected_links()
    assert "read 5 posts (" in result.stderr and f"{5 * len(files):,} duplicates left out" in result.stderr
    for _, name in WRITERS.values():
        assert name in result.stderr.split(" duplicates")[0]


@pytest.mark.parametrize("line", [1, 2, 5])
def test_a_broken_line_is_skipped_wherever_it_is(cli: Cli, tmp_path: Path, line: int) -> None:
    lines = kit.write_flat(tmp_path / "flat.jsonl").read_text().splitlines()
    broken = tmp_path / "broken.jsonl"
    lines[line - 1] = lines[line - 1][: len(lines[line - 1]) // 2]
    broken.write_text("\n".join(lines) + "\n")
    result = cli("social", "links", str(broken), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert (
        f"read 4 posts (twarc2-flat), 0 duplicates left out, skipped 1 ({broken}:{line} not JSON"
        in result.stderr
    )
    assert kit.POSTS[line - 1].id not in {post for post, _, _ in links_of(result)}


def test_a_broken_document_names_its_line(cli: Cli, tmp_path: Path) -> None:
    path = kit.write_v1_search(tmp_path / "search.json")
    lines = path.read_text().splitlines()
    lines[6] = lines[6] + ' "oops'
    path.write_text("\n".join(lines))
    result = cli("social", "coordinate", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith(f"clonewatch: error: {path}:7: broken JSON document")


NOT_POSTS = {
    "users.jsonl": (
        {"data": [{"id": "1", "username": "someone", "name": "Some One"}]},
        "user records (1 page)",
    ),
    "counts.jsonl": (
        {
            "data": [
                {"start": "2026-11-20T00:00:00.000Z", "end": "2026-11-20T01:00:00.000Z", "tweet_count": 12}
            ],
            "meta": {"total_tweet_count": 12},
        },
        "tweet counts (1 page)",
    ),
    "lists.jsonl": (
        {"data": [{"id": "7", "name": "news", "owner_id": "1", "member_count": 3}]},
        "list records (1 page)",
    ),
    "job.json": (
        {
            "data": {
                "id": "1",
                "type": "tweets",
                "status": "complete",
                "download_url": "https://storage.example/d",
                "upload_url": "https://storage.example/u",
            }
        },
        "compliance jobs (1 page)",
    ),
    "compliance.jsonl": (
        {"id": "1", "action": "delete", "created_at": "2026-11-20T00:00:00.000Z", "reason": "deleted"},
        "compliance results (1 line)",
    ),
}


@pytest.mark.parametrize("name", sorted(NOT_POSTS))
@pytest.mark.parametrize("command", ["links", "coordinate", "graph"])
def test_files_without_posts_say_what_they_hold(cli: Cli, tmp_path: Path, name: str, command: str) -> None:
    document, held = NOT_POSTS[name]
    path = tmp_path / name
    path.write_text(json.dumps(document) + "\n")
    extra = ["--out", str(tmp_path / "g.graphml")] if command == "graph" else []
    result = cli("social", command, str(path), *extra)
    assert result.returncode == 2
    assert result.stderr == f"clonewatch: error: {path}: no posts in it, only {held}\n"


def test_an_empty_file_and_an_unknown_one(cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("\n\n")
    result = cli("social", "coordinate", str(empty))
    assert (result.returncode, result.stderr) == (2, f"clonewatch: error: {empty}: empty, no posts in it\n")
    other = tmp_path / "other.csv"
    other.write_text("\nname,when,link\n")
    result = cli("social", "links", str(other))
    assert result.returncode == 2 and result.stderr.startswith(f"clonewatch: error: {other}:2: not X API v2")


def test_text_level_leaves_plain_retweets_to_the_repost_level(cli: Cli, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 11, 20, tzinfo=UTC)
    tweets = []
    for burst in range(4):  # four accounts retweet the same four posts seconds apart: identical "RT" texts
        for member in range(4):
            when = start + timedelta(hours=burst, seconds=3 * member)
            tweets.append(
                {
                    "id": f"{burst}{member}",
                    "author_id": f"m{member}",
                    "created_at": when.isoformat(),
                    "text": f"RT @source: the minister said today that gas prices will triple again {burst}",
                    "referenced_tweets": [{"type": "retweeted", "id": f"orig{burst}"}],
                }
            )
    path = tmp_path / "retweets.json"
    path.write_text(json.dumps({"data": tweets}))
    options = ("--window", "60s", "--format", "jsonl")
    text = cli("social", "coordinate", str(path), *options, "--level", "text")
    assert text.returncode == 0 and text.stdout == "", text.stderr
    repost = cli("social", "coordinate", str(path), *options, "--level", "repost")
    assert [sorted(json.loads(line)["account_ids"]) for line in repost.stdout.splitlines()] == [
        ["m0", "m1", "m2", "m3"]
    ]


@pytest.mark.parametrize(
    ("retweets", "edges"), [("include", {"501,502,2", "501,503,2", "502,503,2"}), ("exclude", {"501,503,1"})]
)
def test_each_post_shares_a_key_once_in_every_format_at_once(
    cli: Cli, tmp_path: Path, retweets: str, edges: set[str]
) -> None:
    files = [str(writer(tmp_path / kind)) for kind, (writer, _) in sorted(WRITERS.items())]
    out = tmp_path / "edges.csv"
    result = cli(
        "social",
        "coordinate",
        *files,
        "--level",
        "domain",
        "--window",
        "10m",
        "--min-repeat",
        "1",
        "--retweets",
        retweets,
        "--edges",
        str(out),
        "--format",
        "jsonl",
    )
    assert result.returncode == 0, result.stderr
    assert {line.rsplit(",", 1)[0] for line in out.read_text().splitlines()[1:]} == edges


def test_two_broken_lines_first_are_skipped_too(cli: Cli, tmp_path: Path) -> None:
    lines = kit.write_stream(tmp_path / "stream.jsonl").read_text().splitlines()
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([lines[0][:40], "", lines[1][:-3], *lines[2:]]) + "\n")
    result = cli("social", "links", str(broken), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert "read 3 posts (twarc2-stream), 0 duplicates left out, skipped 2 (" in result.stderr
    assert f"{broken}:1 not JSON" in result.stderr and f"{broken}:3 not JSON" in result.stderr


def test_own_csv_read_column_wise_counts_a_post_once(cli: Cli, tmp_path: Path) -> None:
    rows = ["account,time,url,text,post_id"]
    for burst in range(
        3
    ):  # a and b share three links seconds apart; a lists each twice, b's post comes twice
        at = 1795600000 + burst * 3600
        rows += [
            f"a,{at},https://x.example/{burst},t,a{burst}",
            f"a,{at},https://x.example/{burst},t,a{burst}",
        ]
        rows += [f"b,{at + 5},https://x.example/{burst},t,b{burst}"]
    rows += [f"b,{1795600005 + burst * 3600},https://x.example/{burst},t,b{burst}" for burst in range(3)]
    posts = tmp_path / "posts.csv"
    posts.write_text("\n".join(rows) + "\n")
    options = ("--window", "60s", "--min-repeat", "1", "--format", "jsonl")
    for files in ([posts], [posts, posts]):  # one CSV is read column-wise, two post by post
        edges = tmp_path / "edges.csv"
        result = cli("social", "coordinate", *map(str, files), *options, "--edges", str(edges))
        assert result.returncode == 0, result.stderr
        assert edges.read_text().splitlines()[1].startswith("a,b,3,")
        duplicates = 3 if len(files) == 1 else 3 + 9
        assert f"read 6 posts (csv), {duplicates} duplicates left out" in result.stderr


def test_a_page_given_three_times_is_one_co_share_not_three(cli: Cli, tmp_path: Path) -> None:
    path = str(kit.write_pages(tmp_path / "pages.jsonl"))
    options = ("--window", "10m", "--level", "domain", "--format", "jsonl")
    once = cli("social", "coordinate", path, *options, "--min-repeat", "2")
    thrice = cli("social", "coordinate", path, path, path, *options, "--min-repeat", "3")
    assert once.returncode == thrice.returncode == 0, once.stderr + thrice.stderr
    assert once.stdout.strip() and thrice.stdout == ""  # pairs of weight 2 stay weight 2
    assert "10 duplicates left out" in thrice.stderr
