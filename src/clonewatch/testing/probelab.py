"""A world of suspect sites for probe tests and benchmarks: a genuine outlet, clones of it, parked
and for-sale pages, defensive redirects, redirect chains through throwaway domains, cloaking,
JavaScript and meta-refresh hops, unrelated sites and hostile servers, each with the verdict a
correct probe gives it. Served by LocalWeb; the DNS records go to LocalDns."""

from __future__ import annotations

import html
import itertools
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from clonewatch.brands import load_brands_file
from clonewatch.match import Matcher
from clonewatch.names import DomainName, default_psl, parse_host
from clonewatch.testing.sites import (
    Request,
    Response,
    Site,
    cloaked,
    js_redirect,
    meta_refresh,
    page,
    redirect,
    static,
)

LOGO = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)
STORIES = (
    "Chancellor meets union leaders as strike talks resume in Berlin",
    "Bundesliga: late goal keeps title race open after dramatic weekend",
    "Climate report warns of hotter summers across central Europe",
    "Parliament debates new rules for online platforms and advertising",
    "Rail operator promises fewer delays after record investment plan",
    "Scientists map the genome of an ancient Alpine barley variety",
)


def outlet_page(genuine: str, name: str, headline: str, body: str, *, assets_from: str | None = None) -> str:
    """A news front page in the outlet's template; a clone passes ``assets_from`` = the genuine
    domain, so it loads the genuine logo and styles, as Doppelganger's clones did."""
    base = f"https://{assets_from}" if assets_from else ""
    stories = "".join(
        f'<article class="teaser"><h2><a href="/story/{i}">{html.escape(story)}</a></h2>'
        f"<p>{html.escape(story)}. More on this and other news from {html.escape(name)}.</p></article>"
        for i, story in enumerate(STORIES)
    )
    return f"""<!doctype html><html lang="de"><head><meta charset="utf-8">
<title>{html.escape(name)} - Nachrichten, Hintergründe und Debatten</title>
<link rel="stylesheet" href="{base}/static/site.css"><link rel="icon" href="{base}/favicon.png">
<meta property="og:site_name" content="{html.escape(name)}">
<script>window.dataLayer=[];gtag('config','G-GENUINE123');</script>
<script async src="https://www.googletagmanager.com/gtm.js?id=GTM-ABC1234"></script>
<style>body{{background:#c00000;color:#fff;font-family:sans-serif}} header{{background:#900}}</style>
</head><body><header><img src="{base}/static/logo.png" alt="{html.escape(name)}">
<nav><a href="/politik">Politik</a><a href="/wirtschaft">Wirtschaft</a><a href="/sport">Sport</a>
<a href="/kultur">Kultur</a></nav></header>
<main><article class="lead"><h1>{html.escape(headline)}</h1><p>{html.escape(body)}</p></article>
{stories}</main><footer>© {html.escape(name)} · Impressum · Datenschutz</footer></body></html>"""


PARKED = """<!doctype html><html><head><title>{domain}</title>
<script src="https://img.sedoparking.com/templates/js/pk.js"></script></head>
<body style="background:#fff"><h1>{domain}</h1><p>This domain may be for sale!</p>
<p>Buy this domain. Related searches: news, politics, germany</p></body></html>"""

UNRELATED = """<!doctype html><html lang="en"><head><title>Garden notes of {domain}</title></head>
<body style="background:#eef"><h1>My tomato diary</h1>
<p>This spring I planted six kinds of tomatoes along the south wall. The cherry ones grew fastest,
the beefsteak ones needed more water than I expected, and the yellow pear variety surprised me.</p>
<p>Next week: compost, mulch and the fight against snails.</p></body></html>"""

BLANK = "<!doctype html><html><head><title>Welcome</title></head><body></body></html>"


@dataclass(frozen=True, slots=True)
class LabHost:
    """One host of the world: its site, the verdict a correct probe reaches, and its DNS address."""

    name: str
    site: Site
    expected: str | None


@dataclass(frozen=True, slots=True)
class ProbeWorld:
    genuine: str
    hosts: tuple[LabHost, ...]
    address: str
    missing: tuple[str, ...] = ()

    def records(self) -> list[tuple[str, str, str]]:
        """DNS A records for every host (the missing ones stay NXDOMAIN)."""
        return [(host.name, "A", self.address) for host in self.hosts]

    def suspects(self) -> list[tuple[str, str]]:
        """(domain, expected verdict) for every host that is probed, plus the unregistered names."""
        out = [(host.name, host.expected) for host in self.hosts if host.expected is not None]
        return out + [(name, "unregistered") for name in self.missing]


KINDS = ("clone", "parked", "defensive", "redirector", "cloaked", "unrelated", "no-website", "unregistered")


