from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clonewatch.names import DomainName, Unparseable, default_psl, is_blank, parse_line

PSL = default_psl()


def parsed(line: str) -> DomainName:
    result = parse_line(line, PSL)
    assert isinstance(result, DomainName), result
    return result


@pytest.mark.parametrize(
    ("line", "ascii_name"),
    [
        ("spiegel.ltd", "spiegel.ltd"),
        ("  Washingtonpost.PM  ", "washingtonpost.pm"),
        ("bildd.lol.", "bildd.lol"),
        ("https://fox-news.top/politics/story?id=1#top", "fox-news.top"),
        ("http://user:secret@walla.com.co:8080/x", "walla.com.co"),
        ("hxxps://pravda-ua[.]rest/news", "pravda-ua.rest"),
        ("hXXp://t-onlinl(.)live", "t-onlinl.live"),
        ("leparisien{.}ltd", "leparisien.ltd"),
        ("sueddeutsche[dot]online", "sueddeutsche.online"),
        ("hxxps[:]//nato[.]ws", "nato.ws"),
        ("*.zeit.cx", "zeit.cx"),
        ("bild.eu.com 3600 IN A 192.0.2.1", "bild.eu.com"),
        ("tagesspiegel.ltd. 86400 IN NS ns1.example.net.", "tagesspiegel.ltd"),
        ("1,dailymail.top", "dailymail.top"),
        ("lefigaro.me\t2026-11-24\tNAMECHEAP", "lefigaro.me"),
        ("//closermag.eu/path", "closermag.eu"),
    ],
)
def test_feed_line_shapes(line: str, ascii_name: str) -> None:
    assert parsed(line).ascii == ascii_name


def test_unicode_name_gets_punycode_and_unicode_forms() -> None:
    name = parsed("раураl.com")
    assert name.ascii == "xn--l-7sba6dbr.com"
    assert name.unicode == "раураl.com"
    assert name.label_unicode == "раураl"


def test_punycode_name_gets_unicode_form() -> None:
    name = parsed("XN--ICROSOFT-G89C.COM")
    assert name.unicode == "ṃicrosoft.com"
    assert name.is_idn


def test_uts46_maps_fullwidth_and_upper_case() -> None:
    assert parsed("ＢＩＬＤ．ｌｏｌ").ascii == "bild.lol"


@pytest.mark.parametrize(
    "line",
    [
        "xn--zz-zz.com",
        "xn--.com",
        "not a domain",
        "localhost",
        "192.168.10.1",
        "[2001:db8::1]:443",
        "-bild.de",
        "bild-.de",
        "a" * 64 + ".com",
        "ex ample",
        "http://exa_mple.com:http/",
        "x" * 5000,
    ],
)
def test_unparseable_lines_say_why(line: str) -> None:
    result = parse_line(line, PSL)
    assert isinstance(result, Unparseable)
    assert result.reason


def test_public_suffix_split_with_multi_label_and_private_suffixes() -> None:
    assert (parsed("walla.com.co").label, parsed("walla.com.co").suffix) == ("walla", "com.co")
    assert (parsed("bild.eu.com").label, parsed("bild.eu.com").suffix) == ("bild", "eu.com")
    name = parsed("news.mfa.gov.ua")
    assert (name.subdomain, name.label, name.suffix) == ("news", "mfa", "gov.ua")


def test_a_name_that_is_itself_a_public_suffix_keeps_its_first_label() -> None:
    name = parsed("gouv.fr")
    assert (name.label, name.suffix) == ("gouv", "fr")


@pytest.mark.parametrize("line", ["", "   ", "# comment", "; zone comment", "$ORIGIN example.com."])
def test_blank_and_comment_lines(line: str) -> None:
    assert is_blank(line)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300))
def test_parsing_never_raises_on_arbitrary_text(text: str) -> None:
    result = parse_line(text, PSL)
    assert isinstance(result, DomainName | Unparseable)
    if isinstance(result, DomainName):
        assert result.ascii.isascii()
        assert result.ascii.endswith(result.suffix)


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"(https?://)?[a-z0-9-]{1,20}(\.[a-z0-9-]{1,10}){1,3}(/[a-z]*)?", fullmatch=True))
def test_parsing_never_raises_on_name_like_text(text: str) -> None:
    assert isinstance(parse_line(text, PSL), DomainName | Unparseable)
