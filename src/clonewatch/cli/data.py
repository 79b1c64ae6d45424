"""`clonewatch update-data`: refresh the bundled Public Suffix List, confusables and RDAP bootstrap."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clonewatch.data.update import (
    CONFUSABLES_URL,
    PSL_URL,
    RDAP_BOOTSTRAP_URL,
    update_data,
    update_word_frequency,
)


def update_data_command(
    psl_url: Annotated[str, typer.Option(help="Where to fetch the Public Suffix List.")] = PSL_URL,
    confusables_url: Annotated[
        str, typer.Option(help="Where to fetch Unicode confusables.txt.")
    ] = CONFUSABLES_URL,
    rdap_url: Annotated[
        str, typer.Option(help="Where to fetch IANA's RDAP bootstrap file for domains.")
    ] = RDAP_BOOTSTRAP_URL,
    data_dir: Annotated[
        Path | None, typer.Option(help="Directory to write to (default: the installed package's data).")
    ] = None,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private", help="Let downloads reach private and loopback addresses (mirrors, tests)."
        ),
    ] = False,
    words: Annotated[
        bool,
        typer.Option(
            "--words",
            help="Also rebuild the word-frequency table (match's noise control) from the installed "
            "wordfreq package (pip install wordfreq; no download).",
        ),
    ] = False,
) -> None:
    """Download fresh copies of the bundled data files (PSL, confusables, RDAP bootstrap)."""
    updated = update_data(
        psl_url=psl_url,
        confusables_url=confusables_url,
        rdap_url=rdap_url,
        data_dir=data_dir,
        allow_private=allow_private,
    )
    if words:
        updated.append(update_word_frequency(data_dir=data_dir))
    for item in updated:
        typer.echo(f"updated {item.path} ({item.size:,} bytes, {item.entries:,} entries)")
