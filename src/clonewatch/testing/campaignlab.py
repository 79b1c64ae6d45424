"""A live world of two planted influence operations and the commons around them, on loopback, for
tests and benchmarks of campaign clustering and expansion from seeds.

Each operation has clones of several brands (copies of the genuine outlets' pages, which are
served too), an original outlet of its own (own name, no brand, the same hosting and template),
random-named redirectors that send visitors through a traffic-distribution host (a meta-refresh
or JavaScript hop to a random short path there, then a JavaScript hop to a clone), its own /24,
name servers and MX, and a registration batch (one registrar, one day; the redirectors another).
The traffic-distribution host and one clone are not in the feed: only redirect chains lead there.

Around them, the commons that must join nothing: a CDN address that many unrelated sites share
(one clone sits behind it too), a parking provider inside one operation's /24, a shared-hosting
company inside the other's /24 whose customers registered at the operations' big registrar on
the same day, unrelated filler and names that do not exist.

    world = campaign_world()
    with serve_world(world, workdir) as running:
        args = running.args()      # --resolver, --allow-private, --ca-file, --rdap-server ..., --brands
        names = world.feed()       # the feed: every name a registry would list, shuffled
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clonewatch.names import default_psl
from clonewatch.testing.campaignpages import STORIES, WORDS, news_page, ordinary_site, parked_site, tds
from clonewatch.testing.dns import LocalDns, TestZones
from clonewatch.testing.probelab import outlet
from clonewatch.testing.sites import Site, js_redirect, meta_refresh, rdap_record
from clonewatch.testing.web import LocalWeb

BIG_REGISTRAR = ("BigReg Inc", "1001")
CHEAP_REGISTRAR = ("QuickDomains LLC", "1002")
RDAP_HOST = "rdap.nic-lab.net"
GENUINE = (
    ("spiegel.de", "Der Spiegel", "G-SPIEGEL01"),
    ("bild.de", "Bild", "G-BILD00001"),
    ("welt.de", "Die Welt", "G-WELT00001"),
    ("faz.net", "FAZ", "G-FAZ000001"),
    ("zeit.de", "Die Zeit", "G-ZEIT00001"),
)
SUFFIXES = ("com", "net", "org", "info", "shop", "online")
CDN_NAME_SERVERS = "anna bob carl dana eve fred gina hank".split()
FAKES = {
    "red": (
        "Sanctions hurt Germany more than Russia, leaked study shows",
        "Minister admits: weapons for Ukraine empty our arsenals",
        "Gas prices will triple this winter, insiders warn",
    ),
    "blue": (
        "Refugees receive more than pensioners, documents show",
        "Chancellor's secret deal with Washington revealed",
        "Farmers ruined by grain imports, ministry hid the report",
        "Army recruits to be sent east next spring",
    ),
}


@dataclass(frozen=True, slots=True)
class WorldDomain:
    """One registered name of the world: where it is hosted, who serves its DNS, when and where it
    was registered, its site; for members of an operation, the role and brand a correct clustering
    gives them; for the rest, the common it belongs to (``cdn``, ``parking``, ``hosting``,
    ``filler``, ``genuine``)."""

    name: str
    address: str
    name_servers: tuple[str, ...]
    registrar: tuple[str, str]
    created: str
    site: Site = field(compare=False, repr=False)
    mx: str | None = None
    in_feed: bool = True
    operation: str | None = None
    role: str | None = None
    brand: str | None = None
    common: str | None = None


@dataclass(frozen=True, slots=True)
class CampaignWorld:
    """The world: its domains, the genuine outlets (domain, name), the feed names that do not
    exist, two proven clones per operation, and the order of the feed."""

    domains: tuple[WorldDomain, ...]
    brands: tuple[tuple[str, str], ...]
    missing: tuple[str, ...]
    seeds: Mapping[str, tuple[str, ...]]
    shuffle: int = 11

    def feed(self) -> list[str]:
        """The feed a registry would publish: the world's names in it and the missing ones, shuffled."""
        names = [domain.name for domain in self.domains if domain.in_feed] + list(self.missing)
        random.Random(self.shuffle).shuffle(names)
        return names

    def members(self, operation: str) -> dict[str, WorldDomain]:
        return {d.name: d for d in self.domains if d.operation == operation}

    def commons(self) -> dict[str, WorldDomain]:
        return {d.name: d for d in self.domains if d.common not in (None, "genuine")}

    def operations(self) -> list[str]:
        return sorted(self.seeds)

    def addresses(self) -> list[str]:
        return sorted({domain.address for domain in self.domains})

    def suffixes(self) -> list[str]:
        psl = default_psl()
        names = [d.name for d in self.domains] + list(self.missing) + [RDAP_HOST]
        return sorted({psl.suffix_of(name) for name in names})

    def zones(self) -> TestZones:
        """Every domain as a zone of its own (its name servers, A, MX), the RDAP host in the root."""
        records = [(RDAP_HOST, "A", self.domains[0].address)]
        records += [(d.name, "A", d.address) for d in self.domains]
        records += [(d.name, "MX", f"10 {d.mx}.") for d in self.domains if d.mx]
        return TestZones(records=records, name_servers={d.name: d.name_servers for d in self.domains})

    def rdap_records(self) -> dict[str, dict[str, Any]]:
        return {
            d.name: rdap_record(
                d.name,
                registrar=d.registrar[0],
                iana_id=d.registrar[1],
                created=d.created,
                updated=d.created,
                expires=f"{int(d.created[:4]) + 1}{d.created[4:]}",
                nameservers=[server.upper() for server in d.name_servers],
            )
            for d in self.domains
        }

    def brands_text(self) -> str:
        return "".join(f"{domain},{name}\n" for domain, name in self.brands)


