"""The one place clonewatch talks to the outside world: address policy, resolution through the
configured resolver, connections to checked addresses only, TLS, caps on time and size, and one
redirect follower. Every stage that fetches (probe, RDAP, social, watch feeds and alerts,
``update-data``) goes through here."""

from clonewatch.errors import FetchFailed, FetchRefused
from clonewatch.net.client import HttpClient, HttpSettings, Response, describe, parse_web_url
from clonewatch.net.policy import AddressPolicy, embedded_ipv4, is_forbidden, is_metadata
from clonewatch.net.proxy import Proxy, ProxyFailed, parse_proxy
from clonewatch.net.redirects import REDIRECT_STATUSES, Chain, Hop, follow, join_location
from clonewatch.net.resolve import HostResolver, ResolverSettings, stub_resolver
from clonewatch.net.tls import tls_handshake

__all__ = [
    "REDIRECT_STATUSES",
    "AddressPolicy",
    "Chain",
    "FetchFailed",
    "FetchRefused",
    "Hop",
    "HostResolver",
    "HttpClient",
    "HttpSettings",
    "Proxy",
    "ProxyFailed",
    "ResolverSettings",
    "Response",
    "describe",
    "embedded_ipv4",
    "follow",
    "is_forbidden",
    "is_metadata",
    "join_location",
    "parse_proxy",
    "parse_web_url",
    "stub_resolver",
    "tls_handshake",
]
