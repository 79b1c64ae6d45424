"""The real-page world's clone maker, on an invented page: URLs absolute on the genuine site, a
fabricated story, and, when asked, the clone's own address as canonical and og:url."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

from clonewatch.probe.page import fingerprint
from clonewatch.testing.realpages import HEADLINE, STORY, RealPage, clone_page, outlets, read_pages

PAGE = b"""<html><head><title>Council votes on the new bridge | Springfield Courier</title>
<link rel="canonical" href="https://www.courier.example/news/bridge">
<meta property="og:url" content="https://www.courier.example/news/bridge">
<link rel="stylesheet" href="/static/site.css"></head>
<body><h1>Council votes on the new bridge</h1><img src="img/bridge.jpg" srcset="img/b-2x.jpg 2x">
<p>The city council voted on Tuesday evening to fund the new bridge across the river.</p>
<p>Short.</p><a href="#top">top</a></body></html>"""


def test_a_clone_loads_the_genuine_files_and_tells_a_fabricated_story() -> None:
    page = RealPage("courier.example1.html", "courier.example", 1, PAGE)
    made = fingerprint(clone_page(page, "http://www.courier.example/news/"), url="http://courier-news.lol/")
    assert made.title == f"{HEADLINE} - Springfield Courier"
    assert STORY[0] in made.text and "Short." in made.text and "Council votes" not in made.text
    assert set(made.asset_urls) >= {
        "http://www.courier.example/static/site.css",
        "http://www.courier.example/news/img/bridge.jpg",
        "http://www.courier.example/news/img/b-2x.jpg",
    }
    assert made.canonical_url == "https://www.courier.example/news/bridge"
    own = clone_page(page, "http://www.courier.example/", own_url="http://courier-news.lol/")
    mine = fingerprint(own, url="http://courier-news.lol/")
    assert (mine.canonical_url, mine.og_url) == ("http://courier-news.lol/", "http://courier-news.lol/")


def test_outlets_come_from_file_names_or_the_pages_own_address(tmp_path: Path) -> None:
    tarball = tmp_path / "pages.tar.gz"
    with tarfile.open(tarball, "w:gz") as archive:
        for name, body in (
            ("pages/courier.example2.html", PAGE),
            ("pages/courier.example1.html", PAGE),
            ("pages/some_article.html", PAGE.replace(b"www.courier.example", b"news.herald.example")),
            ("pages/no_outlet.html", b"<p>nothing says whose this is</p>"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
    found = outlets(read_pages(tarball))
    assert [(o.domain, [p.name for p in o.pages]) for o in found] == [
        ("courier.example", ["courier.example1.html", "courier.example2.html"]),
        ("herald.example", ["some_article.html"]),
    ]
    assert found[0].domains == ("courier.example",) and found[0].lookalike == "courier-news.lol"
