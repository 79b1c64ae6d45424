"""A planted operation, built the way public reporting describes them: clones of several real outlets,
many throw-away redirectors whose chains run through the operation's traffic-distribution hosts (a short
random path, then a campaign query on the next hop) to the clones, and one or two 'original' outlets of
its own. Registered in one to three same-day batches at one or two cheap registrars; hosted on a few
addresses of one /24 with its own name servers, but partly behind the CDN or on shared hosts like anyone
else; some multi-name certificates. Every member keeps at least one link of the operation's own (an
address, name server, analytics ID, certificate or redirect hop); its tags say which, for the report."""

from __future__ import annotations

import datetime as dt
import random
import string
from dataclasses import dataclass, field

from clusterbench import dates, names
from clusterbench import fingerprints as fp
from clusterbench.brands import Brand, genuine_view, popular_brands
from clusterbench.infra import CHEAP_REGISTRARS, LE, Registrar, Web
from clusterbench.model import Cert, Hop, Hosting, Page, Site, View
from clusterbench.pages import own_chain, same_view

SIZE = (50, 500)
FIRST_OCTETS = (185, 91, 45, 193, 194, 195, 212, 5, 80, 89, 141, 176)
QUERY_KEYS = (("cid", "sub"), ("cid", "sub"), ("campaign", "sub_id"), ("c", "s"), ("cid", "subid"))
STUCK = 0.07  # redirectors whose script the probe could not follow
SECTIONS = ("politics", "world", "economy", "society", "war", "europe", "opinion")


@dataclass
class Operation:
    name: str  # "op1"
    brands: list[Brand]
    registrars: list[Registrar]
    batches: list[tuple[Registrar, dt.date, int]]  # (registrar, day, first hour)
    prefix: str  # its /24, as "185.12.34"
    addresses: list[str]
    ns: tuple[str, ...]
    tds_first: list[tuple[str, str]]  # (host, address): the first hop, /a8Fk2
    tds_second: list[tuple[str, str]]  # the second hop, ?cid=123&sub=xyz
    keys: tuple[str, str]
    cids: list[int]
    ids: tuple[str, ...]  # the operation's own analytics IDs
    members: list[Site] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)  # domain -> clone | redirector | original
    tags: dict[str, list[str]] = field(default_factory=dict)  # domain -> what links it to the operation
    seeds: list[str] = field(default_factory=list)
    infra: list[str] = field(default_factory=list)  # its own hosts that are not evidence records

    def add(self, site: Site, role: str, tags: list[str]) -> None:
        self.members.append(site)
        self.roles[site.domain] = role
        self.tags[site.domain] = tags


