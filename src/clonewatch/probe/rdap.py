"""RDAP: who registered a domain, when, through which registrar, and where to report abuse.

The registry's RDAP server comes from IANA's DNS bootstrap file (bundled; ``clonewatch
update-data`` refreshes it), matched on the longest suffix. Fetching is a seam: ``RdapClient``
takes any ``fetch_json(url)``; :class:`JsonFetcher` is a small default that follows the probe's
safety rules. Failures (no server for the suffix, not found, bad JSON) are fields, not exceptions.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urljoin

import idna

from clonewatch.errors import ClonewatchError, DataError
from clonewatch.net import HttpClient, follow

if TYPE_CHECKING:
    from clonewatch.net import HttpSettings

BOOTSTRAP_URL = "https://data.iana.org/rdap/dns.json"
BOOTSTRAP_FILE = "rdap_dns.json"
MAX_BYTES = 1024 * 1024
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) clonewatch"
ACCEPT = "application/rdap+json, application/json;q=0.9"


def bundled_bootstrap() -> Path:
    """The bundled copy of IANA's RDAP DNS bootstrap file."""
    return Path(str(resources.files("clonewatch.probe").joinpath("data", BOOTSTRAP_FILE)))


@dataclass(frozen=True, slots=True)
class Bootstrap:
    """Suffix -> RDAP base URLs, as in RFC 9224's bootstrap registry."""

    servers: Mapping[str, tuple[str, ...]]
    publication: str | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> Bootstrap:
        """Read a bootstrap file (the bundled one by default); DataError when it is not one."""
        source = path or bundled_bootstrap()
        try:
            document = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise DataError(f"{source}: cannot read RDAP bootstrap: {exc}") from exc
        return cls.from_json(document, source=str(source))

    @classmethod
    def from_json(cls, document: Any, *, source: str = "RDAP bootstrap") -> Bootstrap:
        """Build from the parsed JSON; DataError when it has no usable services."""
        services = document.get("services") if isinstance(document, dict) else None
        servers: dict[str, tuple[str, ...]] = {}
        for service in services if isinstance(services, list) else ():
            if not (isinstance(service, list) and len(service) >= 2):
                continue
            suffixes, urls = service[0], service[1]
            if not (isinstance(suffixes, list) and isinstance(urls, list)):
                continue
            usable = tuple(
                url for url in urls if isinstance(url, str) and url.startswith(("https:", "http:"))
            )
            for suffix in suffixes:
                if isinstance(suffix, str) and usable:
                    servers[suffix.lower().strip(".")] = usable
        if not servers:
            raise DataError(f"{source}: no RDAP services in bootstrap file")
        publication = document.get("publication")
        return cls(servers, publication if isinstance(publication, str) else None)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str | Sequence[str]]) -> Bootstrap:
        """A bootstrap from ``{"test": "https://rdap.lab.test/rdap/"}`` (one URL or several)."""
        return cls({}).with_overrides(mapping)

    def with_overrides(self, mapping: Mapping[str, str | Sequence[str]]) -> Bootstrap:
        """This bootstrap with some suffixes pointed elsewhere (labs, private registries)."""
        servers = dict(self.servers)
        for suffix, urls in mapping.items():
            servers[suffix.lower().strip(".")] = (urls,) if isinstance(urls, str) else tuple(urls)
        return Bootstrap(servers, self.publication)

    def server_for(self, domain: str) -> str | None:
        """The base URL for ``domain``'s longest listed suffix (https preferred), or None."""
        name = ascii_name(domain)
        if name is None:
            return None
        labels = name.split(".")
        for start in range(len(labels)):
            urls = self.servers.get(".".join(labels[start:]))
            if urls:
                return next((url for url in urls if url.startswith("https:")), urls[0])
        return None

    def __len__(self) -> int:
        return len(self.servers)


def ascii_name(domain: str) -> str | None:
    """Lower-case ASCII (punycode) form of ``domain``, or None when it is not a valid name."""
    name = domain.strip().rstrip(".").lower()
    if name.isascii():
        return name or None
    try:
        return idna.encode(name, uts46=True).decode("ascii")
    except idna.IDNAError:
        return None


@dataclass(frozen=True, slots=True)
class RdapEvidence:
    """What the registry says of one domain; ``error`` says why the rest is empty."""

    domain: str
    rdap_url: str | None = None
    registrar: str | None = None
    registrar_iana_id: str | None = None
    abuse_email: str | None = None
    abuse_phone: str | None = None
    created: str | None = None
    updated: str | None = None
    expires: str | None = None
    status: tuple[str, ...] = ()
    nameservers: tuple[str, ...] = ()
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        record = asdict(self)
        record["status"] = list(self.status)
        record["nameservers"] = list(self.nameservers)
        return record


