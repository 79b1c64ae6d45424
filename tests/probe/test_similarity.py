"""Clone-vs-genuine comparisons: a clone must score clearly above an unrelated page."""

from __future__ import annotations

import json

import pytest

from clonewatch.probe.page import PageFingerprint, fingerprint
from clonewatch.probe.similarity import compare, hex_hamming, jaccard, shared_assets, title_similarity
from tests.probe import pages

SPIEGEL = ("spiegel.de",)


@pytest.fixture(scope="module")
def genuine() -> PageFingerprint:
    return fingerprint(pages.GENUINE, url="https://www.spiegel.de/wirtschaft/energiewende-stromnetze-a-1234.html",
                       genuine_domains=SPIEGEL)


@pytest.fixture(scope="module")
def clone() -> PageFingerprint:
    return fingerprint(pages.CLONE, url="https://spiegel.ltd/wirtschaft/sanktionen.html",
                       genuine_domains=SPIEGEL)


@pytest.fixture(scope="module")
def unrelated() -> PageFingerprint:
    return fingerprint(pages.UNRELATED, url="https://backen-mit-lena.de/", genuine_domains=SPIEGEL)


def test_clone_scores_clearly_above_unrelated(
    genuine: PageFingerprint, clone: PageFingerprint, unrelated: PageFingerprint
) -> None:
    near, far = compare(clone, genuine), compare(unrelated, genuine)
    assert near.text is not None and far.text is not None
    # calibrated on real pages: unrelated text scores 0; a clone with a fabricated story keeps the boilerplate
    assert near.text > 0.1 and far.text == 0.0
    assert near.structure > 0.9 and far.structure < 0.2
    assert near.title is not None and far.title is not None
    assert near.title > far.title + 0.1
    assert near.text_tlsh_distance is not None and far.text_tlsh_distance is not None
    assert near.text_tlsh_distance < far.text_tlsh_distance
    assert near.text_simhash_distance is not None and far.text_simhash_distance is not None
    assert near.text_simhash_distance < far.text_simhash_distance


def test_clone_shares_assets_and_analytics(
    genuine: PageFingerprint, clone: PageFingerprint, unrelated: PageFingerprint
) -> None:
    near = compare(clone, genuine)
    assert near.shared_analytics == ("ga4:G-7QX2ZK4B9T", "ga:UA-1234567-1", "gtm:GTM-5B9QW7P", "ym:87654321")
    assert near.shared_asset_examples == (
        "https://www.spiegel.de/public/spon/images/icons/favicon.ico",
        # (the touch icon copied to the clone's own host proves nothing: any site of a CMS has its paths)
        "https://cdn.prod.www.spiegel.de/public/spon/css/main-4f9a1c.css",
        "https://cdn.prod.www.spiegel.de/public/spon/js/app-82b1e3.js",
        "https://cdn.prod.www.spiegel.de/public/spon/images/logo-ds.svg",
    )
    assert near.shared_assets == 4
    assert near.genuine_url_claim == "https://www.spiegel.de/wirtschaft/energiewende-stromnetze-a-1234.html"
    assert near.same_site_name is True and near.other_site_claim is None
    assert near.genuine_links >= 4
    far = compare(unrelated, genuine)
    assert (far.genuine_url_claim, far.same_site_name, far.genuine_links) == (None, None, 0)
    # Both load Google's tag manager, which proves nothing.
    assert (far.shared_assets, far.shared_asset_examples, far.shared_analytics) == (0, (), ())


def test_page_against_itself(genuine: PageFingerprint) -> None:
    same = compare(genuine, genuine, suspect_phash="c3a5f0e1d2b49687", genuine_phash="c3a5f0e1d2b49687")
    assert (same.text, same.structure, same.title, same.visual) == (1.0, 1.0, 1.0, 1.0)
    assert (same.text_tlsh_distance, same.text_simhash_distance, same.visual_distance) == (0, 0, 0)


