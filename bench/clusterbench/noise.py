"""The noise: everything in the evidence that belongs to no operation, sharing what the real web shares.
Unregistered and bare names, domainers' parked batches (often bought the same day, at the same registrar,
as an operation's batch), ordinary sites on a CDN, shared hosts, site builders and their own servers, owner
networks of a few sites, brands' defensive registrations, lone clones by other hands, and redirects of
ordinary kinds (registrar forwarding, URL shorteners, affiliate trackers)."""

from __future__ import annotations

import datetime as dt
import random
import string

from clusterbench import dates, names
from clusterbench import fingerprints as fp
from clusterbench.brands import BRANDS, Brand, genuine_view, popular_brand
from clusterbench.infra import BRAND_REGISTRARS, DIGICERT, FORWARDING, Parking, Registrar, Web
from clusterbench.model import Cert, Hop, Hosting, Page, Site, View
from clusterbench.pages import Templates, failed_chain, own_chain, same_view

# URL shorteners: (host, address, code length)
SHORTENERS = (
    ("bit.ly", "67.199.248.10", 7),
    ("tinyurl.com", "104.18.111.161", 8),
    ("rebrand.ly", "52.72.49.79", 6),
    ("cutt.ly", "104.22.0.232", 5),
    ("t.ly", "104.26.4.148", 5),
)
AFFILIATES = (
    ("click.linksynergy.com", "52.6.192.17", "/deeplink?id={a}&mid={b}&murl=https%3A%2F%2F{shop}%2F"),
    ("www.awin1.com", "34.240.151.87", "/cread.php?awinmid={a}&awinaffid={b}&ued=https%3A%2F%2F{shop}"),
    ("track.impact.com", "3.212.104.196", "/c/{a}/{b}/4032?u=https%3A%2F%2F{shop}"),
    ("clk.tradedoubler.com", "185.120.22.10", "/click?p={a}&a={b}&url=https%3A%2F%2F{shop}"),
)


