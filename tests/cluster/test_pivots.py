"""The pieces of clustering whose rules are intricate: URL shapes, batches, the ASN table, weights."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from clonewatch.cluster.asn import AsnTable
from clonewatch.cluster.pivots import batch_keys, facts_of
from clonewatch.cluster.records import DomainFacts, Pivot
from clonewatch.cluster.shapes import url_shape
from clonewatch.cluster.weights import ClusterSettings, value_weights
from clonewatch.errors import InputError


@pytest.mark.parametrize(
    ("url", "shape"),
    [
        ("http://tds.top/a8Fk2?cid=123&sub=x7q", "/{r5}?cid={n}&sub={r3}"),
        ("https://other.top/Zq91b?sub=k2m&cid=77", "/{r5}?cid={n}&sub={r3}"),
        ("http://news.example/politics/2024/story-of-the-day", "/politics/{n}/story-of-the-day"),
        ("http://x.example/p/9f86d081884c7d65", "/p/{h}"),
        ("http://x.example/", None),
        ("http://[::1/", None),
    ],
)
def test_url_shapes_keep_the_layout_and_abstract_the_random_parts(url: str, shape: str | None) -> None:
    assert url_shape(url) == shape


def test_registrations_half_a_window_apart_always_share_a_batch_and_never_the_registrar_alone() -> None:
    window = timedelta(hours=48)
    for hours in range(0, 24):
        first = set(batch_keys("BigReg", "2026-11-02T23:00:00+00:00", window))
        second = set(batch_keys("BigReg", f"2026-11-03T{hours:02d}:00:00+00:00", window))
        assert first & second, hours
    far = set(batch_keys("BigReg", "2026-11-09T00:00:00+00:00", window))
    assert not first & far
    record = {"domain": "a.lol", "rdap": {"registrar": "BigReg"}, "tls": {"issuer": "CN=R3"}}
    facts = facts_of(record, window=window)
    assert facts is not None and {p.kind for p in facts.pivots} == {"host"}


def test_hostile_fields_are_read_defensively() -> None:
    record = {"domain": "A.lol", "dns": {"a": "1.2.3.4", "ns": [None, 7, "NS1.X.example."]}, "http": ["no"]}
    facts = facts_of(record, window=timedelta(hours=48))
    assert facts is not None and facts.domain == "a.lol"
    assert Pivot("ns", "ns1.x.example") in facts.pivots and not any(p.kind == "address" for p in facts.pivots)
    assert facts_of({"domain": 3}, window=timedelta(hours=1)) is None


def test_the_asn_table_answers_with_the_longest_prefix(tmp_path: Path) -> None:
    path = tmp_path / "ipasn.dat"
    path.write_text("; comment\n10.0.0.0/8\t1\n10.1.0.0/16\t2\n2001:db8::/32\t3\n", encoding="utf-8")
    table = AsnTable.load(path)
    assert (table("10.1.2.3"), table("10.9.9.9"), table("11.0.0.1")) == (2, 1, None)
    assert (table("2001:db8::1"), table("junk")) == (3, None)
    path.write_text("; nothing\n", encoding="utf-8")
    with pytest.raises(InputError, match="no prefixes"):
        AsnTable.load(path)


def test_commons_weigh_less_than_rare_values_and_the_cap_and_ignore_list_drop_them() -> None:
    def holding(count: int, pivot: Pivot) -> list[DomainFacts]:
        return [DomainFacts(f"d{count}-{n}.lol", "unrelated", pivots=(pivot,)) for n in range(count)]

    rare, common, huge = Pivot("address", "10.0.0.1"), Pivot("address", "10.0.0.2"), Pivot("ns", "ns.park")
    facts = holding(3, rare) + holding(300, common) + holding(400, huge)
    weights = value_weights(facts, ClusterSettings(max_members=350))
    assert weights[rare] > weights[common] > 0 and huge not in weights
    ignored = value_weights(facts, ClusterSettings(ignore=frozenset({"10.0.0.1"})))
    assert rare not in ignored and common in ignored


def test_a_parked_page_gives_no_content_pivots_and_a_live_one_does() -> None:
    page = {"analytics_ids": ["ua-parkit"], "structure_hash": "tpl", "text_hash": "T1ABC"}
    visit = {"chain": [], "page": page, "favicon_hash": 12, "body_sha256": "ab"}
    record = {"domain": "x.lol", "verdict": "parked", "http": {"plain": visit}}
    parked = facts_of(record, window=timedelta(hours=48))
    live = facts_of({**record, "verdict": "unrelated"}, window=timedelta(hours=48))
    assert parked is not None and live is not None
    content = {"analytics", "template", "text", "favicon", "body"}
    assert not {p.kind for p in parked.pivots} & content
    assert {p.kind for p in live.pivots} >= content
