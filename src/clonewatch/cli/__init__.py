"""The command line: thin commands that parse arguments, call a stage and print."""

import typer

from clonewatch.cli.brands import brands_app
from clonewatch.cli.campaigns import campaigns_app
from clonewatch.cli.cluster import cluster_command
from clonewatch.cli.common import ClonewatchGroup
from clonewatch.cli.data import update_data_command
from clonewatch.cli.db import db_app
from clonewatch.cli.export import export_command
from clonewatch.cli.generate import generate_command
from clonewatch.cli.match import match_command
from clonewatch.cli.probe import probe_command
from clonewatch.cli.serve import serve_command, users_app
from clonewatch.cli.social import social_app
from clonewatch.cli.stored import findings_command, history_command
from clonewatch.cli.watch import watch_command
from clonewatch.cli.worker import worker_command

app = typer.Typer(
    name="clonewatch",
    cls=ClonewatchGroup,  # a ClonewatchError from any command: one line and its exit code
    help="Find look-alike domains of news outlets and government sites, and explain each one.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("match")(match_command)
app.command("generate")(generate_command)
app.command("probe")(probe_command)
app.command("cluster")(cluster_command)
app.command("update-data")(update_data_command)
app.command("findings")(findings_command)
app.command("history")(history_command)
app.command("watch")(watch_command)
app.command("serve")(serve_command)
app.command("export")(export_command)
app.command("worker")(worker_command)
app.add_typer(brands_app, name="brands")
app.add_typer(social_app, name="social")
app.add_typer(campaigns_app, name="campaigns")
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")

__all__ = ["app"]