class Planter:
    def __init__(self, rng: random.Random, web: Web, book: names.NameBook) -> None:
        self.rng, self.web, self.book = rng, web, book
        self.prefixes: set[str] = set()
        self.stub = Page((), "", "", None)  # the current operation's redirect script page

    def plant(self, index: int, size: int) -> Operation:
        op = self._infrastructure(index)
        rng = self.rng
        originals = 1 if size < 80 or rng.random() < 0.5 else 2
        clones = max(4, round(size * rng.uniform(0.15, 0.3)))
        redirectors = size - clones - originals
        white = Page((), fp.structure_hash(rng), fp.text_hash(rng), None, "Tips for healthy living")
        self.stub = Page((), fp.structure_hash(rng), fp.text_hash(rng), None, None)
        white_body = fp.sha256(rng)
        template, favicon = fp.structure_hash(rng), fp.favicon_hash(rng)
        for _ in range(originals):
            self._original(op, template, favicon)
        clone_sites = [self._clone(op, i, white, white_body) for i in range(clones)]
        self._shared_certs(op, clone_sites)
        targets = clone_sites[:]
        rng.shuffle(targets)
        for i in range(redirectors):
            self._redirector(op, targets[i] if i < len(targets) else rng.choice(clone_sites))
        seeds = [s.domain for s in clone_sites if s.verdict == "clone"]
        op.seeds = rng.sample(seeds, 2)
        return op

    def _infrastructure(self, index: int) -> Operation:
        rng, book = self.rng, self.book
        while True:
            prefix = f"{rng.choice(FIRST_OCTETS)}.{rng.randrange(256)}.{rng.randrange(256)}"
            if prefix not in self.prefixes:
                self.prefixes.add(prefix)
                break
        addresses = [f"{prefix}.{octet}" for octet in rng.sample(range(2, 254), rng.randint(3, 8))]
        registrars = rng.sample(CHEAP_REGISTRARS, rng.choice((1, 1, 2)))
        days = sorted({dates.days_ago(rng, 3, 150) for _ in range(rng.randint(1, 3))})
        batches = [(rng.choice(registrars), day, rng.randrange(0, 21)) for day in days]
        ns_host = book.take(lambda: names.infrastructure(rng))
        tds = [book.take(lambda: names.infrastructure(rng)) for _ in range(rng.randint(2, 5))]
        cut = max(1, len(tds) // 2)
        ids = [fp.yandex(rng), fp.pixel(rng), fp.ga4(rng)]
        op = Operation(
            name=f"op{index + 1}",
            brands=popular_brands(rng, rng.randint(2, 5)),
            registrars=registrars,
            batches=batches,
            prefix=prefix,
            addresses=addresses,
            ns=(f"ns1.{ns_host}", f"ns2.{ns_host}"),
            tds_first=[(host, rng.choice(addresses)) for host in tds[:cut]],
            tds_second=[(host, rng.choice(addresses)) for host in tds[cut:]],
            keys=rng.choice(QUERY_KEYS),
            cids=rng.sample(range(100, 1000), rng.randint(1, 3)),
            ids=tuple(rng.sample(ids, rng.randint(1, 3))),
        )
        op.infra = [ns_host, *tds]
        return op

    def _register(self, op: Operation, site: Site) -> str:
        registrar, day, hour = self.rng.choice(op.batches)
        site.registrar = registrar.name
        site.created = dates.stamp(self.rng, day, start_hour=hour, hours=3)
        return registrar.name

    def _host(self, op: Operation, site: Site, cdn: float, own: float) -> list[str]:
        """Where a member is served from: the operation's /24 (with its name servers or the registrar's),
        the CDN, or a shared host. Returns the tags of what links it."""
        rng, web = self.rng, self.web
        roll = rng.random()
        if roll < own:
            site.hosting = Hosting("operation", (rng.choice(op.addresses),), provider=op.name)
            if rng.random() < 0.55:
                site.ns = op.ns
                return ["host:op", "ns:op"]
            registrar = next(r for r in op.registrars if r.name == site.registrar)
            site.ns = web.registrar_ns(registrar)
            return ["host:op", "ns:registrar"]
        if roll < own + cdn:
            site.hosting, site.ns = web.cdn()
            return ["host:cdn", "ns:cdn"]
        site.hosting, host = web.shared()
        site.ns = host.ns
        return ["host:shared", "ns:shared"]

    def _original(self, op: Operation, template: str, favicon: int) -> None:
        rng = self.rng
        name = self.book.take(lambda: names.outlet(rng))
        site = Site(name, "unrelated", f"{op.name}:original")
        registrar = op.registrars[0]
        site.registrar = registrar.name
        site.created = dates.stamp(rng, dates.days_ago(rng, 200, 700))
        site.hosting = Hosting("operation", (rng.choice(op.addresses),), provider=op.name)
        site.ns, site.mx = op.ns, (f"mail.{name}",)
        site.cert = self.web.cert([name])
        title = " ".join(part.capitalize() for part in name.split(".")[0].split("-"))
        page = Page(op.ids, template, fp.text_hash(rng), favicon, title)
        site.social = site.plain = same_view(own_chain(name, site.hosting.a[0], https=True), page, rng)
        op.add(site, "original", ["host:op", "ns:op", "ids:op", "template:op"])

    def _clone(self, op: Operation, i: int, white: Page, white_body: str) -> Site:
        rng = self.rng
        brand = op.brands[i % len(op.brands)]
        name = self.book.take(lambda: names.lookalike(rng, brand.label))
        cloaked = rng.random() < 0.1
        site = Site(
            name,
            "cloaked" if cloaked else "clone",
            f"{op.name}:clone",
            brand=brand.name,
            genuine=brand.domain,
        )
        self._register(op, site)
        tags = self._host(op, site, cdn=0.25, own=0.6)
        site.cert = self.web.cert([name], site.hosting)
        ids = brand.analytics
        if rng.random() < 0.7:
            ids += op.ids
            tags.append("ids:op")
        structure = brand.structure_hash if rng.random() < 0.6 else fp.structure_hash(rng)
        icon = brand.favicon_hash if rng.random() < 0.85 else fp.favicon_hash(rng)
        page = Page(ids, structure, fp.text_hash(rng), icon, brand.title)
        chain = own_chain(name, site.hosting.a[0] if site.hosting else None, https=True)
        site.social = site.plain = same_view(chain, page, rng)
        site.shared_analytics = brand.analytics
        if cloaked:
            site.plain = View(chain, white, white_body)
            tags.append("white-page")
        op.add(site, "clone", tags)
        return site

    def _shared_certs(self, op: Operation, clones: list[Site]) -> None:
        """One to three certificates that each name several of the operation's clones on its own hosts."""
        rng = self.rng
        own = [s for s in clones if s.hosting is not None and s.hosting.kind == "operation"]
        rng.shuffle(own)
        for _ in range(rng.randint(1, 3)):
            group, own = own[: rng.randint(4, 15)], own[15:]
            if len(group) < 2:
                break
            issuer = rng.choice(LE[:2])
            cert = Cert(fp.sha256(rng), fp.serial(rng), issuer, tuple(s.domain for s in group))
            for site in group:
                site.cert = cert
                op.tags[site.domain].append("cert:op")

    def _redirector(self, op: Operation, clone: Site) -> None:
        rng = self.rng
        name = self.book.take(lambda: names.front(rng))
        site = Site(name, "redirector", f"{op.name}:redirector")
        self._register(op, site)
        tags = self._host(op, site, cdn=0.45, own=0.4)
        site.cert = self.web.cert([name], site.hosting) if rng.random() < 0.7 else None
        address = site.hosting.a[0] if site.hosting else None
        if rng.random() < STUCK:
            # Obfuscated JavaScript the probe could not follow: the chain ends on the operation's stub page.
            site.verdict = "unrelated"
            site.social = site.plain = same_view(
                (Hop(f"http://{name}/", 200, address, "final"),), self.stub, rng
            )
            op.add(site, "redirector", [*tags, "stub-page"])
            return
        status, how = rng.choices(
            ((302, "http"), (200, "javascript"), (200, "meta-refresh")), (0.5, 0.35, 0.15)
        )[0]
        first = Hop(f"http://{name}/", status, address, how)
        tds1, tds1_address = rng.choice(op.tds_first)
        path = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(5))
        hop1 = Hop(f"https://{tds1}/{path}", 302, tds1_address, "http")
        tds2, tds2_address = rng.choice(op.tds_second)
        sub = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 6)))
        query = f"?{op.keys[0]}={rng.choice(op.cids)}&{op.keys[1]}={sub}"
        hop2 = Hop(f"https://{tds2}/{query}", 302, tds2_address, "http")
        article = f"https://{clone.domain}/{rng.choice(SECTIONS)}/{rng.randint(10_000, 99_999)}.html"
        clone_address = clone.hosting.a[0] if clone.hosting else None
        landing = Hop(article, 200, clone_address, "final")
        page = clone.social.page if clone.social else None
        if page is not None:
            page = Page(page.analytics, page.structure_hash, fp.text_hash(rng), page.favicon_hash, page.title)
        site.social = site.plain = same_view((first, hop1, hop2, landing), page, rng)
        tags.append("hops:op")
        if rng.random() < 0.4:
            brand = next(b for b in op.brands if b.name == clone.brand)
            site.plain = genuine_view(brand, (first, Hop(hop1.url, 302, tds1_address, "http")), rng)
            tags.append("plain-cloaked")
        op.add(site, "redirector", tags)