def probe_world(
    address: str,
    *,
    genuine: str = "spiegel.de",
    name: str = "Der Spiegel",
    label: str = "spiegel",
    suffixes: Sequence[str] = ("ltd", "pm", "lol", "live", "click", "rest", "cfd", "sbs", "icu", "online"),
    per_kind: int = 1,
) -> ProbeWorld:
    """The genuine site and ``per_kind`` suspects of each kind (look-alikes of ``label`` with news
    words on the given suffixes, each one the matcher flags), each kind built the way the
    operation built it."""
    hosts: list[LabHost] = [
        LabHost(
            genuine, outlet(outlet_page(genuine, name, STORIES[0], "Nachrichten aus Deutschland.")), None
        ),
    ]
    missing: list[str] = []
    makers: dict[str, Callable[[str, int], list[LabHost]]] = {
        "clone": lambda host, i: [
            LabHost(
                host,
                outlet(
                    outlet_page(
                        genuine,
                        name,
                        f"Exclusive: minister admits sanctions failed ({i})",
                        "Documents seen by our reporters show that the sanctions hurt Germany more than "
                        "anyone else, and that the government hid it from voters.",
                        assets_from=genuine,
                    )
                ),
                "clone",
            )
        ],
        "parked": lambda host, i: [LabHost(host, page(PARKED.format(domain=host)), "parked")],
        "defensive": lambda host, i: [LabHost(host, redirect(f"https://{genuine}/", 301), "defensive")],
        "redirector": lambda host, i: [
            LabHost(host, redirect(f"http://hop-a{i}.xyz/go", 302), "redirector"),
            LabHost(f"hop-a{i}.xyz", meta_refresh(f"http://hop-b{i}.xyz/next"), None),
            LabHost(f"hop-b{i}.xyz", js_redirect(f"http://{label}-clone{i}.info/article"), None),
            LabHost(
                f"{label}-clone{i}.info",
                outlet(outlet_page(genuine, name, "Fake", "Fake.", assets_from=genuine)),
                None,
            ),
        ],
        "cloaked": lambda host, i: [
            LabHost(
                host,
                cloaked(
                    UNRELATED.format(domain=host),
                    outlet_page(
                        genuine, name, f"Leaked: the war is lost ({i})", "Fabricated.", assets_from=genuine
                    ),
                ),
                "cloaked",
            )
        ],
        "unrelated": lambda host, i: [LabHost(host, page(UNRELATED.format(domain=host)), "unrelated")],
        "no-website": lambda host, i: [LabHost(host, _closed(), "no-website")],
    }
    names = _look_alikes(genuine, name, label, suffixes)
    for i in range(per_kind):
        for kind in KINDS:
            host = next(names)
            if kind == "unregistered":
                missing.append(host)
                continue
            hosts.extend(makers[kind](host, i))
    return ProbeWorld(genuine, tuple(hosts), address, tuple(missing))


AFFIXES = (
    "news", "online", "today", "daily", "live", "info", "aktuell", "heute", "de", "24", "politik",
    "welt", "nachrichten", "magazin", "report", "media", "press", "wire", "top", "zeitung", "blog",
    "tv", "radio", "post", "times", "journal", "express", "kurier", "bote", "net", "web", "portal",
    "plus", "extra", "now", "eil", "breaking", "update", "global", "world",
)  # fmt: skip


def _look_alikes(genuine: str, name: str, label: str, suffixes: Sequence[str]) -> Iterator[str]:
    """Look-alike names of the brand (its label glued or hyphenated to a news word, on each
    suffix in turn) that the matcher flags, so that every suspect is probed against the genuine site."""
    with tempfile.TemporaryDirectory() as scratch:  # the brand as `--brands` gives it to probe
        brands = Path(scratch) / "brands.txt"
        brands.write_text(f"{genuine},{name}\n", encoding="utf-8")
        matcher = Matcher(load_brands_file(brands))
    forms = ("{label}-{word}", "{word}-{label}", "{label}{word}")
    for word, form in itertools.product(AFFIXES, forms):
        for suffix in suffixes:
            host = parse_host(f"{form.format(label=label, word=word)}.{suffix}", default_psl())
            if isinstance(host, DomainName) and matcher.match(host) is not None:
                yield host.ascii
    raise ValueError(f"not enough look-alikes of {label} for this world")


def outlet(front_page: str) -> Site:
    """A news site: its front page for any path, and its logo, icon and stylesheet."""
    front = page(front_page)
    logo = static(LOGO, "image/png")
    css = static(b"body{margin:0} header img{height:40px} nav a{padding:4px}", "text/css")

    def site(request: Request) -> Response | None:
        if request.path.startswith(("/static/logo.png", "/favicon")):
            return logo(request)
        if request.path.startswith("/static/site.css"):
            return css(request)
        return front(request)

    return site


def _closed() -> Site:
    """A host whose web server closes every connection without answering."""

    def site(_: object) -> None:
        return None

    return site