class RdapFetchError(ClonewatchError):
    """An RDAP server could not be asked, or answered with an HTTP error (``status``)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class RdapClient:
    """Looks domains up at their registry. ``fetch_json(url)`` returns the parsed JSON, raises
    RdapFetchError (with the HTTP status when there is one) or ValueError for a body that is not
    JSON."""

    bootstrap: Bootstrap
    fetch_json: Callable[[str], Any]

    def lookup(self, domain: str) -> RdapEvidence:
        name = ascii_name(domain) or domain
        server = self.bootstrap.server_for(name)
        if server is None:
            return RdapEvidence(name, error=f"no RDAP server for .{name.rsplit('.', 1)[-1]}")
        url = urljoin(server if server.endswith("/") else server + "/", "domain/" + quote(name))
        try:
            document = self.fetch_json(url)
        except RdapFetchError as exc:
            error = "not found" if exc.status == 404 else str(exc)
            return RdapEvidence(name, rdap_url=url, error=error)
        except ValueError as exc:
            return RdapEvidence(name, rdap_url=url, error=f"bad JSON: {exc}")
        except OSError as exc:
            return RdapEvidence(name, rdap_url=url, error=f"{type(exc).__name__}: {exc}")
        return parse_domain(name, url, document)


def parse_domain(domain: str, url: str, document: Any) -> RdapEvidence:
    """An RFC 9083 domain object -> evidence; an error field when it is not one."""
    if not isinstance(document, dict) or document.get("objectClassName") != "domain":
        return RdapEvidence(domain, rdap_url=url, error="bad JSON: not an RDAP domain object")
    events = {
        event.get("eventAction"): event.get("eventDate")
        for event in _dicts(document.get("events"))
        if isinstance(event.get("eventDate"), str)
    }
    entities = list(_dicts(document.get("entities")))
    registrar = next((entity for entity in entities if "registrar" in _strings(entity.get("roles"))), {})
    nested = list(_dicts(registrar.get("entities")))
    abuse = next((entity for entity in (*nested, *entities) if "abuse" in _strings(entity.get("roles"))), {})
    iana_ids = [
        public.get("identifier")
        for public in _dicts(registrar.get("publicIds"))
        if str(public.get("type", "")).lower() == "iana registrar id"
    ]
    nameservers = (
        str(ns.get("ldhName", "")).lower().rstrip(".") for ns in _dicts(document.get("nameservers"))
    )
    return RdapEvidence(
        domain,
        rdap_url=url,
        registrar=_vcard(registrar, "fn"),
        registrar_iana_id=str(iana_ids[0]) if iana_ids and iana_ids[0] is not None else None,
        abuse_email=_vcard(abuse, "email"),
        abuse_phone=_phone(_vcard(abuse, "tel")),
        created=_iso(events.get("registration")),
        updated=_iso(events.get("last changed")),
        expires=_iso(events.get("expiration")),
        status=tuple(_strings(document.get("status"))),
        nameservers=tuple(name for name in nameservers if name),
    )


def _dicts(value: Any) -> Iterable[dict[str, Any]]:
    return (item for item in value if isinstance(item, dict)) if isinstance(value, list) else ()


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _vcard(entity: Mapping[str, Any], prop: str) -> str | None:
    card = entity.get("vcardArray")
    if not (isinstance(card, list) and len(card) == 2 and isinstance(card[1], list)):
        return None
    for item in card[1]:
        if isinstance(item, list) and len(item) >= 4 and item[0] == prop and isinstance(item[3], str):
            return item[3].strip() or None
    return None


def _phone(value: str | None) -> str | None:
    return value[4:] if value and value.lower().startswith("tel:") else value


def _iso(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC).isoformat()


@dataclass(frozen=True, slots=True)
class JsonFetcher:
    """GETs JSON through the network layer: the host resolved and checked (private addresses
    refused unless allowed), redirects followed and re-checked, certificates verified, the body
    capped at ``max_bytes`` and the whole fetch at the client's budget."""

    client: HttpClient
    max_bytes: int = MAX_BYTES
    max_redirects: int = 3

    @classmethod
    def from_settings(
        cls, settings: HttpSettings, *, lookup: Callable[[str], list[str]] | None = None
    ) -> JsonFetcher:
        """A fetcher by the probe's rules (resolver, private-address rule, trusted CAs) with
        certificates verified, ``settings.timeout`` for the whole fetch and bodies capped."""
        rules = replace(
            settings,
            verify=True,
            decompress=False,
            budget=settings.timeout,
            max_body=MAX_BYTES,
            max_decompressed=MAX_BYTES,
        )
        return cls(HttpClient(rules, lookup))

    def __call__(self, url: str) -> Any:
        headers = {"Accept": ACCEPT, "User-Agent": USER_AGENT}
        chain = follow(self.client, url, headers=headers, max_redirects=self.max_redirects)
        response = chain.final
        if response is None:
            error = chain.error or "no answer"
            raise RdapFetchError(error if error.startswith("refused") else f"{chain.final_url}: {error}")
        if response.status != 200:
            raise RdapFetchError(f"{chain.final_url}: HTTP {response.status}", status=response.status)
        if response.cut == "deadline":
            raise RdapFetchError(f"{chain.final_url}: timed out")
        if response.truncated:
            raise RdapFetchError(f"answer larger than {self.max_bytes} bytes")
        return json.loads(response.body)


def rdap_client(settings: HttpSettings, overrides: Mapping[str, str] | None = None) -> RdapClient:
    """A client over the bundled bootstrap (``overrides``: suffix -> server URL) that fetches by
    the probe's rules: the same resolver, private-address rule, timeout and trusted CAs."""
    bootstrap = Bootstrap.load()
    if overrides:
        bootstrap = bootstrap.with_overrides(overrides)
    return RdapClient(bootstrap, JsonFetcher.from_settings(settings))
