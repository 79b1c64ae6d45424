"""Ready-made web sites for the local web lab: pages, redirectors, cloaking, and hostile servers.

A site is any callable that takes a :class:`Request` and returns a :class:`Response`, or None to
close the connection without answering. The builders here cover what clones and their
redirectors do; tests compose hosts from them with ``lab.add(host, site)``.
"""

from __future__ import annotations

import html
import json
import struct
import threading
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

MB = 1 << 20
SOCIAL_REFERRERS = ("t.co", "x.com", "twitter.com", "facebook.com")
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"


@dataclass(frozen=True, slots=True)
class Request:
    """What a site sees of one request. ``headers`` has lower-case names; ``stopping`` is set when
    the lab shuts down, so sites that wait or trickle can give up; ``client`` is the address the
    connection came from."""

    method: str
    scheme: str
    host: str
    path: str
    headers: Mapping[str, str]
    stopping: threading.Event = field(default_factory=threading.Event)
    client: str = ""

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass(frozen=True, slots=True)
class Response:
    """Status, headers and a body: bytes (sent with a Content-Length) or chunks streamed until the
    iterator ends (a Content-Length is sent only when the headers carry one)."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | Iterable[bytes] = b""


Site = Callable[[Request], Response | None]


def _headers(content_type: str, extra: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    return (("Content-Type", content_type), *(extra or {}).items())


def page(html_text: str, *, status: int = 200, headers: Mapping[str, str] | None = None) -> Site:
    """An HTML page."""
    body = html_text.encode("utf-8")
    response = Response(status, _headers("text/html; charset=utf-8", headers), body)
    return lambda request: response


def static(body: bytes, content_type: str) -> Site:
    """Fixed bytes, e.g. a logo or favicon."""
    response = Response(200, (("Content-Type", content_type),), body)
    return lambda request: response


def redirect(location: str, status: int = 302) -> Site:
    """An HTTP redirect to ``location``."""
    response = Response(status, (("Location", location),))
    return lambda request: response


def loop() -> Site:
    """A redirect to the very URL that was asked for, forever."""
    return lambda request: Response(302, (("Location", request.path),))


def meta_refresh(url: str) -> Site:
    """A page that moves on with ``<meta http-equiv="refresh">``."""
    target = html.escape(url, quote=True)
    return page(f'<html><head><meta http-equiv="refresh" content="0; url={target}"></head></html>')


def js_redirect(url: str) -> Site:
    """A page that moves on with JavaScript, as Doppelganger's intermediary domains do."""
    target = json.dumps(url).replace("</", "<\\/")
    return page(f"<html><head><script>window.location.replace({target});</script></head></html>")


def scripted(source: str, *, extra: str = "") -> Site:
    """A page that shows only what its script fetches from ``source`` (as script-built front ends
    and the filters hiding clones do): a plain client reads a loading notice and a script."""
    target = json.dumps(source).replace("</", "<\\/")
    return page(
        "<!doctype html><html><head><title>Loading</title></head><body><p>Loading</p>"
        f"{extra}<script>fetch({target}).then(r => r.text())"
        ".then(t => { document.documentElement.innerHTML = t; });</script></body></html>"
    )


def looks_like_social_browser(request: Request) -> bool:
    """True for a desktop browser's User-Agent arriving from a social network's link."""
    agent = request.header("User-Agent")
    browser = "Mozilla/" in agent and ("Chrome/" in agent or "Firefox/" in agent)
    referrer = (urlsplit(request.header("Referer")).hostname or "").lower()
    social = any(referrer == site or referrer.endswith("." + site) for site in SOCIAL_REFERRERS)
    return browser and social


def cloaked(plain_html: str, browser_html: str) -> Site:
    """A traffic filter: ``browser_html`` only for a browser that came from a social network."""
    plain, browser = page(plain_html), page(browser_html)
    return lambda request: (browser if looks_like_social_browser(request) else plain)(request)


def by_client(chosen: Collection[str], chosen_html: str, other_html: str) -> Site:
    """A traffic filter by place: ``chosen_html`` only to connections from the ``chosen`` addresses
    (what a TDS shows visitors from its target country)."""
    picked, other = page(chosen_html), page(other_html)
    return lambda request: (picked if request.client in chosen else other)(request)


def hang() -> Site:
    """Accepts the request and never answers (until the lab stops)."""

    def site(request: Request) -> None:
        request.stopping.wait()

    return site


def slow_body(bytes_per_second: float = 10) -> Site:
    """A 200 whose body trickles in forever, one byte at a time."""

    def trickle(stopping: threading.Event) -> Iterator[bytes]:
        while not stopping.wait(1 / bytes_per_second):
            yield b"."

    return lambda request: Response(200, (("Content-Type", "text/html"),), trickle(request.stopping))


