"""Vantage points: places a site is visited from besides the direct connection, each a proxy.

A traffic-distribution system shows the fabricated article only to visitors from the targeted
country; each vantage visits as a plain client and as a browser arriving from X, and its visits
are kept in the evidence under ``NAME:plain`` and ``NAME:social`` beside the direct ones
(``plain``, ``social``). The direct connection is the default vantage, named ``direct``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from clonewatch.errors import FetchRefused, InputError
from clonewatch.net import HttpClient, Proxy, parse_proxy

DIRECT = "direct"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")


@dataclass(frozen=True, slots=True)
class Vantage:
    """A named place to visit from, through ``proxy``."""

    name: str
    proxy: Proxy

    def key(self, visitor: str) -> str:
        """Where this vantage's visit as ``visitor`` is kept in the evidence's ``http``."""
        return f"{self.name}:{visitor}"

    def describe(self) -> dict[str, Any]:
        """The vantage in the evidence record: its proxy (no credentials) and who checked what."""
        if self.proxy.resolves_names:
            checked = (
                "the proxy's address here, by the address policy; each hop's name resolved here too and "
                "refused if any answer is forbidden; the proxy resolves the name again on its side"
            )
        else:
            checked = "the proxy's address and each hop's address resolved and checked here"
        return {
            "proxy": self.proxy.display(),
            "resolved_by": "proxy" if self.proxy.resolves_names else "client",
            "checked": checked,
        }


def parse_vantage(text: str) -> Vantage:
    """``NAME=PROXY_URL`` from ``--vantage``; InputError when malformed."""
    name, sep, url = text.partition("=")
    name = name.strip()
    if not sep or not url.strip():
        raise InputError(f"bad --vantage {text[:80]!r}: expected NAME=PROXY_URL (http:// or socks5://)")
    return vantage(name, url)


def vantage_name(name: str) -> str:
    """``name`` when it can name a vantage (a proxy's, or a Dask worker's place); else InputError."""
    if not _NAME.fullmatch(name) or name == DIRECT:
        raise InputError(
            f"bad vantage name {name[:40]!r}: letters, digits, '.', '_' and '-', at most 32, not {DIRECT!r}"
        )
    return name


def vantage(name: str, url: str) -> Vantage:
    """A vantage from its name and proxy URL; InputError when either is unusable."""
    vantage_name(name)
    try:
        proxy = parse_proxy(url)
    except InputError as exc:
        raise InputError(f"vantage {name}: {exc}") from None
    return Vantage(name, proxy)


def unique(vantages: Iterable[Vantage]) -> tuple[Vantage, ...]:
    """The vantages in order; InputError when a name is given twice."""
    seen: dict[str, Vantage] = {}
    for item in vantages:
        if item.name in seen:
            raise InputError(f"vantage {item.name} is given twice")
        seen[item.name] = item
    return tuple(seen.values())


def check_proxies(vantages: Iterable[Vantage], client: HttpClient) -> None:
    """Refuse (InputError) a vantage whose proxy the address policy forbids, before anything is
    probed; a proxy name that does not resolve now is left to fail visit by visit."""
    import dns.exception

    for item in vantages:
        try:
            client.via(item.proxy).proxy_address()
        except FetchRefused as exc:
            hint = "" if client.settings.allow_private else " (--allow-private allows private addresses)"
            raise InputError(f"vantage {item.name}: proxy refused: {exc}{hint}") from None
        except (OSError, dns.exception.DNSException):
            continue
