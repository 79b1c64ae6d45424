"""Who spreads a campaign: the accounts that posted links to its members, and what else they
posted (`clonewatch cluster --posts`). The join of two sibling stages (cluster and social), so it
lives above both.

Posts are read with the social stage's readers (X API v2 pages, twarc2 JSON lines, CSV with
account,time,url) and their links normalised as `clonewatch social links` does (de-fanged,
tracking parameters dropped), each link counted by the registrable domain of its host. Two passes
over the files, so memory holds only the accounts found and their leads:

1. an account *posted for* a campaign when one of its posts links a member: per campaign, each
   such account with how many of its posts did and the first and last of them;
2. every link those accounts posted (in any post) whose domain is not a member of the campaign
   is a *candidate*: a lead to probe, with how many of the campaign's accounts and posts link it
   (and the other campaign it is a member of, if it is one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clonewatch.names import DomainName, default_psl, parse_host
from clonewatch.social import Post, ReadReport, normalise_url, read_all

if TYPE_CHECKING:
    from clonewatch.cluster import Campaign


@dataclass(frozen=True, slots=True)
class Poster:
    """An account that posted links to a campaign's members: how many posts, the first and last."""

    account: str
    posts: int
    first: datetime
    last: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "posts": self.posts,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    """A domain the campaign's accounts linked that is not a member (yet); ``campaign`` names the
    other campaign it is a member of, if any."""

    domain: str
    accounts: int
    posts: int
    campaign: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "accounts": self.accounts,
            "posts": self.posts,
            "campaign": self.campaign,
        }


@dataclass(frozen=True, slots=True)
class CampaignPosts:
    """A campaign's accounts (most posts first) and candidates (most accounts, then posts, first)."""

    accounts: tuple[Poster, ...]
    candidates: tuple[Candidate, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "accounts": [poster.to_dict() for poster in self.accounts],
            "candidates": [candidate.to_dict() for candidate in self.candidates],
        }


@dataclass(slots=True)
class _Tally:
    posts: int = 0
    first: datetime | None = None
    last: datetime | None = None

    def add(self, moment: datetime) -> None:
        self.posts += 1
        self.first = moment if self.first is None else min(self.first, moment)
        self.last = moment if self.last is None else max(self.last, moment)


@dataclass(slots=True)
class _Leads:
    accounts: set[str] = field(default_factory=set)
    posts: int = 0


def campaign_posts(
    campaigns: Sequence[Campaign], files: Sequence[Path], report: ReadReport
) -> dict[str, CampaignPosts]:
    """Each campaign's accounts and candidates (by campaign id; campaigns nobody posted for are
    left out). ``report`` counts the posts read and the lines skipped (first pass)."""
    owner = _member_domains((c.id, (m.domain for m in c.members)) for c in campaigns)
    tallies, leads = _join(owner, files, report)
    return {campaign: _result(accounts, leads[campaign], owner) for campaign, accounts in tallies.items()}


def seed_leads(seeds: Iterable[str], files: Sequence[Path], report: ReadReport) -> list[str]:
    """The domains linked by the accounts that posted links to the seeds (for `cluster --expand`:
    names to consider beside the feed's), most accounts first."""
    owner = _member_domains([("seeds", seeds)])
    tallies, leads = _join(owner, files, report)
    if not tallies:
        return []
    return [c.domain for c in _result(tallies["seeds"], leads["seeds"], owner).candidates]


def _join(
    owner: Mapping[str, str], files: Sequence[Path], report: ReadReport
) -> tuple[dict[str, dict[str, _Tally]], dict[str, dict[str, _Leads]]]:
    """The two passes (see the module docstring), for domains grouped by ``owner`` (domain -> group)."""
    tallies: dict[str, dict[str, _Tally]] = defaultdict(lambda: defaultdict(_Tally))
    for post in _posts(files, report):
        for campaign in {owner[d] for d in _domains(post) if d in owner}:
            tallies[campaign][_account(post)].add(post.time)
    followed: dict[str, list[str]] = defaultdict(list)  # account -> the groups it posted for
    for campaign, accounts in tallies.items():
        for account in accounts:
            followed[account].append(campaign)
    leads: dict[str, dict[str, _Leads]] = defaultdict(lambda: defaultdict(_Leads))
    if followed:
        for post in _posts(files, ReadReport()):
            account = _account(post)
            for campaign in followed.get(account, ()):
                for domain in _domains(post):
                    if owner.get(domain) != campaign:
                        lead = leads[campaign][domain]
                        lead.accounts.add(account)
                        lead.posts += 1
    return tallies, leads


def _result(
    accounts: Mapping[str, _Tally], leads: Mapping[str, _Leads], owner: Mapping[str, str]
) -> CampaignPosts:
    posters = sorted(
        (Poster(name, t.posts, t.first, t.last) for name, t in accounts.items() if t.first and t.last),
        key=lambda p: (-p.posts, p.first, p.account),
    )
    candidates = sorted(
        (
            Candidate(domain, len(lead.accounts), lead.posts, owner.get(domain))
            for domain, lead in leads.items()
        ),
        key=lambda c: (-c.accounts, -c.posts, c.domain),
    )
    return CampaignPosts(tuple(posters), tuple(candidates))


def _member_domains(groups: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """The registrable domain of every member -> its group (a campaign's id)."""
    psl = default_psl()
    owner: dict[str, str] = {}
    for group, domains in groups:
        for domain in domains:
            name = parse_host(domain.strip().lower(), psl)
            owner.setdefault(name.registrable if isinstance(name, DomainName) else domain, group)
    return owner


def _posts(files: Sequence[Path], report: ReadReport) -> Iterator[Post]:
    return read_all(files, report)


def _domains(post: Post) -> set[str]:
    """The registrable domains a post links (each once)."""
    found = set()
    for url in post.urls:
        normalised = normalise_url(url)
        if normalised is not None:
            found.add(normalised[1])
    return found


def _account(post: Post) -> str:
    return post.account.username or post.account.id
