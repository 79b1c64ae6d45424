"""Expansion from seeds: grow the seeds' campaigns out of a feed of names, probing only what
shares infrastructure with them.

Every name of the feed is resolved once, cheaply (the asynchronous DNS of ``generate
--registered``: A, AAAA, NS, MX). Then, to ``depth`` rounds: the members of the campaigns holding
a seed offer their addresses, /24 or /48 networks, name servers and MX; feed names holding one of
those values, and the hosts of the members' redirect chains, are candidates; the candidates are
probed (rarest shared value first, at most ``max_probes`` probes in all, seeds included) and
everything is clustered again. A value held by more feed names than the clusterer's
``max_members`` is a common and brings in nothing. Every member the expansion added says which
value brought it in, from which member, at which depth.

Ctrl-C stops the expansion where it is: the result holds what was gathered until then, clustered,
with ``interrupted`` set.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from clonewatch.cluster.build import cluster_facts, collect_facts
from clonewatch.cluster.pivots import network_of
from clonewatch.cluster.records import Campaign, DomainFacts, Pivot
from clonewatch.cluster.weights import ClusterSettings
from clonewatch.names import DomainName, Unparseable, default_psl, parse_feed_line, parse_host
from clonewatch.names.feed import iter_lines, open_feed
from clonewatch.net import ResolverSettings

if TYPE_CHECKING:
    from clonewatch.match import FeedStats
    from clonewatch.pipeline import Pipeline
    from clonewatch.probe import DnsFacts

Probe = Callable[[Sequence[str]], Iterable[Mapping[str, Any]]]
"""Probes names and yields their evidence records (``clonewatch probe --format jsonl``)."""
Check = Callable[[Sequence[str], ResolverSettings, Callable[["DnsFacts"], None]], object]
"""Resolves names and hands each one's facts on (``clonewatch.probe.check_names`` by default)."""

HOP = "hop"
# The values a resolved name offers, most telling first (the order breaks ties between leads).
INFRASTRUCTURE = {HOP: 0, "address": 1, "ns": 2, "mx": 3, "net24": 4, "net48": 4}


@dataclass(frozen=True, slots=True)
class ExpandSettings:
    """``depth``: rounds of expansion; ``max_probes``: probes in all (seeds without evidence
    included); ``resolver``: how the feed is resolved (as ``generate --registered``);
    ``cluster``: how campaigns are formed (its ``max_members`` also bounds a value's reach)."""

    depth: int = 2
    max_probes: int = 500
    resolver: ResolverSettings = field(default_factory=ResolverSettings)
    cluster: ClusterSettings = field(default_factory=ClusterSettings)


@dataclass(frozen=True, slots=True)
class Lead:
    """Why a name was probed: the value it shares with a member (``hop:HOST`` for a host of the
    member's redirect chain), that member, and the round."""

    domain: str
    pivot: Pivot
    member: str
    depth: int
    holders: int = 1  # feed names holding the value: the fewer, the more it says

    def describe(self) -> str:
        return f"{self.pivot} (expanded from {self.member}, depth {self.depth})"


@dataclass(frozen=True, slots=True)
class ExpandProgress:
    """One step of the work: ``stage`` is ``resolving`` (feed names), ``kept`` (candidates of a
    round, ``total`` of them before the probe budget), ``probing`` or ``probed``."""

    stage: str
    depth: int
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class Expansion:
    """The seeds' campaigns after expansion, the evidence records probed on the way (seeds
    without evidence included), why each expanded name was probed, and the counts."""

    campaigns: tuple[Campaign, ...]
    evidence: tuple[Mapping[str, Any], ...]
    leads: Mapping[str, Lead]
    resolved: int
    registered: int
    unprobed: int
    depth: int
    interrupted: bool = False


def feed_names(sources: Sequence[str], stats: FeedStats) -> list[str]:
    """The registrable domains named in feeds (paths, ``-`` for standard input; plain or gzip),
    each once, in feed order; unparseable lines are counted in ``stats``. FeedError when a
    feed cannot be read."""
    psl = default_psl()
    seen: dict[str, None] = {}
    for source in sources:
        with open_feed(source) as stream:
            for lineno, text, why in iter_lines(stream, source):
                name = parse_feed_line(text, psl) if text is not None else Unparseable(why)
                if name is None:
                    continue  # a blank or comment line
                stats.read += 1
                if isinstance(name, DomainName):
                    seen.setdefault(name.registrable, None)
                else:
                    stats.skip(source, lineno, name.reason)
    return list(seen)


