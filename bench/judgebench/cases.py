"""Every case of the real-page world, judged: the suspect page and the genuine front page are
fingerprinted as the probe fingerprints them, compared, and the whole evidence goes to the judge."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from clonewatch.judge import Verdict, judge
from clonewatch.probe.chain import Hop, HttpEvidence
from clonewatch.probe.evidence import Evidence, SiteView
from clonewatch.probe.page import PageFingerprint, fingerprint
from clonewatch.probe.similarity import Similarity, compare
from clonewatch.testing.realpages import Case, Outlet, clone_cases, other_outlet_cases, outlets, read_pages

# Pages of another outlet are served as saved on a look-alike name; which look-alike does not
# change the comparison (only that it is not the genuine host), so each is fingerprinted once.
MIRROR = "http://mirror-news.lol/"


@dataclass(frozen=True, slots=True)
class Scored:
    """One case with its comparison and the judge's verdict."""

    kind: str
    genuine: str
    source: str
    source_outlet: str
    similarity: Similarity
    verdict: Verdict


def corpus(tarball: Path) -> list[Outlet]:
    return outlets(read_pages(tarball))


BASE_KINDS = ("clone-same-page", "clone-other-page", "other-outlet")


def cases(world: list[Outlet], *, variants: bool) -> Iterator[Case]:
    """The clones and different-outlet pairs of the issue; with ``variants`` also clones that give
    their own address (canonical, og:url) and other outlets' pages copied the way clones copy."""
    yield from clone_cases(world)
    yield from other_outlet_cases(world)
    if variants:
        yield from clone_cases(world, self_addressed=True)
        yield from other_outlet_cases(world, copied=True)


def score_all(world: list[Outlet], *, variants: bool = True) -> list[Scored]:
    """Every case, judged."""
    fronts = {o.domain: fingerprint(o.pages[0].html, url=o.url, genuine_domains=o.domains) for o in world}
    by_name = {page.name: o.domain for o in world for page in o.pages}
    mirrored: dict[tuple[str, str], PageFingerprint] = {}
    out: list[Scored] = []
    for case in cases(world, variants=variants):
        if case.is_clone:
            page = fingerprint(case.html, url=case.suspect_url, genuine_domains=case.genuine.domains)
        else:
            key = (case.kind, case.source)
            page = mirrored.get(key) or fingerprint(case.html, url=MIRROR)
            mirrored[key] = page
        similarity = compare(page, fronts[case.genuine.domain], genuine_domains=case.genuine.domains)
        verdict = judge(_evidence(case, page, similarity), case.genuine.domains)
        out.append(
            Scored(case.kind, case.genuine.domain, case.source, by_name[case.source], similarity, verdict)
        )
    return out


def _evidence(case: Case, page: PageFingerprint, similarity: Similarity) -> Evidence:
    """What the probe collects about a suspect that answers with the page (one visitor, no browser)."""
    url = case.suspect_url
    visit = HttpEvidence("plain", (Hop(url, 200, "127.0.0.1", "final"),), url, status=200, page=page)
    return Evidence(
        case.suspect_host, case.suspect_host, "2026-01-01T00:00:00+00:00", 0.0,
        site=SiteView({"plain": visit}), comparison=similarity,
    )  # fmt: skip
