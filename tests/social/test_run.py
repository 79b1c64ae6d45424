"""The social stage end to end: posts -> coordinated groups, and posts -> the account network."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from clonewatch.brands import Brand
from clonewatch.errors import InputError
from clonewatch.social import CoShareNetwork, Level, ReadReport, account_network, coordinated_groups
from tests.social.posts_kit import scenario

Cli = Callable[..., subprocess.CompletedProcess[str]]
BRANDS = [Brand("Der Spiegel", ("spiegel.de",)), Brand("Bild", ("bild.de",))]


def test_planted_groups_with_a_given_window(tmp_path: Path) -> None:
    world = scenario()
    report = ReadReport()
    estimates: list[float] = []
    found = coordinated_groups(
        [world.write_pages(tmp_path / "pages.jsonl")],
        report,
        min_repeat=3,
        window=60.0,
        only_lookalikes=True,
        watchlist=BRANDS,
        on_estimate=estimates.append,
    )
    groups = [{account.id for account in group.accounts} for group in found.groups]
    assert sorted(groups, key=min) == sorted(world.planted, key=min)
    assert (found.window, found.estimated, estimates) == (60.0, False, [])
    assert found.shares > 0 and report.read == len(world.tweets)


def test_the_window_is_estimated_when_not_given(tmp_path: Path) -> None:
    world = scenario()
    estimates: list[float] = []
    found = coordinated_groups(
        [world.write_pages(tmp_path / "pages.jsonl")],
        ReadReport(),
        min_repeat=3,
        level=Level.BRAND,
        watchlist=BRANDS,
        on_estimate=estimates.append,
    )
    assert found.estimated and estimates == [found.window] and found.window >= 1.0
    planted = set().union(*world.planted)
    assert all({a.id for a in g.accounts} <= planted for g in found.groups)


def test_while_grouping_gets_the_network_and_its_error_is_raised(tmp_path: Path) -> None:
    path = scenario().write_pages(tmp_path / "pages.jsonl")
    seen: list[CoShareNetwork] = []
    coordinated_groups([path], ReadReport(), min_repeat=3, window=60.0, while_grouping=seen.append)
    assert len(seen) == 1 and len(seen[0]) > 0

    def refuse(network: CoShareNetwork) -> None:
        raise InputError("edges.csv: cannot write edges (Permission denied)")

    with pytest.raises(InputError, match="cannot write edges"):
        coordinated_groups([path], ReadReport(), min_repeat=3, window=60.0, while_grouping=refuse)


def test_account_network_has_the_planted_pairs(tmp_path: Path) -> None:
    world = scenario()
    graph = account_network(
        [world.write_pages(tmp_path / "pages.jsonl")],
        ReadReport(),
        window=60.0,
        min_repeat=3,
        only_lookalikes=True,
        watchlist=BRANDS,
    )
    planted_pairs = sum(len(group) * (len(group) - 1) // 2 for group in world.planted)
    assert graph.number_of_edges() == planted_pairs
    assert set(graph.nodes) == set().union(*world.planted)


def test_cli_unwritable_edges_file_is_exit_2_with_one_line(cli: Cli, tmp_path: Path) -> None:
    posts = tmp_path / "posts.csv"
    posts.write_text("account,time,url\na,1000,https://x.example/0\nb,1003,https://x.example/0\n")
    edges = tmp_path / "missing" / "edges.csv"
    window = ("--window", "10", "--min-repeat", "1")
    result = cli("social", "coordinate", str(posts), *window, "--edges", str(edges))
    assert result.returncode == 2
    assert result.stderr == f"clonewatch: error: {edges}: cannot write edges (No such file or directory)\n"
