"""`clonewatch export`: hand the store's findings over as STIX 2.1, MISP, CSV, JSON lines or
takedown dossiers (HTML and PDF)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from clonewatch.cli.common import BrandsOption, DbOption, load_brands, with_exit_codes
from clonewatch.cli.output import OutputFormat, RecordWriter
from clonewatch.cli.stored import open_store
from clonewatch.errors import InputError

if TYPE_CHECKING:
    from clonewatch.report import ReportSet


class ExportFormat(StrEnum):
    STIX = "stix"
    MISP = "misp"
    CSV = "csv"
    JSONL = "jsonl"
    DOSSIER = "dossier"


def export_command(
    export_format: Annotated[
        ExportFormat,
        typer.Option("--format", help="stix (2.1 bundle), misp (event JSON), csv, jsonl, dossier."),
    ],
    db: DbOption = None,
    brand: Annotated[
        str | None, typer.Option(help="Only look-alikes of this brand (name or domain).")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only domains first seen since: 7d, 12h, 30m, or a date (2026-11-01).")
    ] = None,
    verdict: Annotated[
        str | None, typer.Option(help="Only domains whose latest verdict is this (clone).")
    ] = None,
    campaign: Annotated[
        str | None,
        typer.Option(help="Only the members of this stored campaign (dossier: one for the campaign)."),
    ] = None,
    reviewed: Annotated[
        bool, typer.Option("--reviewed", help="Only domains an analyst confirmed as clones (serve's review).")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="File to write (default: standard output); for dossier, a directory."
        ),
    ] = None,
    blobs: Annotated[
        Path | None,
        typer.Option(
            help="Blob directory holding the screenshots (watch's [probe] blobs; default: the user data one)."
        ),
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf/--no-pdf", help="Dossier: also print each to PDF with Chromium.")
    ] = True,
    posts: Annotated[
        list[Path] | None,
        typer.Option(
            "--posts",
            help="Posts (X API v2 JSON, twarc2, CSV; repeatable): those linking an exported domain "
            "become sightings.",
        ),
    ] = None,
    brands: BrandsOption = None,
) -> None:
    """Export the store's findings with their latest evidence and campaigns.

    stix: a STIX 2.1 bundle (observables, indicators for clones, cloaked clones and redirectors,
    infrastructure, campaigns, the genuine outlet as an identity, DISARM techniques); identifiers
    are derived from the data, so exporting again gives the same objects. misp: one MISP event
    (domain-ip, dns-record, whois, x509, url, favicon objects; DISARM galaxy tags). csv: one row
    per domain, cells a spreadsheet would run neutralised. jsonl: one record per domain with its
    evidence as stored. dossier: a takedown dossier per domain (per campaign with --campaign)
    written to the -o directory as NAME.html and NAME.pdf.

    --posts FILE (as `clonewatch social links` reads it): each post linking an exported domain
    is a STIX sighting, a MISP microblog object, and counted in CSV and JSON lines.

    Filters combine: --brand, --since, --verdict, --campaign, --reviewed. A domain an analyst
    called a false alarm is never exported; one an analyst confirmed as a clone is stated as an
    indicator whatever its verdict.
    """
    from clonewatch.report import Selection, gather
    from clonewatch.social import ReadReport
    from clonewatch.when import parse_since

    _check_verdict(verdict)
    if export_format is ExportFormat.DOSSIER and output is None:
        raise InputError("--format dossier writes files: give a directory with -o")
    selection = Selection(
        since=parse_since(since) if since is not None else None,
        verdict=verdict,
        brand=brand,
        campaign=campaign.strip() if campaign is not None else None,
        reviewed=reviewed,
    )
    watchlist = load_brands(brands)
    read = ReadReport()
    with open_store(db) as store:
        report = gather(
            store,
            selection,
            watchlist=watchlist,
            posts=posts or (),
            posts_read=read,
            history=export_format is ExportFormat.DOSSIER,
        )
    if export_format is ExportFormat.DOSSIER:
        assert output is not None
        _dossiers(report, output, blobs, pdf)
    else:
        _write(report, export_format, output)
    seen = f", {sum(map(len, report.posts.values()))} post(s) of {read.read} read" if posts else ""
    print(
        f"clonewatch: exported {len(report.domains)} domain(s), {len(report.campaigns)} campaign(s){seen}",
        file=sys.stderr,
    )


with_exit_codes(export_command)


def _check_verdict(verdict: str | None) -> None:
    from clonewatch.judge import VerdictKind

    known = [str(kind) for kind in VerdictKind] + ["unknown"]
    if verdict is not None and verdict not in known:
        raise InputError(f"bad --verdict {verdict!r}: use one of {', '.join(known)}")


def _write(report: ReportSet, export_format: ExportFormat, output: Path | None) -> None:
    stream = open(output, "w", encoding="utf-8", newline="") if output is not None else sys.stdout  # noqa: SIM115
    try:
        if export_format is ExportFormat.STIX:
            from clonewatch.report import stix_bundle

            stream.write(stix_bundle(report) + "\n")
        elif export_format is ExportFormat.MISP:
            from clonewatch.report import misp_event

            stream.write(misp_event(report) + "\n")
        else:
            from clonewatch.report import COLUMNS, records, rows

            fmt = OutputFormat.CSV if export_format is ExportFormat.CSV else OutputFormat.JSONL
            with RecordWriter(fmt, COLUMNS, stream=stream) as writer:
                writer.write_all(rows(report) if fmt is OutputFormat.CSV else records(report))
    finally:
        if output is not None:
            stream.close()
        else:
            stream.flush()


def _dossiers(report: ReportSet, directory: Path, blob_dir: Path | None, pdf: bool) -> None:
    from clonewatch.report import dossiers
    from clonewatch.store import BlobStore, default_blob_dir

    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory}: not a directory (--format dossier writes one file per domain there)")
    directory.mkdir(parents=True, exist_ok=True)
    made = dossiers(report, blobs=BlobStore(blob_dir or default_blob_dir()))
    written = []
    for dossier in made:
        path = directory / f"{dossier.name}.html"
        path.write_text(dossier.html, encoding="utf-8")
        written.append(path)
    if pdf and made:
        from clonewatch.report.pdf import pdf_printer

        with pdf_printer() as printer:
            for dossier in made:
                path = directory / f"{dossier.name}.pdf"
                path.write_bytes(printer.print_pdf(dossier.html))
                written.append(path)
    for path in sorted(written):
        print(path)