class NoiseMaker:
    def __init__(self, rng: random.Random, web: Web, templates: Templates, book: names.NameBook) -> None:
        self.rng, self.web, self.templates, self.book = rng, web, templates, book
        self._defensive_registrar = {b.domain: rng.choice(BRAND_REGISTRARS) for b in BRANDS}

    # Names
    def _candidate(self, lookalike: float, brandish: float) -> tuple[str, Brand | None]:
        """A name the way match candidates come: a look-alike of a brand, an ordinary name holding a
        brand's label, or (from other feeds) any name."""
        rng = self.rng
        brand = rng.choice(BRANDS)
        roll = rng.random()
        if roll < lookalike:
            return self.book.take(lambda: names.lookalike(rng, brand.label)), brand
        if roll < lookalike + brandish:
            return self.book.take(lambda: names.brandish(rng, brand.label)), brand
        return self.book.take(lambda: names.ordinary(rng)), None

    def _site(self, name: str, brand: Brand | None, verdict: str, truth: str) -> Site:
        return Site(
            name, verdict, truth, brand=brand.name if brand else None, genuine=brand.domain if brand else None
        )

    def _pages(self, site: Site, chain: tuple[Hop, ...], page: Page | None, brand: Brand | None) -> None:
        site.social = site.plain = same_view(chain, page, self.rng)
        if brand is not None and page is not None:
            site.shared_analytics = tuple(i for i in page.analytics if i in brand.analytics)

    # Kinds
    def unregistered(self) -> Site:
        name, brand = self._candidate(0.6, 0.3)
        return self._site(name, brand, "unregistered", "noise:unregistered")

    def no_website(self) -> Site:
        rng = self.rng
        name, brand = self._candidate(0.2, 0.4)
        site = self._site(name, brand, "no-website", "noise:no-website")
        registrar = self.web.registrar()
        site.registrar, site.created = registrar.name, dates.stamp(rng, dates.ordinary_day(rng))
        site.ns = self.web.registrar_ns(registrar) if rng.random() < 0.7 else self.web.cdn()[1]
        if rng.random() < 0.3:
            site.hosting = self.web.vps()
        site.social = site.plain = View(failed_chain(name), None, None)
        return site

    def parked_batch(self, count: int, registrar: Registrar, day: dt.date, parking: Parking) -> list[Site]:
        """A domainer's bulk purchase: one registrar, one morning, one parking service."""
        rng = self.rng
        start = rng.randrange(0, 20)
        batch: list[Site] = []
        for _ in range(count):
            name, brand = self._candidate(0.25, 0.35)
            site = self._site(name, brand, "parked", f"noise:parked:{parking.name}")
            site.registrar, site.created = registrar.name, dates.stamp(rng, day, start_hour=start, hours=4)
            address = rng.choice(parking.addresses)
            site.hosting, site.ns = Hosting("parking", (address,), provider=parking.name), parking.ns
            if rng.random() < 0.3:
                site.cert = self.web.cert([name])
            self._pages(
                site, self._parked_chain(name, address, parking), self.templates.parked(parking), brand
            )
            batch.append(site)
        return batch

    def _parked_chain(self, name: str, address: str, parking: Parking) -> tuple[Hop, ...]:
        first = f"http://{name}/"
        if not parking.lander:
            return (Hop(first, 200, address, "final"),)
        if parking.lander.startswith("/"):
            return (
                Hop(first, 302, address, "http"),
                Hop(f"http://{name}{parking.lander}", 200, address, "final"),
            )
        lander = parking.lander.format(domain=name)
        return (Hop(first, 301, address, "http"), Hop(lander, 200, parking.addresses[0], "final"))

    def ordinary(self, *, hosting: Hosting | None = None, truth: str | None = None) -> Site:
        """An ordinary live site: its hosting (CDN, shared host, site builder or own server), name servers,
        mail, certificate and page."""
        rng, web = self.rng, self.web
        name, brand = self._candidate(0.03, 0.4)
        registrar = web.registrar()
        host = None
        if hosting is None:
            roll = rng.random()
            if roll < 0.3:
                hosting, ns = web.cdn()
            elif roll < 0.63:
                hosting, host = web.shared()
                ns = host.ns if rng.random() < 0.8 else web.registrar_ns(registrar)
            elif roll < 0.73:
                hosting, ns = web.platform(), web.registrar_ns(registrar)
            else:
                hosting, ns = web.vps(), web.vps_ns(registrar)
        else:
            ns = web.vps_ns(registrar)
        site = self._site(name, brand, "unrelated", truth or f"noise:site:{hosting.kind}")
        site.registrar, site.created = registrar.name, dates.stamp(rng, dates.ordinary_day(rng))
        site.hosting, site.ns, site.mx = hosting, ns, web.mail(name, host)
        site.cert = self._own_cert(name, hosting)
        https = site.cert is not None and site.cert.valid
        chain = own_chain(name, hosting.a[0], https=https, www=rng.random() < 0.3)
        self._pages(site, chain, self.templates.ordinary(hosting), brand)
        return site

    def _own_cert(self, name: str, hosting: Hosting) -> Cert | None:
        roll = self.rng.random()
        if hosting.default_cert is not None and roll < 0.15:
            return hosting.default_cert  # no certificate of its own: the host's, for another name
        return None if roll > 0.92 else self.web.cert([name], hosting)

    def neighbour(self, prefix: str, taken: set[str]) -> Site:
        """An unrelated customer of the hoster an operation rents from, in the same /24."""
        while True:
            address = f"{prefix}.{self.rng.randint(2, 254)}"
            if address not in taken:
                break
        return self.ordinary(hosting=Hosting("vps", (address,), provider="vps"), truth="noise:neighbour")

    def network(self, count: int) -> list[Site]:
        """One owner's sites: the same analytics account, server, name servers, often one certificate."""
        rng, web = self.rng, self.web
        owner_ids = tuple(fp.site_analytics(rng) or [fp.ga4(rng)])
        registrar = web.registrar()
        hosting = web.vps() if rng.random() < 0.6 else web.shared()[0]
        ns = web.vps_ns(registrar)
        theme = rng.choice(self.templates.themes)
        sites = [self.ordinary(hosting=hosting, truth="noise:network") for _ in range(count)]
        shared_cert = self.web.cert([s.domain for s in sites]) if rng.random() < 0.3 else None
        for site in sites:
            site.registrar, site.ns = registrar.name, ns
            site.cert = shared_cert or site.cert
            page = Page(owner_ids, theme, fp.text_hash(rng), fp.favicon_hash(rng))
            chain = own_chain(site.domain, hosting.a[0], https=site.cert is not None and site.cert.valid)
            brand = next((b for b in BRANDS if b.name == site.brand), None)
            self._pages(site, chain, page, brand)
        return sites

    def defensive(self, brand: Brand, count: int) -> list[Site]:
        """A brand's own look-alike registrations, forwarded to the genuine site, often on one certificate."""
        rng = self.rng
        registrar = self._defensive_registrar[brand.domain]
        addresses, ns = FORWARDING["MarkMonitor" if registrar.startswith("Mark") else "CSC"]
        if rng.random() < 0.3:
            ns = brand.name_servers
        days = [dates.days_ago(rng, 30, 3000) for _ in range(rng.randint(1, 3))]
        sites = []
        for _ in range(count):
            name = self.book.take(lambda: names.lookalike(rng, brand.label))
            site = self._site(name, brand, "defensive", "noise:defensive")
            site.registrar, site.created = (
                registrar,
                dates.stamp(rng, rng.choice(days), start_hour=9, hours=8),
            )
            site.hosting, site.ns = Hosting("forwarding", addresses, provider=registrar), ns
            site.social = site.plain = genuine_view(
                brand, (Hop(f"http://{name}/", 301, addresses[0], "http"),), rng
            )
            site.shared_analytics = brand.analytics
            sites.append(site)
        if rng.random() < 0.5:
            cert = Cert(fp.sha256(rng), fp.serial(rng), DIGICERT, tuple(s.domain for s in sites[:100]))
            for site in sites:
                site.cert = cert
        return sites

    def lone_clone(self) -> Site:
        """A copy of an outlet by someone else: no operation behind it, the same genuine IDs and template."""
        rng, web = self.rng, self.web
        brand = popular_brand(rng)
        name = self.book.take(lambda: names.lookalike(rng, brand.label))
        cloaked = rng.random() < 0.15
        site = self._site(name, brand, "cloaked" if cloaked else "clone", "noise:clone")
        registrar = web.registrar()
        site.registrar, site.created = registrar.name, dates.stamp(rng, dates.days_ago(rng, 3, 400))
        roll = rng.random()
        if roll < 0.4:
            site.hosting, host = web.shared()
            site.ns = host.ns
        elif roll < 0.7:
            site.hosting, site.ns = web.cdn()
        else:
            site.hosting, site.ns = web.vps(), web.vps_ns(registrar)
        site.cert = web.cert([name], site.hosting)
        ids = brand.analytics + ((fp.ga4(rng),) if rng.random() < 0.3 else ())
        structure = brand.structure_hash if rng.random() < 0.6 else fp.structure_hash(rng)
        icon = brand.favicon_hash if rng.random() < 0.8 else fp.favicon_hash(rng)
        page = Page(ids, structure, fp.text_hash(rng), icon, brand.title)
        chain = own_chain(name, site.hosting.a[0], https=True)
        self._pages(site, chain, page, brand)
        if cloaked:
            site.plain = same_view(chain, Page((), fp.structure_hash(rng), fp.text_hash(rng), None), rng)
        return site

    def redirector(self) -> Site:
        """An ordinary redirect: registrar forwarding, a URL shortener or an affiliate tracker."""
        rng, web = self.rng, self.web
        name, brand = self._candidate(0.1, 0.3)
        kind = rng.choices(("forwarding", "shortener", "affiliate"), (0.5, 0.25, 0.25))[0]
        site = self._site(name, brand, "redirector", f"noise:redirector:{kind}")
        registrar = web.registrar()
        site.registrar, site.created = registrar.name, dates.stamp(rng, dates.ordinary_day(rng))
        target = names.ordinary(rng)
        end = Hop(f"https://{target}/", 200, web.vps_address(), "final")
        if kind == "forwarding":
            service = "GoDaddy" if registrar.name.startswith("GoDaddy") or rng.random() < 0.5 else "Namecheap"
            addresses, site.ns = FORWARDING[service]
            site.hosting = Hosting("forwarding", addresses, provider=service)
            middle: tuple[Hop, ...] = ()
        else:
            site.hosting, site.ns = (web.vps(), web.vps_ns(registrar)) if rng.random() < 0.5 else web.cdn()
            middle = (self._shortener_hop(),) if kind == "shortener" else (self._affiliate_hop(target),)
        site.cert = web.cert([name], site.hosting) if rng.random() < 0.6 else None
        first = Hop(f"http://{name}/", 301, site.hosting.a[0], "http")
        page = Page(
            tuple(fp.site_analytics(rng)), fp.structure_hash(rng), fp.text_hash(rng), fp.favicon_hash(rng)
        )
        self._pages(site, (first, *middle, end), page, brand)
        return site

    def _shortener_hop(self) -> Hop:
        host, address, length = self.rng.choice(SHORTENERS)
        code = "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(length))
        return Hop(f"https://{host}/{code}", 301, address, "http")

    def _affiliate_hop(self, shop: str) -> Hop:
        host, address, path = self.rng.choice(AFFILIATES)
        query = path.format(a=self.rng.randint(1000, 99999), b=self.rng.randint(100000, 999999), shop=shop)
        return Hop(f"https://{host}{query}", 302, address, "http")
