"""The real-data part of bench/social: real X posts, with retweets and overlapping collections, read by both
tools from the same twarc2 search pages.

Data: the twarc2 search pages of ``../shared/data/xdata_dev.tar.gz`` (the public test data of twarc-csv;
its ``2sets.jsonl`` holds ``kpop.jsonl`` and ``brexit.jsonl`` again), written ``--real-copies`` times into one
JSON lines file: every copy after the first is duplicates only, as when the same collections are merged again.
``withheld.jsonl`` is left out: the toolkit reads none of its 215 posts (its v2 reader fails on a post whose
author is not in the page, falls back to its v1.1 reader, and exits 0 with nothing loaded).

Runs, each tool on the same file, window ``--window``, every pair kept (minimum weight 1):

* co-link: ``clonewatch social coordinate --level url --retweets exclude`` against the toolkit's ``co_link``,
  which leaves out the links of retweets;
* co-retweet: ``--level repost`` against the toolkit's ``co_retweet``;
* ``--level url --retweets include`` (retweets share the retweeted post's links): clonewatch only, the toolkit
  has no such network.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchkit.log import progress
from clonewatch.testing.xdata import ARCHIVE as ARCHIVE_NAME
from clonewatch.testing.xdata import SEARCH_PAGES, WITHHELD, unpack
from socialbench import cwrun
from socialbench.compare import cnt_pairs, read_cnt_edges, read_cw_edges
from socialbench.report import ToolRow, markdown_table
from socialbench.rival import RIVAL_VERSION, Rival

ARCHIVE = Path(__file__).resolve().parents[3] / "shared" / "data" / ARCHIVE_NAME
PAGES = tuple(name for name in SEARCH_PAGES if name != WITHHELD)
DEFAULT_COPIES = 20


@dataclass
class RealData:
    path: Path
    copies: int
    records: int  # posts in the file, duplicates included
    unique: int
    retweets: int  # unique posts that are retweets

    def as_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "copies": self.copies,
            "records": self.records,
            "unique_posts": self.unique,
            "retweets": self.retweets,
            "pages": list(PAGES),
        }


@dataclass
class RealRun:
    """One question asked of both tools (or clonewatch alone), and how their edges compare."""

    name: str
    rows: list[ToolRow] = field(default_factory=list)
    cw_pairs: int | None = None
    cnt_pairs: int | None = None
    both: int | None = None
    same_weight: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "runs": [row.as_json() for row in self.rows],
            "clonewatch_pairs": self.cw_pairs,
            "toolkit_pairs": self.cnt_pairs,
            "pairs_in_both": self.both,
            "same_weight": self.same_weight,
        }


def build(out_dir: Path, copies: int, archive: Path = ARCHIVE) -> RealData | None:
    """The data file (written once per copy count), or None when the archive is not there."""
    if not archive.exists():
        progress(f"bench/social: no real data at {archive}: real-data runs skipped")
        return None
    unpacked = unpack(archive, out_dir / "xdata")
    lines: list[str] = []
    seen: dict[str, bool] = {}
    for name in PAGES:
        for line in (unpacked / name).read_text(encoding="utf-8").splitlines():
            lines.append(line)
            for tweet in json.loads(line)["data"]:
                refs = tweet.get("referenced_tweets", [])
                seen.setdefault(tweet["id"], any(r["type"] == "retweeted" for r in refs))
    path = out_dir / f"social-real-x{copies}.jsonl"
    records = copies * sum(len(json.loads(line)["data"]) for line in lines)
    if not path.exists():
        with path.open("w", encoding="utf-8") as stream:
            for _ in range(copies):
                stream.writelines(line + "\n" for line in lines)
    return RealData(path, copies, records, len(seen), sum(seen.values()))


QUESTIONS = (
    ("co-link, retweets excluded", "url", ("--retweets", "exclude"), "co_link"),
    ("co-retweet", "repost", (), "co_retweet"),
    ("co-link, retweets included", "url", ("--retweets", "include"), None),
)


def run_all(
    cmd: list[str] | None,
    rival: Rival | None,
    data: RealData,
    *,
    window: int,
    n_cpus: int,
    timeout: float | None,
    work: Path,
) -> list[RealRun]:
    """Every question of QUESTIONS, clonewatch (``cmd``) and the toolkit (``rival``) where given."""
    runs = []
    for name, level, extra, network in QUESTIONS:
        run = RealRun(name)
        tag = f"real-x{data.copies}-w{window}-{level}{'-' + extra[1] if extra else ''}"
        cw_edges = cnt_edges = None
        if cmd is not None:
            done = cwrun.run(
                cmd,
                tag,
                data.path,
                work,
                window=window,
                min_repeat=1,
                edges=True,
                timeout=timeout,
                level=level,
                extra=extra,
            )
            row = ToolRow(
                "clonewatch",
                f"clonewatch --level {level} {' '.join(extra)}".strip(),
                data.records,
                [("social coordinate", done.stats)],
                extra={"summary": done.summary},
            )
            if done.ok and done.edges_file is not None and done.edges_file.exists():
                cw_edges = read_cw_edges(done.edges_file)
                row.edges = run.cw_pairs = len(cw_edges.edges)
            run.rows.append(row)
        if rival is not None and network is not None:
            res = rival.run(
                tag,
                data.path,
                window=window,
                n_cpus=n_cpus,
                timeout=timeout,
                fmt="twitter_json",
                network=network,
            )
            row = ToolRow(
                "cnt",
                f"coordination-network-toolkit {RIVAL_VERSION} ({network})",
                data.records,
                [(s.name, s.stats) for s in res.stages],
                skipped_stages=res.skipped_stages,
            )
            if res.edges_file is not None and res.edges_file.exists():
                cnt_edges, _ = cnt_pairs(read_cnt_edges(res.edges_file))
                row.edges = run.cnt_pairs = len(cnt_edges)
            run.rows.append(row)
        if cw_edges is not None and cnt_edges is not None:
            common = set(cw_edges.edges) & set(cnt_edges)
            run.both = len(common)
            run.same_weight = sum(1 for pair in common if cw_edges.edges[pair].weight == max(cnt_edges[pair]))
        runs.append(run)
    return runs


def report_lines(data: RealData, runs: list[RealRun], window: int) -> list[str]:
    lines = [
        f"Real X data: {data.unique:,} unique posts ({data.retweets:,} retweets) in {len(PAGES)} twarc2 "
        f"search files, written {data.copies} times: {data.records:,} posts in {data.path.name}, "
        f"{data.records - data.unique:,} of them duplicates; window {window} s, every pair kept",
        "",
    ]
    for run in runs:
        lines.append(f"### {run.name}\n")
        lines.append(markdown_table(run.rows))
        if run.both is not None:
            lines.append(
                f"\naccount pairs: clonewatch {run.cw_pairs:,}, toolkit {run.cnt_pairs:,}, "
                f"in both {run.both:,}; same weight (the toolkit's larger direction) "
                f"{run.same_weight:,} of {run.both:,}"
            )
        lines.append("")
    return lines