def pipeline_probe(pipeline: Pipeline) -> Probe:
    """A probe through ``pipeline`` (match -> probe -> judge): records as ``clonewatch probe`` writes them."""

    def probe(names: Sequence[str]) -> Iterator[Mapping[str, Any]]:
        for probed in pipeline.run(names):
            yield probed.to_dict()

    return probe


def expand(
    records: Iterable[Mapping[str, Any]],
    *,
    seeds: Collection[str],
    names: Sequence[str],
    probe: Probe,
    settings: ExpandSettings | None = None,
    asn: Callable[[str], int | None] | None = None,
    progress: Callable[[ExpandProgress], None] | None = None,
    check: Check | None = None,
) -> Expansion:
    """The campaigns of ``seeds`` grown from ``names`` (see the module docstring). ``records``
    is evidence already gathered; seeds without evidence are probed first. ``probe`` and
    ``check`` do the network work (here, or on a cluster)."""
    run = _Run(settings or ExpandSettings(), probe, asn, progress or (lambda _: None), check)
    run.records.extend(records)
    run.seeds = _seed_names(seeds)
    try:
        run.resolve(names)
        run.probe_seeds()
        for depth in range(1, run.settings.depth + 1):
            if not run.round(depth):
                break
    except KeyboardInterrupt:
        run.interrupted = True
    return run.result()


@dataclass(slots=True)
class _Run:
    settings: ExpandSettings
    probe: Probe
    asn: Callable[[str], int | None] | None
    report: Callable[[ExpandProgress], None]
    check: Check | None = None
    records: list[Mapping[str, Any]] = field(default_factory=list)
    gathered: list[Mapping[str, Any]] = field(default_factory=list)
    seeds: list[str] = field(default_factory=list)
    holders: dict[Pivot, list[str]] = field(default_factory=dict)
    leads: dict[str, Lead] = field(default_factory=dict)
    tried: set[str] = field(default_factory=set)
    resolved: int = 0
    registered: int = 0
    unprobed: int = 0
    depth: int = 0
    interrupted: bool = False

    def resolve(self, names: Sequence[str]) -> None:
        """Index every registered feed name by its addresses, networks, name servers and MX."""
        from clonewatch.probe import DnsStatus, check_names

        total = len(names)

        def index(facts: DnsFacts) -> None:
            self.resolved += 1
            if facts.status is DnsStatus.REGISTERED:
                self.registered += 1
                for pivot in dns_pivots(facts):
                    self.holders.setdefault(pivot, []).append(facts.domain)
            if self.resolved % 1000 == 0 or self.resolved == total:
                self.report(ExpandProgress("resolving", 0, self.resolved, total))

        if names:
            (self.check or check_names)(names, self.settings.resolver, index)

    def probe_seeds(self) -> None:
        known = {_domain(record) for record in self.records}
        missing = [seed for seed in self.seeds if seed not in known]
        self._probe(missing[: self.settings.max_probes], depth=0)

    def round(self, depth: int) -> bool:
        """One round: candidates from the current members, probed; False when none were left."""
        facts, campaigns = self._cluster()
        members = _member_names(campaigns, self.seeds)
        by_domain = {item.domain: item for item in facts}
        leads = self._candidates(members, by_domain, depth)
        budget = max(0, self.settings.max_probes - len(self.gathered))
        chosen = sorted(leads.values(), key=lambda lead: (*_rank(lead), lead.domain))
        self.unprobed = max(0, len(chosen) - budget)
        self.report(ExpandProgress("kept", depth, min(len(chosen), budget), len(chosen)))
        chosen = chosen[:budget]
        if not chosen:
            return False
        self.depth = depth
        self.leads.update((lead.domain, lead) for lead in chosen)
        self._probe([lead.domain for lead in chosen], depth=depth)
        return True

    def _candidates(
        self, members: Iterable[str], facts: Mapping[str, DomainFacts], depth: int
    ) -> dict[str, Lead]:
        """The best lead to every name not yet probed that shares a value with a member."""
        known = self.tried | {_domain(record) for record in self.records}
        found: dict[str, Lead] = {}

        def offer(lead: Lead) -> None:
            if lead.domain in known:
                return
            best = found.get(lead.domain)
            if best is None or _rank(lead) < _rank(best):
                found[lead.domain] = lead

        for member in sorted(members):
            item = facts.get(member)
            if item is None:
                continue  # a host of members' chains, not probed yet: their hop_hosts offer it
            for pivot in item.pivots:
                holders = self.holders.get(pivot, ()) if pivot.kind in INFRASTRUCTURE else ()
                if len(holders) > self.settings.cluster.max_members:
                    continue  # a common (a CDN address, a big DNS provider): it brings in nothing
                for name in holders:
                    offer(Lead(name, pivot, member, depth, len(holders)))
            for host in item.hop_hosts:
                offer(Lead(host, Pivot(HOP, host), member, depth))
        return found

    def _probe(self, names: Sequence[str], *, depth: int) -> None:
        if not names:
            return
        self.tried.update(names)
        self.report(ExpandProgress("probing", depth, 0, len(names)))
        for done, record in enumerate(self.probe(names), start=1):
            self.records.append(record)
            self.gathered.append(record)
            self.report(ExpandProgress("probed", depth, done, len(names)))

    def _cluster(self) -> tuple[list[DomainFacts], list[Campaign]]:
        # in name order, so that the communities do not depend on the order probes completed in
        facts = sorted(
            collect_facts(self.records, self.settings.cluster, asn=self.asn), key=lambda f: f.domain
        )
        campaigns = cluster_facts(facts, self.settings.cluster)
        wanted = set(self.seeds)
        return facts, [c for c in campaigns if any(m.domain in wanted for m in c.members)]

    def result(self) -> Expansion:
        _, campaigns = self._cluster()
        return Expansion(
            campaigns=tuple(_with_leads(campaign, self.leads) for campaign in campaigns),
            evidence=tuple(self.gathered),
            leads=dict(self.leads),
            resolved=self.resolved,
            registered=self.registered,
            unprobed=self.unprobed,
            depth=self.depth,
            interrupted=self.interrupted,
        )


