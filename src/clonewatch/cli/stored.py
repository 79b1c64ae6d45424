"""`clonewatch findings` and `clonewatch history`: what the store knows."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from clonewatch.cli.common import (
    BrandFilterOption,
    DbOption,
    FormatOption,
    SinceOption,
    VerdictOption,
    with_exit_codes,
)
from clonewatch.cli.output import OutputFormat, RecordWriter, choose_format
from clonewatch.errors import InputError, NoRecord

if TYPE_CHECKING:
    from clonewatch.store import HistoryEvent, Store

FINDING_COLUMNS = (
    "first_seen",
    "domain",
    "unicode",
    "brand",
    "genuine",
    "score",
    "reasons",
    "feed",
    "verdict",
)
HISTORY_COLUMNS = ("at", "kind", "summary")


def open_store(db: str | None) -> Store:
    """The store at ``db`` (SQLAlchemy loads only for the commands that use the store)."""
    from clonewatch.store import Store

    return Store.open(db)


def findings_command(
    since: SinceOption = None,
    verdict: VerdictOption = None,
    brand: BrandFilterOption = None,
    db: DbOption = None,
    output_format: FormatOption = None,
) -> None:
    """List the flagged domains the store holds: best match, first seen (when, which feed), latest verdict.

    The verdict is empty for a domain never probed. A database that does not exist yet is created
    (empty, at the current schema); one at an older schema asks for `clonewatch db upgrade`.
    """
    from clonewatch.when import parse_since

    start = parse_since(since) if since is not None else None
    with open_store(db) as store:
        found = store.findings(since=start, verdict=verdict, brand=brand)
    writer = RecordWriter(
        choose_format(output_format, sys.stdout), FINDING_COLUMNS, sort_key="first_seen", title="findings"
    )
    with writer:
        writer.write_all(finding.to_dict() for finding in found)


with_exit_codes(findings_command)


def history_command(
    domain: Annotated[str, typer.Argument(help="The domain (Unicode or punycode), URL or de-fanged name.")],
    db: DbOption = None,
    output_format: FormatOption = None,
) -> None:
    """Show everything the store recorded about one domain, oldest first.

    When and in which feed it was first seen, its matches, every probe, each verdict change, the alerts.

    Exits with 1 when the store has no record of the domain.
    """
    from clonewatch.names import Unparseable, default_psl, parse_line

    parsed = parse_line(domain, default_psl())
    if isinstance(parsed, Unparseable):
        raise InputError(f"{domain!r} is not a domain name: {parsed.reason}")
    with open_store(db) as store:
        events = store.history(parsed.ascii)
        where = store.url
    if not events:
        raise NoRecord(f"no record of {parsed.ascii} in the store at {where}")
    fmt = choose_format(output_format, sys.stdout)
    with RecordWriter(fmt, HISTORY_COLUMNS, title=parsed.ascii) as writer:
        for event in events:
            writer.write(event.to_dict() if fmt is OutputFormat.JSONL else _row(event))


def _row(event: HistoryEvent) -> dict[str, Any]:
    return {"at": event.at.isoformat(), "kind": event.kind, "summary": summary(event)}


def summary(event: HistoryEvent) -> str:
    """One line saying what happened, for tables and CSV."""
    d = event.details
    if event.kind == "first_seen":
        return f"first seen in {d['feed'] or 'an unknown feed'}" + (
            f" ({d['unicode']})" if d["unicode"] != d["domain"] else ""
        )
    if event.kind == "match":
        return f"{d['brand']} ({d['genuine']}) {d['score']:.2f}: {', '.join(d['reasons'])}"
    if event.kind == "probe":
        return f"probe #{d['probe']}: " + ", ".join(sorted(d["evidence"])[:8])
    if event.kind == "verdict":
        return f"{d['previous'] or 'none'} -> {d['verdict']} ({d['confidence']:.2f}, probe #{d['probe']})"
    if event.kind == "campaign":
        how = f" ({d['role']}, via {d['via']})" if d["change"] == "joined" and d["via"] else ""
        return f"{d['change']} campaign {d['campaign']}{how}"
    return f"{d['event']} to {d['target']}: {d['status']} after {d['attempts']} attempt(s)"