@dataclass
class RunningWorld:
    world: CampaignWorld
    web: LocalWeb
    dns: LocalDns
    rdap_url: str
    brands: Path

    def args(self) -> list[str]:
        """The options that point clonewatch at this world."""
        rdap = [
            arg for suffix in self.world.suffixes() for arg in ("--rdap-server", f"{suffix}={self.rdap_url}")
        ]
        return [
            "--resolver", self.dns.resolver, "--allow-private", "--ca-file", self.web.ca_file,
            "--brands", str(self.brands), *rdap,
        ]  # fmt: skip


@contextmanager
def serve_world(world: CampaignWorld, workdir: Path) -> Iterator[RunningWorld]:
    """The world's web sites (HTTP and HTTPS on ports 80 and 443 of every hosting address, a test
    CA, an RDAP server) and its DNS (NSD behind Unbound), until the block ends."""
    workdir.mkdir(parents=True, exist_ok=True)
    brands = workdir / "brands.txt"
    brands.write_text(world.brands_text(), encoding="utf-8")
    first, *others = world.addresses()
    with LocalWeb(first, also_on=others) as web:
        if (web.http_port, web.https_port) != (80, 443):
            raise RuntimeError("the campaign world needs ports 80 and 443 on loopback addresses")
        for domain in world.domains:
            web.add(domain.name, domain.site)
        rdap_url = web.rdap(world.rdap_records(), host=RDAP_HOST)
        with LocalDns(world.zones(), workdir / "dns") as dns:
            yield RunningWorld(world, web, dns, rdap_url, brands)


def campaign_world(
    *,
    seed: int = 11,
    net: str = "127.0",
    cdn_sites: int = 30,
    parked: int = 25,
    neighbours: int = 25,
    filler: int = 40,
    missing: int = 30,
) -> CampaignWorld:
    """Two operations (``red`` on ``{net}.5.0/24``, ``blue`` on ``{net}.6.0/24``) and the commons
    around them; ``seed`` makes the random names and the feed order."""
    rng = random.Random(seed)
    names = _Names(rng)
    genuine = [_genuine(domain, name, ga, f"{net}.4.1") for domain, name, ga in GENUINE]
    red = _Operation(
        tag="red",
        net=f"{net}.5",
        day="2026-03-02",
        original=("wahrheit-heute.com", "Wahrheit Heute", "G-WAHRHEIT1"),
        clones=(
            ("spiegel.ltd", "spiegel.de", ".10"),
            ("bildd.lol", "bild.de", ".11"),
            ("welt.pm", "welt.de", "cdn"),
        ),
        hidden=(),
        tds="trk-hub.xyz",
        tds_address=f"{net}.8.10",
        tds_registered=(("Registrar Seven", "1007"), "2025-09-14T08:00:00Z"),
        name_servers=("ns1.redhost.net", "ns2.redhost.net"),
        mx="mx.redhost.net",
    )
    blue = _Operation(
        tag="blue",
        net=f"{net}.6",
        day="2026-03-09",
        original=("echo-der-woche.net", "Echo der Woche", "G-ECHOWOCHE"),
        clones=(
            ("spiegel.cfd", "spiegel.de", ".10"),
            ("blld.live", "bild.de", ".10"),
            ("zeit-news.sbs", "zeit.de", ".11"),
            ("faz.rest", "faz.net", ".11"),
        ),
        hidden=("faz.rest",),
        tds="go-lnk.top",
        tds_address=f"{net}.10.20",
        tds_registered=(("Registrar Eight", "1008"), "2025-11-20T17:00:00Z"),
        name_servers=("ns1.bluedns.org", "ns2.bluedns.org"),
        mx="mail.bluemail.org",
        original_at=".12",
    )
    cdn_address = f"{net}.7.80"
    domains = [*genuine]
    for operation in (red, blue):
        domains += operation.build(rng, names, cdn_address)
    domains += _cdn(rng, names, cdn_address, cdn_sites, red.day)
    domains += _parking(rng, names, f"{net}.6.200", parked, blue.day)
    domains += _hosting(rng, names, f"{net}.5", neighbours, red.day)
    domains += _filler(rng, names, f"{net}.9", filler)
    absent = tuple(names.site() for _ in range(missing))
    return CampaignWorld(
        domains=tuple(domains),
        brands=tuple((domain, name) for domain, name, _ in GENUINE),
        missing=absent,
        seeds={"red": ("spiegel.ltd", "bildd.lol"), "blue": ("spiegel.cfd", "blld.live")},
        shuffle=seed,
    )


