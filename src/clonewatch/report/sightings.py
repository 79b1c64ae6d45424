"""Where exported domains were seen on social media: the posts (X API v2, twarc2, CSV, as
`clonewatch social links` reads them) whose links lead to an exported domain or one of its
subdomains, after de-fanging and normalising each link."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from clonewatch.social import ReadReport, normalise_url, read_all


@dataclass(frozen=True, slots=True)
class PostSighting:
    """A post that linked an exported domain: its id, account, time and the link as normalised."""

    domain: str
    post_id: str
    account: str
    time: datetime
    url: str

    @property
    def post_url(self) -> str:
        return f"https://x.com/{self.account}/status/{self.post_id}"


def sightings(
    files: Sequence[Path], domains: Collection[str], report: ReadReport
) -> dict[str, tuple[PostSighting, ...]]:
    """The posts linking each of ``domains`` (by domain, oldest first; each post once per domain).
    ``report`` counts the posts read and the lines skipped."""
    wanted = {domain.lower() for domain in domains}
    found: dict[str, dict[str, PostSighting]] = {}
    for post in read_all(files, report):
        account = post.account.username or post.account.id
        for raw in post.urls:
            normalised = normalise_url(raw)
            if normalised is None:
                continue
            domain = _owner(urlsplit(normalised[0]).hostname or "", wanted)
            if domain is not None:
                seen = found.setdefault(domain, {})
                seen.setdefault(
                    post.post_id, PostSighting(domain, post.post_id, account, post.time, normalised[0])
                )
    return {
        domain: tuple(sorted(posts.values(), key=lambda s: (s.time, s.post_id)))
        for domain, posts in found.items()
    }


def _owner(host: str, wanted: Collection[str]) -> str | None:
    """The exported domain ``host`` is, or is under."""
    labels = host.lower().rstrip(".").split(".")
    for start in range(len(labels) - 1):
        candidate = ".".join(labels[start:])
        if candidate in wanted:
            return candidate
    return None
