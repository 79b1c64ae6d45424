"""One new domain against the campaigns found before: it joins the one it shares strong lines of
evidence with, and commons, copied values, defensive names and members already in join nothing."""

from __future__ import annotations

from typing import Any

import pytest

from clonewatch.cluster import Campaign, ClusterSettings, cluster_records
from clonewatch.cluster.fit import campaign_fit
from tests.cluster.world import record, write_world


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Campaign], dict[str, list[dict[str, Any]]]]:
    planted = write_world(tmp_path_factory.mktemp("world") / "evidence.jsonl")
    records = [item for items in planted.values() for item in items]
    return cluster_records(records), planted


def red_of(campaigns: list[Campaign]) -> Campaign:
    return next(c for c in campaigns if "Welt" in c.brands)


RED = {"ns": ("ns1.red-dns.net", "ns2.red-dns.net"), "registrar": "BigReg Inc"}


def test_a_new_clone_on_the_operations_name_servers_and_template_joins_it(found: Any) -> None:
    campaigns, _ = found
    clone = record(
        "faz-red.ltd", "clone", brand="FAZ", a=("10.9.9.9",), created="2026-11-02T09:00:00+00:00",
        template="red-tpl", **RED,
    )  # fmt: skip
    fit = campaign_fit(clone, campaigns)
    assert fit is not None and fit.campaign == red_of(campaigns).id
    assert (fit.member.domain, fit.member.role, fit.member.brand) == ("faz-red.ltd", "clone", "FAZ")
    kinds = {v.pivot.kind for v in fit.shared}
    assert {"ns", "template", "registrar-batch"} <= kinds
    assert fit.weight >= ClusterSettings().min_weight
    assert fit.member.via is not None and fit.member.via.startswith(str(fit.shared[0].pivot))
    assert " with " in fit.member.via  # a member the spanning evidence shows holding it


def test_a_new_redirector_through_the_operations_tds_joins_as_a_redirector(found: Any) -> None:
    campaigns, _ = found
    hop = record(
        "zz91.click", "redirector", chain=("http://tds-red.top/q7Hx2?cid=55&s=t", "http://bild-red.ltd/")
    )
    fit = campaign_fit(hop, campaigns)
    assert fit is not None and fit.campaign == red_of(campaigns).id and fit.member.role == "redirector"
    assert {str(v.pivot) for v in fit.shared} >= {"host:tds-red.top", "host:bild-red.ltd"}


def test_commons_copied_values_defensive_names_and_members_join_nothing(found: Any) -> None:
    campaigns, planted = found
    cdn = record("shop-new.com", "unrelated", a=("203.0.113.80",), ns=("ns1.parkit.example",))
    copier = record("spiegel-copy.info", "clone", brand="Spiegel", copied=("ua-genuine-spiegel",))
    defensive = record(
        "bild-red.shop", "defensive", template="red-tpl", created="2026-11-02T09:00:00+00:00", **RED
    )
    member = planted["red"][0]
    assert [campaign_fit(item, campaigns) for item in (cdn, copier, defensive, member)] == [None] * 4


def test_too_little_in_common_or_ignored_values_do_not_join(found: Any) -> None:
    campaigns, _ = found
    one_line = record("faz-red.ltd", "clone", brand="FAZ", ns=RED["ns"])  # the name servers alone: 0.5
    assert campaign_fit(one_line, campaigns) is None
    strong = record(
        "faz-red.ltd", "clone", brand="FAZ", template="red-tpl", created="2026-11-02T09:00:00+00:00", **RED
    )
    assert campaign_fit(strong, campaigns) is not None
    ignore = frozenset({"template:red-tpl", "ns1.red-dns.net", "ns:ns2.red-dns.net"})
    assert campaign_fit(strong, campaigns, ClusterSettings(ignore=ignore)) is None
    assert campaign_fit(strong, campaigns, ClusterSettings(min_weight=5.0)) is None


def test_of_two_campaigns_the_heavier_wins(found: Any) -> None:
    campaigns, _ = found
    both = record(
        "mixed.lol", "redirector", template="blue-tpl", chain=("http://tds-red.top/a1b2c?cid=1&s=t",), **RED
    )
    fit = campaign_fit(both, campaigns)
    assert fit is not None and fit.campaign == red_of(campaigns).id
