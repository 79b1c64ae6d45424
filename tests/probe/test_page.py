"""Page fingerprints on realistic and hostile pages (no network: the bytes are written here)."""

from __future__ import annotations

import base64
import json
import random

import mmh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clonewatch.probe.page import (
    MAX_DEPTH,
    MAX_GENUINE_REFS,
    MAX_TEXT,
    analytics_ids,
    decode,
    favicon_hash,
    fingerprint,
    limit_depth,
    parse_refresh,
    script_redirect,
)
from tests.probe import pages

GENUINE_URL = "https://www.spiegel.de/wirtschaft/energiewende-stromnetze-a-1234.html"
CLONE_URL = "https://spiegel.ltd/wirtschaft/sanktionen.html"
SPIEGEL = ("spiegel.de",)


def test_genuine_outlet_page() -> None:
    fp = fingerprint(pages.GENUINE, url=GENUINE_URL, content_type="text/html; charset=UTF-8",
                     genuine_domains=SPIEGEL)
    assert fp.title == "Energiewende: Wie Deutschland seine Stromnetze ausbauen will - DER SPIEGEL"
    assert fp.language == "de"
    assert fp.canonical_url == fp.og_url == GENUINE_URL
    assert fp.og_site_name == "DER SPIEGEL"
    assert fp.description == "Nachrichten, Hintergründe und Debatten: DER SPIEGEL"
    assert fp.analytics_ids == ("ga4:G-7QX2ZK4B9T", "ga:UA-1234567-1", "gtm:GTM-5B9QW7P", "ym:87654321")
    assert fp.favicon_urls == (
        "https://www.spiegel.de/public/spon/images/icons/favicon.ico",
        "https://www.spiegel.de/public/spon/images/icons/touch-icon-iphone.png",
    )
    assert "https://cdn.prod.www.spiegel.de/public/spon/css/main-4f9a1c.css" in fp.asset_urls
    assert "https://www.spiegel.de/images/stromtrasse-0a1b2c.jpg" in fp.asset_urls
    assert fp.text.startswith("Schlagzeilen Politik Ausland Panorama")
    assert "dataLayer" not in fp.text and "clickmap" not in fp.text
    assert fp.text.endswith("© DER SPIEGEL GmbH & Co. KG. Alle Rechte vorbehalten.")
    assert fp.text_hash is not None and fp.text_hash.startswith("T1")
    assert fp.text_simhash is not None and len(fp.text_simhash) == 16
    assert list(fp.structure) == sorted(set(fp.structure)) and 40 < len(fp.structure) <= 512
    assert len(fp.structure_hash) == 16
    assert fp.parked_signals == ()
    assert (fp.meta_refresh, fp.script_redirect) == (None, None)
    assert (fp.form_count, fp.has_password_field) == (0, False)
    assert fp.charset == "utf-8"


def test_clone_borrows_genuine_assets_and_ids() -> None:
    fp = fingerprint(pages.CLONE, url=CLONE_URL, genuine_domains=SPIEGEL)
    assert fp.genuine_references == (
        GENUINE_URL,
        "https://www.spiegel.de/public/spon/images/icons/favicon.ico",
        "https://cdn.prod.www.spiegel.de/public/spon/css/main-4f9a1c.css",
        "https://cdn.prod.www.spiegel.de/public/spon/js/app-82b1e3.js",
        "https://www.spiegel.de/",
        "https://cdn.prod.www.spiegel.de/public/spon/images/logo-ds.svg",
        "https://cdn.prod.www.spiegel.de/images/og-default.jpg",
    )
    assert fp.genuine_reference_count == 7
    # Relative URLs resolve against <base href>, not the page URL.
    assert "https://spiegel.ltd/images/heizung.jpg" in fp.asset_urls
    assert "https://spiegel.ltd/public/spon/images/icons/touch-icon-iphone.png" in fp.favicon_urls
    assert fp.analytics_ids == ("ga4:G-7QX2ZK4B9T", "ga:UA-1234567-1", "gtm:GTM-5B9QW7P", "ym:87654321")
    assert "Sanktionen treffen deutsche Familien" in fp.text


