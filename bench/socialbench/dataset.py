"""The benchmark's posts: a deterministic week of organic link sharing with planted coordinated networks,
written once in clonewatch's CSV layout and once in the Coordination Network Toolkit's, same content."""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import math
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchkit.log import progress

GENERATOR_VERSION = 1
DEFAULT_SEED = 20240612
START = 1_717_977_600  # 2024-06-10T00:00:00Z, a Monday
WEEK = 7 * 86_400

# Organic sharing, per post in the data set (scaled with --size, so a smaller run keeps the shape).
ACCOUNTS_PER_POST = 0.05  # 1M posts -> 50,000 organic accounts, 20 posts a week each on average
URLS_PER_POST = 0.2  # 1M posts -> a pool of 200,000 URLs
SITES = 3_000  # hosts the organic URLs live on
ZIPF_S = 0.8  # URL popularity: share of the URL of rank r is proportional to 1 / r**ZIPF_S
ACTIVITY_SIGMA = 1.1  # account activity: log-normal weights, a few heavy posters, many light ones
NEWS_SHARE = 0.7  # URLs shared in a burst after they appear; the others are shared all week long
NEWS_LIFETIME_H = 6.0  # median mean delay between a news URL's appearance and a share of it, hours
RESHARE = 0.05  # chance that an account shares a URL it has shared before; otherwise another URL is drawn
SECTIONS = ("politics", "world", "business", "tech", "science", "health", "sport", "culture", "opinion")

# Planted coordinated networks: accounts that post the same fresh URL within seconds, again and again.
NETWORKS = 20
NETWORK_SIZE = (5, 30)
NETWORK_EVENTS = (5, 20)
NETWORK_SPREAD_S = 20  # each member posts 0..20 s after the first
NETWORK_TURNOUT = 0.9  # chance that a member takes part in a given event
CAMPAIGN_SITES = ("daily-truth", "patriot-wire", "the-real-news", "free-voice", "nation-now")

CW_HEADER = ("account", "time", "url", "text", "post_id")
CNT_HEADER = ("message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls")
ORGANIC_TEXTS = (
    "worth a read",
    "interesting",
    "this",
    "wow",
    "read this",
    "thoughts?",
    "important",
    "good piece",
    "as expected",
    "finally someone says it",
    "must read",
    "new from them",
)
CAMPAIGN_TEXTS = (
    "They don't want you to see this",
    "SHARE before it gets deleted",
    "The truth is coming out",
    "Wake up people",
    "Media silence on this",
)


@dataclass
class PlantedNetwork:
    name: str
    accounts: list[str]  # every member, sorted
    urls: list[str]  # one fresh URL per event
    events: int
    posts: int


@dataclass
class Dataset:
    size: int
    seed: int
    cw_csv: Path
    cnt_csv: Path
    meta_path: Path
    accounts: int = 0  # accounts that posted
    distinct_urls: int = 0
    organic_posts: int = 0
    planted_posts: int = 0
    first_time: int = 0
    last_time: int = 0
    planted: list[PlantedNetwork] = field(default_factory=list)
    sha256: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("cw_csv", "cnt_csv", "meta_path"):
            out[key] = str(out[key])
        out["generator_version"] = GENERATOR_VERSION
        return out


def paths_for(out_dir: Path, size: int, seed: int) -> tuple[Path, Path, Path]:
    stem = out_dir / f"social-{size}-s{seed}"
    return Path(f"{stem}.clonewatch.csv"), Path(f"{stem}.cnt.csv"), Path(f"{stem}.meta.json")


def build(out_dir: Path, size: int, seed: int) -> Dataset:
    """The data set for (size, seed): reused when its files and meta data are there, else generated."""
    cw_csv, cnt_csv, meta = paths_for(out_dir, size, seed)
    if cw_csv.exists() and cnt_csv.exists() and meta.exists():
        try:
            loaded = _load_meta(meta)
        except (ValueError, KeyError, TypeError):
            loaded = None
        if loaded is not None and loaded.size == size and loaded.seed == seed:
            loaded.cw_csv, loaded.cnt_csv, loaded.meta_path = cw_csv, cnt_csv, meta
            progress(f"data: reusing {cw_csv.name} and {cnt_csv.name}")
            return loaded
    return generate(out_dir, size, seed)


def _load_meta(meta: Path) -> Dataset | None:
    raw = json.loads(meta.read_text(encoding="utf-8"))
    if raw.get("generator_version") != GENERATOR_VERSION:
        return None
    planted = [PlantedNetwork(**p) for p in raw.pop("planted")]
    raw.pop("generator_version")
    for key in ("cw_csv", "cnt_csv", "meta_path"):
        raw[key] = Path(raw[key])
    return Dataset(planted=planted, **raw)


def _zipf_cum_weights(n: int, s: float) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


