"""`clonewatch social`: who spreads look-alike links, and which accounts do it together."""

from __future__ import annotations

import sys
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from clonewatch.brands import Brand
from clonewatch.cli.common import BrandsOption, FormatOption, load_brands, with_exit_codes
from clonewatch.cli.output import OutputFormat, RecordWriter, choose_format, write_columns
from clonewatch.errors import InputError
from clonewatch.match import Matcher
from clonewatch.social import Level, ReadReport, parse_window, read_all

if TYPE_CHECKING:
    from clonewatch.social import CoShareNetwork
    from clonewatch.social.resolve import LinkResolver

social_app = typer.Typer(
    help="Trace who shares look-alike links on X, and coordinated account groups.", no_args_is_help=True
)

LINK_COLUMNS = (
    "post_id", "account", "time", "url", "via", "domain", "lookalike", "brand", "reasons", "chain",
    "resolve_error",
)  # fmt: skip
GROUP_COLUMNS = ("size", "accounts", "keys", "first", "last", "co_shares", "edges", "urls")

Files = Annotated[
    list[Path],
    typer.Argument(
        help="Posts (- reads standard input, .gz is read directly): X API v2 pages, twarc2 flattened or "
        "stream lines, v1.1 tweets, a twarc-csv export, or CSV account,time,url[,text][,post_id]. A post "
        "in several files is read once."
    ),
]


class Retweets(StrEnum):
    """Whether the links a post passes on from others count as its shares."""

    INCLUDE = "include"
    EXCLUDE = "exclude"


RetweetsOption = Annotated[
    Retweets,
    typer.Option(
        help="include: a retweet shares the retweeted post's links, a quote the quoted post's too; "
        "exclude: only the links a post carries itself (retweets share nothing).",
    ),
]
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
    retweets: RetweetsOption = Retweets.INCLUDE,
    brands: BrandsOption = None,
    output_format: FormatOption = None,
) -> None:
    """Every shared link, normalised, with the look-alike it lands on (if any) and how the post
    carries it (via: own, retweeted, quoted); with --resolve, followed through its redirects with
    the chain recorded (private addresses refused). Each post once, each of its links once."""
    from clonewatch.social import post_links

    redirects = _redirects(resolve, resolver, allow_private)
    matcher = Matcher(load_brands(brands))
    writer = RecordWriter(choose_format(output_format, sys.stdout), LINK_COLUMNS, title="shared links")
    report = ReadReport()
    posts = read_all(files, report)
    with writer:
        for post, raw, link in post_links(
            posts, matcher, retweets=retweets is Retweets.INCLUDE, redirects=redirects
        ):
            hit = link.lookalike
            writer.write(
                {
                    "post_id": post.post_id,
                    "account": post.account.username or post.account.id,
                    "time": post.time.isoformat(),
                    "url": link.url,
                    "via": raw.via.value,
                    "domain": link.domain,
                    "lookalike": hit.genuine if hit else None,
                    "brand": hit.brand if hit else None,
                    "reasons": list(hit.reasons) if hit else [],
                    "chain": list(link.chain),
                    "resolve_error": link.resolve_error,
                }
            )
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
        Level,
        typer.Option(
            help="Same exact link, domain, imitated brand, retweeted post (repost), or near-identical "
            "text (text; plain retweets left out)."
        ),
    ] = Level.URL,
    only_lookalikes: Annotated[
        bool, typer.Option("--only-lookalikes", help="Only links that land on a look-alike domain.")
    ] = False,
    retweets: RetweetsOption = Retweets.INCLUDE,
    resolve: Resolve = False,
    resolver: Resolver = None,
    allow_private: AllowPrivate = False,
    edges_out: Annotated[
        Path | None,
        typer.Option("--edges", help="Also write every co-sharing account pair here (.csv, or .jsonl)."),
    ] = None,
    brands: BrandsOption = None,
    output_format: FormatOption = None,
) -> None:
    """Groups of accounts that repeatedly share the same links within seconds of each other,
    with the links and look-alikes they pushed, when, and the tightest co-shares as evidence."""
    from clonewatch.social import coordinated_groups

    seconds = parse_window(window) if window is not None else None
    redirects = _redirects(resolve, resolver, allow_private)
    report = ReadReport()
    found = coordinated_groups(
        files,
        report,
        min_repeat=min_repeat,
        window=seconds,
        level=level,
        only_lookalikes=only_lookalikes,
        retweets=retweets is Retweets.INCLUDE,
        watchlist=_watchlist(brands),
        redirects=redirects,
        on_estimate=_estimated,
        while_grouping=partial(_write_edges, edges_out) if edges_out is not None else None,
    )
    writer = RecordWriter(
        choose_format(output_format, sys.stdout), GROUP_COLUMNS, sort_key="size", title="groups"
    )
    with writer:
        writer.write_all(group.to_dict() for group in found.groups)
    _summary(report, f", {found.shares:,} shares, {len(found.groups):,} groups")


