"""`clonewatch match` as a user runs it: the installed console script on files and standard input."""

from __future__ import annotations

import csv
import gzip
import io
import json
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

Cli = Callable[..., subprocess.CompletedProcess[str]]

FEED = """# a day of names
spiegel.ltd
weltweit.de
hxxps://bildd[.]lol/artikel
pravda-ua.rest
example.com
not a domain at all
xn--zz-zz.com
"""


@pytest.fixture
def brands(brands_file: Callable[[str], Path]) -> Path:
    return brands_file("# ours\nspiegel.de,Der Spiegel\nbild.de,Bild\nwelt.de\npravda.com.ua,Pravda\n")


def jsonl(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_match_file_as_jsonl(cli: Cli, tmp_path: Path, brands: Path) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text(FEED, encoding="utf-8")
    result = cli("match", str(feed), "--brands", str(brands), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = jsonl(result.stdout)
    assert [r["domain"] for r in records] == ["spiegel.ltd", "bildd.lol", "pravda-ua.rest"]
    first = records[0]
    assert set(first) >= {"domain", "unicode", "brand", "genuine", "score", "reasons"}
    assert first["brand"] == "Der Spiegel"
    assert first["genuine"] == "spiegel.de"
    # spiegel is a common German word and .ltd a suffix only the campaign profile names (issue 15)
    assert first["reasons"] == ["suffix-swap", "common-label"]
    # bild is one too; .lol is named by abuse statistics, and the record says that is what stands out
    assert records[1]["reasons"] == ["repetition", "suffix-swap", "common-label", "abused-suffix"]
    assert records[2]["reasons"] == ["affix:ua", "suffix-swap"]
    summary = result.stderr.strip().splitlines()[-1]
    assert "read 7 names" in summary
    assert "skipped 2 unparseable" in summary
    assert "feed.txt:7" in summary and "feed.txt:8" in summary
    assert "flagged 3" in summary


def test_match_standard_input_defaults_to_jsonl_when_piped(cli: Cli, brands: Path) -> None:
    result = cli("match", "-", "--brands", str(brands), stdin=FEED.encode())
    assert result.returncode == 0, result.stderr
    assert [r["domain"] for r in jsonl(result.stdout)] == ["spiegel.ltd", "bildd.lol", "pravda-ua.rest"]


def test_match_gzip_feed_as_csv(cli: Cli, tmp_path: Path, brands: Path) -> None:
    feed = tmp_path / "nrd-2026-11-24.txt.gz"
    feed.write_bytes(gzip.compress(FEED.encode()))
    result = cli("match", str(feed), "--brands", str(brands), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["domain"] for row in rows] == ["spiegel.ltd", "bildd.lol", "pravda-ua.rest"]
    assert rows[1]["reasons"] == "repetition suffix-swap common-label abused-suffix"


def test_match_table_is_sorted_by_score(cli: Cli, tmp_path: Path, brands: Path) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text(FEED, encoding="utf-8")
    result = cli("match", str(feed), "--brands", str(brands), "--format", "table")
    assert result.returncode == 0, result.stderr
    lines = [
        line for line in result.stdout.splitlines() if ".lol" in line or ".ltd" in line or ".rest" in line
    ]
    assert "pravda-ua.rest" in lines[0]
    assert "spiegel.ltd" in lines[-1]  # a common word on a suffix nobody abuses scores low (issue 15)


def test_idn_look_alike_in_both_forms(cli: Cli, brands_file: Callable[[str], Path]) -> None:
    brands = brands_file("paypal.com\n")
    result = cli(
        "match",
        "-",
        "--brands",
        str(brands),
        "--format",
        "jsonl",
        stdin="раураl.com\nxn--l-7sba6dbr.com\n".encode(),
    )
    records = jsonl(result.stdout)
    assert [r["domain"] for r in records] == ["xn--l-7sba6dbr.com", "xn--l-7sba6dbr.com"]
    assert all(r["unicode"] == "раураl.com" and r["reasons"] == ["homoglyph"] for r in records)


def test_workers_give_the_same_hits_in_the_same_order(cli: Cli, tmp_path: Path, brands: Path) -> None:
    feed = tmp_path / "big.txt"
    lines = [f"name{i}.com" if i % 5000 else f"spiegel{i % 7}x.ltd" for i in range(250_000)]
    lines[123_456] = "bildd.lol"
    lines[234_567] = "\xff not a name"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = cli("match", str(feed), "--brands", str(brands), "--format", "jsonl")
    two = cli("match", str(feed), "--brands", str(brands), "--format", "jsonl", "--workers", "2")
    assert one.returncode == two.returncode == 0, two.stderr
    assert one.stdout == two.stdout
    assert "bildd.lol" in one.stdout
    assert one.stderr.splitlines()[-1] == two.stderr.splitlines()[-1]
    assert "big.txt:234568" in two.stderr


def test_csv_cells_cannot_become_formulas(cli: Cli, brands_file: Callable[[str], Path]) -> None:
    brands = brands_file('spiegel.de,=HYPERLINK("http://evil")\n')
    result = cli("match", "-", "--brands", str(brands), "--format", "csv", stdin=b"spiegel.ltd\n")
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert row["brand"].startswith("'=")


@pytest.mark.parametrize(
    ("content", "skipped"),
    [
        (b"spiegel.ltd\n\xff\xfe\x00binary\x00\n", 1),
        (b"spiegel.ltd\n" + b"a" * 10_000 + b"\nbild.lol\n", 1),
        (b"spiegel.ltd\n\x00\x01\x02\n..\n-\n", 3),
    ],
)
def test_garbage_lines_are_skipped_and_counted(
    cli: Cli, tmp_path: Path, brands: Path, content: bytes, skipped: int
) -> None:
    feed = tmp_path / "garbage.txt"
    feed.write_bytes(content)
    result = cli("match", str(feed), "--brands", str(brands), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "spiegel.ltd" in result.stdout
    assert f"skipped {skipped} unparseable" in result.stderr


def test_missing_feed_is_exit_2_naming_the_file(cli: Cli, tmp_path: Path, brands: Path) -> None:
    result = cli("match", str(tmp_path / "absent.txt"), "--brands", str(brands))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"clonewatch: error: {tmp_path / 'absent.txt'}: no such file"
    ]


def test_directory_feed_is_exit_2(cli: Cli, tmp_path: Path, brands: Path) -> None:
    result = cli("match", str(tmp_path), "--brands", str(brands))
    assert result.returncode == 2
    assert "is a directory" in result.stderr


def test_unreadable_feed_is_exit_2(cli: Cli, tmp_path: Path, brands: Path) -> None:
    feed = tmp_path / "truncated.txt.gz"
    body = gzip.compress("".join(f"name{i * 7919}.com\n" for i in range(20_000)).encode())
    feed.write_bytes(body[: len(body) // 2])
    result = cli("match", str(feed), "--brands", str(brands))
    assert result.returncode == 2
    assert "truncated.txt.gz" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("spiegel.de\nnot a domain!\n", "brands.txt:2"),
        ("spiegel.de\nbild.de,Bild,bild zeitung\n", "brands.txt:2: alias 'bild zeitung'"),
        ("spiegel.de\nbild.de,Bild,bildzeitung|\n", "brands.txt:2: empty alias"),
        ("spiegel.de,Spiegel,a,b\n", "brands.txt:1: expected domain[,label[,alias|alias...]]"),
        ("# nothing\n", "no domains"),
    ],
)
def test_bad_brands_file_is_exit_2_naming_file_and_line(
    cli: Cli, brands_file: Callable[[str], Path], content: str, message: str
) -> None:
    brands = brands_file(content)
    result = cli("match", "-", "--brands", str(brands), stdin=b"spiegel.ltd\n")
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_brands_file_is_exit_2(cli: Cli, tmp_path: Path) -> None:
    result = cli("match", "-", "--brands", str(tmp_path / "nope.txt"), stdin=b"spiegel.ltd\n")
    assert result.returncode == 2
    assert "nope.txt" in result.stderr


def test_help_documents_exit_codes(cli: Cli) -> None:
    result = cli("match", "--help")
    assert result.returncode == 0
    assert "Exit codes" in result.stdout


def test_bad_workers_value_is_usage_error(cli: Cli) -> None:
    assert cli("match", "-", "--workers", "0", stdin=b"").returncode == 2


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_stops_cleanly_and_reports_what_was_done(brands: Path, workers: str) -> None:
    from tests.conftest import CLONEWATCH

    process = subprocess.Popen(
        [str(CLONEWATCH), "match", "-", "--brands", str(brands), "--format", "jsonl", "--workers", workers],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stderr is not None
    process.stdin.write(b"spiegel.ltd\n" + b"example.com\n" * 200_000)
    process.stdin.flush()
    time.sleep(2.0)
    process.send_signal(signal.SIGINT)
    _stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    text = stderr.decode()
    assert "Traceback" not in text
    assert "interrupted after reading" in text.splitlines()[-1]


def test_min_score_leaves_weaker_look_alikes_out_and_counts_them(cli: Cli, brands: Path) -> None:
    """``--min-score`` writes only what scores at least that; the summary counts the rest."""
    names = b"spiegel.com\nspiegel.top\npravda-ua.rest\n"
    every = jsonl(cli("match", "-", "--brands", str(brands), "--format", "jsonl", stdin=names).stdout)
    scores = {str(row["domain"]): float(row["score"]) for row in every}  # type: ignore[arg-type]
    assert scores["spiegel.com"] < 0.6 <= min(scores["spiegel.top"], scores["pravda-ua.rest"])
    result = cli(
        "match", "-", "--brands", str(brands), "--format", "jsonl", "--min-score", "0.6", stdin=names
    )
    assert result.returncode == 0, result.stderr
    assert sorted(str(row["domain"]) for row in jsonl(result.stdout)) == ["pravda-ua.rest", "spiegel.top"]
    assert "flagged 3 (1 below --min-score not written)" in result.stderr
    refused = cli("match", "-", "--min-score", "1.5", stdin=names)
    assert refused.returncode == 2 and "--min-score" in refused.stderr