class _Names:
    """Random names, each used once: sites of two words, redirectors of random letters and digits."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = {domain for domain, _, _ in GENUINE}

    def site(self) -> str:
        while True:
            first, second = self.rng.sample(WORDS, 2)
            name = f"{first}{second}.{self.rng.choice(SUFFIXES)}"
            if name not in self.used:
                self.used.add(name)
                return name

    def random(self) -> str:
        while True:
            name = f"{token(self.rng, 6).lower()}.{self.rng.choice(('click', 'top', 'xyz', 'icu', 'cfd'))}"
            if name not in self.used:
                self.used.add(name)
                return name


def token(rng: random.Random, length: int) -> str:
    """A random token of letters and at least one digit (what a TDS puts in its paths)."""
    chars = [rng.choice(string.ascii_letters + string.digits) for _ in range(length - 1)]
    chars.insert(rng.randrange(length), rng.choice(string.digits))
    return "".join(chars)


@dataclass(frozen=True, slots=True)
class _Operation:
    tag: str
    net: str
    day: str
    original: tuple[str, str, str]  # domain, outlet name, its own analytics ID
    clones: tuple[tuple[str, str, str], ...]  # domain, genuine domain, address suffix or "cdn"
    hidden: tuple[str, ...]  # clones only redirect chains lead to
    tds: str
    tds_address: str
    tds_registered: tuple[tuple[str, str], str]  # registrar, when: elsewhere and earlier than the batch
    name_servers: tuple[str, str]
    mx: str
    original_at: str = ".10"
    redirectors: int = 4

    def member(
        self,
        domain: str,
        address: str,
        registrar: tuple[str, str],
        created: str,
        site: Site,
        role: str,
        **extra: Any,
    ) -> WorldDomain:
        """A domain of the operation: its name servers and MX, the role it plays."""
        return WorldDomain(
            domain,
            address,
            self.name_servers,
            registrar,
            created,
            site,
            mx=self.mx,
            operation=self.tag,
            role=role,
            **extra,
        )

    def build(self, rng: random.Random, names: _Names, cdn_address: str) -> list[WorldDomain]:
        built: list[WorldDomain] = []
        for number, (domain, genuine, where) in enumerate(self.clones):
            _, brand, analytics = next(item for item in GENUINE if item[0] == genuine)
            front = news_page(brand, FAKES[self.tag][number], (analytics,), assets_from=genuine)
            built.append(
                self.member(
                    domain,
                    cdn_address if where == "cdn" else f"{self.net}{where}",
                    BIG_REGISTRAR,
                    f"{self.day}T0{2 + number}:{rng.randrange(60):02d}:00Z",
                    outlet(front),
                    "clone",
                    brand=brand,
                    in_feed=domain not in self.hidden,
                )
            )
        domain, name, analytics = self.original
        built.append(
            self.member(
                domain,
                f"{self.net}{self.original_at}",
                BIG_REGISTRAR,
                f"{self.day}T01:{rng.randrange(60):02d}:00Z",
                outlet(news_page(name, STORIES[-1], (analytics,))),
                "original",
            )
        )
        paths: dict[str, str] = {}
        redirect_day = f"{self.day[:-2]}{int(self.day[-2:]) + 3:02d}"
        for number in range(self.redirectors):
            path = f"/{token(rng, 6)}"
            target = self.clones[number % len(self.clones)][0]
            paths[path] = f"http://{target}/politik/{rng.randrange(1000, 9999)}"
            hop = f"http://{self.tds}{path}"
            built.append(
                self.member(
                    names.random(),
                    f"{self.net}.20",
                    CHEAP_REGISTRAR,
                    f"{redirect_day}T1{number}:{rng.randrange(60):02d}:00Z",
                    meta_refresh(hop) if number % 2 == 0 else js_redirect(hop),
                    "redirector",
                )
            )
        label = self.tds.split(".")[0]
        built.append(
            WorldDomain(
                self.tds,
                self.tds_address,
                (f"ns1.{label}-dns.example", f"ns2.{label}-dns.example"),
                *self.tds_registered,
                tds(paths),
                in_feed=False,
                operation=self.tag,
                role="infra",
            )
        )
        return built


def _genuine(domain: str, name: str, analytics: str, address: str) -> WorldDomain:
    label = domain.split(".")[0]
    return WorldDomain(
        domain,
        address,
        name_servers=(f"ns1.{label}-dns.de", f"ns2.{label}-dns.de"),
        registrar=("DENIC Member", "1003"),
        created="1996-05-10T00:00:00Z",
        site=outlet(news_page(name, STORIES[0], (analytics,))),
        in_feed=False,
        common="genuine",
    )


def _moment(rng: random.Random) -> str:
    return f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:00:00Z"


def _registrar(rng: random.Random) -> tuple[str, str]:
    number = rng.randrange(20, 30)
    return (f"Registrar {number}", str(1000 + number))


def _cdn(rng: random.Random, names: _Names, address: str, count: int, day: str) -> list[WorldDomain]:
    """Unrelated sites behind one CDN address, on the CDN's name servers; half were registered at
    the big registrar on the day of an operation's batch."""
    sites = []
    for number in range(count):
        name = names.site()
        first, second = rng.sample(CDN_NAME_SERVERS, 2)
        same_day = number % 2 == 0
        sites.append(
            WorldDomain(
                name,
                address,
                name_servers=(f"{first}.ns.cdnflare.example", f"{second}.ns.cdnflare.example"),
                registrar=BIG_REGISTRAR if same_day else _registrar(rng),
                created=f"{day}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00Z"
                if same_day
                else _moment(rng),
                site=ordinary_site(name, rng),
                common="cdn",
            )
        )
    return sites


