"""The campaigns x posts join: the accounts that posted links to a campaign's members, and the
other domains those accounts linked as candidates; X API v2 pages and CSV read alike."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from clonewatch.cli.campaign_posts import merged, row_cells
from clonewatch.cluster import Campaign, Member
from clonewatch.social import ReadReport
from clonewatch.spread import campaign_posts, seed_leads


def campaign(cid: str, *domains: str) -> Campaign:
    members = tuple(Member(d, "clone", None, None) for d in domains)
    return Campaign(cid, members, (), (), (), None, None, (None, None), 0.5)


CAMPAIGNS = [
    campaign("RED", "bildd.lol", "www.x1.click", "tds-red.top"),
    campaign("BLUE", "pravda-ua.rest"),
]
POSTS = [  # account, time, url
    ("troll1", "2026-11-20T10:00:00Z", "https://bildd.lol/article?utm_source=x"),
    ("troll1", "2026-11-20T11:00:00Z", "hxxps://x1[.]click/go"),
    ("troll1", "2026-11-21T09:00:00Z", "https://front-new.lol/a"),
    ("troll2", "2026-11-20T10:00:05Z", "https://www.bildd.lol/article"),
    ("troll2", "2026-11-20T12:00:00Z", "https://front-new.lol/b"),
    ("troll2", "2026-11-20T12:30:00Z", "https://pravda-ua.rest/n"),
    ("troll3", "2026-11-22T08:00:00Z", "https://pravda-ua.rest/m"),
    ("reader", "2026-11-20T09:00:00Z", "https://www.spiegel.de/politik"),
    ("reader", "2026-11-20T09:30:00Z", "https://elsewhere.org/"),
]


def write_csv(path: Path) -> Path:
    path.write_text("account,time,url\n" + "".join(f"{a},{t},{u}\n" for a, t, u in POSTS), encoding="utf-8")
    return path


def write_pages(path: Path) -> Path:
    tweets = [
        {
            "id": str(number),
            "author_id": f"id-{account}",
            "created_at": time,
            "text": "read this",
            "entities": {"urls": [{"url": f"https://t.co/{number}", "expanded_url": url}]},
        }
        for number, (account, time, url) in enumerate(POSTS)
    ]
    users = [{"id": f"id-{a}", "username": a} for a in sorted({a for a, _, _ in POSTS})]
    path.write_text(json.dumps({"data": tweets, "includes": {"users": users}}) + "\n", encoding="utf-8")
    return path


def test_accounts_that_posted_members_and_the_other_domains_they_linked(tmp_path: Path) -> None:
    for path in (write_csv(tmp_path / "posts.csv"), write_pages(tmp_path / "posts.json")):
        report = ReadReport()
        found = campaign_posts(CAMPAIGNS, [path], report)
        assert report.read == len(POSTS) and not report.skipped
        red = found["RED"]
        assert [(p.account, p.posts) for p in red.accounts] == [("troll1", 2), ("troll2", 1)]
        troll1 = red.accounts[0]
        assert (troll1.first, troll1.last) == (
            datetime(2026, 11, 20, 10, tzinfo=UTC),
            datetime(2026, 11, 20, 11, tzinfo=UTC),
        )
        assert [(c.domain, c.accounts, c.posts, c.campaign) for c in red.candidates] == [
            ("front-new.lol", 2, 2, None),
            ("pravda-ua.rest", 1, 1, "BLUE"),  # a member of another campaign, posted by a RED account
        ]
        blue = found["BLUE"]
        assert [p.account for p in blue.accounts] == ["troll2", "troll3"]
        assert {c.domain for c in blue.candidates} == {"bildd.lol", "front-new.lol"}
        assert set(found) == {"RED", "BLUE"}  # the reader posted for no campaign


def test_merged_records_and_table_cells(tmp_path: Path) -> None:
    found = campaign_posts(CAMPAIGNS, [write_csv(tmp_path / "posts.csv")], ReadReport())
    record = merged({"id": "RED"}, found["RED"])
    assert record["accounts"][0] == {
        "account": "troll1", "posts": 2,
        "first": "2026-11-20T10:00:00+00:00", "last": "2026-11-20T11:00:00+00:00",
    }  # fmt: skip
    assert record["candidates"][0] == {"domain": "front-new.lol", "accounts": 2, "posts": 2, "campaign": None}
    assert merged({"id": "X"}, None) == {"id": "X", "accounts": [], "candidates": []}
    assert row_cells(record, shown=1) == {"accounts": "troll1 (+1)", "candidates": "front-new.lol (+1)"}


def test_seed_leads_are_what_the_accounts_that_posted_a_seed_linked(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "posts.csv")
    assert seed_leads(["bildd.lol"], [path], ReadReport()) == ["front-new.lol", "pravda-ua.rest", "x1.click"]
    assert seed_leads(["www.pravda-ua.rest"], [path], ReadReport()) == ["bildd.lol", "front-new.lol"]
    assert seed_leads(["nobody-posted.lol"], [path], ReadReport()) == []
