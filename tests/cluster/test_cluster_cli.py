"""`clonewatch cluster` through the real console script, on hand-built evidence."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.world import write_world

Cli = Callable[..., Any]


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, dict[str, list[dict[str, Any]]]]:
    path = tmp_path / "evidence.jsonl"
    return path, write_world(path)


def campaigns_of(result: Any) -> list[dict[str, Any]]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_two_operations_are_found_whole_and_apart_and_the_commons_join_nothing(cli: Cli, world: Any) -> None:
    path, planted = world
    found = campaigns_of(cli("cluster", str(path), "--format", "jsonl"))
    by_member = {m["domain"]: c["id"] for c in found for m in c["members"]}
    for tag in ("red", "blue"):
        ids = {by_member.get(item["domain"]) for item in planted[tag]}
        assert len(ids) == 1 and None not in ids, (tag, ids)
    assert by_member[planted["red"][0]["domain"]] != by_member[planted["blue"][0]["domain"]]
    assert not any(item["domain"] in by_member for item in planted["noise"])
    assert len(found) == 2


def test_members_have_roles_brands_and_the_link_that_brought_them_in(cli: Cli, world: Any) -> None:
    path, _ = world
    (red,) = [
        c for c in campaigns_of(cli("cluster", str(path), "--format", "jsonl")) if "Welt" in c["brands"]
    ]
    members = {m["domain"]: m for m in red["members"]}
    assert members["welt-red.ltd"]["role"] == "clone" and members["welt-red.ltd"]["brand"] == "Welt"
    assert (
        members["red-truth-news.com"]["role"] == "original" and members["red-truth-news.com"]["brand"] is None
    )
    assert members["xred00q.click"]["role"] == "redirector"
    assert members["tds-red.top"]["role"] == "infra"  # a hop every redirector passes through
    assert all(m["via"] for m in red["members"])
    assert red["brands"] == ["Bild", "Spiegel", "Welt"]
    kinds = {p["kind"] for p in red["pivots"]}
    assert {"host", "ns", "hop-shape"} <= kinds and "analytics" not in {
        p["kind"] for p in red["pivots"] if p["value"].startswith("ua-genuine")
    }
    assert len(red["edges"]) == sum(1 for m in red["members"] if m["role"] != "infra") - 1
    assert 0 < red["confidence"] < 1 and red["registered"]["first"].startswith("2026-11-02")


def test_seeds_pick_their_campaigns_and_ignored_values_join_nothing(
    cli: Cli, world: Any, tmp_path: Path
) -> None:
    path, _ = world
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("# proven\npravda-blue.ltd\n", encoding="utf-8")
    (blue,) = campaigns_of(cli("cluster", str(path), "--seeds", str(seeds), "--format", "jsonl"))
    assert "Pravda" in blue["brands"]
    ignore = tmp_path / "ignore.txt"
    ignore.write_text("ns1.blue-dns.net\nns:ns2.blue-dns.net\nhost:tds-blue.top\n", encoding="utf-8")
    again = campaigns_of(cli("cluster", str(path), "--ignore", str(ignore), "--format", "jsonl"))
    values = {p["value"] for c in again for p in c["pivots"]}
    assert not values & {"ns1.blue-dns.net", "ns2.blue-dns.net", "tds-blue.top"}


def test_bad_lines_are_skipped_with_their_position_and_bad_options_are_exit_2(cli: Cli, world: Any) -> None:
    path, _ = world
    with path.open("a", encoding="utf-8") as handle:
        handle.write("not json\n[1, 2]\n")
    result = cli("cluster", str(path), "--format", "jsonl")
    assert len(campaigns_of(result)) == 2
    assert "skipped 2" in result.stderr and f"{path}:" in result.stderr
    bad = cli("cluster", str(path), "--batch-window", "soon")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "bad duration" in bad.stderr
    missing = cli("cluster", str(path.with_name("nothing.jsonl")))
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_the_graph_file_and_the_table(cli: Cli, world: Any, tmp_path: Path) -> None:
    import networkx as nx

    path, planted = world
    out = tmp_path / "campaigns.graphml"
    table = cli("cluster", str(path), "--graph", str(out), "--format", "table")
    assert table.returncode == 0 and "campaigns" in table.stdout and "clone" in table.stdout
    graph = nx.read_graphml(out)
    assert graph.nodes["welt-red.ltd"]["role"] == "clone"
    infra = 2  # the two TDS hosts
    assert graph.number_of_nodes() == len(planted["red"]) + len(planted["blue"]) + infra
    assert graph.number_of_edges() == len(planted["red"]) + len(planted["blue"]) - 2


def test_an_asn_table_adds_the_network_owner(cli: Cli, world: Any, tmp_path: Path) -> None:
    path, _ = world
    table = tmp_path / "ipasn.dat"
    table.write_text("; pyasn\n10.1.0.0/16\t64500\n10.1.1.0/24\t64501\n", encoding="utf-8")
    found = campaigns_of(cli("cluster", str(path), "--asn-db", str(table), "--format", "jsonl"))
    values = {(p["kind"], p["value"]) for c in found for p in c["pivots"]}
    assert ("asn", "64501") in values and ("asn", "64500") not in values
    table.write_text("10.1.0.0/99 64500\n", encoding="utf-8")
    bad = cli("cluster", str(path), "--asn-db", str(table))
    assert bad.returncode == 2 and "ipasn.dat:1" in bad.stderr
