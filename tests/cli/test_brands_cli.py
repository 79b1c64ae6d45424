from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

Cli = Callable[..., subprocess.CompletedProcess[str]]


def test_brands_list_by_country(cli: Cli) -> None:
    result = cli("brands", "list", "--country", "ua", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) >= 10
    assert all(r["country"] == "UA" for r in records)
    assert any("mfa.gov.ua" in r["domains"] for r in records)


def test_brands_list_table(cli: Cli) -> None:
    result = cli("brands", "list", "--country", "DE", "--format", "table")
    assert result.returncode == 0
    assert "spiegel.de" in result.stdout


def test_bundled_watchlist_is_the_default_for_match(cli: Cli) -> None:
    result = cli("match", "-", "--format", "jsonl", stdin=b"washingtonpost.pm\nbildd.lol\nweltweit.de\n")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["genuine"] for line in result.stdout.splitlines()] == [
        "washingtonpost.com",
        "bild.de",
    ]
