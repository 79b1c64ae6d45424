"""Every transformation class, with real Doppelganger names and ordinary names that must stay clean."""

from __future__ import annotations

import pytest

from clonewatch.match import Match, Matcher
from clonewatch.names import DomainName, default_psl, parse_line


def match_one(matcher: Matcher, text: str) -> Match | None:
    name = parse_line(text, default_psl())
    assert isinstance(name, DomainName), name
    return matcher.match(name)


@pytest.mark.parametrize(
    ("name", "genuine", "reasons"),
    [
        ("spiegel.ltd", "spiegel.de", ("suffix-swap",)),
        ("washingtonpost.pm", "washingtonpost.com", ("suffix-swap",)),
        ("walla.com.co", "walla.co.il", ("suffix-swap",)),
        ("bildd.lol", "bild.de", ("repetition", "suffix-swap", "common-label", "abused-suffix")),
        ("blld.live", "bild.de", ("homoglyph", "suffix-swap", "common-label", "abused-suffix")),
        ("t-onlinr.live", "t-online.de", ("replacement", "suffix-swap")),
        ("t-onlinl.today", "t-online.de", ("replacement", "suffix-swap")),
        ("tonline.life", "t-online.de", ("omission", "suffix-swap")),
        ("fox-news.top", "foxnews.com", ("hyphenation", "suffix-swap")),
        ("pravda-ua.rest", "pravda.com.ua", ("affix:ua", "suffix-swap")),
        ("ua-pravda.click", "pravda.com.ua", ("affix:ua", "suffix-swap")),
        ("spiegel.de.example.com", "spiegel.de", ("brand-in-subdomain",)),
        ("washingtonpots.com", "washingtonpost.com", ("transposition",)),
        ("foxnaws.com", "foxnews.com", ("vowel-swap",)),
        ("wsshingtonpost.com", "washingtonpost.com", ("replacement",)),
        ("siemens-enerhy.com", "siemens-energy.com", ("replacement",)),
        ("washingtonpst.com", "washingtonpost.com", ("omission",)),
        ("washingtonposxt.com", "washingtonpost.com", ("insertion",)),
        ("foxnewsx.com", "foxnews.com", ("addition",)),
        ("spiegek.de", "spiegel.de", ("replacement",)),
        ("spiegel-news.ru", "spiegel.de", ("affix:news", "suffix-swap")),
        ("bild-de.com", "bild.de", ("affix:de", "suffix-swap")),
        ("bundesreqierung.de", "bundesregierung.de", ("homoglyph",)),
        ("mfa.gov.ua.example.net", "mfa.gov.ua", ("brand-in-subdomain",)),
        ("gouv.fm", "gouv.fr", ("suffix-swap",)),
        ("paypa1.com", "paypal.com", ("homoglyph",)),
        ("seimenses-energy.com", "siemens-energy.com", ("transposition", "insertion")),
    ],
)
def test_transformations_are_named(
    news_matcher: Matcher, name: str, genuine: str, reasons: tuple[str, ...]
) -> None:
    hit = match_one(news_matcher, name)
    assert hit is not None, name
    assert hit.genuine == genuine
    assert hit.reasons == reasons
    assert 0 < hit.score <= 1


@pytest.mark.parametrize("name", ["раураl.com", "xn--l-7sba6dbr.com", "ѕріеgеl.de"])
def test_cross_script_homoglyphs_in_unicode_and_punycode(news_matcher: Matcher, name: str) -> None:
    hit = match_one(news_matcher, name)
    assert hit is not None
    assert hit.reasons[0] == "homoglyph"
    assert hit.domain.startswith("xn--")
    assert not hit.unicode.isascii()


def test_multi_letter_look_alike(news_matcher: Matcher) -> None:
    hit = match_one(news_matcher, "rnfa.gov.ua")
    assert hit is not None
    assert (hit.genuine, hit.reasons) == ("mfa.gov.ua", ("homoglyph",))
    hit = match_one(news_matcher, "pravcla.com")
    assert hit is not None
    assert hit.genuine == "pravda.com.ua"
    assert "homoglyph" in hit.reasons


