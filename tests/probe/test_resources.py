"""The fetcher's answers as Chromium gets them: redirect and refresh targets, forwarded headers."""

from __future__ import annotations

import pytest

from clonewatch.probe.resources import Resource

PAGE = "http://clone.test/a/b"


def html(body: str, *headers: tuple[str, str]) -> Resource:
    return Resource(200, (("Content-Type", "text/html"), *headers), body.encode())


@pytest.mark.parametrize(
    ("body", "target"),
    [
        ('<meta http-equiv="refresh" content="0; url=http://spiegel.ltd/x#top">', "http://spiegel.ltd/x"),
        ("<META HTTP-EQUIV=Refresh CONTENT='3;URL=/next'>", "http://clone.test/next"),
        ('<meta content="1, \'other.html\'" http-equiv="refresh">', "http://clone.test/a/other.html"),
        ('<meta http-equiv="refresh" content="5">', PAGE),
        ('<meta name="viewport" content="width=device-width">', None),
        ('<meta http-equiv="refresh">', None),
        ("<p>no tag</p>", None),
    ],
)
def test_refresh_target_from_the_meta_tag(body: str, target: str | None) -> None:
    assert html(body).refresh_target(PAGE) == target


def test_refresh_header_counts_like_the_tag() -> None:
    assert html("", ("Refresh", "0;url=https://b.test/")).refresh_target(PAGE) == "https://b.test/"


def test_redirect_target_only_for_3xx_with_location() -> None:
    assert Resource(302, (("Location", "/x"),), b"").redirect_target(PAGE) == "http://clone.test/x"
    assert Resource(308, (("location", "https://b.test/"),), b"").redirect_target(PAGE) == "https://b.test/"
    assert Resource(302, (), b"").redirect_target(PAGE) is None
    assert Resource(200, (("Location", "/x"),), b"").redirect_target(PAGE) is None


def test_fulfil_headers_drop_framing_and_join_repeats() -> None:
    resource = Resource(
        200,
        (
            ("Content-Length", "99"),
            ("Content-Encoding", "gzip"),
            ("Set-Cookie", "a=1"),
            ("Set-Cookie", "b=2"),
            ("Vary", "Accept"),
            ("vary", "Cookie"),
        ),
        b"",
    )
    assert resource.fulfil_headers() == {"set-cookie": "a=1\nb=2", "vary": "Accept, Cookie"}
    assert resource.header("SET-COOKIE") == "a=1"
