"""`clonewatch watch`: the long-running monitor (feeds in, store and alerts out)."""

from __future__ import annotations

import functools
import inspect
import logging
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import typer

from clonewatch.cli.common import (
    EXIT_OK,
    BrandsOption,
    DbOption,
    load_brands,
    with_exit_codes,
)
from clonewatch.cli.probing import CaFileOption, RdapServerOption, rdap_servers
from clonewatch.errors import FeedUnavailable
from clonewatch.watch.feeds import default_feed_kinds


def _overrides(
    feeds: Mapping[str, list[str]],
    *,
    alert_webhook: list[str],
    alert_file: Path | None,
    alert_min_score: float | None,
    no_probe: bool,
    resolver: str | None,
    rdap_server: list[str],
    ca_file: Path | None,
    brands: Path | None,
    db: str | None,
    allow_private: bool,
    batch_size: int | None,
    poll: str | None,
) -> dict[str, Any]:
    """The flags as a config table, merged over --config (flags add feeds and replace values)."""
    from clonewatch.watch.config import flag_feeds

    raw: dict[str, Any] = {}
    if tables := flag_feeds(feeds):
        raw["feeds"] = tables
    alerts: dict[str, Any] = {}
    if alert_webhook:
        alerts["webhook"] = list(alert_webhook)
    if alert_file is not None:
        alerts["file"] = str(alert_file.resolve())
    if alert_min_score is not None:
        alerts["min_score"] = alert_min_score
    if alerts:
        raw["alerts"] = alerts
    probe: dict[str, Any] = {}
    if no_probe:
        probe["enabled"] = False
    if resolver is not None:
        probe["resolver"] = resolver
    if rdap_server:
        probe["rdap"] = rdap_servers(rdap_server)
    if ca_file is not None:
        probe["ca_file"] = str(ca_file.resolve())
    if probe:
        raw["probe"] = probe
    if brands is not None:
        raw["brands"] = str(brands.resolve())
    if db is not None:
        raw["db"] = db
    if allow_private:
        raw["allow_private"] = True
    if batch_size is not None:
        raw["batch_size"] = batch_size
    if poll is not None:
        raw["poll"] = poll
    return raw


def _feed_flags(command: Callable[..., None]) -> Callable[..., None]:
    """One repeatable flag per registered feed kind (``--nrd``, ``--ct``, ``--feed``: the flag and
    its help come from the registry), passed to ``command`` together as ``feeds`` (kind -> values)."""
    kinds = default_feed_kinds()
    flags = [
        inspect.Parameter(
            f"{name}_feeds",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[list[str] | None, typer.Option(kind.flag, help=kind.help)],
        )
        for name, kind in kinds.items()
    ]

    @functools.wraps(command)
    def with_feed_flags(**values: Any) -> None:
        command(feeds={name: values.pop(f"{name}_feeds") or [] for name in kinds}, **values)

    signature = inspect.signature(command, eval_str=True)
    rest = [param for param in signature.parameters.values() if param.name != "feeds"]
    with_feed_flags.__signature__ = signature.replace(parameters=[*flags, *rest])  # type: ignore[attr-defined]
    return with_feed_flags


@_feed_flags
def watch_command(
    *,
    feeds: Mapping[str, list[str]],
    config: Annotated[Path | None, typer.Option("--config", help="A TOML file with every option.")] = None,
    check_config: Annotated[
        bool, typer.Option("--check-config", help="Validate the configuration and exit (0 good, 2 bad).")
    ] = False,
    alert_webhook: Annotated[
        list[str] | None, typer.Option("--alert-webhook", help="POST each alert as JSON to this URL.")
    ] = None,
    alert_file: Annotated[
        Path | None, typer.Option("--alert-file", help="Append each alert as a JSON line to this file.")
    ] = None,
    alert_min_score: Annotated[
        float | None,
        typer.Option(
            "--alert-min-score",
            min=0.0,
            max=1.0,
            help="Also alert on a flag alone (before any probe) whose match score is at least this.",
        ),
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="Read what the feeds hold now, probe and alert, then exit.")
    ] = False,
    no_probe: Annotated[bool, typer.Option("--no-probe", help="Match and store only; do not probe.")] = False,
    resolver: Annotated[
        str | None, typer.Option(help="DNS server for probing, HOST:PORT (default: the system's).")
    ] = None,
    rdap_server: RdapServerOption = None,
    ca_file: CaFileOption = None,
    brands: BrandsOption = None,
    db: DbOption = None,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private", help="Let feeds, webhooks and probes reach private and loopback addresses."
        ),
    ] = False,
    batch_size: Annotated[
        int | None, typer.Option("--batch-size", min=1, help="Names (or CT entries) per transaction [1000].")
    ] = None,
    poll: Annotated[
        str | None,
        typer.Option("--poll", help="Time between polls of each feed: seconds or 30s, 5m, 1h [300]."),
    ] = None,
) -> None:
    """Watch feeds for new look-alikes: store them, probe them, and send alerts.

    Feeds: newly-registered-domain lists (--nrd), certificate-transparency logs (--ct), a file or
    standard input (--feed). Every name is matched against the watchlist; look-alikes go to the
    store (with the feed's position, in one transaction per batch), the review queue, and are
    probed and re-probed on a schedule. Alerts fire when a probe's verdict becomes clone,
    redirector or cloaked (a flag alone only with --alert-min-score, from that match score), and go
    as JSON lines to standard output (when no other target is given), --alert-file, and/or
    --alert-webhook.

    SIGINT/SIGTERM stop after the current batch; a restart continues where the store says.
    Progress goes to standard error.
    """
    from clonewatch.watch import load_config, run_watch

    overrides = _overrides(
        feeds,
        alert_webhook=alert_webhook or [],
        alert_file=alert_file,
        alert_min_score=alert_min_score,
        no_probe=no_probe,
        resolver=resolver,
        rdap_server=rdap_server or [],
        ca_file=ca_file,
        brands=brands,
        db=db,
        allow_private=allow_private,
        batch_size=batch_size,
        poll=poll,
    )
    settings = load_config(config, overrides)
    if check_config:
        print(f"clonewatch: configuration is valid ({len(settings.feeds)} feed(s))", file=sys.stderr)
        raise typer.Exit(EXIT_OK)
    if not settings.alerts.file and not settings.alerts.webhooks and not settings.alerts.stdout:
        from dataclasses import replace

        settings = replace(settings, alerts=replace(settings.alerts, stdout=True))
    watched = load_brands(settings.brands)
    _log_to_stderr()
    stop = threading.Event()
    _stop_on_signals(stop)
    report = run_watch(settings, watched, once=once, stop=stop)
    if report.failed_feeds:
        raise FeedUnavailable(
            f"{report.failed_feeds} feed(s) could not be read completely (see above); run again to retry"
        )


with_exit_codes(watch_command)


def _log_to_stderr() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("clonewatch watch: %(message)s"))
    logger = logging.getLogger("clonewatch")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(number: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        logging.getLogger("clonewatch.watch").warning(
            "%s: stopping after the current batch", signal.Signals(number).name
        )
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
