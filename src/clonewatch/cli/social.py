"""`clonewatch social`: who spreads look-alike links, and which accounts do it together."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from clonewatch.cli.common import EXIT_CODES_HELP, fail, load_brands
from clonewatch.cli.output import OutputFormat, RecordWriter, choose_format, write_columns
from clonewatch.errors import ClonewatchError
from clonewatch.match import Matcher
from clonewatch.social import (
    CoShareNetwork,
    Level,
    ReadReport,
    co_share_edges,
    estimate_window,
    groups_of,
    parse_window,
    read_posts,
    share_table,
    shares_of,
)
from clonewatch.social.community import CommunityWorker
from clonewatch.social.graph import account_graph, write_graph

if TYPE_CHECKING:
    from clonewatch.social.resolve import LinkResolver

social_app = typer.Typer(
    help="Trace who shares look-alike links on X, and coordinated account groups.", no_args_is_help=True
)

LINK_COLUMNS = (
    "post_id", "account", "time", "url", "domain", "lookalike", "brand", "reasons", "chain", "resolve_error",
)  # fmt: skip
GROUP_COLUMNS = ("size", "accounts", "keys", "first", "last", "co_shares", "edges", "urls")

Files = Annotated[list[Path], typer.Argument(help="Posts: X API v2 JSON pages, twarc2 JSON lines, or CSV.")]
Brands = Annotated[Path | None, typer.Option(help="Watchlist file replacing the bundled one (as for match).")]
Format = Annotated[OutputFormat | None, typer.Option("--format", help="Output format.")]
Resolve = Annotated[
    bool,
    typer.Option("--resolve", help="Follow every link's redirects (shorteners, hops) to where it lands."),
]
Resolver = Annotated[
    str | None, typer.Option(help="DNS server for --resolve, HOST:PORT (default: the system's).")
]
AllowPrivate = Annotated[
    bool,
    typer.Option("--allow-private", help="Let --resolve reach private and loopback addresses (labs, tests)."),
]


def _redirects(resolve: bool, resolver: str | None, allow_private: bool) -> LinkResolver | None:
    if not resolve:
        return None
    from clonewatch.net import HttpSettings, ResolverSettings
    from clonewatch.social.resolve import LinkResolver

    dns = ResolverSettings.parse(resolver) if resolver else None
    return LinkResolver(HttpSettings(allow_private=allow_private, dns=dns))


@social_app.command("links")
def links_command(
    files: Files,
    resolve: Resolve = False,
    resolver: Resolver = None,
    allow_private: AllowPrivate = False,
    brands: Brands = None,
    output_format: Format = None,
) -> None:
    """Every shared link, normalised, with the look-alike it lands on (if any); with --resolve,
    followed through its redirects with the chain recorded (private addresses refused)."""
    try:
        redirects = _redirects(resolve, resolver, allow_private)
    except ClonewatchError as exc:
        fail(exc)
    matcher = Matcher(load_brands(brands))
    writer = RecordWriter(choose_format(output_format, sys.stdout), LINK_COLUMNS, title="shared links")
    report = ReadReport()
    try:
        for path in files:
            for post, link, _ in shares_of(
                read_posts(path, report), matcher, level=Level.URL, only_lookalikes=False, redirects=redirects
            ):
                if link is None:
                    continue
                hit = link.lookalike
                writer.write(
                    {
                        "post_id": post.post_id,
                        "account": post.account.username or post.account.id,
                        "time": post.time.isoformat(),
                        "url": link.url,
                        "domain": link.domain,
                        "lookalike": hit.genuine if hit else None,
                        "brand": hit.brand if hit else None,
                        "reasons": list(hit.reasons) if hit else [],
                        "chain": list(link.chain),
                        "resolve_error": link.resolve_error,
                    }
                )
    except ClonewatchError as exc:
        writer.close()
        fail(exc)
    writer.close()
    _summary(report)


@social_app.command("coordinate")
def coordinate_command(
    files: Files,
    window: Annotated[
        str | None,
        typer.Option(
            help="Co-shares within this time of each other: 60, 60s, 2m, 1h (default: estimated).",
        ),
    ] = None,
    min_repeat: Annotated[
        int, typer.Option(min=1, help="Keep account pairs that co-shared at least this often.")
    ] = 3,
    level: Annotated[
        Level, typer.Option(help="Same exact link, same domain, or same imitated brand.")
    ] = Level.URL,
    only_lookalikes: Annotated[
        bool, typer.Option("--only-lookalikes", help="Only links that land on a look-alike domain.")
    ] = False,
    resolve: Resolve = False,
    resolver: Resolver = None,
    allow_private: AllowPrivate = False,
    edges_out: Annotated[
        Path | None,
        typer.Option("--edges", help="Also write every co-sharing account pair here (.csv, or .jsonl)."),
    ] = None,
    brands: Brands = None,
    output_format: Format = None,
) -> None:
    """Groups of accounts that repeatedly share the same links within seconds of each other,
    with the links and look-alikes they pushed, when, and the tightest co-shares as evidence."""
    try:
        seconds = parse_window(window) if window is not None else None
        redirects = _redirects(resolve, resolver, allow_private)
    except ClonewatchError as exc:
        fail(exc)
    with CommunityWorker() as worker:  # loads the graph library in its own process meanwhile
        matcher = _matcher(brands, level, only_lookalikes)
        report = ReadReport()
        try:
            shares = share_table(
                files, matcher, report, level=level, only_lookalikes=only_lookalikes, redirects=redirects
            )
        except ClonewatchError as exc:
            fail(exc)
        if seconds is None:
            try:
                seconds = estimate_window(shares)
            except ClonewatchError as exc:
                fail(exc)
            print(f"clonewatch: window estimated from the data: {seconds:g} s", file=sys.stderr)
        network = co_share_edges(shares, seconds)
        with ThreadPoolExecutor(max_workers=1) as background:  # the edges file is written while groups form
            writing = background.submit(_write_edges, edges_out, network) if edges_out is not None else None
            groups = groups_of(network, min_repeat=min_repeat, worker=worker)
            if writing is not None:
                writing.result()
    writer = RecordWriter(
        choose_format(output_format, sys.stdout), GROUP_COLUMNS, sort_key="size", title="groups"
    )
    writer.write_all(group.to_dict() for group in groups)
    writer.close()
    _summary(report, f", {len(shares):,} shares, {len(groups):,} groups")


coordinate_command.__doc__ = f"{coordinate_command.__doc__}\n\n{EXIT_CODES_HELP}"


@social_app.command("graph")
def graph_command(
    files: Files,
    out: Annotated[Path, typer.Option(help="Where to write the network: .graphml or .gexf (Gephi).")],
    window: Annotated[str, typer.Option(help="Co-shares within this time of each other.")] = "60s",
    min_repeat: Annotated[int, typer.Option(min=1, help="Keep account pairs that co-shared this often.")] = 1,
    level: Annotated[Level, typer.Option(help="Same exact link, domain, brand, or repost.")] = Level.URL,
    only_lookalikes: Annotated[
        bool, typer.Option("--only-lookalikes", help="Only links that land on a look-alike domain.")
    ] = False,
    brands: Brands = None,
) -> None:
    """Write the co-sharing network of accounts (weighted edges, account facts on the nodes)."""
    try:
        seconds = parse_window(window)
        matcher = _matcher(brands, level, only_lookalikes)
        report = ReadReport()
        shares = share_table(files, matcher, report, level=level, only_lookalikes=only_lookalikes)
        network = co_share_edges(shares, seconds)
        accounts = {account.id: account for account in shares.accounts}
        graph = account_graph(network.edges(min_repeat=min_repeat), accounts, min_repeat=min_repeat)
        write_graph(graph, out)
    except ClonewatchError as exc:
        fail(exc)
    _summary(report, f", {graph.number_of_nodes():,} accounts and {graph.number_of_edges():,} edges in {out}")


def _matcher(brands: Path | None, level: Level, only_lookalikes: bool) -> Matcher | None:
    """A matcher when the look-alikes decide what counts; a --brands file is read either way (a
    bad one is an error)."""
    needed = only_lookalikes or level is Level.BRAND
    if not needed and brands is None:
        return None
    watchlist = load_brands(brands)
    return Matcher(watchlist) if needed else None


def _write_edges(path: Path, network: CoShareNetwork) -> None:
    fmt = OutputFormat.JSONL if path.suffix in (".jsonl", ".json") else OutputFormat.CSV
    try:
        with path.open("w", encoding="utf-8", newline="") as stream:
            write_columns(network.edge_columns(), fmt, stream)
    except OSError as exc:
        fail(f"{path}: cannot write edges ({exc.strerror})")


def _summary(report: ReadReport, extra: str = "") -> None:
    skipped = ""
    if report.skipped:
        shown = "; ".join(f"{where} {why}" for where, why in report.skipped[:5])
        skipped = f" ({shown}{', ...' if len(report.skipped) > 5 else ''})"
    print(
        f"clonewatch: read {report.read:,} posts ({report.format or 'no'} format), "
        f"skipped {len(report.skipped):,}{skipped}{extra}",
        file=sys.stderr,
    )