def test_genuine_references_match_subdomains_only_and_are_capped() -> None:
    links = "".join(f'<a href="https://www.spiegel.de/a/{i}">x</a>' for i in range(80))
    html = (f'<a href="https://spiegel.de.evil.example/">a</a><a href="https://notspiegel.de/">b</a>'
            f'<a href="HTTPS://Spiegel.DE/upper">c</a>{links}{links}').encode()
    fp = fingerprint(html, url="https://spiegel.ltd/", genuine_domains=["Spiegel.de."])
    assert fp.genuine_reference_count == 81
    assert len(fp.genuine_references) == MAX_GENUINE_REFS
    assert fp.genuine_references[0] == "https://Spiegel.DE/upper"
    assert not any("evil" in url or "notspiegel" in url for url in fp.genuine_references)
    assert fingerprint(html, url="https://spiegel.ltd/").genuine_references == ()


def test_parked_page_signals() -> None:
    fp = fingerprint(pages.PARKED, url="http://spiegel-news.live/")
    assert fp.parked_signals == (
        "provider:sedo", "text:domain for sale", "weak:related searches"
    )


def test_for_sale_page_signals() -> None:
    fp = fingerprint(pages.FOR_SALE, url="http://bildd.lol/")
    assert fp.parked_signals == (
        "sale:dan.com", "text:domain for sale", "text:buy this domain"
    )
    assert fp.title == "bildd.lol is for sale"


def test_unrelated_blog_is_not_parked() -> None:
    fp = fingerprint(pages.UNRELATED, url="https://backen-mit-lena.de/")
    assert fp.parked_signals == ()
    assert fp.analytics_ids == ("ga4:G-LENA12345X",)
    assert fp.favicon_urls == ("https://backen-mit-lena.de/wp-content/uploads/2021/03/cropped-lena-32x32.png",)


def test_meta_refresh_page() -> None:
    fp = fingerprint(pages.META_REFRESH, url="http://front.click/a/b")
    assert fp.meta_refresh == (0, "http://front.click/article/7?utm_source=x")
    assert fp.to_dict()["meta_refresh"] == {"delay": 0, "url": "http://front.click/article/7?utm_source=x"}
    assert fp.parked_signals == ()  # an empty page is no evidence of parking


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("0;url=http://a.example/x", (0, "http://a.example/x")),
        ("5; URL='/next'", (5, "http://s.example/next")),
        ('3, url="http://b.example/"', (3, "http://b.example/")),
        ("0;URL=https://c.example/?q=1;r=2", (0, "https://c.example/?q=1;r=2")),
        ("1.5 http://d.example/", (1, "http://d.example/")),
        ("10", (10, "http://s.example/page")),
        ("9" * 5000 + ";url=/x", (999_999_999, "http://s.example/x")),
        ("url=http://a.example/", None),
        ("soon", None),
        ("0; url=javascript:alert(1)", None),
    ],
)
def test_meta_refresh_forms(content: str, expected: tuple[int, str] | None) -> None:
    assert parse_refresh(content, "http://s.example/page") == expected


def test_js_redirect_page() -> None:
    fp = fingerprint(pages.JS_REDIRECT, url="http://front.click/")
    assert fp.script_redirect == "https://tds.example.click/go?c=17"


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ('location.href = "https://a.example/1";', "https://a.example/1"),
        ("window.location='/rel';", "http://s.example/rel"),
        ("window.location.href = `https://b.example/`", "https://b.example/"),
        ('document.location="https://c.example/"', "https://c.example/"),
        ("top.location.href='https://d.example/'", "https://d.example/"),
        ('location.assign("https://e.example/")', "https://e.example/"),
        ('self.location . replace ( "https://f.example/" )', "https://f.example/"),
        ('if (location.href == "https://g.example/") {}', None),
        ('var mylocation = "https://h.example/";', None),
        ("location.href = atob('aHR0cHM6Ly9pLmV4YW1wbGUv');", None),
        ('location.href = "javascript:void(0)";', None),
        ('location.href = "https:\\/\\/j.example/";', None),
    ],
)
def test_script_redirect_forms(script: str, expected: str | None) -> None:
    assert script_redirect([script], "http://s.example/") == expected


