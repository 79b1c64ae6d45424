"""The network guard from the outside, in a network namespace where forbidden addresses answer.

Every cloud metadata address and every IPv6 embedding of it (mapped, compatible, NAT64 well-known
and local-use, 6to4, Teredo) and of loopback has a canary server there; a hostile server on a
public address redirects to each of them, and to malformed and non-web Locations. Probe (HTTP and
RDAP), social --resolve, watch feeds (NRD and CT) and webhooks must refuse every one, record the
refused hop, and no canary may see a request. See guard_world.py for the world itself.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

WORLD = Path(__file__).with_name("guard_world.py")
ROOT = WORLD.parents[2]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("ip") is None:
        pytest.skip("needs root, unshare and ip to make a network namespace (./run test installs iproute2)")
    report = tmp_path_factory.mktemp("guard") / "report.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        ["unshare", "--net", sys.executable, str(WORLD), str(report)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    yield json.loads(report.read_text(encoding="utf-8"))


def records(result: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    assert result["rc"] == 0, result["stderr"]
    lines = [json.loads(line) for line in result["stdout"].splitlines() if line.strip()]
    return {line[key]: line for line in lines}


def test_every_canary_answers_when_asked_directly_and_none_is_reached_by_clonewatch(
    world: dict[str, Any],
) -> None:
    reached = {ipaddress.ip_address(hit.split()[0]) for hit in world["self_check"]}
    assert reached == {ipaddress.ip_address(address) for address in world["canaries"]}
    assert world["hits"] == []


@pytest.mark.parametrize("run", ["probe", "probe_allow_private"])
def test_probe_records_every_forbidden_or_malformed_hop_as_refused(world: dict[str, Any], run: str) -> None:
    found = records(world["results"][run], "domain")
    forbidden = world["metadata_urls"] + ([] if run.endswith("private") else world["loopback_urls"])
    expected = {f"t{n}.lol": url for n, url in enumerate(world["targets"]) if url in forbidden}
    if run == "probe":
        expected |= {f"t{n}.lol": url for n, url in enumerate(world["targets"]) if url in world["malformed"]}
    assert set(expected) <= set(found)
    for domain, target in expected.items():
        evidence = found[domain]
        for visitor in ("plain", "social"):
            chain = evidence["http"][visitor]["chain"]
            assert [hop["mechanism"] for hop in chain] == ["http", "refused"], (domain, visitor, chain)
            assert chain[-1]["url"] == target and chain[-1]["status"] is None
            assert evidence["http"][visitor]["error"].startswith("refused: ")
        assert evidence["rdap"]["error"].startswith("refused: "), evidence["rdap"]
        assert evidence["verdict"] in ("redirector", "no-website")


def test_probe_names_why_a_malformed_or_non_web_location_was_refused(world: dict[str, Any]) -> None:
    found = records(world["results"]["probe"], "domain")
    reasons = {
        url: found[f"t{n}.lol"]["http"]["plain"]["error"]
        for n, url in enumerate(world["targets"])
        if url in world["malformed"]
    }
    assert reasons["http://x:99999/"].startswith("refused: malformed Location")
    assert reasons["http://[::1/"].startswith("refused: malformed Location")
    for url in ("chrome://version/", "data:text/html,<b>hi</b>", "file:///etc/passwd"):
        assert reasons[url].startswith("refused: non-web Location"), reasons[url]


@pytest.mark.parametrize("run", ["social", "social_allow_private"])
def test_social_resolve_refuses_every_forbidden_or_malformed_hop(world: dict[str, Any], run: str) -> None:
    found = records(world["results"][run], "url")
    count = len(world["metadata_urls"]) if run.endswith("private") else len(world["targets"])
    assert len(found) == count
    for n, target in enumerate(world["targets"][:count]):
        link = found[f"http://t{n}.lol/"]
        assert link["resolve_error"].startswith("refused: "), link
        if target not in world["malformed"]:
            assert link["chain"][-1] == target


@pytest.mark.parametrize("run", ["watch", "watch_allow_private"])
def test_watch_feeds_and_webhooks_refuse_every_forbidden_address(world: dict[str, Any], run: str) -> None:
    result = world["results"][run]
    urls = world["metadata_urls"] + ([] if run.endswith("private") else world["loopback_urls"])
    assert result["rc"] == 1
    assert f"{len(urls) * 2} feed errors" in result["stderr"] and "0 alerts sent" in result["stderr"]
    for url in urls:
        assert f"{url}: refused, " in result["stderr"], url
    for url in world["metadata_urls"]:
        line = result["stderr"].split(f"{url}: refused, ")[1].split("\n")[0]
        assert line.endswith("(cloud metadata address: never fetched)"), line
