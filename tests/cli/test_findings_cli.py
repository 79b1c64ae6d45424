"""`clonewatch findings`, `history` and `db upgrade` through the installed console script."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from clonewatch.match import Match
from clonewatch.store import Store, head_revision, upgrade
from clonewatch.store.database import make_engine, resolve_url
from clonewatch.testing.postgres import LocalPostgres

Cli = Callable[..., subprocess.CompletedProcess[str]]
NOW = datetime.now(UTC)


def _fill(url: str) -> None:
    spoof = Match(
        "xn--spegel-4va.ltd", "spíegel.ltd", "Der Spiegel", "spiegel.de", 0.93, ("homoglyph", "suffix")
    )
    with Store.open(url) as store:
        bild = Match("bildd.lol", "bildd.lol", "Bild", "bild.de", 0.8, ("repetition",))
        store.ingest_batch("nrd", {"line": 2}, [bild], seen_at=NOW - timedelta(days=30))
        store.ingest_batch("ct", 99, [spoof], seen_at=NOW - timedelta(hours=2), alert_targets=["stdout"])
        store.add_probe(
            "xn--spegel-4va.ltd", {"http": {"status": 200}}, "parked", 0.6, at=NOW - timedelta(hours=1)
        )
        store.add_probe("xn--spegel-4va.ltd", {"http": {"status": 200}}, "clone", 0.9, at=NOW)


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    _fill(url)
    return url


def _jsonl(result: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_findings_jsonl_has_the_match_fields_first_seen_feed_and_verdict(cli: Cli, db: str) -> None:
    records = _jsonl(cli("findings", "--db", db, "--format", "jsonl"))
    assert [(r["domain"], r["feed"], r["verdict"]) for r in records] == [
        ("bildd.lol", "nrd", None),
        ("xn--spegel-4va.ltd", "ct", "clone"),
    ]
    spoof = records[1]
    assert {k: spoof[k] for k in ("unicode", "brand", "genuine", "score", "reasons")} == {
        "unicode": "spíegel.ltd", "brand": "Der Spiegel", "genuine": "spiegel.de", "score": 0.93,
        "reasons": ["homoglyph", "suffix"],
    }  # fmt: skip
    assert datetime.fromisoformat(str(spoof["first_seen"])) < NOW


def test_findings_filters(cli: Cli, db: str) -> None:
    assert [
        r["domain"] for r in _jsonl(cli("findings", "--db", db, "--since", "7d", "--format", "jsonl"))
    ] == ["xn--spegel-4va.ltd"]
    since = (NOW - timedelta(days=60)).date().isoformat()
    assert len(_jsonl(cli("findings", "--db", db, "--since", since, "--format", "jsonl"))) == 2
    assert _jsonl(cli("findings", "--db", db, "--verdict", "parked", "--format", "jsonl")) == []
    assert [
        r["domain"] for r in _jsonl(cli("findings", "--db", db, "--brand", "bild", "--format", "jsonl"))
    ] == ["bildd.lol"]


def test_findings_csv_and_table(cli: Cli, db: str) -> None:
    result = cli("findings", "--db", db, "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["domain"], r["verdict"], r["reasons"]) for r in rows] == [
        ("bildd.lol", "", "repetition"),
        ("xn--spegel-4va.ltd", "clone", "homoglyph suffix"),
    ]
    table = cli("findings", "--db", db, "--format", "table")
    assert table.returncode == 0 and "xn--spegel-4va.ltd" in table.stdout and "clone" in table.stdout


def test_database_from_the_environment(cli: Cli, db: str) -> None:
    records = _jsonl(cli("findings", "--format", "jsonl", env={"CLONEWATCH_DB": db}))
    assert len(records) == 2


@pytest.mark.parametrize("since", ["7x", "yesterday", "2026-02-30"])
def test_bad_since_is_a_usage_error(cli: Cli, db: str, since: str) -> None:
    result = cli("findings", "--db", db, "--since", since)
    assert result.returncode == 2
    assert result.stderr.startswith("clonewatch: error: bad --since") and result.stderr.count("\n") == 1


def test_history_oldest_first(cli: Cli, db: str) -> None:
    events = _jsonl(
        cli("history", "spíegel.ltd", "--db", db, "--format", "jsonl")
    )  # Unicode in, punycode found
    assert [e["kind"] for e in events] == [
        "first_seen",
        "match",
        "alert",
        "probe",
        "verdict",
        "probe",
        "verdict",
    ]
    assert [e["verdict"] for e in events if e["kind"] == "verdict"] == ["parked", "clone"]
    assert events[3]["evidence"] == {"http": {"status": 200}}
    table = cli("history", "xn--spegel-4va.ltd", "--db", db, "--format", "table")
    assert table.returncode == 0 and "parked -> clone" in table.stdout
    rows = list(
        csv.DictReader(
            io.StringIO(cli("history", "xn--spegel-4va.ltd", "--db", db, "--format", "csv").stdout)
        )
    )
    assert [r["kind"] for r in rows][:2] == ["first_seen", "match"]
    assert rows[0]["summary"] == "first seen in ct (spíegel.ltd)"


def test_history_of_an_unknown_domain(cli: Cli, db: str) -> None:
    result = cli("history", "never-seen.lol", "--db", db)
    assert result.returncode == 1
    assert "no record of never-seen.lol" in result.stderr


def test_old_database_names_the_upgrade_command(cli: Cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(resolve_url(url))
    try:
        upgrade(engine, "0001")
    finally:
        engine.dispose()
    result = cli("findings", "--db", url)
    assert result.returncode == 2
    assert result.stderr.strip().endswith(f"run `clonewatch db upgrade --db {url}`")
    upgraded = cli("db", "upgrade", "--db", url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"from revision 0001 to {head_revision()}" in upgraded.stderr
    assert _jsonl(cli("findings", "--db", url, "--format", "jsonl")) == []


def test_bad_database_url(cli: Cli) -> None:
    result = cli("findings", "--db", "mysql://u@h/db")
    assert result.returncode == 2 and "unsupported database" in result.stderr


def test_findings_and_history_on_postgresql(cli: Cli, postgres: LocalPostgres) -> None:
    url = postgres.create_database("cli_findings")
    _fill(url)
    assert [r["verdict"] for r in _jsonl(cli("findings", "--db", url, "--format", "jsonl"))] == [
        None,
        "clone",
    ]
    assert len(_jsonl(cli("history", "bildd.lol", "--db", url, "--format", "jsonl"))) == 2