@pytest.mark.parametrize(
    ("suspect", "genuine_phash", "score"),
    [
        ("ffff0000ffff0000", "ffff0000ffff0000", 1.0),
        ("ffff0000ffff0000", "ffff0000ffff0001", 1 - 1 / 32),
        ("ffff0000ffff0000", "0000ffff0000ffff", 0.0),
        ("ffff0000ffff0000", "ffff0000ffff00", None),
        ("ffff0000ffff0000", "not-hex-not-hex!", None),
        (None, "ffff0000ffff0000", None),
        ("ffff0000ffff0000", None, None),
    ],
)
def test_visual_similarity(
    genuine: PageFingerprint, suspect: str | None, genuine_phash: str | None, score: float | None
) -> None:
    assert compare(genuine, genuine, suspect_phash=suspect, genuine_phash=genuine_phash).visual == score


def test_shared_assets_ignore_public_cdns_and_generic_paths() -> None:
    genuine = (
        "https://cdn.jsdelivr.net/npm/bootstrap@5/dist/css/bootstrap.min.css",
        "https://outlet.example/wp-includes/js/jquery/jquery.min.js",
        "https://outlet.example/favicon.ico",
        "https://static.outlet.example/build/site-9f8e.css",
    )
    suspect = (
        "https://cdn.jsdelivr.net/npm/bootstrap@5/dist/css/bootstrap.min.css",
        "https://blog.example/wp-includes/js/jquery/jquery.min.js",
        "https://clone.example/favicon.ico",
        "https://clone.example/build/site-9f8e.css",
        "https://static.outlet.example/img/other.png",
        "https://clone.example/build/",
    )
    # without the outlet's domains: the hosts of the genuine page's files; the suspect's own host never
    assert shared_assets(suspect, genuine) == ["https://static.outlet.example/img/other.png"]


def test_shared_assets_are_distinct_files_on_the_outlets_own_hosts() -> None:
    genuine = (
        "https://static.outlet.example/build/site.css",
        "https://comments.example-service.com/embed.js",
        "https://fonts.example-fonts.net/roboto.woff2",
    )
    suspect = (
        "https://static.outlet.example/build/site.css?v=1",
        "https://static2.outlet.example/build/site.css?v=2",  # the same file from another of its hosts
        "https://img.outlet.example/photo/1.jpg",
        "https://comments.example-service.com/embed.js",  # a third-party service both use
        "https://fonts.example-fonts.net/roboto.woff2",
    )
    assert shared_assets(suspect, genuine, ("outlet.example",)) == [
        "https://static.outlet.example/build/site.css?v=1", "https://img.outlet.example/photo/1.jpg"
    ]


def test_jaccard_exact_and_bottom_k() -> None:
    assert jaccard((1, 2), (1, 2, 3, 4)) == 0.5
    assert jaccard((), ()) == 0.0
    full = tuple(range(0, 20, 2))  # a full sketch of a bigger set, with cap 10
    assert jaccard(full, full, cap=10) == 1.0
    assert jaccard(full, tuple(range(1, 20, 2)), cap=10) == 0.0
    assert jaccard(full, (0, 2, 4, 6, 8), cap=10) == 1.0


def test_title_similarity() -> None:
    assert title_similarity("DER SPIEGEL - Nachrichten", "der spiegel: nachrichten") == 1.0
    assert title_similarity(None, "DER SPIEGEL") is None
    assert title_similarity("", "DER SPIEGEL") is None


def test_hex_hamming() -> None:
    assert hex_hamming("0f", "f0") == 8
    assert hex_hamming("0f", "0f0") is None


def test_empty_pages_compare_without_error() -> None:
    empty = fingerprint(b"", url="http://a.example/")
    result = compare(empty, empty)
    assert (result.text, result.title, result.shared_assets) == (None, None, 0)
    assert json.loads(json.dumps(result.to_dict()))["structure"] == 1.0


def test_to_dict_is_json_ready(genuine: PageFingerprint, clone: PageFingerprint) -> None:
    data = json.loads(json.dumps(compare(clone, genuine).to_dict()))
    assert data["shared_assets"] == 4
    assert isinstance(data["shared_asset_examples"], list)
    assert 0 <= data["text"] <= 1
