"""The pages of the campaign world (:mod:`clonewatch.testing.campaignlab`): news front pages in
the outlets' common template, a traffic-distribution host, ordinary sites in several templates, a
parking provider's page."""

from __future__ import annotations

import html
import random
from collections.abc import Callable, Mapping

from clonewatch.testing.sites import Request, Response, Site, js_redirect, page

WORDS = (
    "garden bakery travel cycling photo studio yoga coffee books music auto pets home craft tech wine "
    "ski boat farm tea hiking pottery chess vinyl bonsai knit climb surf grill jazz"
).split()
STORIES = (
    "Energy prices: what the new tariffs mean for households this winter",
    "Regional elections: polls show a tight race in the east",
    "Transport strike ends after agreement on wages",
    "New study on air quality in the largest cities",
)


def tds(paths: Mapping[str, str]) -> Site:
    """A traffic-distribution host: each known short path sends the visitor on with JavaScript;
    anything else is a 404."""
    hops = {path: js_redirect(target) for path, target in paths.items()}
    missing = Response(404, (("Content-Type", "text/plain"),), b"not found")

    def site(request: Request) -> Response | None:
        hop = hops.get(request.path.split("?", 1)[0])
        return hop(request) if hop is not None else missing

    return site


def news_page(name: str, headline: str, analytics: tuple[str, ...], *, assets_from: str | None = None) -> str:
    """A news front page in the outlets' common template with the outlet's own analytics IDs; a
    clone passes ``assets_from`` (the genuine domain) and the genuine IDs, as copies do."""
    base = f"https://{assets_from}" if assets_from else ""
    tags = "".join(f"gtag('config','{item}');" for item in analytics)
    stories = "".join(
        f'<article class="teaser"><h2><a href="/story/{i}">{html.escape(story)}</a></h2>'
        f"<p>{html.escape(story)}. More from {html.escape(name)}.</p></article>"
        for i, story in enumerate(STORIES)
    )
    return f"""<!doctype html><html lang="de"><head><meta charset="utf-8">
<title>{html.escape(name)} - Nachrichten</title>
<link rel="stylesheet" href="{base}/static/site.css"><link rel="icon" href="{base}/favicon.png">
<meta property="og:site_name" content="{html.escape(name)}">
<script>window.dataLayer=[];{tags}</script>
</head><body><header><img src="{base}/static/logo.png" alt="{html.escape(name)}">
<nav><a href="/politik">Politik</a><a href="/wirtschaft">Wirtschaft</a><a href="/sport">Sport</a>
</nav></header>
<main><article class="lead"><h1>{html.escape(headline)}</h1>
<p>{html.escape(headline)}: the background, the numbers and what comes next,
reported by {html.escape(name)}.</p>
</article>{stories}</main><footer>© {html.escape(name)} · Impressum</footer></body></html>"""


# Pages of ordinary sites, in several templates (ordinary sites do not share one).
def _blog(name: str, rng: random.Random) -> str:
    topic = name.split(".")[0]
    posts = "".join(
        f"<article><h2>Day {rng.randrange(1, 300)} of {topic}</h2><p>Notes on {topic}, "
        f"week {rng.randrange(1, 52)}: what worked, what did not, and what I try next.</p></article>"
        for _ in range(3)
    )
    head = f"<!doctype html><html><head><title>{topic} blog</title></head>"
    return f"{head}<body><h1>{topic}</h1>{posts}</body></html>"


def _shop(name: str, rng: random.Random) -> str:
    items = "".join(
        f'<li class="item"><span class="name">{w} set</span>'
        f'<span class="price">{rng.randrange(5, 90)} EUR</span></li>'
        for w in rng.sample(WORDS, 4)
    )
    return (
        f'<!doctype html><html><head><title>Shop {name}</title></head><body><div class="shop">'
        f"<h1>{name} shop</h1><ul>{items}</ul><form><input name=q></form></div></body></html>"
    )


def _club(name: str, rng: random.Random) -> str:
    return (
        f"<!doctype html><html><head><title>Club {name}</title></head><body><table><tr><td>Meeting</td>"
        f"<td>every {rng.choice(('Monday', 'Tuesday', 'Friday'))} at {rng.randrange(17, 21)}:00</td></tr>"
        f"<tr><td>Members</td><td>{rng.randrange(12, 300)}</td></tr></table>"
        f"<p>Welcome to the {name} club. New members are always welcome.</p></body></html>"
    )


def _portfolio(name: str, rng: random.Random) -> str:
    shots = "".join(
        f'<figure><img src="/img/{rng.randrange(1000)}.jpg"><figcaption>Work {i}</figcaption></figure>'
        for i in range(3)
    )
    return (
        f'<!doctype html><html><head><title>{name} portfolio</title></head><body><section class="grid">'
        f"{shots}</section><p>Commissions open for {rng.choice(WORDS)} projects.</p></body></html>"
    )


TEMPLATES: tuple[Callable[[str, random.Random], str], ...] = (_blog, _shop, _club, _portfolio)

PARKED = """<!doctype html><html><head><title>{domain}</title></head>
<body><div class="parking"><h1>{domain}</h1><p>This domain is parked free, courtesy of ParkingCorp.</p>
<p>Buy this domain. Related searches: travel, insurance, loans</p></div></body></html>"""


def ordinary_site(name: str, rng: random.Random) -> Site:
    """A live site in one of the templates, with enough words not to look parked."""
    first, second, third = rng.sample(WORDS, 3)
    about = (
        f"<p>About us: {rng.randrange(2, 40)} friends who love {first} and {second}. Since "
        f"{rng.randrange(1995, 2024)} we write about {third}, meet every month, share tips, photos and "
        "stories, and answer every letter we get.</p>"
    )
    return page(rng.choice(TEMPLATES)(name, rng).replace("</body>", f"{about}</body>"))


def parked_site(domain: str) -> Site:
    """A parking provider's page for ``domain``."""
    return page(PARKED.format(domain=domain))
