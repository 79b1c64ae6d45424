"""`clonewatch cluster`: group probed domains into campaigns through shared infrastructure and content."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from clonewatch.cli.common import (
    BrandsOption,
    DbOption,
    FormatOption,
    PostsOption,
    SchedulerOption,
    TaskSizeOption,
    load_brands,
    with_exit_codes,
)
from clonewatch.cli.output import RecordWriter, choose_format
from clonewatch.cli.probing import (
    AllowPrivateOption,
    BrowserOption,
    CaFileOption,
    RdapServerOption,
    ResolverOption,
)
from clonewatch.errors import InputError

if TYPE_CHECKING:
    from clonewatch.cluster import Campaign, ClusterSettings
    from clonewatch.cluster.build import ReadStats

CAMPAIGN_COLUMNS = ("id", "size", "confidence", "brands", "roles", "pivots", "first_seen", "last_seen")


def cluster_command(
    evidence: Annotated[
        list[str] | None,
        typer.Argument(help="Evidence files from `clonewatch probe --format jsonl`, or - for stdin."),
    ] = None,
    seeds: Annotated[
        Path | None, typer.Option(help="Proven clones, one per line: show only the campaigns holding one.")
    ] = None,
    expand: Annotated[
        list[str] | None,
        typer.Option(
            help="Grow the seeds' campaigns from this feed of names (plain, gzip or -; repeatable): "
            "names sharing an address, network, name server or MX with a member are probed."
        ),
    ] = None,
    depth: Annotated[int, typer.Option(min=1, max=10, help="Rounds of --expand.")] = 2,
    max_probes: Annotated[int, typer.Option(min=1, help="Most domains --expand probes in all.")] = 500,
    evidence_out: Annotated[
        Path | None, typer.Option(help="Write the evidence --expand gathered to this JSONL file.")
    ] = None,
    brands: BrandsOption = None,
    resolver: ResolverOption = None,
    allow_private: AllowPrivateOption = False,
    ca_file: CaFileOption = None,
    rdap_server: RdapServerOption = None,
    browser: BrowserOption = False,
    ignore: Annotated[
        Path | None,
        typer.Option(help="Values that never join domains, one per line: KIND:VALUE or a bare value."),
    ] = None,
    batch_window: Annotated[
        str, typer.Option(help="Registrations at one registrar this close form a batch (e.g. 48h, 2d).")
    ] = "48h",
    min_weight: Annotated[
        float, typer.Option(min=0.05, help="Least weight of shared values that joins two domains.")
    ] = 0.8,
    max_members: Annotated[
        int, typer.Option(min=2, help="A value shared by more domains than this is common: it joins nothing.")
    ] = 1000,
    asn_db: Annotated[
        Path | None, typer.Option(help="Offline IP-to-ASN table (pyasn ipasn format, plain or .gz).")
    ] = None,
    graph: Annotated[
        Path | None, typer.Option(help="Also write the campaigns as a graph: FILE.graphml or FILE.gexf.")
    ] = None,
    db: DbOption = None,
    save: Annotated[
        bool,
        typer.Option("--save", help="Store the campaigns found (--db): continued, updated, members left."),
    ] = False,
    posts: PostsOption = None,
    output_format: FormatOption = None,
    scheduler: SchedulerOption = None,
    task_size: TaskSizeOption = "64M",
) -> None:
    """Group probed domains into campaigns: communities of domains joined by the rare values they
    share (addresses and networks, name servers, MX, registration batches, certificates, redirect
    hops and their shapes, analytics IDs, favicons, templates, text, bodies), each member with its
    role (clone, redirector, original, infra) and the link that brought it in.

    Without EVIDENCE files the evidence is the latest probe of every domain in the store (--db);
    --save stores the campaigns found there. --posts lists on each campaign the accounts that
    posted links to its members and, as candidates, the other domains they linked (with --expand,
    the domains linked by the accounts that posted the seeds join the feed's names).

    With --scheduler the EVIDENCE files are cut into ranges of lines that the Dask workers read,
    parse and take the facts of (the costly part of a big file); the graph and its communities
    are built here from those facts, so the campaigns are those of a run here. With --expand it
    resolves the feed's names and probes the candidates as tasks on the cluster instead."""
    from clonewatch.cli.campaign_posts import merged, posts_summary, row_cells
    from clonewatch.cli.campaigns import reads_store, save_found, stored_evidence
    from clonewatch.cluster import ClusterSettings, cluster_records, read_evidence
    from clonewatch.cluster.asn import AsnTable
    from clonewatch.cluster.build import ReadStats
    from clonewatch.cluster.export import write_campaign_graph
    from clonewatch.scale.ranges import parse_size
    from clonewatch.social import ReadReport
    from clonewatch.spread import campaign_posts, seed_leads
    from clonewatch.when import parse_duration

    settings = ClusterSettings(
        min_weight=min_weight,
        max_members=max_members,
        ignore=frozenset(_lines(ignore)),
        batch_window=parse_duration(batch_window),
        genuine_hosts=frozenset(domain for brand in load_brands(brands) for domain in brand.domains),
    )
    table = AsnTable.load(asn_db) if asn_db is not None else None
    stats = ReadStats()
    records = (
        stored_evidence(db, stats)
        if reads_store(evidence, db, expand)
        else read_evidence(evidence or [], stats)
    )
    if "-" in (evidence or []) and "-" in (expand or []):
        raise InputError("standard input can be the evidence or the --expand feed, not both")
    interrupted = False
    if expand:
        from clonewatch.cli.expansion import expand_from_seeds

        found = expand_from_seeds(
            records,
            seeds=_lines(seeds),
            feeds=expand,
            leads=seed_leads(_lines(seeds), posts, ReadReport()) if posts else (),
            cluster=settings,
            asn=table,
            depth=depth,
            max_probes=max_probes,
            brands=brands,
            resolver=resolver,
            allow_private=allow_private,
            ca_file=ca_file,
            rdap_server=rdap_server,
            browser=browser,
            evidence_out=evidence_out,
            scheduler=scheduler,
        )
        campaigns, interrupted = list(found.campaigns), found.interrupted
    elif scheduler is not None:
        step = parse_size(task_size)
        campaigns = _on_cluster(scheduler, evidence or [], settings, _lines(seeds), asn_db, stats, step)
    else:
        campaigns = cluster_records(records, settings, seeds=_lines(seeds), asn=table)
    if save and interrupted:
        print("clonewatch: interrupted: the campaigns are not saved", file=sys.stderr)
    elif save:
        campaigns = save_found(db, campaigns)
    report = ReadReport()
    spread = campaign_posts(campaigns, posts, report) if posts else None
    columns = CAMPAIGN_COLUMNS + (("accounts", "candidates") if spread is not None else ())
    writer = RecordWriter(choose_format(output_format, sys.stdout), columns, title="campaigns")
    with writer:
        for campaign in campaigns:
            record = (
                campaign.to_dict() if spread is None else merged(campaign.to_dict(), spread.get(campaign.id))
            )
            writer.write(record if writer.fmt.value == "jsonl" else {**_row(record), **row_cells(record)})
    if graph is not None:
        write_campaign_graph(campaigns, graph)
    skipped = f", skipped {stats.skipped:,} ({'; '.join(stats.examples)})" if stats.skipped else ""
    members = sum(len(c.members) for c in campaigns)
    print(
        f"clonewatch: read {stats.read:,} evidence records{skipped}: "
        f"{len(campaigns):,} campaigns, {members:,} members",
        file=sys.stderr,
    )
    if spread is not None:
        print(posts_summary(report, spread), file=sys.stderr)
    if interrupted:
        raise typer.Exit(130)


with_exit_codes(cluster_command)


def _on_cluster(
    scheduler: str,
    paths: list[str],
    settings: ClusterSettings,
    seeds: list[str],
    asn_db: Path | None,
    stats: ReadStats,
    step: int,
) -> list[Campaign]:
    """The campaigns in evidence files whose lines the Dask workers read and take the facts of."""
    from clonewatch.cluster.build import cluster_facts
    from clonewatch.scale.clustering import FactsJob, facts_on_cluster
    from clonewatch.scale.connect import Spread, connect

    if not paths or "-" in paths:
        raise InputError("--scheduler reads EVIDENCE files on the workers: give files (not - or the store)")
    spread = Spread()
    with connect(scheduler) as client:
        facts = facts_on_cluster(client, paths, FactsJob(settings, asn_db), stats, spread, step=step)
    print(f"clonewatch: {spread.describe()}", file=sys.stderr)
    campaigns = cluster_facts(facts, settings)
    wanted = {seed.strip().lower().rstrip(".") for seed in seeds}
    return [c for c in campaigns if not wanted or any(m.domain in wanted for m in c.members)]


def _lines(path: Path | None) -> list[str]:
    """The non-empty, non-comment lines of a small list file; InputError when it cannot be read."""
    if path is None:
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _row(record: dict[str, Any]) -> dict[str, Any]:
    roles: dict[str, int] = {}
    for member in record["members"]:
        roles[member["role"]] = roles.get(member["role"], 0) + 1
    return {
        **record,
        "roles": ", ".join(f"{count} {role}" for role, count in roles.items()),
        "pivots": "; ".join(f"{p['kind']}:{p['value']}" for p in record["pivots"][:3]),
    }
