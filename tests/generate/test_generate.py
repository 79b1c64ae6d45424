"""Generation: every fuzzer, ranking, and the promise that match agrees with every candidate."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clonewatch.brands import Brand, bundled_watchlist
from clonewatch.generate import Seed, default_fuzzers, fuzzers_named, generate
from clonewatch.match import Matcher
from clonewatch.names import DomainName, default_psl, parse_line
from clonewatch.names.suffixes import abused_suffixes

DNSTWIST_FUZZERS = {
    "addition", "bitsquatting", "cyrillic", "dictionary", "homoglyph", "hyphenation", "insertion", "omission",
    "plural", "repetition", "replacement", "subdomain", "transposition", "vowel-swap", "various",
}  # fmt: skip


def test_every_dnstwist_fuzzer_is_built_in() -> None:
    assert {fuzzer.name for fuzzer in default_fuzzers()} == DNSTWIST_FUZZERS


def test_fuzzers_make_the_expected_kinds() -> None:
    seed = Seed("bild", "de", "DE")
    made = {fuzzer.name: set(fuzzer.variants(seed)) for fuzzer in default_fuzzers()}
    assert "bildd" in made["repetition"]
    assert "blld" in made["homoglyph"] and "b1ld" in made["homoglyph"]
    assert any(not label.isascii() for label in made["homoglyph"])
    assert "bіld" in made["cyrillic"]
    assert "bil-d" in made["hyphenation"]
    assert "bidl" in made["transposition"]
    assert "bild-de" in made["various"] and "bildde" in made["various"]
    assert "bild-news" in made["dictionary"] and "bild-de" in made["dictionary"]
    assert "bi.ld" in made["subdomain"]
    assert "bilf" in made["replacement"]  # a keyboard neighbour of d
    assert "bilz" in made["replacement"]  # any letter, after the neighbours (t-onlinl)


def test_unknown_fuzzer_is_an_error() -> None:
    from clonewatch.errors import InputError

    with pytest.raises(InputError, match="unknown fuzzer 'typo'"):
        fuzzers_named(["typo"])


def test_ranking_starts_with_the_label_on_abused_suffixes_then_likely_edits() -> None:
    candidates = list(generate(Brand("Bild", ("bild.de",), country="DE"), limit=3000))
    assert len(candidates) == 3000
    assert [c.rank for c in candidates] == list(range(1, 3001))
    first = [c.match.domain for c in candidates[:20]]
    # .com, where more look-alikes are registered than anywhere else, then the most abused
    assert first[:3] == ["bild.com", *(f"bild.{suffix}" for suffix in abused_suffixes()[:2])]
    domains = {c.match.domain for c in candidates}
    for name in (
        "bild.ltd",
        "bild.com",
        "bild.co.uk",
        "bild.com.ua",
        "bildd.lol",
        "blld.live",
        "bild-de.top",
    ):
        assert name in domains, name
    assert "bild.de" not in domains
    # issue 15: the exact label on every TLD and co.*/com.* comes before any edit
    exact_end = max(i for i, c in enumerate(candidates) if c.match.domain.split(".")[0] == "bild")
    first_edit = min(i for i, c in enumerate(candidates) if c.match.domain.split(".")[0] != "bild")
    assert first_edit > 1000 and exact_end < first_edit
    assert len(domains) == len(candidates)


def test_a_candidate_holds_its_match_and_flattens_it_in_the_old_field_order() -> None:
    candidate = next(generate(Brand("Bild", ("bild.de",), country="DE"), limit=1))
    record = candidate.to_dict()
    assert list(record) == ["domain", "unicode", "brand", "genuine", "score", "reasons", "fuzzer", "rank"]
    assert record == {**candidate.match.to_dict(), "fuzzer": candidate.fuzzer, "rank": 1}
    assert isinstance(record["reasons"], list)


def test_combinations_of_edit_suffix_and_affix() -> None:
    pravda = Brand("Pravda", ("pravda.com.ua",), country="UA")
    domains = {c.match.domain for c in generate(pravda, limit=20_000)}
    for name in ("pravda-ua.rest", "ua-pravda.click", "pravda.com.co", "pravdaa.top"):
        assert name in domains, name
    walla = {c.match.domain for c in generate(Brand("Walla", ("walla.co.il",), country="IL"), limit=5000)}
    assert "walla.com.co" in walla


def test_limit_and_speed_budget_are_respected() -> None:
    assert len(list(generate(Brand("Zeit", ("zeit.de",)), limit=7))) == 7


def _check_agreement(brand: Brand, limit: int) -> None:
    matcher = Matcher([brand])
    psl = default_psl()
    for candidate in generate(brand, limit=limit):
        for text in (candidate.match.domain, candidate.match.unicode):
            name = parse_line(text, psl)
            assert isinstance(name, DomainName), text
            hit = matcher.match(name)
            assert hit is not None, text
            assert (hit.genuine, hit.reasons, hit.score) == (
                candidate.match.genuine,
                candidate.match.reasons,
                candidate.match.score,
            )


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(bundled_watchlist()))
def test_match_agrees_with_every_candidate_of_any_brand(brand: Brand) -> None:
    _check_agreement(brand, limit=300)


@pytest.mark.parametrize("domain", ["bild.de", "t-online.de", "gouv.fr", "mfa.gov.ua", "washingtonpost.com"])
def test_match_agrees_deep_in_the_ranking(domain: str) -> None:
    brand = next(b for b in bundled_watchlist() if domain in b.domains)
    _check_agreement(brand, limit=3000)