def _rank(lead: Lead) -> tuple[int, int, str]:
    return (lead.holders, INFRASTRUCTURE[lead.pivot.kind], lead.member)


def dns_pivots(facts: DnsFacts) -> set[Pivot]:
    """The infrastructure values of a resolved name, spelled as evidence spells them."""
    found: set[Pivot] = set()
    for address in (*facts.a, *facts.aaaa):
        found.add(Pivot("address", address))
        network = network_of(address)
        if network is not None:
            found.add(network)
    found.update(Pivot("ns", _host(value)) for value in facts.ns)
    found.update(Pivot("mx", _host(value.split()[-1])) for value in facts.mx if value.split())
    return found


def _host(value: str) -> str:
    return value.strip().lower().rstrip(".")


def _domain(record: Mapping[str, Any]) -> str:
    domain = record.get("domain")
    return domain.strip().lower().rstrip(".") if isinstance(domain, str) else ""


def _seed_names(seeds: Collection[str]) -> list[str]:
    psl = default_psl()
    names: dict[str, None] = {}
    for seed in seeds:
        name = parse_host(seed.strip(), psl)
        names.setdefault(name.ascii if isinstance(name, DomainName) else _host(seed), None)
    return list(names)


def _member_names(campaigns: Iterable[Campaign], seeds: Iterable[str]) -> set[str]:
    """Every member of the seeds' campaigns, and the seeds themselves (in a campaign or not)."""
    return {member.domain for campaign in campaigns for member in campaign.members} | set(seeds)


def _with_leads(campaign: Campaign, leads: Mapping[str, Lead]) -> Campaign:
    """The campaign with every expanded member saying which value brought it in."""
    if not any(member.domain in leads for member in campaign.members):
        return campaign
    members = tuple(
        replace(member, via=leads[member.domain].describe()) if member.domain in leads else member
        for member in campaign.members
    )
    return replace(campaign, members=members)
