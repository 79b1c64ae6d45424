"""`clonewatch campaigns` and `campaigns show` through the installed console script, on SQLite and
PostgreSQL; `db upgrade` brings a database from before campaigns to them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from clonewatch.cluster import cluster_records
from clonewatch.match import Match
from clonewatch.store import Store, head_revision, upgrade
from clonewatch.store.database import make_engine, resolve_url
from clonewatch.watch.campaigns import save_campaigns
from tests.cluster.world import operation

Cli = Callable[..., subprocess.CompletedProcess[str]]
T0 = datetime(2026, 12, 1, 10, tzinfo=UTC)


def fill(url: str) -> dict[str, str]:
    """Two campaigns saved, then a run in which the red one lost a redirector."""
    red = operation("red", "10.1.1", ["Spiegel", "Welt"], day="2026-11-02")
    blue = operation("blue", "10.2.2", ["Pravda", "Walla", "Bild"], day="2026-11-03")
    with Store.open(url) as store:
        saved, _ = save_campaigns(store, cluster_records(red + blue), at=T0)
        ids = {("red" if "Welt" in c.brands else "blue"): c.id for c in saved}
        without = [r for r in red if r["domain"] != "xred00q.click"]
        save_campaigns(store, cluster_records(without + blue), at=T0 + timedelta(days=1))
    return ids


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, dict[str, str]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'w.db'}"
    else:
        url = str(request.getfixturevalue("postgres").create_database(f"cli_campaigns_{tmp_path.name[-12:]}"))
    return url, fill(url)


def jsonl(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_campaigns_lists_size_confidence_brands_roles_and_last_seen(cli: Cli, db: Any) -> None:
    url, ids = db
    listed = {r["id"]: r for r in jsonl(cli("campaigns", "--db", url, "--format", "jsonl"))}
    assert set(listed) == set(ids.values())
    red = listed[ids["red"]]
    assert red["brands"] == ["Spiegel", "Welt"] and 0 < red["confidence"] < 1
    assert red["roles"] == {"clone": 2, "original": 1, "redirector": 7, "infra": 1}
    assert (red["size"], red["left"]) == (11, 1)
    assert red["last_seen"] == "2026-12-01T10:00:00+00:00"
    assert red["created_at"] == T0.isoformat() and red["updated_at"] == (T0 + timedelta(days=1)).isoformat()
    table = cli("campaigns", "--db", url, "--format", "table")
    assert table.returncode == 0 and ids["red"] in table.stdout and "2 clone, 1 original" in table.stdout
    rows = list(csv.DictReader(io.StringIO(cli("campaigns", "--db", url, "--format", "csv").stdout)))
    assert {row["id"] for row in rows} == set(ids.values()) and rows[0]["roles"].startswith("3 clone")


def test_campaigns_show_has_members_with_history_values_and_edges(cli: Cli, db: Any) -> None:
    url, ids = db
    (red,) = jsonl(cli("campaigns", "show", ids["red"], "--db", url, "--format", "jsonl"))
    members = {m["domain"]: m for m in red["members"]}
    assert members["welt-red.ltd"]["role"] == "clone" and members["welt-red.ltd"]["via"]
    assert members["xred00q.click"]["left_at"] == (T0 + timedelta(days=1)).isoformat()
    assert (
        members["welt-red.ltd"]["left_at"] is None and members["welt-red.ltd"]["joined_at"] == T0.isoformat()
    )
    assert {"host", "ns"} <= {p["kind"] for p in red["pivots"]}
    assert red["edges"] and all(e["via"] for e in red["edges"])
    table = cli("campaigns", "show", ids["red"], "--db", url, "--format", "table")
    assert table.returncode == 0, table.stderr
    assert table.stdout.startswith(f"campaign {ids['red']}: 11 members (2 clone, 1 original, 7 redirector")
    assert "values" in table.stdout and "edges" in table.stdout and "xred00q.click" in table.stdout
    rows = list(
        csv.DictReader(
            io.StringIO(cli("campaigns", "show", ids["red"], "--db", url, "--format", "csv").stdout)
        )
    )
    assert len(rows) == 12 and {r["domain"] for r in rows if r["left_at"]} == {"xred00q.click"}


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # the command's error, not the backend's
def test_an_unknown_campaign_is_exit_2_with_one_line(cli: Cli, db: Any) -> None:
    url, _ = db
    result = cli("campaigns", "show", "C000000000000", "--db", url)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"clonewatch: error: no campaign 'C000000000000' in the store at {url}"
    ]


def test_the_database_comes_from_clonewatch_db(cli: Cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    ids = fill(url)
    listed = jsonl(cli("campaigns", "--format", "jsonl", env={"CLONEWATCH_DB": url}))
    assert {r["id"] for r in listed} == set(ids.values())


def test_db_upgrade_brings_a_database_from_before_campaigns(cli: Cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(resolve_url(url))
    try:
        upgrade(engine, "0002")
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO feeds (name, kind, updated_at) VALUES ('nrd', 'names', '2026-11-01')")
            )
    finally:
        engine.dispose()
    refused = cli("campaigns", "--db", url)
    assert refused.returncode == 2 and "is at revision 0002" in refused.stderr
    upgraded = cli("db", "upgrade", "--db", url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"from revision 0002 to {head_revision()}" in upgraded.stderr
    assert jsonl(cli("campaigns", "--db", url, "--format", "jsonl")) == []
    with Store.open(url) as store:
        assert store.cursor("nrd") is None
        store.ingest_batch(
            "nrd", 1, [Match("bildd.lol", "bildd.lol", "Bild", "bild.de", 0.9, ("repetition",))]
        )
    ids = fill(url)
    assert {r["id"] for r in jsonl(cli("campaigns", "--db", url, "--format", "jsonl"))} == set(ids.values())


def test_history_says_when_a_domain_joined_and_left_a_campaign(cli: Cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    red = operation("red", "10.1.1", ["Spiegel", "Welt"], day="2026-11-02")
    original = red[-1]["domain"]  # the operation's own outlet: no chain leads there
    with Store.open(url) as store:
        flagged = Match(original, original, "Der Spiegel", "spiegel.de", 0.6, ("affix",))
        store.ingest_batch("nrd", 1, [flagged], seen_at=T0)
        (saved,), _ = save_campaigns(store, cluster_records(red), at=T0)
        save_campaigns(store, cluster_records(red[:-1]), at=T0 + timedelta(days=1))
    rows = list(csv.DictReader(io.StringIO(cli("history", original, "--db", url, "--format", "csv").stdout)))
    summaries = [row["summary"] for row in rows if row["kind"] == "campaign"]
    assert summaries[0].startswith(f"joined campaign {saved.id} (original, via ")
    assert summaries[1:] == [f"left campaign {saved.id}"]
