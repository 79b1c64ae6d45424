"""Random values in the shapes the probe records them: page and body hashes, favicon hashes, certificate
serials and fingerprints, analytics and ad account IDs (prefixed by system, as the page parser does)."""

from __future__ import annotations

import random
import string

_ID_CHARS = string.ascii_uppercase + string.digits


def hex_token(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(4 * digits):0{digits}x}"


def text_hash(rng: random.Random) -> str:
    """A TLSH digest as the page parser writes it ('T1' and 70 upper-case hex digits)."""
    return "T1" + hex_token(rng, 70).upper()


def structure_hash(rng: random.Random) -> str:
    return hex_token(rng, 16)


def sha256(rng: random.Random) -> str:
    return hex_token(rng, 64)


def favicon_hash(rng: random.Random) -> int:
    """A Shodan-style favicon hash: a signed 32-bit MurmurHash3."""
    return rng.randint(-(2**31), 2**31 - 1)


def serial(rng: random.Random) -> str:
    return hex_token(rng, 36)


def _id(rng: random.Random, length: int) -> str:
    while True:
        value = "".join(rng.choice(_ID_CHARS) for _ in range(length))
        if any(c.isdigit() for c in value):
            return value


def ga4(rng: random.Random) -> str:
    return f"ga4:G-{_id(rng, 10)}"


def gtm(rng: random.Random) -> str:
    return f"gtm:GTM-{_id(rng, 7)}"


def universal(rng: random.Random) -> str:
    return f"ga:UA-{rng.randint(1_000_000, 250_000_000)}-{rng.randint(1, 3)}"


def yandex(rng: random.Random) -> str:
    return f"ym:{rng.randint(10_000_000, 99_999_999)}"


def pixel(rng: random.Random) -> str:
    return f"fb:{rng.randint(10**14, 10**16 - 1)}"


def adsense(rng: random.Random) -> str:
    return f"adsense:ca-pub-{rng.randint(10**15, 10**16 - 1)}"


def site_analytics(rng: random.Random) -> list[str]:
    """The IDs an ordinary site's own owner put on it: none, or one to three of the usual systems."""
    ids: list[str] = []
    if rng.random() < 0.55:
        ids.append(ga4(rng))
    if rng.random() < 0.15:
        ids.append(universal(rng))
    if rng.random() < 0.2:
        ids.append(gtm(rng))
    if rng.random() < 0.12:
        ids.append(pixel(rng))
    if rng.random() < 0.05:
        ids.append(yandex(rng))
    if rng.random() < 0.06:
        ids.append(adsense(rng))
    return ids