def generate(out_dir: Path, size: int, seed: int) -> Dataset:
    cw_csv, cnt_csv, meta = paths_for(out_dir, size, seed)
    rng = random.Random(seed)
    n_accounts = max(100, round(size * ACCOUNTS_PER_POST))
    n_urls = max(100, round(size * URLS_PER_POST))
    progress(f"data: generating {size:,} posts ({n_accounts:,} organic accounts, {n_urls:,}-URL pool)")

    # Planted networks first: their size decides how many organic posts make up the rest.
    members_total = [rng.randint(*NETWORK_SIZE) for _ in range(NETWORKS)]
    ids = rng.sample(range(1_000_000, 10_000_000), n_accounts + sum(members_total))
    names = [f"acct{i}" for i in ids]
    organic_names = names[:n_accounts]
    planted_names = names[n_accounts:]
    posts: list[tuple[int, str, str, str]] = []  # (seconds since START, account, url, text)
    planted: list[PlantedNetwork] = []
    offset = 0
    url_serial = 1_000_000
    for net, n_members in enumerate(members_total):
        members = planted_names[offset : offset + n_members]
        offset += n_members
        site = f"{CAMPAIGN_SITES[net % len(CAMPAIGN_SITES)]}{net // len(CAMPAIGN_SITES) + 1}.example"
        events = rng.randint(*NETWORK_EVENTS)
        urls: list[str] = []
        count = 0
        for _ in range(events):
            url_serial += 1
            url = f"https://{site}/{rng.choice(SECTIONS)}/{url_serial}"
            urls.append(url)
            text = rng.choice(CAMPAIGN_TEXTS)
            t0 = rng.randrange(0, WEEK - NETWORK_SPREAD_S)
            turnout = [m for m in members if rng.random() < NETWORK_TURNOUT]
            if len(turnout) < 2:
                turnout = rng.sample(members, 2)
            for member in turnout:
                posts.append((t0 + rng.randint(0, NETWORK_SPREAD_S), member, url, text))
                count += 1
        planted.append(PlantedNetwork(f"net{net + 1:02d}", sorted(members), urls, events, count))
    planted_posts = len(posts)
    organic = size - planted_posts
    if organic < size // 2:
        raise ValueError(f"--size {size} is too small: the planted networks alone make {planted_posts} posts")

    # Organic URLs: rank -> (url, burst start or None for all-week URLs, mean delay in seconds).
    site_cum = _zipf_cum_weights(SITES, 1.0)
    pool: list[tuple[str, int | None, float]] = []
    for rank in range(n_urls):
        host = rng.choices(range(SITES), cum_weights=site_cum)[0]
        url = f"https://site{host + 1}.example/{rng.choice(SECTIONS)}/{rank + 1}"
        if rng.random() < NEWS_SHARE:
            mean = NEWS_LIFETIME_H * 3600 * math.exp(rng.gauss(0.0, 0.7))
            pool.append((url, rng.randrange(0, WEEK), mean))
        else:
            pool.append((url, None, 0.0))
    # Planted members also post organically, like anyone else.
    sharers = organic_names + planted_names
    activity = list(itertools.accumulate(rng.lognormvariate(0.0, ACTIVITY_SIGMA) for _ in sharers))
    who = rng.choices(sharers, cum_weights=activity, k=organic)
    url_cum = _zipf_cum_weights(n_urls, ZIPF_S)
    what = rng.choices(range(n_urls), cum_weights=url_cum, k=organic)
    shared: set[tuple[str, int]] = set()
    for account, first_rank in zip(who, what, strict=True):
        rank = first_rank
        for _ in range(5):  # people rarely post the same link twice: draw another one, most of the time
            if (account, rank) not in shared or rng.random() < RESHARE:
                break
            rank = rng.choices(range(n_urls), cum_weights=url_cum)[0]
        shared.add((account, rank))
        url, start, mean = pool[rank]
        t = -1.0
        if start is not None:
            for _ in range(4):
                t = start + rng.expovariate(1.0 / mean)
                if t < WEEK:
                    break
        if not 0 <= t < WEEK:
            t = rng.random() * WEEK
        posts.append((int(t), account, url, rng.choice(ORGANIC_TEXTS)))
    del who, what, shared

    progress("data: sorting and writing")
    posts.sort()
    out_dir.mkdir(parents=True, exist_ok=True)
    accounts: set[str] = set()
    urls_seen: set[str] = set()
    with (
        cw_csv.open("w", encoding="utf-8", newline="") as f_cw,
        cnt_csv.open("w", encoding="utf-8", newline="") as f_cnt,
    ):
        w_cw = csv.writer(f_cw, lineterminator="\n")
        w_cnt = csv.writer(f_cnt, lineterminator="\n")
        w_cw.writerow(CW_HEADER)
        w_cnt.writerow(CNT_HEADER)
        for index, (t, account, url, text) in enumerate(posts):
            post_id = str(1_800_000_000_000_000_000 + index)
            epoch = START + t
            w_cw.writerow((account, epoch, url, text, post_id))
            w_cnt.writerow((post_id, account, account, "", "", text, epoch, url))
            accounts.add(account)
            urls_seen.add(url)
    data = Dataset(
        size=size,
        seed=seed,
        cw_csv=cw_csv,
        cnt_csv=cnt_csv,
        meta_path=meta,
        accounts=len(accounts),
        distinct_urls=len(urls_seen),
        organic_posts=organic,
        planted_posts=planted_posts,
        first_time=START + posts[0][0],
        last_time=START + posts[-1][0],
        planted=planted,
        sha256={cw_csv.name: _sha256(cw_csv), cnt_csv.name: _sha256(cnt_csv)},
    )
    meta.write_text(json.dumps(data.as_json(), indent=1) + "\n", encoding="utf-8")
    progress(
        f"data: {size:,} posts by {data.accounts:,} accounts, {data.distinct_urls:,} distinct URLs, "
        f"{planted_posts:,} of them in {len(planted)} planted networks"
    )
    return data


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
