"""`clonewatch cluster` with the store, through the real console script on SQLite and PostgreSQL:
the evidence the store holds as input, --save (a re-run continues a campaign under its id and
marks the member that left), and --posts (who linked each campaign, and what else they linked)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clonewatch.match import Match
from clonewatch.store import Store
from tests.cluster.world import noise, operation, record

Cli = Callable[..., subprocess.CompletedProcess[str]]
RED = operation("red", "10.1.1", ["Spiegel", "Bild", "Welt"], day="2026-11-02")
BLUE = operation("blue", "10.2.2", ["Pravda", "Walla"], day="2026-11-03")


def probed(url: str, records: list[dict[str, Any]]) -> None:
    """The records as the watch loop stores them: a flagged domain, then its probe."""
    with Store.open(url) as store:
        matches = [
            Match(r["domain"], r["domain"], r["brand"] or "Bild", "bild.de", 0.9, ("suffix",))
            for r in records
        ]
        store.ingest_batch("nrd", {"line": len(records)}, matches)
        for item in records:
            store.add_probe(item["domain"], item, item["verdict"], 0.9)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'w.db'}"
    else:
        url = str(request.getfixturevalue("postgres").create_database(f"cluster_{tmp_path.name[-12:]}"))
    probed(url, RED + BLUE + noise())
    return url


def jsonl(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def by_brand(found: list[dict[str, Any]], brand: str) -> dict[str, Any]:
    (campaign,) = [c for c in found if brand in c["brands"]]
    return campaign


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)  # PostgreSQL as input: the --save test
def test_without_evidence_files_the_store_is_the_input_and_nothing_is_saved(cli: Cli, db: str) -> None:
    result = cli("cluster", "--db", db, "--format", "jsonl")
    found = jsonl(result)
    assert len(found) == 2
    assert {m["domain"] for m in by_brand(found, "Welt")["members"]} >= {r["domain"] for r in RED}
    assert f"read {len(RED) + len(BLUE) + len(noise()):,} evidence records" in result.stderr
    assert jsonl(cli("campaigns", "--db", db, "--format", "jsonl")) == []


def test_save_stores_the_campaigns_and_a_rerun_continues_them(cli: Cli, db: str) -> None:
    first = cli("cluster", "--db", db, "--save", "--format", "jsonl")
    found = jsonl(first)
    assert "saved 2 campaigns to " in first.stderr and "2 new, 0 changed, 0 unchanged" in first.stderr
    stored = {c["id"]: c for c in jsonl(cli("campaigns", "--db", db, "--format", "jsonl"))}
    assert set(stored) == {c["id"] for c in found}
    red_id = by_brand(found, "Welt")["id"]
    assert stored[red_id]["size"] == len(by_brand(found, "Welt")["members"])
    # a redirector is probed again and now shares nothing with the operation
    gone = next(r["domain"] for r in RED if r["verdict"] == "redirector")
    with Store.open(db) as store:
        store.add_probe(gone, record(gone, "redirector", a=("192.0.2.99",)), "redirector", 0.9)
    again = cli("cluster", "--db", db, "--save", "--format", "jsonl")
    assert by_brand(jsonl(again), "Welt")["id"] == red_id
    assert "0 new, 1 changed, 1 unchanged; 0 members joined, 1 left" in again.stderr
    (shown,) = jsonl(cli("campaigns", "show", red_id, "--db", db, "--format", "jsonl"))
    left = [m["domain"] for m in shown["members"] if m["left_at"]]
    assert left == [gone]
    unchanged = cli("cluster", "--db", db, "--save", "--format", "jsonl")
    assert "0 new, 0 changed, 2 unchanged; 0 members joined, 0 left" in unchanged.stderr


def test_evidence_files_can_be_saved_to_the_store_named_by_clonewatch_db(cli: Cli, tmp_path: Path) -> None:
    evidence = tmp_path / "evidence.jsonl"
    evidence.write_text("".join(json.dumps(r) + "\n" for r in RED + BLUE), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'env.db'}"
    env = {"CLONEWATCH_DB": url}
    found = jsonl(cli("cluster", str(evidence), "--save", "--format", "jsonl", env=env))
    assert {c["id"] for c in jsonl(cli("campaigns", "--format", "jsonl", env=env))} == {
        c["id"] for c in found
    }
    # the store is the input when no files are given
    assert {
        c["id"] for c in jsonl(cli("cluster", "--format", "jsonl", env=env))
    } == set()  # nothing probed there


def test_posts_list_the_accounts_and_candidates_of_each_campaign(cli: Cli, tmp_path: Path) -> None:
    evidence = tmp_path / "evidence.jsonl"
    evidence.write_text("".join(json.dumps(r) + "\n" for r in RED + BLUE), encoding="utf-8")
    red_redirector = next(r["domain"] for r in RED if r["verdict"] == "redirector")
    posts = tmp_path / "posts.csv"
    posts.write_text(
        "account,time,url\n"
        f"troll1,2026-11-20T10:00:00Z,https://{red_redirector}/k?utm_source=tw\n"
        "troll1,2026-11-20T11:00:00Z,https://welt-red.ltd/politik\n"
        "troll1,2026-11-21T09:00:00Z,https://front-next.click/x\n"
        "troll2,2026-11-20T10:00:03Z,hxxps://welt-red[.]ltd/politik\n"
        "troll2,2026-11-20T12:00:00Z,https://front-next.click/y\n"
        "reader,2026-11-20T12:00:00Z,https://www.spiegel.de/\n",
        encoding="utf-8",
    )
    result = cli("cluster", str(evidence), "--posts", str(posts), "--format", "jsonl")
    found = jsonl(result)
    red, blue = by_brand(found, "Welt"), by_brand(found, "Pravda")
    assert [(a["account"], a["posts"], a["first"], a["last"]) for a in red["accounts"]] == [
        ("troll1", 2, "2026-11-20T10:00:00+00:00", "2026-11-20T11:00:00+00:00"),
        ("troll2", 1, "2026-11-20T10:00:03+00:00", "2026-11-20T10:00:03+00:00"),
    ]
    assert red["candidates"] == [{"domain": "front-next.click", "accounts": 2, "posts": 2, "campaign": None}]
    assert blue["accounts"] == [] and blue["candidates"] == []
    assert (
        "read 6 posts (csv format), skipped 0: 1 campaigns linked by 2 accounts, 1 candidates"
        in result.stderr
    )
    table = cli("cluster", str(evidence), "--posts", str(posts), "--format", "csv")
    assert table.returncode == 0 and "troll1, troll2" in table.stdout and "front-next.click" in table.stdout
    missing = cli("cluster", str(evidence), "--posts", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "nope.csv: no such file" in missing.stderr
