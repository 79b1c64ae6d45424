"""`clonewatch generate`: every look-alike of a brand a campaign could register, ranked."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from clonewatch.brands import Brand, brand_for
from clonewatch.cli.common import EXIT_CODES_HELP, fail, load_brands
from clonewatch.cli.output import OutputFormat, RecordWriter, choose_format
from clonewatch.errors import ClonewatchError
from clonewatch.generate import DEFAULT_LIMIT, default_fuzzers, fuzzers_named, generate
from clonewatch.generate.fuzzers import SUFFIX_FUZZER

GENERATE_COLUMNS = ("rank", "score", "domain", "unicode", "brand", "genuine", "reasons", "fuzzer")


def generate_command(
    domains: Annotated[
        list[str] | None,
        typer.Argument(help="Genuine domains to generate look-alikes of.", show_default=False),
    ] = None,
    watchlist: Annotated[bool, typer.Option("--watchlist", help="Every brand of the watchlist.")] = False,
    brands: Annotated[
        Path | None, typer.Option(help="Watchlist file replacing the bundled one (as for match).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Keep the best N candidates per brand.")] = DEFAULT_LIMIT,
    fuzzers: Annotated[
        str | None, typer.Option(help="Comma-separated fuzzer names (default: all, with tld-swap).")
    ] = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option("--format", help="Output format (default: table on a terminal, jsonl when piped)."),
    ] = None,
) -> None:
    """Generate ranked look-alikes of genuine domains: every dnstwist fuzzer, combinations with
    every public suffix and with affix words, best first (the names campaigns register first).

    Each candidate carries the score and reasons `clonewatch match` would give it.
    """
    watched = load_brands(brands)
    try:
        names = [name.strip() for name in fuzzers.split(",")] if fuzzers else None
        chosen_fuzzers = fuzzers_named(names) if names else default_fuzzers()
        suffix_swaps = names is None or SUFFIX_FUZZER in names
        targets = _brands_to_generate(domains or [], watched, watchlist=watchlist)
    except ClonewatchError as exc:
        fail(exc)
    writer = RecordWriter(
        choose_format(output_format, sys.stdout), GENERATE_COLUMNS, title="look-alike candidates"
    )
    try:
        for brand in targets:
            for candidate in generate(brand, limit=limit, fuzzers=chosen_fuzzers, suffix_swaps=suffix_swaps):
                writer.write(candidate.to_dict())
    except KeyboardInterrupt:
        writer.close()
        raise typer.Exit(130) from None
    writer.close()


generate_command.__doc__ = f"{generate_command.__doc__}\n\n{EXIT_CODES_HELP}"


def _brands_to_generate(domains: list[str], watched: list[Brand], *, watchlist: bool) -> list[Brand]:
    if watchlist:
        return watched
    if not domains:
        fail("give at least one DOMAIN, or --watchlist")
    chosen: list[Brand] = []
    for domain in domains:
        brand = brand_for(domain, watched)
        if brand not in chosen:
            chosen.append(brand)
    return chosen
