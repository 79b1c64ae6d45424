"""Real X data for the social tests and bench/social: ``../shared/data/xdata_dev.tar.gz`` (twarc2
search pages, flattened and stream output, user, count, list and compliance records, and v1.1 tweets,
from the public test data of twarc-csv and python-twitter; third-party content, used in tests and
benchmarks only, never copied into the project)."""

from __future__ import annotations

import tarfile
from pathlib import Path

ARCHIVE = "xdata_dev.tar.gz"
# The X API v2 search pages in it, one page per line. 2sets.jsonl holds kpop.jsonl and brexit.jsonl
# again; in withheld.jsonl some authors are missing from their page's users.
SEARCH_PAGES = (
    "2sets.jsonl",
    "brexit.jsonl",
    "kpop.jsonl",
    "noflat.jsonl",
    "withheld.jsonl",
    "entities_test.jsonl",
    "media_policy_violation_on.jsonl",
    "media_policy_violation_off.jsonl",
    "cashtags.jsonl",
    "many_urls.jsonl",
    "quoted_edit.jsonl",
    "edited_before.jsonl",
    "media_tweet.jsonl",
    "mentions_tweet.jsonl",
    "geo_tweets.jsonl",
)
WITHHELD = "withheld.jsonl"


def unpack(archive: Path, into: Path) -> Path:
    """The archive's folder of files under ``into``, unpacked there unless it already is."""
    folder = into / "xdata_dev"
    if not folder.is_dir():
        with tarfile.open(archive) as tar:
            tar.extractall(into, filter="data")
    return folder
