"""`clonewatch db`: look after the database's schema."""

from __future__ import annotations

import sys

import typer

from clonewatch.cli.common import DbOption

db_app = typer.Typer(help="Manage the clonewatch database (schema migrations).", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade_command(db: DbOption = None) -> None:
    """Migrate the database to the schema this clonewatch needs (creating it if new).

    Exit codes: 0 done (or nothing to do); 1 the database cannot be reached; 2 a bad URL or a database
    written by a newer clonewatch.
    """
    from clonewatch.store import resolve_url, upgrade
    from clonewatch.store.database import display, make_engine

    url = resolve_url(db)
    engine = make_engine(url)
    try:
        done = upgrade(engine)
    finally:
        engine.dispose()
    where = display(url)
    if done.before == done.after:
        message = f"database at {where} is already at revision {done.after}"
    elif done.before is None:
        message = f"created database at {where} at revision {done.after}"
    else:
        message = f"upgraded database at {where} from revision {done.before} to {done.after}"
    print(f"clonewatch: {message}", file=sys.stderr)