def test_analytics_ids_of_other_systems() -> None:
    code = """
      fbq('init', '123456789012345'); <img src="https://www.facebook.com/tr?id=123456789012345&ev=PageView">
      <script async src="https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=ca-pub-1234567890123456">
      (function(h,o,t,j,a,r){h._hjSettings={hjid:3141592,hjsv:6};})
      new Image().src = "https://counter.yadro.ru/hit?r" + escape(document.referrer);
      var yaCounter11223344 = new Ya.Metrika({id: 11223344});
      var _tmr = window._tmr || (window._tmr = []); _tmr.push({id: "3456789", type: "pageView"});
      (function(c,l,a,r,i,t,y){ t.src="https://www.clarity.ms/tag/"+i; })(window, document, "clarity");
      <img src="https://www.clarity.ms/tag/k9x8y7z6w5">
      The text 'G-SHOCKWATCH' and 'UA-12' are not IDs.
    """
    assert analytics_ids(code) == (
        "adsense:ca-pub-1234567890123456", "clarity:k9x8y7z6w5", "fb:123456789012345", "hjid:3141592",
        "liveinternet", "tmr:3456789", "ym:11223344",
    )


def test_login_form_is_phishing_evidence() -> None:
    html = b"""<form action="/login" method="post"><input name="user"><input type="PassWord" name="pw"></form>
               <form action="/search"><input type="search" name="q"></form>"""
    fp = fingerprint(html, url="https://spiegel.ltd/")
    assert (fp.form_count, fp.has_password_field) == (2, True)


def test_visible_text_skips_code_and_is_capped() -> None:
    html = (b"<body><script>var secret=1</script><style>p{}</style><noscript>enable js</noscript>"
            b"<template><p>hidden</p></template><p>Hello <b>world</b></p>\n\n  <p>again</p></body>")
    assert fingerprint(html, url="http://s.example/").text == "Hello world again"
    long = ("<p>" + "wort " * 10_000 + "</p>").encode()
    assert len(fingerprint(long, url="http://s.example/").text) == MAX_TEXT


def test_short_or_uniform_text_has_no_tlsh() -> None:
    fp = fingerprint(b"<p>kurz</p>", url="http://s.example/")
    assert fp.text_hash is None and fp.text_simhash is not None
    assert fingerprint(b"<p>" + b"a" * 500 + b"</p>", url="http://s.example/").text_hash is None


@pytest.mark.parametrize(
    ("body", "content_type", "charset"),
    [
        ("<p>Привет, мир</p>".encode("cp1251"), "text/html; charset=windows-1251", "cp1251"),
        ('<meta charset="koi8-r"><p>Привет, мир</p>'.encode("koi8-r"), None, "koi8-r"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><p>Привет, мир</p>'
         .encode("cp1251"), "text/html", "cp1251"),
        ("<p>Привет, мир</p>".encode("cp1251"), 'text/html; charset="Windows-1251"', "cp1251"),
        ("\ufeff<p>Привет, мир</p>".encode("utf-16-le"), "text/html; charset=cp1251", "utf-16-le"),
    ],
)
def test_charsets(body: bytes, content_type: str | None, charset: str) -> None:
    fp = fingerprint(body, url="http://s.example/", content_type=content_type)
    assert fp.text.endswith("Привет, мир")
    assert fp.charset == charset


@pytest.mark.parametrize(
    "charset", ["no-such-charset", "idna", "rot13", "utf-16", "undefined", "cp037", "x" * 100, ""],
)
def test_broken_charsets_fall_back_to_utf8(charset: str) -> None:
    text, used = decode("<p>Grüße \xff</p>".encode() + b"\xff\xfe", f"text/html; charset={charset}")
    assert used == "utf-8"
    assert text == "<p>Grüße \xff</p>\ufffd\ufffd"


def test_latin1_means_windows_1252() -> None:
    assert decode(b"<p>\x80 \xe9</p>", "text/html; charset=ISO-8859-1") == ("<p>€ é</p>", "cp1252")


