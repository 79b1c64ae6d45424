"""What ordinary sites look like to the probe: CMS themes many sites share, a popular plugin's analytics
ID, hosts' default pages, site builders' templates and parking landers; and the plain chain of a site
that serves itself (http -> https on the same name)."""

from __future__ import annotations

import itertools
import random

from clusterbench import fingerprints as fp
from clusterbench.infra import PARKING, PLATFORMS, SHARED_HOSTS, Parking
from clusterbench.model import Hop, Hosting, Page, View

THEMES = 60  # WordPress themes in use; popularity Zipf-like


class Templates:
    """The page pools of the ordinary web, made once per world."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.themes = [fp.structure_hash(rng) for _ in range(THEMES)]
        self._theme_cum = list(itertools.accumulate(1.0 / rank for rank in range(1, THEMES + 1)))
        self.wordpress_favicon = fp.favicon_hash(rng)
        self.plugin_id = fp.universal(rng)  # hard-coded in a popular WordPress plugin
        self.theme_vendor_id = fp.gtm(rng)  # left in by a theme vendor
        self.coming_soon = Page(
            (), fp.structure_hash(rng), fp.text_hash(rng), fp.favicon_hash(rng), "Coming Soon"
        )
        self.nginx = Page((), fp.structure_hash(rng), fp.text_hash(rng), None, "Welcome to nginx!")
        self.default_pages = {
            host.name: Page(
                (), fp.structure_hash(rng), fp.text_hash(rng), fp.favicon_hash(rng), "Default page"
            )
            for host in SHARED_HOSTS
        }
        self.platforms = {
            name: ([fp.structure_hash(rng) for _ in range(15)], fp.favicon_hash(rng))
            for name, _, _ in PLATFORMS
        }
        self.parking = {
            p.name: (fp.structure_hash(rng), fp.favicon_hash(rng), (fp.universal(rng), fp.adsense(rng)))
            for p in PARKING
        }

    def ordinary(self, hosting: Hosting) -> Page:
        """An ordinary site's page: a WordPress theme, a site builder's template, a host's default page or
        a page of its own; its owner's analytics, sometimes a plugin's."""
        rng = self.rng
        if hosting.kind == "platform":
            structures, favicon = self.platforms[hosting.provider]
            icon = favicon if rng.random() < 0.7 else fp.favicon_hash(rng)
            return Page(tuple(fp.site_analytics(rng)), rng.choice(structures), fp.text_hash(rng), icon)
        roll = rng.random()
        if roll < 0.06:
            if hosting.kind == "shared":
                return self.default_pages[hosting.provider]
            return self.nginx if hosting.kind == "vps" else self.coming_soon
        if roll < 0.1:
            return self.coming_soon
        ids = fp.site_analytics(rng)
        if roll < 0.62:
            if rng.random() < 0.06:
                ids.append(self.plugin_id)
            if rng.random() < 0.03:
                ids.append(self.theme_vendor_id)
            structure = rng.choices(self.themes, cum_weights=self._theme_cum)[0]
            icon = self.wordpress_favicon if rng.random() < 0.2 else fp.favicon_hash(rng)
            return Page(tuple(ids), structure, fp.text_hash(rng), icon)
        return Page(tuple(ids), fp.structure_hash(rng), fp.text_hash(rng), fp.favicon_hash(rng))

    def parked(self, parking: Parking) -> Page:
        structure, favicon, ids = self.parking[parking.name]
        signals = (f"provider:{parking.name}", "text:domain for sale", "weak:related searches")
        return Page(ids, structure, fp.text_hash(self.rng), favicon, "This domain is for sale", signals)


def own_chain(domain: str, address: str | None, *, https: bool, www: bool = False) -> tuple[Hop, ...]:
    """A site that serves itself: http://NAME/ -> https://[www.]NAME/ (or plain http without TLS)."""
    if not https:
        return (Hop(f"http://{domain}/", 200, address, "final"),)
    target = f"https://www.{domain}/" if www else f"https://{domain}/"
    return (Hop(f"http://{domain}/", 301, address, "http"), Hop(target, 200, address, "final"))


def failed_chain(domain: str) -> tuple[Hop, ...]:
    return (Hop(f"http://{domain}/", None, None, "failed"),)


def same_view(chain: tuple[Hop, ...], page: Page | None, rng: random.Random) -> View:
    return View(chain, page, fp.sha256(rng) if page is not None else None)
