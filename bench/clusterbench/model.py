"""A site of the world as the generator describes it (hosting, registration, certificate, what each kind
of visitor sees), before ``records`` writes it as a probe evidence record."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cert:
    sha256: str
    serial: str
    issuer: str  # as the probe writes it: "C=US,O=Let's Encrypt,CN=R11"
    sans: tuple[str, ...]
    valid: bool = True  # False: a certificate that does not name the host (a shared host's default one)


@dataclass(frozen=True, slots=True)
class Page:
    analytics: tuple[str, ...]
    structure_hash: str
    text_hash: str
    favicon_hash: int | None
    title: str | None = None
    parked_signals: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Hop:
    url: str
    status: int | None
    address: str | None
    mechanism: str  # how this hop led on: http, meta-refresh, javascript; final or failed for the last


@dataclass(frozen=True, slots=True)
class View:
    """What one kind of visitor (social: from a social network; plain: a bare browser) was shown."""

    chain: tuple[Hop, ...]
    page: Page | None
    body_sha256: str | None


@dataclass(frozen=True, slots=True)
class Hosting:
    kind: str  # cdn, shared, platform, vps, parking, forwarding, operation
    a: tuple[str, ...]
    aaaa: tuple[str, ...] = ()
    provider: str = ""
    default_cert: Cert | None = None  # what the host serves for a name with no certificate of its own


@dataclass(slots=True)
class Site:
    domain: str
    verdict: str  # clone, redirector, parked, unrelated, no-website, defensive, cloaked, unregistered
    truth: str  # the generator's label: "op3:clone", "noise:parked:sedo", ...
    brand: str | None = None
    genuine: str | None = None
    registrar: str | None = None
    created: str | None = None  # ISO 8601
    hosting: Hosting | None = None  # None: no address (unregistered, or registered without a website)
    ns: tuple[str, ...] = ()  # the zone's name servers (registered domains have them even with no address)
    mx: tuple[str, ...] = ()
    cert: Cert | None = None
    social: View | None = None
    plain: View | None = None
    # The genuine outlet's IDs found on the page (a record with a brand is compared with its genuine site).
    shared_analytics: tuple[str, ...] | None = None
