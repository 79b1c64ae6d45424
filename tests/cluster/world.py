"""Hand-built probe evidence: two planted operations and the commons that must join nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def record(
    domain: str,
    verdict: str,
    *,
    brand: str | None = None,
    a: tuple[str, ...] = (),
    ns: tuple[str, ...] = (),
    registrar: str | None = None,
    created: str | None = None,
    chain: tuple[str, ...] = (),
    analytics: tuple[str, ...] = (),
    copied: tuple[str, ...] = (),
    cert: str | None = None,
    template: str | None = None,
) -> dict[str, Any]:
    first = {
        "url": f"http://{domain}/",
        "status": 302 if chain else 200,
        "mechanism": "http" if chain else "final",
    }
    hops = [first, *({"url": url, "status": 200, "mechanism": "javascript"} for url in chain)]
    page = {"analytics_ids": [*analytics, *copied], "structure_hash": template, "text_hash": None}
    visit = {"chain": hops, "final_url": hops[-1]["url"], "favicon_hash": None, "page": page}
    tls = {"sha256": cert, "issuer": "CN=R3,O=Let's Encrypt", "serial": None, "sans": [domain]}
    return {
        "domain": domain,
        "brand": brand,
        "genuine": None,
        "verdict": verdict,
        "probed_at": "2026-12-01T10:00:00+00:00",
        "dns": {"a": list(a), "aaaa": [], "ns": list(ns), "mx": []},
        "rdap": {"registrar": registrar, "created": created, "nameservers": list(ns)},
        "tls": tls if cert else None,
        "http": {"social": visit, "plain": visit},
        "comparison": {"shared_analytics": list(copied)},
        "genuine_site": None,
    }


def operation(tag: str, net: str, brands: list[str], *, day: str) -> list[dict[str, Any]]:
    """Clones of several brands, random-named redirectors behind one TDS, an original outlet."""
    ns = (f"ns1.{tag}-dns.net", f"ns2.{tag}-dns.net")
    shared: dict[str, Any] = {
        "ns": ns,
        "registrar": "BigReg Inc",
        "created": f"{day}T03:00:00+00:00",
        "template": f"{tag}-tpl",
    }
    records = []
    for number, brand in enumerate(brands):
        domain = f"{brand.lower()}-{tag}.ltd"
        copied = (f"ua-genuine-{brand.lower()}",)
        clone = record(domain, "clone", brand=brand, a=(f"{net}.{10 + number}",), copied=copied, **shared)
        records.append(clone)
        for hop in range(4):
            tds = f"http://tds-{tag}.top/k{hop}Fz9?cid={number}{hop}&s=t"
            address = (f"{net}.200",)
            records.append(
                record(
                    f"x{tag}{number}{hop}q.click",
                    "redirector",
                    a=address,
                    chain=(tds, f"http://{domain}/"),
                    **shared,
                )
            )
    own = (f"ua-{tag}-own",)
    records.append(record(f"{tag}-truth-news.com", "unrelated", a=(f"{net}.50",), analytics=own, **shared))
    return records


def noise(size: int = 150) -> list[dict[str, Any]]:
    """A CDN address, a parking provider, the big registrar on the operations' days, a copied ID."""
    records = []
    parking = ("ns1.parkit.example", "ns2.parkit.example")
    for number in range(size):
        day = f"2026-11-0{2 + number % 2}T05:00:00+00:00"
        own_ns = (f"ns{number}.hosting.example",)
        records.append(
            record(
                f"shop{number}.com",
                "unrelated",
                a=("203.0.113.80",),
                ns=own_ns,
                registrar="BigReg Inc",
                created=day,
            )
        )
        records.append(
            record(
                f"parked{number}.net",
                "parked",
                a=("198.51.100.9",),
                ns=parking,
                registrar="BigReg Inc",
                created=day,
            )
        )
    records.append(
        record(
            "spiegel-lonely.info",
            "clone",
            brand="Der Spiegel",
            a=("192.0.2.77",),
            copied=("ua-genuine-spiegel",),
        )
    )
    return records


def write_world(path: Path) -> dict[str, list[dict[str, Any]]]:
    first = operation("red", "10.1.1", ["Spiegel", "Bild", "Welt"], day="2026-11-02")
    second = operation("blue", "10.2.2", ["Bild", "Pravda", "Walla", "Spiegel"], day="2026-11-03")
    commons = noise()
    lines = [json.dumps(item) for item in (*first, *commons, *second)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"red": first, "blue": second, "noise": commons}
