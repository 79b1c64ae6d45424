"""`clonewatch probe`: collect the evidence on suspect domains and give each a verdict."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from clonewatch.cli.common import EXIT_CODES_HELP, BrandsOption, FormatOption, load_brands
from clonewatch.cli.output import OutputFormat, RecordWriter, choose_format
from clonewatch.errors import InputError
from clonewatch.names import DomainName, default_psl, parse_host

PROBE_COLUMNS = ("domain", "verdict", "confidence", "brand", "genuine", "final_url", "facts", "error")


def probe_command(
    domains: Annotated[
        list[str],
        typer.Argument(
            help="Domains or URLs to probe; '-' reads names or `match --format jsonl` lines from stdin."
        ),
    ],
    brands: BrandsOption = None,
    resolver: Annotated[
        str | None, typer.Option(help="DNS server for every lookup, the browser's too: HOST:PORT.")
    ] = None,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private", help="Let fetches reach private and loopback addresses (labs, tests)."
        ),
    ] = False,
    ca_file: Annotated[
        Path | None, typer.Option(help="Also trust this CA bundle when judging certificates (labs, tests).")
    ] = None,
    screenshots: Annotated[
        Path | None, typer.Option(help="Run headless Chromium and save each page's PNG in this directory.")
    ] = None,
    browser: Annotated[
        bool,
        typer.Option(
            "--browser", help="Run headless Chromium (JavaScript hops, rendering) without saving PNGs."
        ),
    ] = False,
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="Domains probed at once.")] = 8,
    timeout: Annotated[float, typer.Option(min=0.1, help="Connect and read timeout, seconds.")] = 5.0,
    budget: Annotated[float, typer.Option(min=1.0, help="Total time per domain for HTTP, seconds.")] = 20.0,
    max_body: Annotated[int, typer.Option(min=1, help="Largest body read, MB.")] = 5,
    max_decompressed: Annotated[int, typer.Option(min=1, help="Largest decompressed body, MB.")] = 20,
    max_redirects: Annotated[int, typer.Option(min=0, max=50, help="Most redirect hops followed.")] = 10,
    rdap: Annotated[bool, typer.Option("--rdap/--no-rdap", help="Look up registration data (RDAP).")] = True,
    rdap_server: Annotated[
        list[str] | None, typer.Option(help="SUFFIX=URL: ask this RDAP server for that suffix (repeatable).")
    ] = None,
    output_format: FormatOption = None,
) -> None:
    """Collect DNS, RDAP, TLS, the HTTP redirect chain (as a plain client and as a browser from X),
    page fingerprints and optionally a screenshot, compare with the genuine site, and decide:
    unregistered, no-website, parked, defensive, redirector, cloaked, unrelated or clone."""
    from clonewatch.net import HttpSettings, ResolverSettings
    from clonewatch.pipeline import Pipeline
    from clonewatch.probe.collect import ProbeSettings

    names = list(_names(domains))
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
    settings = ProbeSettings(http=http, resolver=dns, concurrency=concurrency, screenshots=screenshots)
    pipeline = Pipeline(
        settings,
        load_brands(brands),
        rdap=rdap,
        rdap_servers=_rdap_servers(rdap_server),
        browser=screenshots is not None or browser,
    )
    writer = RecordWriter(choose_format(output_format, sys.stdout), PROBE_COLUMNS, title="probes")
    verdicts: Counter[str] = Counter()
    with pipeline:
        for done, probed in enumerate(pipeline.run(names), start=1):
            record = probed.to_dict()
            verdicts[record["verdict"] or "error"] += 1
            writer.write(record if writer.fmt is OutputFormat.JSONL else _row(record))
            if sys.stderr.isatty():
                progress = f"\rclonewatch: probed {done:,}/{len(names):,}"
                print(progress, end="", file=sys.stderr, flush=True)
    writer.close()
    summary = ", ".join(f"{count} {verdict}" for verdict, count in verdicts.most_common())
    print(f"\rclonewatch: probed {len(names):,} domains: {summary or 'none'}", file=sys.stderr)


probe_command.__doc__ = f"{probe_command.__doc__}\n\n{EXIT_CODES_HELP}"


def _names(arguments: list[str]) -> Iterator[str]:
    """The registrable or full host names to probe, in order, each once."""
    seen: set[str] = set()
    for argument in arguments:
        lines = sys.stdin if argument == "-" else [argument]
        for number, line in enumerate(lines, start=1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            where = f"stdin line {number}" if argument == "-" else repr(argument)
            if text.startswith("{"):
                try:
                    text = str(json.loads(text)["domain"])
                except (ValueError, KeyError, TypeError):
                    raise InputError(f"{where}: a JSON line without a domain field") from None
            name = parse_host(text, default_psl())
            if not isinstance(name, DomainName):
                raise InputError(f"{where}: not a domain name ({name.reason})")
            if name.ascii not in seen:
                seen.add(name.ascii)
                yield name.ascii


def _rdap_servers(servers: list[str] | None) -> dict[str, str]:
    """SUFFIX=URL pairs from --rdap-server; InputError for a malformed one."""
    overrides: dict[str, str] = {}
    for item in servers or []:
        suffix, sep, url = item.partition("=")
        if not sep or not suffix or not url.startswith(("http://", "https://")):
            raise InputError(f"bad --rdap-server {item!r}: expected SUFFIX=https://server/rdap/")
        overrides[suffix.strip(".").lower()] = url
    return overrides


def _row(record: dict[str, Any]) -> dict[str, Any]:
    social = (record.get("http") or {}).get("social") or {}
    return {**record, "final_url": social.get("final_url"), "facts": "; ".join(record["facts"])}
