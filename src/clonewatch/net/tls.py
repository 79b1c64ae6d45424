"""A TLS handshake with a host on a checked address, for reading the certificate it presents."""

from __future__ import annotations

import socket
import ssl

from clonewatch.net.policy import AddressPolicy


def tls_handshake(
    host: str, address: str, port: int, *, timeout: float, context: ssl.SSLContext, policy: AddressPolicy
) -> tuple[bytes | None, str | None]:
    """The DER certificate and TLS version ``host`` presents on ``address:port`` (SNI ``host``);
    FetchRefused when the policy forbids the address, OSError or ssl.SSLError when it fails."""
    policy.check(host, address)
    with socket.create_connection((address, port), timeout=timeout) as raw:
        raw.settimeout(timeout)
        with context.wrap_socket(raw, server_hostname=host) as tls:
            return tls.getpeercert(binary_form=True), tls.version()