@pytest.mark.parametrize(
    "html",
    [
        b"",
        b"\x00\x00\x00",
        random.Random(7).randbytes(200_000),
        b"<<<>>><a href='http://[::1'><img src=http://[bad><link rel=icon href=' '>"
        b"<base href='javascript:x'>",
        b"<html><html><body><body><title></title><meta http-equiv=refresh content><meta charset=>",
        b"<svg><script>location='http://svg.example/'</script><title>svg</title></svg>",
        b"<a" * 100_000,
        b"<!--" + b"<div>" * 1000,
    ],
)
def test_hostile_inputs_do_not_raise(html: bytes) -> None:
    fp = fingerprint(html, url="http://s.example/", genuine_domains=SPIEGEL)
    json.dumps(fp.to_dict())
    assert len(fp.text) <= MAX_TEXT


_MARKUP = st.lists(
    st.sampled_from([
        "<div>", "</div>", "<a href='", "'>", "<meta http-equiv=refresh content='", "<script>", "location='",
        "</script>", "<base href=", "http://[", "<title>", "<img srcset=',,", "\x00", "charset=", "<!--",
        "<form>", "<input type=password>", "UA-1234-5", " text ",
    ])
    | st.text(max_size=20),
    max_size=60,
).map("".join)


@settings(max_examples=60, deadline=None)
@given(markup=_MARKUP, junk=st.binary(max_size=300), content_type=st.none() | st.text(max_size=40))
def test_arbitrary_markup_never_raises(markup: str, junk: bytes, content_type: str | None) -> None:
    fp = fingerprint(markup.encode("utf-8", "surrogatepass") + junk, url="http://s.example/x",
                     content_type=content_type, genuine_domains=SPIEGEL)
    json.dumps(fp.to_dict())


def test_title_with_script_text_is_text() -> None:
    html = b"<title>News <script>location.href='http://evil.example/'</script></title><body>Hi</body>"
    fp = fingerprint(html, url="http://s.example/")
    assert fp.title == "News <script>location.href='http://evil.example/'</script>"
    assert fp.script_redirect is None


def test_five_megabytes_of_nested_divs_keep_their_title_and_text() -> None:
    """Nesting is cut at MAX_DEPTH before parsing (how fast that is, is bench/probe's business)."""
    html = b"<html><head><title>deep</title></head><body>" + b"<div>" * 1_000_000 + b"bottom" + b"</div>" * 10
    fp = fingerprint(html, url="http://s.example/")
    assert (fp.title, fp.text) == ("deep", "bottom")


def test_limit_depth_keeps_text_and_shallow_pages() -> None:
    shallow = "<div><p>a<p>b<br><img src=x></div>" * 300
    assert limit_depth(shallow) == shallow
    deep = "<div>" * (MAX_DEPTH + 10) + "text" + "</div>" * (MAX_DEPTH + 10) + "<span>after</span>"
    assert limit_depth(deep) == "<div>" * MAX_DEPTH + "text" + "</div>" * MAX_DEPTH + "<span>after</span>"
    in_script = "<script>" + "'<div>'+" * 1000 + "</script>"
    assert limit_depth(in_script) == in_script


def test_to_dict_is_json_ready() -> None:
    fp = fingerprint(pages.CLONE, url="https://spiegel.ltd/", genuine_domains=SPIEGEL)
    data = json.loads(json.dumps(fp.to_dict()))
    assert data["analytics_ids"] == list(fp.analytics_ids)
    assert data["meta_refresh"] is None
    assert set(data) == set(fp.__slots__)


def test_favicon_hash_follows_shodan() -> None:
    icon = bytes(range(256)) * 3
    encoded = base64.b64encode(icon)
    lines = b"".join(encoded[i:i + 76] + b"\n" for i in range(0, len(encoded), 76))
    assert favicon_hash(icon) == mmh3.hash(lines)
    assert lines.count(b"\n") == 14
    assert -(2**31) <= favicon_hash(icon) < 2**31
    assert favicon_hash(b"") == mmh3.hash(b"")
