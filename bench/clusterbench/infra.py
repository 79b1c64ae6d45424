"""The shared web every site of the world lives on: registrars and their default name servers, a CDN,
shared hosts, site builders, VPS ranges, parking and forwarding services, certificate authorities. What
many unrelated sites share (a CDN address, a registrar's name servers, a host's default certificate) is
shared here, in proportions like the real web's."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass

from clusterbench import fingerprints as fp
from clusterbench.model import Cert, Hosting

LE = (
    "C=US,O=Let's Encrypt,CN=R10",
    "C=US,O=Let's Encrypt,CN=R11",
    "C=US,O=Let's Encrypt,CN=E5",
    "C=US,O=Let's Encrypt,CN=E6",
)
GTS = "C=US,O=Google Trust Services,CN=WE1"
SECTIGO = (
    "C=GB,ST=Greater Manchester,L=Salford,O=Sectigo Limited,CN=Sectigo RSA Domain Validation Secure Server CA"
)
DIGICERT = "C=US,O=DigiCert Inc,CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1"

CLOUDFLARE_NS = (
    "ada adam alice amir anna arch beth bob carl cash chad chloe dana dave dee dora eric ewa fay fred "
    "gina greg hank ian isla jack jane jim josh kai kara kate kim lara leah lou lucy mark maya mike nash "
    "nina noah olga pam paul rita ron rosa sam sara sid tara ted tess tom uma val vera walt will yara zara"
).split()


def _pairs(template: str, first: int, count: int) -> tuple[tuple[str, ...], ...]:
    return tuple((template.format(n), template.format(n + 1)) for n in range(first, first + 2 * count, 2))


@dataclass(frozen=True, slots=True)
class Registrar:
    name: str
    weight: float
    cheap: bool  # sells the cheap suffixes in bulk: the operations' registrars are among these
    server_sets: tuple[tuple[str, ...], ...]  # its default name servers; a domain gets one set


REGISTRARS = (
    Registrar("GoDaddy.com, LLC", 28, False, _pairs("ns{:02d}.domaincontrol.com", 1, 40)),
    Registrar("NameCheap, Inc.", 16, True, (("dns1.registrar-servers.com", "dns2.registrar-servers.com"),)),
    Registrar("Tucows Domains Inc.", 6, False, (("ns1.hover.com", "ns2.hover.com"),)),
    Registrar("NameSilo, LLC", 7, True, (("ns1.dnsowl.com", "ns2.dnsowl.com", "ns3.dnsowl.com"),)),
    Registrar(
        "Porkbun LLC",
        5,
        True,
        (
            (
                "curitiba.ns.porkbun.com",
                "fortaleza.ns.porkbun.com",
                "maceio.ns.porkbun.com",
                "salvador.ns.porkbun.com",
            ),
        ),
    ),
    Registrar("Hostinger Operations, UAB", 6, True, (("ns1.dns-parking.com", "ns2.dns-parking.com"),)),
    Registrar("Gname.com Pte. Ltd.", 6, True, (("ns1.gname-dns.com", "ns2.gname-dns.com"),)),
    Registrar("Dynadot Inc", 4, True, (("ns1.dyna-ns.net", "ns2.dyna-ns.net"),)),
    Registrar(
        "IONOS SE",
        5,
        False,
        tuple(tuple(f"ns{n}.ui-dns.{t}" for t in ("com", "de", "org", "biz")) for n in range(1001, 1121)),
    ),
    Registrar("OVH sas", 4, False, tuple((f"dns{n}.ovh.net", f"ns{n}.ovh.net") for n in range(10, 200))),
    Registrar(
        "PDR Ltd. d/b/a PublicDomainRegistry.com",
        5,
        True,
        (("ns1.bh-pr-12.webhostbox.net", "ns2.bh-pr-12.webhostbox.net"),),
    ),
    Registrar(
        "Web Commerce Communities Limited dba WebNic.cc", 3, True, (("ns1.webnic.cc", "ns2.webnic.cc"),)
    ),
    Registrar("REGRU-RU", 3, True, (("ns1.reg.ru", "ns2.reg.ru"),)),
    Registrar("Key-Systems GmbH", 2, False, (("ns1.rrpproxy.net", "ns2.rrpproxy.net", "ns3.rrpproxy.net"),)),
    Registrar(
        "Alibaba Cloud Computing (Beijing) Co., Ltd.", 3, True, (("dns9.hichina.com", "dns10.hichina.com"),)
    ),
)
BRAND_REGISTRARS = ("MarkMonitor Inc.", "CSC Corporate Domains, Inc.")
_REG_CUM = list(itertools.accumulate(r.weight for r in REGISTRARS))
CHEAP_REGISTRARS = tuple(r for r in REGISTRARS if r.cheap)


@dataclass(frozen=True, slots=True)
class SharedHost:
    name: str
    weight: float
    prefixes: tuple[str, ...]  # /24s its shared addresses sit in
    addresses_per_50k: int  # shared addresses it has, per 50,000 noise domains
    ns: tuple[str, ...]
    mx: tuple[str, ...]  # empty: mail.DOMAIN on the same server


SHARED_HOSTS = (
    SharedHost(
        "Hostinger",
        14,
        ("185.224.138", "82.180.172", "145.14.157"),
        24,
        ("ns1.dns-parking.com", "ns2.dns-parking.com"),
        ("mx1.hostinger.com", "mx2.hostinger.com"),
    ),
    SharedHost(
        "Bluehost", 10, ("162.241.224", "162.241.216"), 16, ("ns1.bluehost.com", "ns2.bluehost.com"), ()
    ),
    SharedHost(
        "SiteGround", 7, ("35.214.96", "35.208.40"), 12, ("ns1.siteground.net", "ns2.siteground.net"), ()
    ),
    SharedHost(
        "HostGator", 7, ("192.185.0", "108.167.142"), 12, ("ns8235.hostgator.com", "ns8236.hostgator.com"), ()
    ),
    SharedHost(
        "Namecheap Hosting",
        6,
        ("198.54.114", "198.54.115"),
        10,
        ("dns1.namecheaphosting.com", "dns2.namecheaphosting.com"),
        ("mx1-hosting.jellyfish.systems",),
    ),
    SharedHost(
        "Strato", 5, ("81.169.145",), 8, ("docks07.rzone.de", "shades18.rzone.de"), ("smtpin.rzone.de",)
    ),
    SharedHost(
        "OVH Web Hosting", 5, ("213.186.33",), 8, ("dns10.ovh.net", "ns10.ovh.net"), ("mx1.mail.ovh.net",)
    ),
    SharedHost(
        "IONOS Hosting", 5, ("217.160.0",), 8, ("ns1045.ui-dns.com", "ns1045.ui-dns.de"), ("mx00.ionos.de",)
    ),
    SharedHost("A2 Hosting", 3, ("209.124.66",), 4, ("ns1.a2hosting.com", "ns2.a2hosting.com"), ()),
    SharedHost(
        "Beget", 3, ("87.236.16",), 4, ("ns1.beget.com", "ns2.beget.com", "ns1.beget.pro"), ("mx1.beget.com",)
    ),
)
_HOST_CUM = list(itertools.accumulate(h.weight for h in SHARED_HOSTS))

# Site builders: every site on one is served from the same few addresses.
PLATFORMS = (
    ("Squarespace", 4, ("198.185.159.144", "198.185.159.145", "198.49.23.144", "198.49.23.145")),
    ("Wix", 4, ("185.230.63.107", "185.230.63.171", "185.230.63.186")),
    ("GitHub Pages", 2, ("185.199.108.153", "185.199.109.153", "185.199.110.153", "185.199.111.153")),
    ("Shopify", 3, ("23.227.38.65",)),
    ("Tilda", 1, ("185.165.123.36",)),
)
_PLATFORM_CUM = list(itertools.accumulate(w for _, w, _ in PLATFORMS))

VPS_RANGES = (
    "164.90 138.68 167.99 142.93 159.223 65.108 95.217 116.203 49.12 168.119 51.75 51.91 54.38 135.125 "
    "3.120 52.28 18.184 54.93 5.189 161.97 173.212 172.104 139.162 45.76 108.61"
).split()
DO_NS = ("ns1.digitalocean.com", "ns2.digitalocean.com", "ns3.digitalocean.com")
HETZNER_NS = ("hydrogen.ns.hetzner.com", "oxygen.ns.hetzner.com", "helium.ns.hetzner.de")
GOOGLE_MX = (
    "aspmx.l.google.com",
    "alt1.aspmx.l.google.com",
    "alt2.aspmx.l.google.com",
    "alt3.aspmx.l.google.com",
    "alt4.aspmx.l.google.com",
)


@dataclass(frozen=True, slots=True)
class Parking:
    name: str
    weight: float
    addresses: tuple[str, ...]
    ns: tuple[str, ...]
    lander: str  # where its pages end: "" (the domain itself), "/lander" on the domain, or a URL template


PARKING = (
    Parking(
        "sedo",
        30,
        ("91.195.240.94", "91.195.241.136", "64.190.63.222"),
        ("ns1.sedoparking.com", "ns2.sedoparking.com"),
        "",
    ),
    Parking(
        "bodis",
        25,
        ("199.59.243.222", "199.59.243.223", "199.59.243.225", "199.59.243.228"),
        ("ns1.bodis.com", "ns2.bodis.com"),
        "/lander",
    ),
    Parking(
        "parkingcrew",
        15,
        ("185.53.177.50", "185.53.177.51", "185.53.177.52", "185.53.178.50"),
        ("ns1.parkingcrew.net", "ns2.parkingcrew.net"),
        "/lander",
    ),
    Parking(
        "dan",
        15,
        ("3.64.163.50", "52.58.78.16"),
        ("ns1.dan.com", "ns2.dan.com"),
        "https://dan.com/buy-domain/{domain}?redirected=true",
    ),
    Parking(
        "afternic",
        15,
        ("76.223.65.111", "13.248.169.48"),
        ("ns51.domaincontrol.com", "ns52.domaincontrol.com"),
        "https://www.afternic.com/forsale/{domain}?utm_source=TDFS&utm_medium=parkedpages",
    ),
)
_PARKING_CUM = list(itertools.accumulate(p.weight for p in PARKING))

FORWARDING = {
    "GoDaddy": (("3.33.130.190", "15.197.148.33"), ("ns23.domaincontrol.com", "ns24.domaincontrol.com")),
    "Namecheap": (
        ("192.64.119.3", "192.64.119.47"),
        ("dns1.registrar-servers.com", "dns2.registrar-servers.com"),
    ),
    "MarkMonitor": (
        ("64.124.99.10", "64.124.99.11"),
        ("ns1.markmonitor.com", "ns2.markmonitor.com", "ns3.markmonitor.com", "ns4.markmonitor.com"),
    ),
    "CSC": (("8.28.126.10",), ("ns1.cscdns.net", "ns2.cscdns.net")),
}


def _slug(name: str) -> str:
    return name.split()[0].lower()


def _zipf_cum(n: int, s: float) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


class Web:
    """The shared infrastructure, sized for a world with ``noise`` unrelated domains."""

    def __init__(self, rng: random.Random, noise: int) -> None:
        self.rng = rng
        pairs = max(16, noise // 400)
        self.cdn_pairs = [
            (
                f"104.21.{rng.randrange(256)}.{rng.randint(1, 254)}",
                f"172.67.{rng.randrange(256)}.{rng.randint(1, 254)}",
                f"2606:4700:3030::{rng.getrandbits(16):x}:{rng.getrandbits(16):x}",
                f"2606:4700:3036::{rng.getrandbits(16):x}:{rng.getrandbits(16):x}",
            )
            for _ in range(pairs)
        ]
        self._cdn_cum = _zipf_cum(pairs, 0.6)
        self.host_addresses = {
            host.name: [
                f"{rng.choice(host.prefixes)}.{rng.randint(2, 254)}"
                for _ in range(max(2, round(host.addresses_per_50k * noise / 50_000)))
            ]
            for host in SHARED_HOSTS
        }
        self.host_certs = {
            host.name: Cert(fp.sha256(rng), fp.serial(rng), SECTIGO, (f"*.{_slug(host.name)}.host",), False)
            for host in SHARED_HOSTS
        }

    # Registrars
    def registrar(self) -> Registrar:
        return self.rng.choices(REGISTRARS, cum_weights=_REG_CUM)[0]

    def registrar_ns(self, registrar: Registrar) -> tuple[str, ...]:
        return self.rng.choice(registrar.server_sets)

    # Hosting
    def cdn(self) -> tuple[Hosting, tuple[str, ...]]:
        """A site behind the CDN: two shared addresses of each family, two of the CDN's name servers."""
        v4a, v4b, v6a, v6b = self.rng.choices(self.cdn_pairs, cum_weights=self._cdn_cum)[0]
        ns = tuple(f"{name}.ns.cloudflare.com" for name in self.rng.sample(CLOUDFLARE_NS, 2))
        return Hosting("cdn", (v4a, v4b), (v6a, v6b), provider="Cloudflare"), ns

    def shared(self) -> tuple[Hosting, SharedHost]:
        host = self.rng.choices(SHARED_HOSTS, cum_weights=_HOST_CUM)[0]
        address = self.rng.choice(self.host_addresses[host.name])
        hosting = Hosting("shared", (address,), provider=host.name, default_cert=self.host_certs[host.name])
        return hosting, host

    def platform(self) -> Hosting:
        name, _, addresses = self.rng.choices(PLATFORMS, cum_weights=_PLATFORM_CUM)[0]
        return Hosting("platform", addresses, provider=name)

    def vps(self) -> Hosting:
        return Hosting("vps", (self.vps_address(),), provider="vps")

    def vps_address(self) -> str:
        return f"{self.rng.choice(VPS_RANGES)}.{self.rng.randrange(256)}.{self.rng.randint(1, 254)}"

    def vps_ns(self, registrar: Registrar) -> tuple[str, ...]:
        """A self-run site's name servers: the registrar's, the CDN's (DNS only), or a DNS provider's."""
        roll = self.rng.random()
        if roll < 0.45:
            return self.registrar_ns(registrar)
        if roll < 0.65:
            return tuple(f"{name}.ns.cloudflare.com" for name in self.rng.sample(CLOUDFLARE_NS, 2))
        if roll < 0.8:
            return tuple(
                f"ns-{self.rng.randrange(2048)}.awsdns-{self.rng.randrange(64):02d}.{tld}"
                for tld in ("com", "net", "org", "co.uk")
            )
        return DO_NS if roll < 0.9 else HETZNER_NS

    def parking(self) -> Parking:
        return self.rng.choices(PARKING, cum_weights=_PARKING_CUM)[0]

    def mail(self, domain: str, host: SharedHost | None = None) -> tuple[str, ...]:
        roll = self.rng.random()
        if host is not None and roll < 0.6:
            return host.mx or (f"mail.{domain}",)
        if roll < 0.35:
            return GOOGLE_MX
        if roll < 0.5:
            return (f"{domain.replace('.', '-')}.mail.protection.outlook.com",)
        if roll < 0.55:
            return ("mx.zoho.eu", "mx2.zoho.eu")
        return ()

    # Certificates
    def cert(self, names: Sequence[str], hosting: Hosting | None = None) -> Cert:
        """A site's own certificate: the CDN's edge certificate behind the CDN, mostly Let's Encrypt else."""
        rng = self.rng
        if hosting is not None and hosting.kind == "cdn":
            return Cert(fp.sha256(rng), fp.serial(rng), GTS, (names[0], f"*.{names[0]}", *names[1:]))
        roll = rng.random()
        issuer = rng.choice(LE) if roll < 0.86 else (SECTIGO if roll < 0.95 else DIGICERT)
        sans = tuple(names) if len(names) > 1 else (names[0], f"www.{names[0]}")
        return Cert(fp.sha256(rng), fp.serial(rng), issuer, sans)
