"""`clonewatch export`: hand the store's findings over as STIX 2.1, MISP, CSV, JSON lines or
takedown dossiers (HTML and PDF)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from clonewatch.cli.common import (
    BlobsOption,
    BrandFilterOption,
    BrandsOption,
    DbOption,
    PostsOption,
    SinceOption,
    VerdictOption,
    load_brands,
    with_exit_codes,
)
from clonewatch.cli.output import OutputFormat, RecordWriter
from clonewatch.cli.stored import open_store
from clonewatch.errors import FetchRefused, InputError

if TYPE_CHECKING:
    from clonewatch.report import ReportSet

PUSH_TIMEOUT = 120.0  # MISP answers once the whole event is stored
PUSH_BUDGET = 600.0
PUSH_MAX_ANSWER = 64 << 20  # MISP sends the stored event back


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
    brand: BrandFilterOption = None,
    since: SinceOption = None,
    verdict: VerdictOption = None,
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
    blobs: BlobsOption = None,
    pdf: Annotated[
        bool, typer.Option("--pdf/--no-pdf", help="Dossier: also print each to PDF with Chromium.")
    ] = True,
    posts: PostsOption = None,
    brands: BrandsOption = None,
    push: Annotated[
        str | None,
        typer.Option(
            "--push",
            metavar="URL",
            help="misp: add the event to the MISP instance at this base URL (POST URL/events/add).",
        ),
    ] = None,
    key_file: Annotated[
        Path | None,
        typer.Option(help="--push: file holding the MISP automation key (never given on the command line)."),
    ] = None,
    ca_file: Annotated[
        Path | None,
        typer.Option(help="--push: CA bundle to verify the MISP server's certificate with (a private CA)."),
    ] = None,
    allow_private: Annotated[
        bool,
        typer.Option("--allow-private", help="--push: let it reach a private or loopback address."),
    ] = False,
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

    --push URL --key-file FILE (misp): send the event to a MISP instance, as PyMISP's add_event
    does, and say on standard error which event id and uuid MISP gave it; the event is also
    written when -o is given. The server's certificate is verified (--ca-file for a private CA);
    a private or loopback address needs --allow-private. An error answer (a bad key: 403) exits 1
    with its HTTP status.

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
    key = _push_key(export_format, push, key_file, ca_file, allow_private)
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
    elif push is not None:
        assert key is not None
        _push(report, push, key, output, ca_file=ca_file, allow_private=allow_private)
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


def _push_key(
    export_format: ExportFormat, push: str | None, key_file: Path | None, ca_file: Path | None, private: bool
) -> str | None:
    """The MISP key for --push (read before anything else is done), None without --push; InputError
    for options that do not go together, a bad URL or a key file that cannot be used."""
    from clonewatch.report.push import events_url, read_key_file

    if push is None:
        stray = [name for name, given in (("--key-file", key_file), ("--ca-file", ca_file)) if given]
        if private:
            stray.append("--allow-private")
        if stray:
            raise InputError(f"{', '.join(stray)}: only with --push")
        return None
    if export_format is not ExportFormat.MISP:
        raise InputError("--push sends a MISP event: use it with --format misp")
    if key_file is None:
        raise InputError("--push needs --key-file FILE (the MISP automation key)")
    try:
        events_url(push)
    except FetchRefused as exc:
        raise InputError(f"bad --push URL: {exc}") from None
    if ca_file is not None and not ca_file.is_file():
        raise InputError(f"--ca-file {ca_file}: no such file")
    return read_key_file(key_file)


def _push(
    report: ReportSet, url: str, key: str, output: Path | None, *, ca_file: Path | None, allow_private: bool
) -> None:
    from clonewatch.net import HttpClient, HttpSettings
    from clonewatch.report import misp_event
    from clonewatch.report.push import push_event

    event = misp_event(report)
    if output is not None:
        output.write_text(event + "\n", encoding="utf-8")
    settings = HttpSettings(
        allow_private=allow_private,
        timeout=PUSH_TIMEOUT,
        budget=PUSH_BUDGET,
        max_body=PUSH_MAX_ANSWER,
        ca_file=str(ca_file) if ca_file is not None else None,
        verify=True,
        decompress=False,
    )
    try:
        pushed = push_event(event, url, key, client=HttpClient(settings))
    except FetchRefused as exc:
        hint = "" if exc.metadata or allow_private else " (--allow-private to permit)"
        raise FetchRefused(f"{exc}{hint}", metadata=exc.metadata) from None
    print(
        f"clonewatch: MISP event {pushed.event_id or '?'} (uuid {pushed.uuid or '?'}) added at {pushed.url}",
        file=sys.stderr,
    )


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


def _dossiers(report: ReportSet, directory: Path, location: str | None, pdf: bool) -> None:
    from clonewatch.report import dossiers
    from clonewatch.store import open_blobs

    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory}: not a directory (--format dossier writes one file per domain there)")
    directory.mkdir(parents=True, exist_ok=True)
    made = dossiers(report, blobs=open_blobs(location))
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
