"""`clonewatch probe` against a world of real servers on loopback: the web lab (HTTP and HTTPS
virtual hosts, a test CA, an RDAP server) and NSD behind Unbound for every name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clonewatch.inert import has_unsafe
from tests.probe_lab import BROWSER_HOSTILE, HOSTILE, LAB, Cli, Lab


def _probe(cli: Cli, lab: Lab, names: list[str], *extra: str) -> dict[str, dict[str, Any]]:
    result = cli(*lab.args(*extra), stdin=("\n".join(names) + "\n").encode())
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(names)
    return {record["domain"]: record for record in records}


def test_every_kind_of_suspect_gets_its_verdict_and_the_evidence_behind_it(cli: Cli, lab: Lab) -> None:
    suspects = lab.world.suspects()
    found = _probe(cli, lab, [name for name, _ in suspects])
    assert {name: found[name]["verdict"] for name, _ in suspects} == dict(suspects)
    by_kind = {expected: found[name] for name, expected in suspects}
    clone = by_kind["clone"]
    assert clone["genuine"] == "spiegel.de" and clone["confidence"] >= 0.7
    assert any("built like the genuine site" in fact for fact in clone["facts"])
    assert clone["comparison"]["structure"] >= 0.6
    assert clone["dns"]["a"] == [LAB]
    assert len(clone["http"]["social"]["body_sha256"]) == 64  # a campaign pivot, kept without a blob store
    assert clone["rdap"]["registrar"] == "Lab Registrar GmbH"
    assert clone["tls"]["sha256"] and clone["tls"]["valid"] is True
    plain = clone["http"]["plain"]
    assert plain["page"]["title"].startswith("Der Spiegel")
    assert "ga4:G-GENUINE123" in plain["page"]["analytics_ids"]
    assert plain["favicon_hash"] is not None
    chain = by_kind["redirector"]["http"]["plain"]["chain"]
    assert [hop["mechanism"] for hop in chain] == ["http", "meta-refresh", "javascript", "final"]
    assert chain[-1]["url"].startswith("http://spiegel-clone0.info/")
    defensive = by_kind["defensive"]
    assert any("spiegel.de" in fact for fact in defensive["facts"])
    cloaked = by_kind["cloaked"]
    assert cloaked["http"]["plain"]["page"]["title"] != cloaked["http"]["social"]["page"]["title"]
    assert by_kind["parked"]["facts"][0].startswith("parked:")
    assert by_kind["unregistered"]["dns"]["exists"] is False


def test_hostile_servers_cost_only_their_budget(cli: Cli, lab: Lab) -> None:
    found = _probe(cli, lab, sorted(HOSTILE))
    bomb = found["bomb.lol"]["http"]["plain"]
    assert bomb["truncated"] is True and bomb["error"] is None
    assert found["huge.lol"]["http"]["plain"]["truncated"] is True
    assert found["slow.lol"]["elapsed"] < 30
    assert "redirect loop" in found["loop.lol"]["http"]["plain"]["error"]
    assert found["hang.lol"]["verdict"] == "no-website"
    for name in ("to-metadata.lol", "via-name.lol", "to-mapped.lol", "bad-port.lol"):
        assert found[name]["http"]["plain"]["error"].startswith("refused"), name
        assert found[name]["dns"]["a"] == [LAB] and found[name]["error"] is None, name
    assert found["to-mapped.lol"]["verdict"] == "redirector"
    assert found["bad-port.lol"]["verdict"] == "no-website"
    ticker = found["self-refresh.lol"]
    assert (
        ticker["http"]["social"]["error"] is None
        and ticker["http"]["social"]["page"]["title"] == "Live ticker"
    )
    assert ticker["verdict"] == "unrelated"


def test_private_addresses_are_refused_without_allow_private(cli: Cli, lab: Lab) -> None:
    clone = next(name for name, kind in lab.world.suspects() if kind == "clone")
    names = [clone, "loopback-name.lol", "metadata-name.lol"]
    args = [arg for arg in lab.args() if arg != "--allow-private"]
    result = cli(*args, stdin=("\n".join(names) + "\n").encode())
    assert result.returncode == 0, result.stderr
    found = {r["domain"]: r for r in map(json.loads, result.stdout.splitlines())}
    for name in names:
        visit = found[name]["http"]["plain"]
        assert visit["error"].startswith("refused") and visit["chain"][0]["status"] is None, name
        assert found[name]["verdict"] == "no-website" and found[name]["tls"] is None


def test_probe_reads_match_output_and_refuses_bad_input(cli: Cli, lab: Lab) -> None:
    name = lab.world.suspects()[0][0]
    line = json.dumps({"domain": name, "brand": "Der Spiegel"})
    result = cli(*lab.args(), stdin=f"{line}\n".encode())
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["domain"] == name
    bad = cli(*lab.args(), stdin=b"not a domain!!\n")
    assert bad.returncode == 2 and "stdin line 1" in bad.stderr


def test_screenshots_are_real_and_drive_the_visual_comparison(cli: Cli, lab: Lab, tmp_path: Path) -> None:
    from PIL import Image

    kinds = {kind: name for name, kind in lab.world.suspects()}
    shots = tmp_path / "shots"
    found = _probe(cli, lab, [kinds["clone"], kinds["unrelated"]], "--screenshots", str(shots))
    clone, unrelated = found[kinds["clone"]], found[kinds["unrelated"]]
    assert clone["verdict"] == "clone" and unrelated["verdict"] == "unrelated"
    assert clone["screenshot"] and Path(clone["screenshot"]).parent == shots
    image = Image.open(clone["screenshot"]).convert("RGB")
    assert image.size == (1280, 800)
    red = sum(count for count, (r, g, b) in image.getcolors(1 << 24) or [] if r > 150 and g < 60 and b < 60)
    assert red > image.size[0] * image.size[1] * 0.3
    assert clone["genuine_site"]["phash"] and clone["browser"]["phash"]
    assert clone["comparison"]["visual"] > unrelated["comparison"]["visual"] + 0.2
    assert [nav["mechanism"] for nav in clone["browser"]["navigations"]] == ["initial"]


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_terminal_escapes_from_a_hostile_redirect_are_shown_inert(cli: Cli, lab: Lab, fmt: str) -> None:
    args = [*lab.args("--no-rdap"), "--format", fmt]
    result = cli(*args, stdin=b"escape.lol\n")
    assert result.returncode == 0, result.stderr
    assert "escape.lol" in result.stdout
    assert not has_unsafe(result.stdout.replace("\n", "").encode()), result.stdout
    assert not has_unsafe(result.stderr.replace("\n", "").encode()), result.stderr
    assert "\\x1b[2J" in result.stdout


def test_pages_that_attack_the_browser_cost_the_pages_beside_them_nothing(
    cli: Cli, lab: Lab, tmp_path: Path
) -> None:
    """A history flood and a memory hog probed in one batch with two ordinary pages: both ordinary
    pages keep their screenshot and verdict; the hog's visit ends with an error, not the batch."""
    kinds = {kind: name for name, kind in lab.world.suspects()}
    names = [*BROWSER_HOSTILE, kinds["clone"], kinds["unrelated"]]
    shots = tmp_path / "shots"
    lanes = ("--browser-pages", "3", "--browser-memory", "512", "--concurrency", "4")
    found = _probe(cli, lab, names, "--screenshots", str(shots), "--no-rdap", *lanes)
    for kind in ("clone", "unrelated"):
        ordinary = found[kinds[kind]]
        assert ordinary["browser"]["error"] is None, ordinary["browser"]
        assert ordinary["verdict"] == kind
        assert ordinary["screenshot"] and Path(ordinary["screenshot"]).exists()
    assert "crashed" in found["hog.lol"]["browser"]["error"]
    assert found["flood.lol"]["browser"]["error"] is not None
    assert found["flood.lol"]["error"] is None and found["hog.lol"]["error"] is None
