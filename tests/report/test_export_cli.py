"""`clonewatch export` through the installed console script, on stores (SQLite and PostgreSQL)
filled with real probe records: STIX parsed back with ``stix2.parse``, MISP loaded back with
``pymisp``, CSV read back with its cells inert, JSON lines as stored; filters, campaigns,
analysts' decisions, and usage errors."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import stix2
from pymisp import MISPEvent

from clonewatch.store import Store
from tests.report.conftest import (
    CLOAKED,
    CLONE,
    FORMULA_REGISTRAR,
    GENUINE,
    HOP,
    NAME,
    PARKED,
    REDIRECTOR,
    TDS_HOP,
    VANTAGE,
    Cli,
    World,
)

MALICIOUS = {CLONE, CLOAKED, REDIRECTOR}


def _out(result: Any) -> str:
    assert result.returncode == 0, result.stderr
    return str(result.stdout)


def _bundle(text: str) -> list[Any]:
    return list(stix2.parse(text, allow_custom=False).objects)


def _campaign_id(cli: Cli, db: str) -> str:
    (campaign,) = [
        json.loads(line) for line in _out(cli("campaigns", "--db", db, "--format", "jsonl")).splitlines()
    ]
    return str(campaign["id"])


def test_stix_bundle_parses_back_with_the_evidence(cli: Cli, db: str, world: World) -> None:
    objects = _bundle(_out(cli("export", "--format", "stix", "--db", db)))
    by_type: dict[str, list[Any]] = {}
    for item in objects:
        by_type.setdefault(item.type, []).append(item)
    assert {o.value for o in by_type["domain-name"]} == {CLONE, CLOAKED, REDIRECTOR, PARKED}
    assert {o.value for o in by_type["ipv4-addr"]} == {world.address}
    assert any(HOP in o.value for o in by_type["url"])  # the redirect chain's hops are observables
    certificates = {o.hashes["SHA-256"] for o in by_type["x509-certificate"]}
    assert world.evidence[CLONE]["tls"]["sha256"] in certificates
    indicators = {i.pattern: i for i in by_type["indicator"]}
    assert set(indicators) == {f"[domain-name:value = '{d}']" for d in MALICIOUS}  # not the parked name
    refs = {
        d: {r["external_id"] for r in indicators[f"[domain-name:value = '{d}']"].external_references}
        for d in MALICIOUS
    }
    assert {"T0149.003", "T0099.002", "T0098.001", "T0143.003", "T0097.202"} <= refs[CLONE]
    assert "T0149.004" in refs[REDIRECTOR] and "T0098.001" not in refs[REDIRECTOR]
    assert "T0155.004" in refs[CLOAKED]
    (outlet,) = [i for i in by_type["identity"] if i.identity_class == "organization"]
    assert outlet.name == NAME and GENUINE in outlet.description
    impersonates = [
        r
        for r in by_type["relationship"]
        if r.target_ref == outlet.id and r.relationship_type == "related-to"
    ]
    assert {r.description for r in impersonates} == {f"impersonates {NAME} ({GENUINE})"}
    sites = {i.name: i for i in by_type["infrastructure"]}
    assert sites[REDIRECTOR].infrastructure_types == ["redirector"]
    assert sites[f"hosting {world.address}"].infrastructure_types == ["hosting"]
    (campaign,) = by_type["campaign"]
    assert campaign.aliases == [_campaign_id(cli, db)]
    uses = {
        r.target_ref
        for r in by_type["relationship"]
        if r.source_ref == campaign.id and r.relationship_type == "uses"
    }
    assert uses == {sites[d].id for d in (CLONE, CLOAKED, REDIRECTOR, PARKED)}
    indicates = {r.source_ref for r in by_type["relationship"] if r.target_ref == campaign.id}
    assert indicates == {i.id for i in indicators.values()}
    (report,) = by_type["report"]
    assert set(report.object_refs) >= {campaign.id, outlet.id, *(i.id for i in indicators.values())}


def test_exports_are_the_same_when_repeated(cli: Cli, sqlite_db: str, tmp_path: Path) -> None:
    """Identifiers and times come from the store: a TIP that imports twice updates, not duplicates."""
    for fmt in ("stix", "misp"):
        first, second = tmp_path / f"1.{fmt}", tmp_path / f"2.{fmt}"
        for path in (first, second):
            result = cli("export", "--format", fmt, "--db", sqlite_db, "-o", str(path))
            assert result.returncode == 0, result.stderr
            assert "exported 4 domain(s), 1 campaign(s)" in result.stderr
        assert first.read_bytes() == second.read_bytes()
    one = _bundle(_out(cli("export", "--format", "stix", "--db", sqlite_db, "--verdict", "clone")))
    everything = {item.id for item in _bundle((tmp_path / "1.stix").read_text(encoding="utf-8"))}
    shared = {
        item.id for item in one if item.type in ("indicator", "infrastructure", "identity", "domain-name")
    }
    assert shared <= everything  # a narrower export names the same objects the same way


def test_misp_event_loads_back_with_objects_and_disarm_tags(cli: Cli, db: str, world: World) -> None:
    event = MISPEvent()
    event.load(_out(cli("export", "--format", "misp", "--db", db)))
    names = Counter(obj.name for obj in event.objects)
    assert names["domain-ip"] == 4 and names["whois"] == 4 and names["dns-record"] == 4
    assert names["x509"] == 4 and names["url"] >= 5  # spiegel.click's chain has three hops
    tags = {tag.name for tag in event.tags}
    assert 'misp-galaxy:disarm-techniques="Lookalike Domain"' in tags
    assert 'misp-galaxy:disarm-techniques="Spoof/Parody Account/Site"' in tags  # the galaxy's older name
    assert 'misp-galaxy:disarm-techniques="Redirecting Domain Asset"' in tags
    assert f'clonewatch:campaign="{_campaign_id(cli, db)}"' in tags
    whois = {
        obj.get_attributes_by_relation("domain")[0].value: obj for obj in event.objects if obj.name == "whois"
    }
    registrar = whois[REDIRECTOR].get_attributes_by_relation("registrar")[0].value
    assert registrar == world.evidence[REDIRECTOR]["rdap"]["registrar"] == "Lab Registrar GmbH"
    assert "abuse@registrar.test" in whois[REDIRECTOR].get_attributes_by_relation("text")[0].value
    x509 = [o for o in event.objects if o.name == "x509"]
    fingerprints = {o.get_attributes_by_relation("x509-fingerprint-sha256")[0].value for o in x509}
    assert world.evidence[CLONE]["tls"]["sha256"] in fingerprints
    anchor = next(
        o
        for o in event.objects
        if o.name == "domain-ip" and o.get_attributes_by_relation("domain")[0].value == CLONE
    )
    assert {t.name for t in anchor.get_attributes_by_relation("domain")[0].tags} >= {
        'misp-galaxy:disarm-techniques="Create Inauthentic News Sites"',
        'misp-galaxy:disarm-techniques="News Outlet Persona"',
    }
    assert len(anchor.references) >= 4  # its dns-record, whois, x509, url (and favicon)


def test_stix_and_misp_carry_what_the_vantage_saw(cli: Cli, sqlite_db: str, world: World) -> None:
    """The cloaked clone showed the article only through de, behind a TDS hop the direct visits
    never saw: its URLs are observables of the domain, named with the vantage, never its proxy."""
    seen = [f"http://{CLOAKED}/", f"http://{TDS_HOP}/r/9f2kQ?cid=7", f"http://{CLOAKED}/article"]
    proxy = world.evidence[CLOAKED]["vantages"][VANTAGE]["proxy"]
    assert not any(TDS_HOP in hop["url"] for hop in world.evidence[CLOAKED]["http"]["social"]["chain"])
    text = _out(cli("export", "--format", "stix", "--db", sqlite_db, "--verdict", "cloaked"))
    assert proxy not in text
    objects = {item.id: item for item in _bundle(text)}
    urls = {item.value: item.id for item in objects.values() if item.type == "url"}
    assert set(seen) <= set(urls)
    (observed,) = [item for item in objects.values() if item.type == "observed-data"]
    assert {urls[url] for url in seen} <= set(observed.object_refs)
    (site,) = [item for item in objects.values() if item.type == "infrastructure" and item.name == CLOAKED]
    parts = {r.target_ref for r in objects.values() if r.type == "relationship" and r.source_ref == site.id}
    assert urls[seen[1]] in parts  # the TDS hop is part of the site's infrastructure
    (note,) = [item for item in objects.values() if item.type == "note"]
    assert note.abstract == f"{CLOAKED} through the vantage point {VANTAGE}"
    assert " -> ".join(seen) in note.content and "Leaked: the war is lost" not in note.abstract
    assert set(note.object_refs) == {observed.id, *(urls[url] for url in seen)}

    misp = _out(cli("export", "--format", "misp", "--db", sqlite_db, "--verdict", "cloaked"))
    assert proxy not in misp
    event = MISPEvent()
    event.load(misp)
    hops = {
        o.get_attributes_by_relation("url")[0].value: o.get_attributes_by_relation("text")[0].value
        for o in event.objects
        if o.name == "url"
    }
    assert hops[seen[0]].startswith("hop 1: ")  # the direct chain's only hop, once
    assert hops[seen[1]] == f"hop 2 through the vantage point {VANTAGE}: http, HTTP 302"
    assert hops[seen[2]] == f"hop 3 through the vantage point {VANTAGE}: final, HTTP 200"


def test_csv_cells_are_inert(cli: Cli, sqlite_db: str) -> None:
    text = _out(cli("export", "--format", "csv", "--db", sqlite_db))
    assert "\x1b" not in text and "\x07" not in text  # terminal escapes from RDAP and the page title
    rows = {row["domain"]: row for row in csv.DictReader(io.StringIO(text))}
    assert set(rows) == {CLONE, CLOAKED, REDIRECTOR, PARKED}
    assert rows[CLOAKED]["registrar"] == "'" + FORMULA_REGISTRAR  # shown as text, never run
    assert rows[CLONE]["abuse_phone"].startswith("'+")  # a phone number that starts like a formula
    assert rows[CLONE]["registrar"] == 'Evil <script>alert("registrar")</script>\\x1b[31m Registrar'
    assert rows[CLONE]["title"].endswith("\\x1b]0;pwned\\x07")
    assert rows[REDIRECTOR]["chain"].split() == [
        f"http://{REDIRECTOR}/",
        f"http://{HOP}/go",
        "http://spiegel-news.info/next",
    ]
    assert rows[REDIRECTOR]["disarm"] == "T0149.003 T0149.004"
    for cell in (c for row in rows.values() for c in row.values()):
        assert not cell.startswith(("=", "+", "-", "@"))


def test_jsonl_is_the_evidence_as_stored(cli: Cli, sqlite_db: str, world: World) -> None:
    text = _out(cli("export", "--format", "jsonl", "--db", sqlite_db))
    assert "\x1b" not in text  # JSON writes control characters as \\u001b
    records = {r["domain"]: r for r in map(json.loads, text.splitlines())}
    assert set(records) == {CLONE, CLOAKED, REDIRECTOR, PARKED}
    for domain, record in records.items():
        assert record["evidence"] == world.evidence[domain]
        assert record["verdict"] == world.evidence[domain]["verdict"]
    assert records[CLONE]["role"] == "clone" and records[CLONE]["campaign"] == _campaign_id(cli, sqlite_db)
    assert records[CLONE]["evidence"]["rdap"]["registrar"].endswith("\x1b[31m Registrar")


def _domains(cli: Cli, *args: str) -> set[str]:
    text = _out(cli("export", "--format", "jsonl", *args))
    return {json.loads(line)["domain"] for line in text.splitlines()}


def test_filters(cli: Cli, db: str) -> None:
    assert _domains(cli, "--db", db, "--verdict", "clone") == {CLONE}
    assert _domains(cli, "--db", db, "--verdict", "redirector", "--brand", GENUINE) == {REDIRECTOR}
    assert _domains(cli, "--db", db, "--brand", "bild") == set()
    assert _domains(cli, "--db", db, "--since", "2026-11-20T11:30:00+00:00") == {CLOAKED}  # first seen 12:00
    assert _domains(cli, "--db", db, "--campaign", _campaign_id(cli, db)) == {
        CLONE,
        CLOAKED,
        REDIRECTOR,
        PARKED,
    }


def test_reviewed_exports_confirmed_clones_and_never_false_alarms(cli: Cli, fresh_db: str) -> None:
    db = fresh_db
    with Store.open(db) as store:
        store.record_decision(CLONE, "clone", who="ana")
        store.record_decision(PARKED, "clone", who="ana", comment="the parking page is a front")
        store.record_decision(CLOAKED, "false-alarm", who="ana")
        store.record_decision(REDIRECTOR, "clone", who="ana")
        store.record_decision(REDIRECTOR, "defensive", who="bo", comment="the outlet's own")
    assert _domains(cli, "--db", db, "--reviewed") == {CLONE, PARKED}
    assert _domains(cli, "--db", db) == {CLONE, PARKED, REDIRECTOR}  # a false alarm never
    objects = _bundle(_out(cli("export", "--format", "stix", "--db", db)))
    patterns = {o.pattern for o in objects if o.type == "indicator"}
    assert patterns == {f"[domain-name:value = '{d}']" for d in (CLONE, PARKED)}  # the analyst's word counts
    rows = list(csv.DictReader(io.StringIO(_out(cli("export", "--format", "csv", "--db", db, "--reviewed")))))
    assert {row["review"] for row in rows} == {"clone"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], "--format"),
        (["--format", "csv", "--verdict", "clonee"], "bad --verdict 'clonee'"),
        (["--format", "csv", "--since", "yesterday"], "bad --since"),
        (["--format", "stix", "--campaign", "Cnope"], "no campaign 'Cnope'"),
        (["--format", "dossier"], "give a directory with -o"),
    ],
)
def test_bad_usage_exits_2(cli: Cli, sqlite_db: str, args: list[str], message: str) -> None:
    result = cli("export", "--db", sqlite_db, *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_posts_linking_exported_domains_are_sightings(cli: Cli, sqlite_db: str, tmp_path: Path) -> None:
    posts = tmp_path / "posts.csv"
    posts.write_text(
        "account,time,url,text,post_id\n"
        f"troll1,2026-11-21T10:00:00Z,https://{CLONE}/article?utm_source=x,read this,1001\n"
        f"troll2,2026-11-21T10:01:00Z,hxxp://www.{REDIRECTOR.replace('.', '[.]')}/go,and this,1002\n"
        "someone,2026-11-21T11:00:00Z,https://example.org/,unrelated,1003\n"
        f"troll1,2026-11-21T12:00:00Z,https://{CLONE}/other,again,1004\n",
        encoding="utf-8",
    )
    result = cli("export", "--format", "stix", "--db", sqlite_db, "--posts", str(posts))
    assert "3 post(s) of 4 read" in result.stderr
    objects = _bundle(_out(result))
    by_id = {o.id: o for o in objects}
    sightings = [o for o in objects if o.type == "sighting"]
    assert len(sightings) == 3
    sighted = Counter(by_id[s.sighting_of_ref].pattern for s in sightings)
    assert sighted == {f"[domain-name:value = '{CLONE}']": 2, f"[domain-name:value = '{REDIRECTOR}']": 1}
    accounts = {
        by_id[ref].account_login
        for s in sightings
        for ref in by_id[s.observed_data_refs[0]].object_refs
        if ref.startswith("user-account--")
    }
    assert accounts == {"troll1", "troll2"}
    (platform,) = {by_id[s.where_sighted_refs[0]].name for s in sightings}
    assert platform.startswith("X")
    event = MISPEvent()
    event.load(_out(cli("export", "--format", "misp", "--db", sqlite_db, "--posts", str(posts))))
    blogs = [o for o in event.objects if o.name == "microblog"]
    assert sorted(o.get_attributes_by_relation("username")[0].value for o in blogs) == [
        "troll1",
        "troll1",
        "troll2",
    ]
    rows = csv.DictReader(
        io.StringIO(_out(cli("export", "--format", "csv", "--db", sqlite_db, "--posts", str(posts))))
    )
    assert {row["domain"]: row["posts"] for row in rows} == {
        CLONE: "2",
        REDIRECTOR: "1",
        CLOAKED: "0",
        PARKED: "0",
    }
