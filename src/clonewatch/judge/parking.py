"""Evidence that a name is parked or for sale: the name servers of parking services and domain
marketplaces, and what their pages carry (provider scripts, for-sale wording, ad-feed search links).

Source of the name servers: the parking-service definitions published with Zirngibl, Deusch,
Sattler, Aulbach, Carle and Jonker, "Domain Parking: Largely Present, Rarely Considered!", Network
Traffic Measurement and Analysis Conference (TMA) 2022 (``parking_services.json`` of
github.com/parkingtma/parkingtma.github.io, commit f0710cf2). Only services of type "parking" and
"marketplace" whose name servers serve nothing else are listed; services of type "mixed" or
"placeholder" (a registrar's default DNS, which live sites use too) and address-only definitions
are left out. Each entry is (service, name-server domain, required host prefix).
"""

from __future__ import annotations

from collections.abc import Iterable

PARKING_NAME_SERVERS: tuple[tuple[str, str, str], ...] = (
    ("ParkingCrew", "parkingcrew.net", "ns"),
    ("ParkingCrew", "fastpark.net", "ns"),
    ("ParkingCrew", "parkingspa.com", "ns"),
    ("ParkingCrew", "ibspark.com", "ns"),
    ("dan.com", "dan.com", "ns"),
    ("dan.com", "undeveloped.com", "ns"),
    ("dan.com", "park.do", "ns"),
    ("dan.com", "dan.hosting", "verification-"),
    ("Fabulous / Directnic", "fabulous.com", "expired-domain-ns"),
    ("Fabulous / Directnic", "directnic.com", "expired-domain-ns"),
    ("GoDaddy CashParking", "cashparking.com", "ns"),
    ("GoDaddy CashParking", "smartname.com", "ns"),
    ("GoDaddy CashParking", "namefind.com", "ns"),
    ("Sedo", "sedoparking.com", ""),
    ("Uniregistry", "uniregistrymarket.link", "ns"),
    ("BODIS", "bodis.com", "ns"),
    ("Above", "above.com", ""),
    ("DomainSponsor / Rook Media", "dsredirection.com", "ns"),
    ("DomainSponsor / Rook Media", "dsredirects.com", "ns"),
    ("DomainSponsor / Rook Media", "rookdns.com", "ns"),
    ("DomainSponsor / Rook Media", "dnsspark.com", "ns"),
    ("The Parking Place", "pql.net", "ns"),
    ("The Parking Place", "tppns.com", "ns"),
    ("Skenzo", "ztomy.com", ""),
    ("Skenzo", "cnomy.com", ""),
    ("Skenzo", "malkm.com", "dns"),
    ("Skenzo", "parking-page.net", "dns"),
    ("Skenzo", "searchreinvented.com", ""),
    ("Skenzo", "nsresolution.com", "ns"),
    ("Internet Vikings", "internetvikings.com", "parkdns"),
    ("ParkLogic", "parklogic.com", "ns"),
    ("SNPARKING", "snparking.ru", "ns"),
    ("SNPARKING", "salenames.ru", "ns"),
    ("Afternic", "afternic.com", "ns"),
    ("TrafficMotor", "mytrafficmanagement.com", "ns"),
    ("TrafficMotor", "securetrafficrouting.com", "ns"),
    ("TrafficMotor", "trafficcontrolrouter.com", "ns"),
    ("TrafficMotor", "searchfusion.com", "ns"),
    ("Voodoo", "voodoo.com", "ns"),
    ("traffic.club", "sslparking.com", ""),
    ("traffic.club", "ndsplitter.com", "ns"),
    ("DomainMarket", "domain-is-4-sale-at-domainmarket.com", "ns"),
    ("DomainMarket", "domainmarket.com", "ns"),
    ("Tucows", "renewyourname.net", "ns"),
    ("Squadhelp", "squadhelp.com", "ns"),
    ("Domainist", "domainist.com", "ns"),
    ("Domain Brokers Sweden", "domain-for-sale.se", "ns"),
    ("domain recover", "domainrecover.com", "ns"),
    ("nameprovider.net", "nameprovider.net", "ns"),
    ("DomainProfi", "domainprofi.de", "ns"),
    ("BrandBucket", "brandbucket.com", "ns"),
    ("efty", "eftydns.com", "ns"),
    ("domainname.de", "redirectdom.com", "ns"),
    ("DomainPower", "dnslink.com", "ns"),
    ("Alter", "alter.com", "ns"),
    ("DomainParking.ru", "domainparking.ru", "ns"),
    ("Regtons", "parktons.com", "ns"),
    ("PerfectDomain", "perfectdomain.com", "ns"),
    ("TRUSTEDNAMES", "trustednam.es", "ns"),
    ("DomainOrder", "domainorderdns.nl", "ns"),
)


def parking_service(name_servers: Iterable[str]) -> str | None:
    """The parking service or marketplace whose name servers these are, if any."""
    for server in name_servers:
        host = server.strip().rstrip(".").lower()
        for service, domain, prefix in PARKING_NAME_SERVERS:
            if host.endswith("." + domain) and host.startswith(prefix):
                return f"{service} ({host})"
    return None


def parking_evidence(signals: Iterable[str]) -> list[str]:
    """The page's signals that are evidence of parking: a provider, a marketplace, for-sale wording
    or ad-feed links; weak ones ("coming soon", "related searches") count only beside another."""
    found = list(signals)
    strong = [s for s in found if s.startswith(("provider:", "sale:", "text:", "feed:"))]
    return [*strong, *(s for s in found if s.startswith("weak:"))] if strong else []
