"""`clonewatch cluster` on clones a filter cloaks: the hops that join them are seen only through a
vantage point (its HTTP visitors' chains, its browser's navigations), never directly."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from clonewatch.cluster.pivots import facts_of
from clonewatch.cluster.records import Pivot
from tests.cluster.world import noise, record

Cli = Callable[..., Any]
TDS = "tds-gray.top"


def cloaked(domain: str, brand: str, address: str, *, seen_by: str) -> dict[str, Any]:
    """A clone that shows everyone a garden diary, and visitors from de the article behind a TDS
    hop: seen by de's HTTP visitor from X (``seen_by="http"``) or only by its browser, whose
    script sent it on (``"browser"``)."""
    item = record(domain, "cloaked", brand=brand, a=(address,), ns=(f"ns1.{domain}",))
    hop = f"http://{TDS}/k{address[-1]}Qz{address[-2]}?cid={address[-1]}"
    chain = [
        {"url": f"http://{domain}/", "status": 302, "mechanism": "http"},
        {"url": hop, "status": 302, "mechanism": "http"},
        {"url": f"http://{domain}/a", "status": 200, "mechanism": "final"},
    ]
    shown = {"chain": chain if seen_by == "http" else chain[:1], "page": {"analytics_ids": []}}
    item["http"]["de:social"] = item["http"]["de:plain"] = shown
    navigations = [{"url": f"http://{domain}/", "status": 200, "mechanism": "initial"}]
    if seen_by == "browser":
        navigations += [
            {"url": hop, "status": 200, "mechanism": "javascript"},
            {"url": f"http://{domain}/a", "status": 200, "mechanism": "http"},
        ]
    browser = {"navigations": navigations, "final_url": navigations[-1]["url"], "title": brand}
    item["vantages"] = {"de": {"proxy": "http://127.0.6.10:3128", "browser": browser, "screenshot": None}}
    return item


def _cluster(cli: Cli, records: list[dict[str, Any]], path: Path) -> list[dict[str, Any]]:
    path.write_text("".join(json.dumps(item) + "\n" for item in records), encoding="utf-8")
    result = cli("cluster", str(path), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_hop_seen_only_through_a_vantage_joins_the_clones_into_one_campaign(
    cli: Cli, tmp_path: Path
) -> None:
    pair = [
        cloaked("spiegel-gray.ltd", "Der Spiegel", "10.3.3.12", seen_by="http"),
        cloaked("bild-gray.ltd", "Bild", "10.4.4.34", seen_by="browser"),
    ]
    (campaign,) = _cluster(cli, [*noise(), *pair], tmp_path / "evidence.jsonl")
    members = {m["domain"]: m for m in campaign["members"]}
    assert set(members) == {"spiegel-gray.ltd", "bild-gray.ltd", TDS}
    assert members[TDS]["role"] == "infra" and members[TDS]["via"].startswith(f"host:{TDS}")
    assert ("host", TDS) in [(p["kind"], p["value"]) for p in campaign["pivots"]]
    (edge,) = campaign["edges"]
    assert f"host:{TDS}" in edge["via"]

    # the same evidence without what the vantage saw joins nothing
    direct = copy.deepcopy(pair)
    for item in direct:
        del item["vantages"], item["http"]["de:social"], item["http"]["de:plain"]
    assert _cluster(cli, [*noise(), *direct], tmp_path / "direct.jsonl") == []


def test_every_vantage_chain_and_page_gives_pivots() -> None:
    item = cloaked("welt-gray.ltd", "Welt", "10.5.5.56", seen_by="browser")
    item["http"]["ru:social"] = {
        "chain": [{"url": "http://welt-gray.ltd/"}, {"url": "http://ru-hop.click/x"}],
        "page": {"analytics_ids": ["G-RUONLY"], "structure_hash": "tpl-ru"},
    }
    item["vantages"]["ru"] = {"browser": {"navigations": "junk"}}
    item["vantages"]["zz"] = ["not", "a", "vantage"]
    facts = facts_of(item, window=timedelta(hours=48))
    assert facts is not None
    found = set(facts.pivots)
    assert {
        Pivot("host", TDS),
        Pivot("host", "ru-hop.click"),
        Pivot("analytics", "g-ruonly"),
        Pivot("template", "tpl-ru"),
    } <= found
    assert facts.hop_hosts == ("ru-hop.click", TDS)  # HTTP visits first, then browsers
