"""The local DNS: names served as zones of their own answer NS, A and MX as a registry's would."""

from __future__ import annotations

from pathlib import Path

from clonewatch.net import ResolverSettings
from clonewatch.probe import DnsStatus, check_names
from clonewatch.probe.records import dns_evidence
from clonewatch.testing.dns import LocalDns
from clonewatch.testing.dns import TestZones as Zones


def test_names_with_their_own_name_servers(tmp_path: Path) -> None:
    zones = Zones(
        records=[
            ("spiegel.ltd", "A", "127.0.5.10"),
            ("spiegel.ltd", "MX", "10 mx.redhost.net."),
            ("www.spiegel.ltd", "A", "127.0.5.11"),
            ("plain.lol", "A", "127.0.9.1"),
        ],
        name_servers={"spiegel.ltd": ("ns1.redhost.net", "ns2.redhost.net")},
    )
    assert zones.zone_of("www.spiegel.ltd") == "spiegel.ltd" and zones.zone_of("plain.lol") is None
    with LocalDns(zones, tmp_path) as server:
        host, port = server.resolver.split(":")
        settings = ResolverSettings(nameserver=host, port=int(port))
        found = []
        check_names(["spiegel.ltd", "www.spiegel.ltd", "plain.lol", "absent.lol"], settings, found.append)
        evidence = dns_evidence("spiegel.ltd", settings)
    own, www, plain, absent = found
    assert set(own.ns) == {"ns1.redhost.net.", "ns2.redhost.net."} and own.mx == ("10 mx.redhost.net.",)
    assert own.a == ("127.0.5.10",) and www.a == ("127.0.5.11",) and www.ns == ()
    assert plain.status is DnsStatus.REGISTERED and plain.ns == ()
    assert absent.status is DnsStatus.UNREGISTERED
    assert evidence.records["NS"] == ("ns1.redhost.net", "ns2.redhost.net")
