"""`clonewatch brands`: show the watchlist."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from clonewatch.cli.common import BrandsOption, FormatOption, load_brands
from clonewatch.cli.output import RecordWriter, choose_format

brands_app = typer.Typer(
    help="Show the watched outlets, government bodies and organisations.", no_args_is_help=True
)

BRAND_COLUMNS = ("name", "kind", "country", "language", "domains")


@brands_app.command("list")
def list_brands(
    country: Annotated[
        str | None, typer.Option(help="Only brands of this country (ISO code, e.g. DE, UA, INT).")
    ] = None,
    brands: BrandsOption = None,
    output_format: FormatOption = None,
) -> None:
    """List the watchlist, optionally for one country."""
    watched = load_brands(brands)
    wanted = country.upper() if country else None
    with RecordWriter(choose_format(output_format, sys.stdout), BRAND_COLUMNS, title="watchlist") as writer:
        for brand in watched:
            if wanted and (brand.country or "").upper() != wanted:
                continue
            writer.write(
                {
                    "name": brand.name,
                    "kind": str(brand.kind),
                    "country": brand.country,
                    "language": brand.language,
                    "domains": list(brand.domains),
                }
            )
