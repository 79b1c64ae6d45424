"""RDAP lookups against the local web lab's RDAP server, the bundled IANA bootstrap, and parsing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from clonewatch.net import HttpSettings
from clonewatch.probe import ResolverSettings
from clonewatch.probe.rdap import Bootstrap, JsonFetcher, RdapClient, RdapEvidence, parse_domain
from clonewatch.testing.dns import LocalDns
from clonewatch.testing.sites import big_body, hang, page, rdap_record, rdap_server, redirect
from clonewatch.testing.web import LocalWeb
from tests.lanes import lane

ADDRESS = lane("127.0.2.3")
RDAP_HOST = "rdap.labnic.lol"  # LIVE_ZONES in tests/conftest.py points it at ADDRESS (Unbound blocks .test)


@pytest.fixture(scope="module")
def lab() -> Iterator[LocalWeb]:
    with LocalWeb(ADDRESS) as web:
        web.rdap(
            host=RDAP_HOST,
            records={
                "spiegel.test": rdap_record(
                    "spiegel.test",
                    registrar="Doppel Registrar LLC",
                    iana_id="1234",
                    abuse_email="abuse@doppel.test",
                    abuse_phone="+7.4951234567",
                    created="2024-06-03T10:00:00Z",
                    updated="2024-06-04T11:30:00.5+02:00",
                    expires="2025-06-03T10:00:00Z",
                    status=("client transfer prohibited", "server hold"),
                    nameservers=("NS1.HOSTER.TEST.", "ns2.hoster.test"),
                ),
                "xn--bcher-kva.test": rdap_record("xn--bcher-kva.test"),
            },
        )
        web.add("notjson.test", page("<html>an error page</html>"))
        web.add("entity.test", rdap_server({"spiegel.entity": {"objectClassName": "entity"}}))
        web.add("big.test", big_body(mb=2))
        web.add("hang.test", hang())
        web.add("moved.test", redirect(web.url(RDAP_HOST, "/rdap/domain/spiegel.test")))
        yield web


def client_for(lab: LocalWeb, *, timeout: float = 3, allow_private: bool = True) -> RdapClient:
    bootstrap = Bootstrap.load().with_overrides(
        {
            "test": lab.url(RDAP_HOST, "/rdap/"),
            "notjson": lab.url("notjson.test", "/rdap/"),
            "entity": lab.url("entity.test", "/rdap/"),
            "big": lab.url("big.test", "/"),
            "hang": lab.url("hang.test", "/"),
            "moved": lab.url("moved.test", "/"),
        }
    )
    settings = HttpSettings(allow_private=allow_private, timeout=timeout, ca_file=lab.ca_file)
    fetcher = JsonFetcher.from_settings(settings, lookup=lambda host: [ADDRESS])
    return RdapClient(bootstrap, fetcher)


def assert_spiegel(evidence: RdapEvidence) -> None:
    assert evidence.error is None
    assert evidence.registrar == "Doppel Registrar LLC" and evidence.registrar_iana_id == "1234"
    assert evidence.abuse_email == "abuse@doppel.test" and evidence.abuse_phone == "+7.4951234567"
    assert evidence.created == "2024-06-03T10:00:00+00:00"
    assert evidence.updated == "2024-06-04T09:30:00.500000+00:00"
    assert evidence.expires == "2025-06-03T10:00:00+00:00"
    assert evidence.status == ("client transfer prohibited", "server hold")
    assert evidence.nameservers == ("ns1.hoster.test", "ns2.hoster.test")


def test_a_lookup_through_the_local_dns_reads_every_field(lab: LocalWeb, local_dns: LocalDns) -> None:
    bootstrap = Bootstrap.from_mapping({"test": lab.url(RDAP_HOST, "/rdap/")})
    dns = ResolverSettings.parse(local_dns.resolver)
    settings = HttpSettings(allow_private=True, timeout=3, ca_file=lab.ca_file, dns=dns)
    fetcher = JsonFetcher.from_settings(settings)
    evidence = RdapClient(bootstrap, fetcher).lookup("Spiegel.TEST.")
    assert_spiegel(evidence)
    assert evidence.domain == "spiegel.test"
    assert evidence.rdap_url == lab.url(RDAP_HOST, "/rdap/domain/spiegel.test")
    assert json.loads(json.dumps(evidence.to_dict()))["nameservers"] == ["ns1.hoster.test", "ns2.hoster.test"]


def test_unicode_names_are_asked_for_in_punycode(lab: LocalWeb) -> None:
    evidence = client_for(lab).lookup("bücher.test")
    assert evidence.domain == "xn--bcher-kva.test" and evidence.error is None
    assert evidence.registrar == "Lab Registrar GmbH"


def test_redirects_are_followed(lab: LocalWeb) -> None:
    assert_spiegel(client_for(lab).lookup("spiegel.moved"))


def test_unknown_names_are_not_found(lab: LocalWeb) -> None:
    evidence = client_for(lab).lookup("welt.test")
    assert evidence.error == "not found" and evidence.registrar is None


def test_a_suffix_without_rdap_is_an_error(lab: LocalWeb) -> None:
    assert client_for(lab).lookup("spiegel.zzz-nothing").error == "no RDAP server for .zzz-nothing"


def test_answers_that_are_not_rdap_domains_are_bad_json(lab: LocalWeb) -> None:
    error = client_for(lab).lookup("spiegel.notjson").error
    assert error is not None and error.startswith("bad JSON")
    assert client_for(lab).lookup("spiegel.entity").error == "bad JSON: not an RDAP domain object"


def test_oversized_and_hanging_servers_are_cut_off(lab: LocalWeb) -> None:
    error = client_for(lab).lookup("spiegel.big").error
    assert error is not None and "larger than 1048576 bytes" in error
    started = time.monotonic()
    error = client_for(lab, timeout=0.5).lookup("spiegel.hang").error
    assert error is not None and "timed out" in error
    assert time.monotonic() - started < 2


def test_private_addresses_are_refused_unless_allowed(lab: LocalWeb) -> None:
    error = client_for(lab, allow_private=False).lookup("spiegel.test").error
    assert error == f"refused: {RDAP_HOST} resolves to {ADDRESS}"


def test_untrusted_certificates_are_errors(lab: LocalWeb) -> None:
    bootstrap = Bootstrap.from_mapping({"test": lab.url(RDAP_HOST, "/rdap/")})
    settings = HttpSettings(allow_private=True, timeout=3)
    fetcher = JsonFetcher.from_settings(settings, lookup=lambda host: [ADDRESS])
    error = RdapClient(bootstrap, fetcher).lookup("spiegel.test").error
    assert error is not None and "CERTIFICATE_VERIFY_FAILED" in error


def test_the_bundled_bootstrap_maps_real_suffixes() -> None:
    bootstrap = Bootstrap.load()
    assert bootstrap.publication is not None and bootstrap.publication >= "2026-"
    assert len(bootstrap) > 500
    assert bootstrap.server_for("spiegel.com") == "https://rdap.verisign.com/com/v1/"
    assert bootstrap.server_for("www.leparisien.ltd") is not None
    assert bootstrap.server_for("bild.zzz-nothing") is None


def test_the_longest_suffix_wins_and_https_is_preferred() -> None:
    bootstrap = Bootstrap.from_mapping(
        {"test": "https://a.test/", "co.test": ["http://b.test/", "https://b.test/"], "uk": "http://c.uk/"}
    )
    assert bootstrap.server_for("walla.test") == "https://a.test/"
    assert bootstrap.server_for("walla.co.test") == "https://b.test/"
    assert bootstrap.server_for("walla.com.test") == "https://a.test/"
    assert bootstrap.server_for("bbc.co.uk") == "http://c.uk/"
    assert bootstrap.server_for("bbc.fr") is None
    assert Bootstrap.load().with_overrides({"com": "https://lab/"}).server_for("x.com") == "https://lab/"


def test_parsing_tolerates_registry_variations() -> None:
    document = {
        "objectClassName": "domain",
        "events": [{"eventAction": "registration", "eventDate": "not a date"}, {"eventAction": "expiration"}],
        "entities": [
            {"roles": ["registrar"], "vcardArray": ["vcard", [["fn", {}, "text", "Reg"]]], "publicIds": []},
            {"roles": ["abuse"], "vcardArray": ["vcard", [["tel", {}, "text", "+1.5550100"]]]},
            "junk",
        ],
        "nameservers": [{"ldhName": "NS.X.TEST"}, {"handle": "no name"}],
        "status": ["active", 7],
    }
    evidence = parse_domain("x.test", "https://r/domain/x.test", document)
    assert evidence.registrar == "Reg" and evidence.registrar_iana_id is None
    assert evidence.abuse_phone == "+1.5550100" and evidence.abuse_email is None
    assert evidence.created == "not a date" and evidence.expires is None
    assert evidence.nameservers == ("ns.x.test",) and evidence.status == ("active",)
    assert parse_domain("x.test", "u", []).error == "bad JSON: not an RDAP domain object"