def big_body(mb: int = 50) -> Site:
    """A ``mb`` MiB body, streamed in 64 KiB chunks."""
    chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>"
    headers = (("Content-Type", "text/html"), ("Content-Length", str(mb * MB)))

    def chunks(stopping: threading.Event) -> Iterator[bytes]:
        for _ in range(mb * MB // len(chunk)):
            if stopping.is_set():
                return
            yield chunk
        yield b"x" * (mb * MB % len(chunk))

    return lambda request: Response(200, headers, chunks(request.stopping))


@dataclass(frozen=True, slots=True)
class _Bomb:
    block: bytes
    count: int
    trailer: bytes

    @property
    def size(self) -> int:
        return len(_GZIP_HEADER) + len(self.block) * self.count + len(self.trailer)

    def chunks(self) -> Iterator[bytes]:
        yield _GZIP_HEADER
        for _ in range(self.count):
            yield self.block
        yield self.trailer


@lru_cache(maxsize=4)
def _bomb(decompressed_mb: int) -> _Bomb:
    zeros = bytes(MB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(decompressed_mb):
        crc = zlib.crc32(zeros, crc)
    trailer = end + struct.pack("<II", crc, (decompressed_mb * MB) & 0xFFFFFFFF)
    return _Bomb(block, decompressed_mb, trailer)


def gzip_bomb(decompressed_mb: int = 1000) -> Site:
    """``Content-Encoding: gzip`` whose ~1 KiB-per-MiB body inflates to ``decompressed_mb`` MiB of
    zeros. One compressed megabyte block is repeated, so the lab holds about 1 KiB in memory."""
    bomb = _bomb(decompressed_mb)
    headers = (
        ("Content-Type", "text/html"),
        ("Content-Encoding", "gzip"),
        ("Content-Length", str(bomb.size)),
    )
    return lambda request: Response(200, headers, bomb.chunks())


def rdap_record(
    domain: str,
    *,
    registrar: str = "Lab Registrar GmbH",
    iana_id: str = "9999",
    abuse_email: str = "abuse@registrar.test",
    abuse_phone: str = "+49.301234567",
    created: str = "2024-06-03T10:00:00Z",
    updated: str = "2024-06-04T11:30:00Z",
    expires: str = "2025-06-03T10:00:00Z",
    status: Sequence[str] = ("client transfer prohibited",),
    nameservers: Sequence[str] = ("NS1.LAB.TEST", "NS2.LAB.TEST"),
) -> dict[str, Any]:
    """An RFC 9083 domain object as a registry returns it."""
    abuse = {
        "objectClassName": "entity",
        "roles": ["abuse"],
        "vcardArray": [
            "vcard",
            [
                ["version", {}, "text", "4.0"],
                ["fn", {}, "text", "Abuse desk"],
                ["email", {}, "text", abuse_email],
                ["tel", {"type": "voice"}, "uri", f"tel:{abuse_phone}"],
            ],
        ],
    }
    registrar_entity = {
        "objectClassName": "entity",
        "handle": iana_id,
        "roles": ["registrar"],
        "publicIds": [{"type": "IANA Registrar ID", "identifier": iana_id}],
        "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", registrar]]],
        "entities": [abuse],
    }
    return {
        "objectClassName": "domain",
        "rdapConformance": ["rdap_level_0"],
        "handle": f"{domain.upper()}-LAB",
        "ldhName": domain.upper(),
        "status": list(status),
        "events": [
            {"eventAction": "registration", "eventDate": created},
            {"eventAction": "last changed", "eventDate": updated},
            {"eventAction": "expiration", "eventDate": expires},
        ],
        "nameservers": [{"objectClassName": "nameserver", "ldhName": name} for name in nameservers],
        "entities": [registrar_entity],
    }


def rdap_server(records: Mapping[str, Mapping[str, Any]]) -> Site:
    """An RDAP server answering ``/rdap/domain/<name>`` from ``records``, 404 for other names."""
    prefix = "/rdap/domain/"

    def site(request: Request) -> Response:
        path = request.path.split("?", 1)[0]
        name = path[len(prefix) :].rstrip(".").lower() if path.startswith(prefix) else None
        record = records.get(name) if name else None
        if record is None:
            status, document = 404, {"errorCode": 404, "title": "Not Found"}
        else:
            status, document = 200, dict(record)
        body = json.dumps(document).encode("utf-8")
        return Response(status, (("Content-Type", "application/rdap+json"),), body)

    return site
