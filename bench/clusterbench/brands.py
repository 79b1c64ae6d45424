"""The outlets the world's clones imitate (from clonewatch's bundled watchlist) and their genuine pages:
the analytics IDs, template, favicon and title every copy of the page carries. A brand's values depend on
its domain only, so they are the same at every size and seed."""

from __future__ import annotations

import random
from dataclasses import dataclass

from clusterbench import fingerprints as fp
from clusterbench.model import Hop, Page, View

WATCHLIST = (
    ("Der Spiegel", "spiegel.de"),
    ("Bild", "bild.de"),
    ("Die Welt", "welt.de"),
    ("Frankfurter Allgemeine Zeitung", "faz.net"),
    ("Süddeutsche Zeitung", "sueddeutsche.de"),
    ("T-Online", "t-online.de"),
    ("Der Tagesspiegel", "tagesspiegel.de"),
    ("Le Monde", "lemonde.fr"),
    ("Le Figaro", "lefigaro.fr"),
    ("Le Parisien", "leparisien.fr"),
    ("20 Minutes", "20minutes.fr"),
    ("Libération", "liberation.fr"),
    ("The Washington Post", "washingtonpost.com"),
    ("Fox News", "foxnews.com"),
    ("Walla", "walla.co.il"),
    ("Ynet", "ynet.co.il"),
    ("ANSA", "ansa.it"),
    ("la Repubblica", "repubblica.it"),
    ("The Guardian", "theguardian.com"),
    ("Daily Mail", "dailymail.co.uk"),
    ("Ukrainska Pravda", "pravda.com.ua"),
    ("RBC-Ukraine", "rbc.ua"),
    ("Auswärtiges Amt", "auswaertiges-amt.de"),
    ("NATO", "nato.int"),
)


@dataclass(frozen=True, slots=True)
class Brand:
    name: str
    domain: str
    label: str  # the registrable label, the part look-alike names play on
    analytics: tuple[str, ...]  # the outlet's own IDs: every copy of its page carries them
    structure_hash: str
    favicon_hash: int
    title: str
    text_hashes: tuple[str, ...]  # the home page's text, hour by hour over the two days of the probe
    address: str  # where the genuine site is served from
    name_servers: tuple[str, ...]


def _brand(name: str, domain: str) -> Brand:
    rng = random.Random(f"brand:{domain}")
    ids = [fp.ga4(rng), fp.gtm(rng)]
    if rng.random() < 0.5:
        ids.append(fp.pixel(rng))
    if domain.endswith(".ua") or rng.random() < 0.2:
        ids.append(fp.yandex(rng))
    return Brand(
        name=name,
        domain=domain,
        label=domain.split(".")[0],
        analytics=tuple(ids),
        structure_hash=fp.structure_hash(rng),
        favicon_hash=fp.favicon_hash(rng),
        title=f"{name} - News",
        text_hashes=tuple(fp.text_hash(rng) for _ in range(48)),
        address=f"151.101.{rng.randrange(256)}.{rng.randint(1, 254)}",
        name_servers=(f"ns1.{domain}", f"ns2.{domain}"),
    )


BRANDS: tuple[Brand, ...] = tuple(_brand(name, domain) for name, domain in WATCHLIST)
BY_DOMAIN = {brand.domain: brand for brand in BRANDS}


def genuine_page(brand: Brand, rng: random.Random) -> Page:
    """The outlet's home page as a visitor sees it (a defensive domain or a cloaking filter sends there):
    its template, favicon and IDs, and the text of the hour."""
    text = rng.choice(brand.text_hashes)
    return Page(brand.analytics, brand.structure_hash, text, brand.favicon_hash, brand.title)


def genuine_summary(brand: Brand) -> dict[str, object]:
    """The probe's summary of the genuine site (``genuine_site``), fetched once per run and shared by every
    record that names the brand: what a copy of it carries is no evidence of a common operator."""
    return {
        "final_url": f"https://www.{brand.domain}/",
        "title": brand.title,
        "favicon_hash": brand.favicon_hash,
        "structure_hash": brand.structure_hash,
        "text_hash": brand.text_hashes[0],
        "analytics_ids": list(brand.analytics),
        "phash": None,
        "name_servers": list(brand.name_servers),
        "screenshot": None,
    }


def genuine_view(brand: Brand, first: tuple[Hop, ...], rng: random.Random) -> View:
    """A visit that ``first`` hops send on to the genuine outlet's home page (a news home page's body
    differs from one fetch to the next: ads, timestamps, tokens)."""
    return View((*first, genuine_hop(brand)), genuine_page(brand, rng), fp.sha256(rng))


def genuine_hop(brand: Brand) -> Hop:
    return Hop(f"https://www.{brand.domain}/", 200, brand.address, "final")


# How often outlets are imitated: the watchlist's order, heavily skewed, so operations share targets.
_POPULARITY = [1.0 / (rank**0.9) for rank in range(1, len(BRANDS) + 1)]


def popular_brand(rng: random.Random) -> Brand:
    return rng.choices(BRANDS, _POPULARITY)[0]


def popular_brands(rng: random.Random, count: int) -> list[Brand]:
    """``count`` different brands, the most imitated ones most likely."""
    chosen: list[Brand] = []
    while len(chosen) < count:
        brand = popular_brand(rng)
        if brand not in chosen:
            chosen.append(brand)
    return chosen
