"""`clonewatch generate`: every look-alike of a brand a campaign could register, ranked."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from clonewatch.brands import Brand, brand_for
from clonewatch.cli.common import BrandsOption, FormatOption, SchedulerOption, load_brands, with_exit_codes
from clonewatch.cli.match import ProfileOption
from clonewatch.cli.output import RecordWriter, choose_format
from clonewatch.errors import InputError
from clonewatch.generate import DEFAULT_LIMIT, Candidate, default_fuzzers, fuzzers_named, generate
from clonewatch.generate.fuzzers import SUFFIX_FUZZER
from clonewatch.match.profile import load_profile

if TYPE_CHECKING:
    from clonewatch.net import ResolverSettings
    from clonewatch.probe import DnsFacts

GENERATE_COLUMNS = ("rank", "score", "domain", "unicode", "brand", "genuine", "reasons", "fuzzer")
DNS_COLUMNS = ("status", "a", "aaaa", "ns", "mx", "error")


def generate_command(
    domains: Annotated[
        list[str] | None,
        typer.Argument(help="Genuine domains to generate look-alikes of.", show_default=False),
    ] = None,
    watchlist: Annotated[bool, typer.Option("--watchlist", help="Every brand of the watchlist.")] = False,
    brands: BrandsOption = None,
    limit: Annotated[int, typer.Option(min=1, help="Keep the best N candidates per brand.")] = DEFAULT_LIMIT,
    fuzzers: Annotated[
        str | None, typer.Option(help="Comma-separated fuzzer names (default: all, with tld-swap).")
    ] = None,
    registered: Annotated[
        bool, typer.Option("--registered", help="Resolve every candidate and report its DNS status.")
    ] = False,
    resolver: Annotated[
        str | None, typer.Option(help="DNS server as HOST:PORT (default: the system's resolver).")
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="DNS queries in flight at once.")] = 100,
    dns_timeout: Annotated[float, typer.Option(min=0.05, help="Seconds to wait for one DNS answer.")] = 2.0,
    retries: Annotated[int, typer.Option(min=0, help="Retries of a query that timed out.")] = 1,
    rate: Annotated[
        float, typer.Option(min=0, help="At most this many queries per second (0: no limit).")
    ] = 0,
    output_format: FormatOption = None,
    profile: ProfileOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Generate ranked look-alikes of genuine domains: every dnstwist fuzzer, combinations with
    every public suffix and with affix words, best first (the names campaigns register first).

    Each candidate carries the score and reasons `clonewatch match` would give it. With
    --registered each also gets a, aaaa, ns, mx and a status: registered, unregistered, wildcard
    (its suffix answers for every name) or error (SERVFAIL, timeout, REFUSED: never "registered").
    With --scheduler the DNS checks run as tasks on the Dask workers (500 names each).
    """
    from clonewatch.probe import ResolverSettings  # dnspython loads only for this command

    watched = load_brands(brands)
    chosen = load_profile(profile) if profile else None
    names = [name.strip() for name in fuzzers.split(",")] if fuzzers else None
    chosen_fuzzers = fuzzers_named(names) if names else default_fuzzers()
    suffix_swaps = names is None or SUFFIX_FUZZER in names
    targets = _brands_to_generate(domains or [], watched, watchlist=watchlist)
    settings = ResolverSettings.parse(
        resolver, concurrency=concurrency, timeout=dns_timeout, retries=retries, rate=rate
    )
    columns = GENERATE_COLUMNS + DNS_COLUMNS if registered else GENERATE_COLUMNS
    writer = RecordWriter(choose_format(output_format, sys.stdout), columns, title="look-alike candidates")
    progress = _DnsProgress()
    if scheduler is not None and not registered:
        raise InputError("--scheduler runs the DNS checks of --registered: give --registered too")
    check = _checker(scheduler)
    try:
        with writer, check as check_all:
            for brand in targets:
                candidates = generate(
                    brand, limit=limit, fuzzers=chosen_fuzzers, suffix_swaps=suffix_swaps, profile=chosen
                )
                if not registered:
                    writer.write_all(candidate.to_dict() for candidate in candidates)
                    continue
                batch = {candidate.match.domain: candidate for candidate in candidates}

                def emit(facts: DnsFacts, batch: dict[str, Candidate] = batch) -> None:
                    progress.count(facts)
                    writer.write(batch[facts.domain].to_dict() | facts.to_dict())

                check_all(list(batch), settings, emit)
    except KeyboardInterrupt:
        progress.summary(interrupted=True)
        raise typer.Exit(130) from None
    if registered:
        progress.summary()


with_exit_codes(generate_command)


@contextmanager
def _checker(
    scheduler: str | None,
) -> Iterator[Callable[[list[str], ResolverSettings, Callable[[DnsFacts], None]], object]]:
    """What checks a batch of names: here, or as tasks on the cluster at ``scheduler``."""
    if scheduler is None:
        from clonewatch.probe import check_names

        yield check_names
        return
    from clonewatch.scale.connect import Spread, connect
    from clonewatch.scale.dnschecks import check_on_cluster

    spread = Spread()
    with connect(scheduler) as client:
        yield lambda names, settings, emit: check_on_cluster(client, names, settings, emit, spread)
    if spread.tasks:
        print(f"clonewatch: {spread.describe()}", file=sys.stderr)


class _DnsProgress:
    """Counts statuses; a live line on a terminal's standard error, a summary at the end."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.live = sys.stderr.isatty()

    def count(self, facts: DnsFacts) -> None:
        self.counts[str(facts.status)] += 1
        total = sum(self.counts.values())
        if self.live and total % 500 == 0:
            print(f"\rchecked {total:,} names ({self._parts()})", end="", file=sys.stderr, flush=True)

    def _parts(self) -> str:
        return ", ".join(f"{count:,} {status}" for status, count in sorted(self.counts.items()))

    def summary(self, *, interrupted: bool = False) -> None:
        state = "interrupted after checking" if interrupted else "checked"
        prefix = "\n" if self.live else ""
        total = sum(self.counts.values())
        print(f"{prefix}clonewatch: {state} {total:,} names ({self._parts() or 'none'})", file=sys.stderr)


def _brands_to_generate(domains: list[str], watched: list[Brand], *, watchlist: bool) -> list[Brand]:
    if watchlist:
        return watched
    if not domains:
        raise InputError("give at least one DOMAIN, or --watchlist")
    chosen: list[Brand] = []
    for domain in domains:
        brand = brand_for(domain, watched)
        if brand not in chosen:
            chosen.append(brand)
    return chosen
