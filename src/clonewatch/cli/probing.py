"""The options of the commands that probe (``probe``, ``cluster --expand``), declared once, and the
pipeline made from them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from clonewatch.errors import InputError

if TYPE_CHECKING:
    from clonewatch.pipeline import PipelineConfig

ResolverOption = Annotated[
    str | None,
    typer.Option(help="DNS server for every lookup, the browser's too: HOST:PORT (default: the system's)."),
]
AllowPrivateOption = Annotated[
    bool,
    typer.Option("--allow-private", help="Let fetches reach private and loopback addresses (labs, tests)."),
]
CaFileOption = Annotated[
    Path | None,
    typer.Option(help="Trust this CA bundle, not the system's, when judging certificates (labs, tests)."),
]
BrowserOption = Annotated[
    bool,
    typer.Option("--browser", help="Run headless Chromium (JavaScript hops, rendering) without saving PNGs."),
]
BrowserPagesOption = Annotated[
    int,
    typer.Option(
        min=1,
        max=32,
        help="Pages the browser visits at once, each in a Chromium of its own (about 130 MB each).",
    ),
]
BrowserMemoryOption = Annotated[
    int,
    typer.Option(
        min=256,
        help="Memory cap of each Chromium process, MB: a page needing more ends its visit with an error.",
    ),
]
VantageOption = Annotated[
    list[str] | None,
    typer.Option(
        "--vantage",
        help="NAME=PROXY_URL: also visit every site through this proxy (http://, socks5:// resolving "
        "names here, socks5h:// resolving them at the proxy; repeatable): the plain client, the "
        "visitor from X and, with --browser or --screenshots, Chromium (each of its requests goes "
        "through the proxy). DNS, RDAP and TLS stay direct. The direct connection is always a "
        "vantage, 'direct'.",
    ),
]
RdapServerOption = Annotated[
    list[str] | None, typer.Option(help="SUFFIX=URL: ask this RDAP server for that suffix (repeatable).")
]


def rdap_servers(servers: list[str] | None) -> dict[str, str]:
    """SUFFIX=URL pairs from --rdap-server; InputError for a malformed one."""
    overrides: dict[str, str] = {}
    for item in servers or []:
        suffix, sep, url = item.partition("=")
        if not sep or not suffix or not url.startswith(("http://", "https://")):
            raise InputError(f"bad --rdap-server {item!r}: expected SUFFIX=https://server/rdap/")
        overrides[suffix.strip(".").lower()] = url
    return overrides


def pipeline_config(
    *,
    resolver: str | None,
    allow_private: bool,
    ca_file: Path | None,
    rdap_server: list[str] | None,
    rdap: bool = True,
    browser: bool = False,
    browser_pages: int = 4,
    browser_memory: int = 1024,
    screenshots: Path | None = None,
    blobs: str | None = None,
    concurrency: int = 8,
    timeout: float = 5.0,
    budget: float = 20.0,
    max_body: int = 5,
    max_decompressed: int = 20,
    max_redirects: int = 10,
    vantages: list[str] | None = None,
) -> PipelineConfig:
    """The match -> probe -> judge pipeline the options describe (sizes in MB, times in seconds; the
    browser runs when asked for or when screenshots are kept), as settings a Dask worker can rebuild."""
    from clonewatch.net import HttpSettings, ResolverSettings
    from clonewatch.pipeline import PipelineConfig
    from clonewatch.probe.browser import BrowserSettings
    from clonewatch.probe.collect import ProbeSettings
    from clonewatch.probe.vantage import parse_vantage, unique
    from clonewatch.store import open_blobs

    dns = ResolverSettings.parse(resolver, timeout=timeout) if resolver else None
    http = HttpSettings(
        allow_private=allow_private,
        timeout=timeout,
        budget=budget,
        max_body=max_body << 20,
        max_decompressed=max_decompressed << 20,
        max_redirects=max_redirects,
        ca_file=str(ca_file) if ca_file else None,
        dns=dns,
    )
    if screenshots is not None:
        screenshots.mkdir(parents=True, exist_ok=True)
    settings = ProbeSettings(
        http=http,
        resolver=dns,
        concurrency=concurrency,
        screenshots=screenshots,
        keep=open_blobs(blobs).put if blobs is not None else None,
        vantages=unique(parse_vantage(item) for item in vantages or ()),
    )
    return PipelineConfig(
        settings,
        rdap=rdap,
        rdap_servers=rdap_servers(rdap_server),
        browser=screenshots is not None or browser,
        browser_settings=BrowserSettings(pages=browser_pages, max_memory=browser_memory << 20),
    )
