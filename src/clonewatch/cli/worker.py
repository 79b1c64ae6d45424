"""`clonewatch worker`: serve a Dask cluster's clonewatch tasks from this machine."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from clonewatch.cli.common import with_exit_codes
from clonewatch.cli.probing import (
    AllowPrivateOption,
    BrowserMemoryOption,
    BrowserPagesOption,
    ResolverOption,
)


def worker_command(
    scheduler: Annotated[
        str, typer.Argument(help="The scheduler's address: tcp://HOST:8786.", show_default=False)
    ],
    threads: Annotated[
        int, typer.Option("--nthreads", min=1, max=256, help="Tasks run at once (domains probed at once).")
    ] = 8,
    resolver: ResolverOption = None,
    allow_private: AllowPrivateOption = False,
    browser_pages: BrowserPagesOption = 4,
    browser_memory: BrowserMemoryOption = 1024,
    vantage: Annotated[
        str | None,
        typer.Option(
            help="The place this worker stands for (de, fr-paris): the sites probed with --scheduler "
            "are also visited from here, as the vantage NAME, beside the direct visits.",
            show_default=False,
        ),
    ] = None,
    source_address: Annotated[
        str | None,
        typer.Option(help="The local address this worker's visits leave from (a host with several)."),
    ] = None,
    host: Annotated[
        str | None, typer.Option(help="Address to listen on, one the scheduler and other workers reach.")
    ] = None,
    name: Annotated[str | None, typer.Option(help="A name for this worker, unique in the cluster.")] = None,
    death_timeout: Annotated[
        float, typer.Option(min=1, help="Stop after the scheduler has been gone this many seconds.")
    ] = 60.0,
) -> None:
    """Start a Dask worker for `match`, `generate`, `probe` and `cluster` run with --scheduler.

    It keeps its own settings for the tasks it runs: its DNS server (--resolver), whether private
    addresses may be reached at all (without --allow-private they are refused, whatever a
    command asks), and one headless Chromium with its own limits, started at the first probe
    task that needs it and kept until the worker stops (SIGTERM or Ctrl-C).

    With --vantage NAME the worker stands for a place: every site `probe --scheduler` probes is
    also visited from it (plain client, visitor from X, the browser), kept in the evidence as
    http["NAME:plain"], http["NAME:social"] and vantages.NAME, and compared with the direct visits
    as a --vantage proxy's would be; a set of workers in several countries is a set of vantages."""
    from clonewatch.probe.vantage import vantage_name
    from clonewatch.scale.service import run_worker
    from clonewatch.scale.worker import WorkerSettings

    settings = WorkerSettings(
        resolver=resolver,
        allow_private=allow_private,
        browser_pages=browser_pages,
        browser_memory=browser_memory,
        vantage=vantage_name(vantage) if vantage is not None else None,
        source_address=source_address,
    )

    def started(address: str) -> None:
        place = f", vantage {vantage}" if vantage else ""
        print(f"clonewatch: worker {address} serving {scheduler} ({threads} threads{place})", file=sys.stderr)

    run_worker(
        scheduler,
        settings,
        threads=threads,
        host=host,
        name=name,
        death_timeout=death_timeout,
        started=started,
    )


with_exit_codes(worker_command)