def test_umlaut_spelling(news_matcher: Matcher) -> None:
    brands = [*news_matcher.index.brands]
    from clonewatch.brands import Brand

    matcher = Matcher([*brands, Brand("SZ", ("sueddeutsche.de",))])
    hit = match_one(matcher, "süddeutsche.com")
    assert hit is not None
    assert hit.reasons == ("transliteration", "suffix-swap")


@pytest.mark.parametrize(
    "name",
    [
        "weltweit.de",
        "bildung.info",
        "build.com",
        "bold.de",
        "fazenda.com.br",
        "zeitung.de",
        "sportbild.org",
        "weltbank.org",
        "nda.de",
        "and.com",
        "example.com",
        "wallah.co.uk",
        "kpravda.ru",
        "prada.com",
        "k-online.de",
    ],
)
def test_ordinary_words_containing_short_brands_are_not_flagged(news_matcher: Matcher, name: str) -> None:
    assert match_one(news_matcher, name) is None


@pytest.mark.parametrize(
    "name",
    [
        "spiegel.de",
        "www.spiegel.de",
        "edition.spiegel.de",
        "bund.de",
        "bundesregierung.de",
        "mfa.gov.ua",
        "diplomatie.gouv.fr",
        "gouv.fr",
        "walla.co.il",
        "sport.walla.co.il",
    ],
)
def test_genuine_domains_and_their_subdomains_are_never_flagged(news_matcher: Matcher, name: str) -> None:
    assert match_one(news_matcher, name) is None


def test_score_orders_by_confusability(news_matcher: Matcher) -> None:
    scores = {}
    for name in ("spiegel.ltd", "spiegell.ltd", "spiegel-news.ltd", "spiegek.ltd"):
        hit = match_one(news_matcher, name)
        assert hit is not None
        scores[name] = hit.score
    assert scores["spiegel.ltd"] > scores["spiegell.ltd"] > scores["spiegek.ltd"]
    assert scores["spiegel.ltd"] > scores["spiegel-news.ltd"]


def test_a_brand_with_several_domains_is_one_brand(news_matcher: Matcher) -> None:
    first = match_one(news_matcher, "bund.lol")
    second = match_one(news_matcher, "bundesregierung.lol")
    assert first is not None and second is not None
    assert first.brand == second.brand == "Bundesregierung"
    assert (first.genuine, second.genuine) == ("bund.de", "bundesregierung.de")


def test_cost_per_name_does_not_grow_with_brand_count(news_matcher: Matcher) -> None:
    """The index answers from lookups, not from a scan over every brand."""
    index = news_matcher.index
    found = index.lookup("bildd")
    assert found is not None
    assert {index.targets[t].label for t in found[0]} == {"bild"}
    assert found[1] == []
    found = index.lookup("bild-news")
    assert found is not None
    assert found[0] == []
    assert [(index.targets[t].label, start, end) for t, start, end in found[1]] == [("bild", 0, 4)]
    assert index.lookup("bildung") is None
    assert index.lookup("qqqqqqqqqq") is None


def test_two_letter_labels_alone_are_weak_evidence() -> None:
    """Issue 15 item 2: the exact label on another suffix is a look-alike even of two letters, scored
    as an ordinary label; nothing but the exact label reads as so short a name."""
    from clonewatch.brands import Brand

    matcher = Matcher([Brand("General-Anzeiger", ("ga.de",))])
    quiet, abused = match_one(matcher, "ga.com"), match_one(matcher, "ga.top")
    assert quiet is not None and quiet.reasons == ("suffix-swap", "common-label") and quiet.score < 0.6
    assert abused is not None and abused.reasons == ("suffix-swap", "common-label", "abused-suffix")
    for name in ("gaa.top", "gq.top", "g-a.top", "ag.top"):
        assert match_one(matcher, name) is None, name
    hit = match_one(matcher, "ga-de.top")
    assert hit is not None and hit.reasons == ("affix:de", "suffix-swap")
    hit = match_one(matcher, "ga.de.example.com")
    assert hit is not None and hit.reasons == ("brand-in-subdomain",)


