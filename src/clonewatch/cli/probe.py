"""`clonewatch probe`: collect the evidence on suspect domains and give each a verdict."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from clonewatch.cli.common import BrandsOption, FormatOption, SchedulerOption, load_brands, with_exit_codes
from clonewatch.cli.output import OutputFormat, RecordWriter, choose_format
from clonewatch.cli.probing import (
    AllowPrivateOption,
    BrowserMemoryOption,
    BrowserOption,
    BrowserPagesOption,
    CaFileOption,
    RdapServerOption,
    ResolverOption,
    VantageOption,
    pipeline_config,
)
from clonewatch.errors import InputError
from clonewatch.names import DomainName, default_psl, parse_host

if TYPE_CHECKING:
    from clonewatch.brands import Brand
    from clonewatch.pipeline import PipelineConfig

PROBE_COLUMNS = ("domain", "verdict", "confidence", "brand", "genuine", "final_url", "facts", "error")


def probe_command(
    domains: Annotated[
        list[str],
        typer.Argument(
            help="Domains or URLs to probe; '-' reads names or `match --format jsonl` lines from stdin."
        ),
    ],
    brands: BrandsOption = None,
    resolver: ResolverOption = None,
    allow_private: AllowPrivateOption = False,
    ca_file: CaFileOption = None,
    screenshots: Annotated[
        Path | None, typer.Option(help="Run headless Chromium and save each page's PNG in this directory.")
    ] = None,
    blobs: Annotated[
        str | None,
        typer.Option(
            help="Keep page bodies and screenshots here, named by SHA-256 (the records carry the hashes): "
            "a directory, or object storage through fsspec (s3://bucket/prefix; endpoint and keys from "
            "AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). With --scheduler, every "
            "worker writes there: a shared directory or the bucket."
        ),
    ] = None,
    browser: BrowserOption = False,
    browser_pages: BrowserPagesOption = 4,
    browser_memory: BrowserMemoryOption = 1024,
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="Domains probed at once.")] = 8,
    timeout: Annotated[float, typer.Option(min=0.1, help="Connect and read timeout, seconds.")] = 5.0,
    budget: Annotated[float, typer.Option(min=1.0, help="Total time per domain for HTTP, seconds.")] = 20.0,
    max_body: Annotated[int, typer.Option(min=1, help="Largest body read, MB.")] = 5,
    max_decompressed: Annotated[int, typer.Option(min=1, help="Largest decompressed body, MB.")] = 20,
    max_redirects: Annotated[int, typer.Option(min=0, max=50, help="Most redirect hops followed.")] = 10,
    rdap: Annotated[bool, typer.Option("--rdap/--no-rdap", help="Look up registration data (RDAP).")] = True,
    rdap_server: RdapServerOption = None,
    vantage: VantageOption = None,
    output_format: FormatOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Collect DNS, RDAP, TLS, the HTTP redirect chain (as a plain client and as a browser from X),
    page fingerprints and optionally Chromium's rendering and screenshot, directly and from each
    --vantage (DNS, RDAP and TLS directly only), compare with the genuine site, and decide:
    unregistered, no-website, parked, defensive, redirector, cloaked, unrelated or clone."""
    names = list(_names(domains))
    config = pipeline_config(
        resolver=resolver,
        allow_private=allow_private,
        ca_file=ca_file,
        rdap_server=rdap_server,
        rdap=rdap,
        browser=browser,
        browser_pages=browser_pages,
        browser_memory=browser_memory,
        screenshots=screenshots,
        blobs=blobs,
        concurrency=concurrency,
        timeout=timeout,
        budget=budget,
        max_body=max_body,
        max_decompressed=max_decompressed,
        max_redirects=max_redirects,
        vantages=vantage,
    )
    writer = RecordWriter(choose_format(output_format, sys.stdout), PROBE_COLUMNS, title="probes")
    verdicts: Counter[str] = Counter()
    with ExitStack() as stack:
        records = _records(stack, scheduler, names, config, load_brands(brands))
        for done, record in enumerate(records, start=1):
            verdicts[record["verdict"] or "error"] += 1
            writer.write(record if writer.fmt is OutputFormat.JSONL else _row(record))
            if sys.stderr.isatty():
                progress = f"\rclonewatch: probed {done:,}/{len(names):,}"
                print(progress, end="", file=sys.stderr, flush=True)
    writer.close()
    summary = ", ".join(f"{count} {verdict}" for verdict, count in verdicts.most_common())
    print(f"\rclonewatch: probed {len(names):,} domains: {summary or 'none'}", file=sys.stderr)


with_exit_codes(probe_command)


def _records(
    stack: ExitStack, scheduler: str | None, names: list[str], config: PipelineConfig, brands: list[Brand]
) -> Iterator[dict[str, Any]]:
    """The evidence records of ``names``, probed here or, with ``scheduler``, on the Dask cluster
    (each local worker with ``concurrency`` threads); what runs them closes with ``stack``."""
    if scheduler is None:
        from clonewatch.pipeline import Pipeline

        pipeline = stack.enter_context(Pipeline.from_config(config, brands))
        return (probed.to_dict() for probed in pipeline.run(names))
    from clonewatch.scale.connect import Spread, connect
    from clonewatch.scale.probing import ProbeJob, probe_on_cluster

    client = stack.enter_context(connect(scheduler, threads=config.settings.concurrency))
    spread = Spread()
    stack.callback(lambda: spread.tasks and print(f"\rclonewatch: {spread.describe()}", file=sys.stderr))
    return probe_on_cluster(client, names, ProbeJob(tuple(brands), config), spread)


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


def _row(record: dict[str, Any]) -> dict[str, Any]:
    social = (record.get("http") or {}).get("social") or {}
    return {**record, "final_url": social.get("final_url"), "facts": "; ".join(record["facts"])}