with_exit_codes(coordinate_command)


@social_app.command("graph")
def graph_command(
    files: Files,
    out: Annotated[Path, typer.Option(help="Where to write the network: .graphml or .gexf (Gephi).")],
    window: Annotated[str, typer.Option(help="Co-shares within this time of each other.")] = "60s",
    min_repeat: Annotated[int, typer.Option(min=1, help="Keep account pairs that co-shared this often.")] = 1,
    level: Annotated[
        Level, typer.Option(help="Same exact link, domain, brand, retweeted post (repost), or text.")
    ] = Level.URL,
    only_lookalikes: Annotated[
        bool, typer.Option("--only-lookalikes", help="Only links that land on a look-alike domain.")
    ] = False,
    retweets: RetweetsOption = Retweets.INCLUDE,
    brands: BrandsOption = None,
) -> None:
    """Write the co-sharing network of accounts (weighted edges, account facts on the nodes)."""
    from clonewatch.social import account_network
    from clonewatch.social.graph import write_graph

    seconds = parse_window(window)
    report = ReadReport()
    graph = account_network(
        files,
        report,
        window=seconds,
        min_repeat=min_repeat,
        level=level,
        only_lookalikes=only_lookalikes,
        retweets=retweets is Retweets.INCLUDE,
        watchlist=_watchlist(brands),
    )
    write_graph(graph, out)
    _summary(report, f", {graph.number_of_nodes():,} accounts and {graph.number_of_edges():,} edges in {out}")


def _watchlist(brands: Path | None) -> list[Brand] | None:
    """The --brands file, read whether or not the look-alikes decide what counts (a bad one is an
    error either way); None leaves the bundled watchlist to the stage, for when it is needed."""
    return load_brands(brands) if brands is not None else None


def _estimated(seconds: float) -> None:
    print(f"clonewatch: window estimated from the data: {seconds:g} s", file=sys.stderr)


def _write_edges(path: Path, network: CoShareNetwork) -> None:
    """The co-sharing edges as CSV, or JSON lines for .jsonl/.json (run while the groups form)."""
    fmt = OutputFormat.JSONL if path.suffix in (".jsonl", ".json") else OutputFormat.CSV
    try:
        with path.open("w", encoding="utf-8", newline="") as stream:
            write_columns(network.edge_columns(), fmt, stream)
    except OSError as exc:
        raise InputError(f"{path}: cannot write edges ({exc.strerror})") from None


def _summary(report: ReadReport, extra: str = "") -> None:
    skipped = ""
    if report.skipped:
        shown = "; ".join(f"{where} {why}" for where, why in report.skipped[:5])
        skipped = f" ({shown}{', ...' if len(report.skipped) > 5 else ''})"
    formats = ", ".join(report.formats) or "no posts"
    print(
        f"clonewatch: read {report.read:,} posts ({formats}), {report.duplicates:,} duplicates left out, "
        f"skipped {len(report.skipped):,}{skipped}{extra}",
        file=sys.stderr,
    )