def test_short_labels_take_only_subtle_edits(news_matcher: Matcher) -> None:
    for name in ("bilt.de", "bld.de", "bilde.de", "xbild.de"):
        assert match_one(news_matcher, name) is None, name
    # bild is one of the commonest German words, so an ordinary label even with no language given:
    # edits only on suffixes where ordinary names are suspect; a coined four-letter name takes them anywhere
    for name in ("biild.lol", "bi1d.lol"):
        assert match_one(news_matcher, name) is not None, name
    assert match_one(news_matcher, "biild.de") is None
    from clonewatch.brands import Brand

    coined = Matcher([Brand("Kvzl", ("kvzl.de",))])
    for name in ("kvzl.de", "kvzk.de", "kzl.de", "kvzlx.de"):
        assert match_one(coined, name) is None, name
    for name in ("kvvzl.de", "kv-zl.de", "kvz1.de"):
        assert match_one(coined, name) is not None, name


@pytest.mark.parametrize(
    ("name", "reasons"),
    [
        ("mfa-gov.ua", ("affix:gov", "suffix-swap")),
        ("mfa-qov.com", ("affix:qov", "homoglyph", "suffix-swap")),
        ("mfa.ltd", ("suffix-swap", "common-label")),
        ("mfa.xyz", ("suffix-swap", "common-label", "abused-suffix")),
        ("mfa.eu.com", ("suffix-swap", "common-label", "private-namespace")),
        ("diplomatie-gouv.fr", ("affix:diplomatie",)),
        ("diplomatie.gouv.fm", ("suffix-swap",)),
    ],
)
def test_government_namespaces(news_matcher: Matcher, name: str, reasons: tuple[str, ...]) -> None:
    hit = match_one(news_matcher, name)
    assert hit is not None
    assert hit.reasons == reasons


@pytest.mark.parametrize("name", ["mfa.com", "mfa.co.uk", "mfa.de", "faz.co.za", "faz.com", "faz.net.au"])
def test_a_weak_label_on_any_other_suffix_is_flagged_with_a_low_score(
    news_matcher: Matcher, name: str
) -> None:
    """Issue 15 item 2: the exact label on any suffix is a look-alike; an ordinary or short label on a
    suffix nobody abuses scores low instead of staying silent (it used to stay silent)."""
    hit = match_one(news_matcher, name)
    assert hit is not None
    assert hit.reasons == ("suffix-swap", "common-label")
    assert hit.score < 0.6


@pytest.mark.parametrize("name", ["mfaq.com", "mfaq.xyz", "faaz.com"])
def test_weak_labels_take_no_edit_off_abused_suffixes(news_matcher: Matcher, name: str) -> None:
    assert match_one(news_matcher, name) is None


@pytest.mark.parametrize(
    ("name", "reasons"),
    [
        ("bildnews.top", ("affix:news", "suffix-swap", "common-label", "abused-suffix")),
        ("zeitonline.live", ("affix:online", "suffix-swap", "common-label", "abused-suffix")),
        ("faz.agency", ("suffix-swap", "common-label")),
        ("faz.top", ("suffix-swap", "common-label", "abused-suffix")),
        ("fazz.top", ("repetition", "suffix-swap", "common-label", "abused-suffix")),
    ],
)
def test_short_brands_with_news_words_and_new_generic_suffixes(
    news_matcher: Matcher, name: str, reasons: tuple[str, ...]
) -> None:
    hit = match_one(news_matcher, name)
    assert hit is not None
    assert hit.reasons == reasons


@pytest.mark.parametrize("name", ["bildungnews.de", "weltpostkarte.de", "faz24.top", "fazx.top"])
def test_still_clean(news_matcher: Matcher, name: str) -> None:
    assert match_one(news_matcher, name) is None
