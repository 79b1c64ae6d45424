"""`clonewatch campaigns`: the campaigns the store holds (saved by `clonewatch cluster --save`, grown
by `clonewatch watch`); and the store side of `clonewatch cluster` (its evidence in, its campaigns out)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Annotated, Any

import typer

from clonewatch.cli.common import DbOption, FormatOption, with_exit_codes
from clonewatch.cli.output import OutputFormat, RecordWriter, choose_format
from clonewatch.cli.stored import open_store
from clonewatch.errors import UnknownCampaign

if TYPE_CHECKING:
    from clonewatch.cluster import Campaign
    from clonewatch.cluster.build import ReadStats

LIST_COLUMNS = ("id", "size", "confidence", "brands", "roles", "first_seen", "last_seen", "updated_at")
MEMBER_COLUMNS = ("domain", "role", "brand", "via", "joined_at", "left_at")
PIVOT_COLUMNS = ("kind", "value", "weight", "members")
EDGE_COLUMNS = ("a", "b", "weight", "via")

campaigns_app = typer.Typer()  # its help is list_command's: the group lists when given no command


@campaigns_app.callback(invoke_without_command=True)
def list_command(ctx: typer.Context, db: DbOption = None, output_format: FormatOption = None) -> None:
    """List the campaigns the store holds, most recently seen first: id, size (members still in it),
    confidence, brands imitated, members by role, first and last seen, last changed.

    `clonewatch cluster --save` stores campaigns; `clonewatch watch` adds newly probed domains
    that fit one. `clonewatch campaigns show ID` shows one campaign whole."""
    ctx.obj = db
    if ctx.invoked_subcommand is not None:
        return
    with open_store(db) as store:
        found = store.campaigns()
    fmt = choose_format(output_format, sys.stdout)
    with RecordWriter(fmt, LIST_COLUMNS, title="campaigns") as writer:
        for campaign in found:
            record = campaign.summary()
            writer.write(
                record if fmt is OutputFormat.JSONL else {**record, "roles": roles_text(record["roles"])}
            )


with_exit_codes(list_command)


@campaigns_app.command("show")
def show_command(
    ctx: typer.Context,
    campaign_id: Annotated[
        str, typer.Argument(metavar="ID", help="The campaign's id (as `campaigns` lists it).")
    ],
    db: DbOption = None,
    output_format: FormatOption = None,
) -> None:
    """Show one stored campaign: its members (role, brand, the link that brought each in, when it
    joined and, for a member no longer found in it, when it left), the values that hold it
    together, and the edges of evidence. JSON lines: the campaign as one record; CSV: its members.

    Exits with 2 for an id the store does not hold."""
    with open_store(db or ctx.obj) as store:
        campaign = store.campaign(campaign_id.strip())
        where = store.url
    if campaign is None:
        raise UnknownCampaign(f"no campaign {campaign_id!r} in the store at {where}")
    fmt = choose_format(output_format, sys.stdout)
    if fmt is OutputFormat.JSONL:
        with RecordWriter(fmt, ()) as writer:
            writer.write(campaign.to_dict())
        return
    summary = campaign.summary()
    if fmt is OutputFormat.TABLE:
        print(
            f"campaign {campaign.id}: {summary['size']} members ({roles_text(summary['roles'])}), "
            f"confidence {campaign.confidence}, brands {', '.join(campaign.brands) or 'none'}, "
            f"seen {summary['first_seen'] or '?'} to {summary['last_seen'] or '?'}, "
            f"stored {summary['created_at']}, changed {summary['updated_at']}"
        )
    with RecordWriter(fmt, MEMBER_COLUMNS, title="members") as writer:
        writer.write_all(member.to_dict() for member in campaign.members)
    if fmt is OutputFormat.TABLE:
        with RecordWriter(fmt, PIVOT_COLUMNS, title="values") as writer:
            writer.write_all(value.to_dict() for value in campaign.pivots)
        with RecordWriter(fmt, EDGE_COLUMNS, title="edges") as writer:
            writer.write_all(edge.to_dict() for edge in campaign.edges)


def roles_text(roles: Mapping[str, int]) -> str:
    """``3 clone, 12 redirector``."""
    return ", ".join(f"{count} {role}" for role, count in roles.items())


def reads_store(evidence: list[str] | None, db: str | None, expand: list[str] | None) -> bool:
    """Whether `clonewatch cluster` reads its evidence from the store: when no EVIDENCE files are
    given; with --expand only when --db or $CLONEWATCH_DB names a store (growing campaigns from
    seeds alone needs none)."""
    from clonewatch.store.database import ENV_VAR

    return not evidence and (not expand or db is not None or bool(os.environ.get(ENV_VAR)))


def stored_evidence(db: str | None, stats: ReadStats) -> Iterator[dict[str, Any]]:
    """The latest probe evidence of every domain in the store, counted in ``stats`` as it is read;
    the store is open until the records are consumed."""
    with open_store(db) as store:
        for record in store.latest_evidence():
            stats.read += 1
            yield record


def save_found(db: str | None, campaigns: list[Campaign]) -> list[Campaign]:
    """Store the campaigns of a `clonewatch cluster` run; they come back under their stored ids
    (a campaign continued from an earlier run keeps its id). One line on standard error says what changed."""
    from clonewatch.watch.campaigns import save_campaigns

    with open_store(db) as store:
        stored, saved = save_campaigns(store, campaigns)
        where = store.url
    print(
        f"clonewatch: saved {len(stored):,} campaigns to {where}: {len(saved.created):,} new, "
        f"{len(saved.updated):,} changed, {len(saved.unchanged):,} unchanged; "
        f"{saved.joined:,} members joined, {saved.left:,} left",
        file=sys.stderr,
    )
    return stored