def _parking(rng: random.Random, names: _Names, address: str, count: int, day: str) -> list[WorldDomain]:
    """Parked names at one parking provider (its address, its name servers, its page); half were
    registered at the big registrar on the day of an operation's batch."""
    parked = []
    for number in range(count):
        name = names.site()
        same_day = number % 2 == 0
        parked.append(
            WorldDomain(
                name,
                address,
                name_servers=("ns1.parkingcorp.example", "ns2.parkingcorp.example"),
                registrar=BIG_REGISTRAR if same_day else _registrar(rng),
                created=f"{day}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00Z"
                if same_day
                else _moment(rng),
                site=parked_site(name),
                common="parking",
            )
        )
    return parked


def _hosting(rng: random.Random, names: _Names, net: str, count: int, day: str) -> list[WorldDomain]:
    """Customers of a shared-hosting company in an operation's /24 (an address each, the company's
    name servers), all registered at the big registrar on the day of the operation's batch."""
    return [
        WorldDomain(
            name,
            f"{net}.{100 + number}",
            name_servers=("ns1.hostco.example", "ns2.hostco.example"),
            registrar=BIG_REGISTRAR,
            created=f"{day}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00Z",
            site=ordinary_site(name, rng),
            common="hosting",
        )
        for number, name in enumerate(names.site() for _ in range(count))
    ]


def _filler(rng: random.Random, names: _Names, net: str, count: int) -> list[WorldDomain]:
    """Unrelated sites elsewhere, on their own hosting and name servers."""
    sites = []
    for number in range(count):
        name = names.site()
        sites.append(
            WorldDomain(
                name,
                f"{net}.{1 + number % 4}",
                name_servers=(f"ns1.host{number % 7}.example", f"ns2.host{number % 7}.example"),
                registrar=_registrar(rng),
                created=_moment(rng),
                site=ordinary_site(name, rng),
                common="filler",
            )
        )
    return sites


__all__ = ["CampaignWorld", "RunningWorld", "WorldDomain", "campaign_world", "serve_world"]
