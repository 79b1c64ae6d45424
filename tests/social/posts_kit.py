"""Generated posts in the X API v2 shape: organic background plus planted coordinated networks."""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

START = datetime(2026, 11, 20, tzinfo=UTC)


@dataclass
class Scenario:
    tweets: list[dict[str, Any]]
    users: list[dict[str, Any]]
    planted: list[set[str]]
    organic: set[str]

    def write_pages(self, path: Path, page_size: int = 100) -> Path:
        pages = []
        for start in range(0, len(self.tweets), page_size):
            chunk = self.tweets[start : start + page_size]
            authors = {tweet["author_id"] for tweet in chunk}
            pages.append(
                {"data": chunk, "includes": {"users": [u for u in self.users if u["id"] in authors]}}
            )
        path.write_text("\n".join(json.dumps(page) for page in pages) + "\n", encoding="utf-8")
        return path

    def write_csv(self, path: Path, *, epoch: bool) -> Path:
        """The same posts as ``account,time,url,text,post_id`` rows (epoch seconds or ISO times)."""
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(["account", "time", "url", "text", "post_id"])
            for tweet in self.tweets:
                when = datetime.fromisoformat(tweet["created_at"].replace("Z", "+00:00"))
                url = tweet["entities"]["urls"][0]["expanded_url"]
                stamp = str(int(when.timestamp())) if epoch else tweet["created_at"]
                writer.writerow([tweet["author_id"], stamp, url, tweet["text"], tweet["id"]])
        return path


def _user(uid: str, created: datetime, followers: int, default: bool) -> dict[str, Any]:
    image = "https://pbs.example/default_profile_normal.png" if default else f"https://pbs.example/{uid}.jpg"
    return {
        "id": uid,
        "username": f"user{uid}",
        "created_at": created.isoformat().replace("+00:00", "Z"),
        "public_metrics": {"followers_count": followers},
        "profile_image_url": image,
    }


def _tweet(tid: int, uid: str, when: datetime, url: str) -> dict[str, Any]:
    return {
        "id": str(tid),
        "author_id": uid,
        "created_at": when.isoformat().replace("+00:00", "Z"),
        "text": f"look at this https://t.co/x{tid}",
        "entities": {"urls": [{"url": f"https://t.co/x{tid}", "expanded_url": url}]},
    }


def scenario(seed: int = 7) -> Scenario:
    rng = random.Random(seed)
    tweets: list[dict[str, Any]] = []
    users: list[dict[str, Any]] = []
    ids = iter(range(1_000_000, 9_999_999))
    organic = {str(100 + i) for i in range(150)}
    for uid in sorted(organic):
        users.append(_user(uid, START - timedelta(days=rng.randint(200, 3000)), rng.randint(50, 5000), False))
    popular = [f"https://www.spiegel.de/politik/a-{i}" for i in range(40)] + [
        f"https://example{i}.org/post" for i in range(40)
    ]
    for _ in range(3000):
        when = START + timedelta(seconds=rng.uniform(0, 86400))
        tweets.append(_tweet(next(ids), rng.choice(sorted(organic)), when, rng.choice(popular)))
    breaking = START + timedelta(hours=5)
    for uid in sorted(organic)[:60]:  # breaking news: many accounts, one link, seconds apart, once
        tweets.append(_tweet(next(ids), uid, breaking + timedelta(seconds=rng.uniform(0, 40)), popular[0]))
    planted: list[set[str]] = []
    networks = [
        ([f"https://spiegel.ltd/article-{n}?utm_source=x" for n in range(5)], 6),
        (
            [
                f"https://{d}/news/{n}"
                for n, d in enumerate(["bild.lol", "bildd.top", "bild-news.live", "blld.click"])
            ],
            5,
        ),
    ]
    for number, (urls, size) in enumerate(networks):
        members = {str(9000 + 100 * number + i) for i in range(size)}
        planted.append(members)
        created = START - timedelta(days=rng.randint(10, 20))
        for uid in sorted(members):
            users.append(_user(uid, created + timedelta(hours=rng.randint(0, 30)), rng.randint(0, 9), True))
        for burst, url in enumerate(urls):
            at = START + timedelta(hours=2 + 3 * burst, minutes=number * 7)
            for uid in sorted(members):
                tweets.append(_tweet(next(ids), uid, at + timedelta(seconds=rng.uniform(0, 20)), url))
    rng.shuffle(tweets)
    return Scenario(tweets, users, planted, organic)
