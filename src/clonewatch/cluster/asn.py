"""An offline IP-to-ASN table in pyasn's ``ipasn`` format (``PREFIX/LEN<TAB>ASN`` per line, ``;``
comments; made by pyasn's ``pyasn_util_convert.py`` from a RouteViews or RIPE RIS dump), looked up
by longest prefix. Nothing is downloaded: the user brings the file."""

from __future__ import annotations

import gzip
import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from clonewatch.errors import InputError


@dataclass(slots=True)
class AsnTable:
    """Prefixes by version and length: ``{(4, 24): {network >> 8: asn}}``."""

    _prefixes: dict[tuple[int, int], dict[int, int]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> AsnTable:
        """InputError naming the file and line for anything that is not a prefix and an ASN."""
        table = cls()
        opener = gzip.open if path.suffix == ".gz" else open
        try:
            with opener(path, "rt", encoding="utf-8") as handle:
                for number, line in enumerate(handle, start=1):
                    text = line.strip()
                    if not text or text.startswith(";"):
                        continue
                    table._add(text, f"{path}:{number}")
        except (OSError, UnicodeDecodeError, EOFError) as exc:
            raise InputError(f"{path}: cannot read the ASN table ({exc})") from None
        if not table._prefixes:
            raise InputError(f"{path}: no prefixes in the ASN table")
        return table

    def _add(self, text: str, where: str) -> None:
        parts = text.split()
        try:
            network = ipaddress.ip_network(parts[0], strict=False)
            number = int(parts[1])
        except (ValueError, IndexError):
            raise InputError(f"{where}: expected PREFIX/LEN and an ASN, got {text[:80]!r}") from None
        bits = network.max_prefixlen - network.prefixlen
        self._prefixes.setdefault((network.version, network.prefixlen), {})[
            int(network.network_address) >> bits
        ] = number

    def __call__(self, address: str) -> int | None:
        """The ASN announcing the longest prefix that holds ``address``, or None."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return None
        value = int(ip)
        for length in range(ip.max_prefixlen, -1, -1):
            found = self._prefixes.get((ip.version, length))
            if found is not None:
                number = found.get(value >> (ip.max_prefixlen - length))
                if number is not None:
                    return number
        return None
