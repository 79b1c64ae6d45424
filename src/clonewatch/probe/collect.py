"""Probe domains: collect DNS, RDAP, TLS, HTTP (as a plain client and as a browser arriving from
X, from the direct connection and from each vantage point), optionally a headless-browser capture,
and compare with the genuine site the caller names.
One bad domain never stops the batch; concurrency is bounded. Deciding what the evidence means
is the judge's work, and which site a name imitates the matcher's (see ``clonewatch.pipeline``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clonewatch.names import DomainName, default_psl, parse_host
from clonewatch.net import HttpClient, HttpSettings, ResolverSettings
from clonewatch.probe.chain import HttpEvidence, Visitor, follow
from clonewatch.probe.evidence import Evidence, SiteView, VantageSeen
from clonewatch.probe.records import dns_evidence
from clonewatch.probe.resources import ResourceFetcher, network_fetcher
from clonewatch.probe.vantage import Vantage

if TYPE_CHECKING:
    from clonewatch.probe.browser import Browser
    from clonewatch.probe.capture import BrowserCapture
    from clonewatch.probe.page import PageFingerprint
    from clonewatch.probe.rdap import RdapClient
    from clonewatch.probe.similarity import Similarity
    from clonewatch.probe.tls import TlsEvidence


GENUINE_TTL = 6 * 3600.0


@dataclass(frozen=True, slots=True)
class ProbeSettings:
    http: HttpSettings = field(default_factory=HttpSettings)
    resolver: ResolverSettings | None = None
    concurrency: int = 8
    screenshots: Path | None = None
    tls: bool = True
    keep: Callable[[bytes], str] | None = None  # stores page bodies and screenshots by content
    vantages: tuple[Vantage, ...] = ()  # visited from too, beside the direct connection


@dataclass(frozen=True, slots=True)
class Genuine:
    """The site a suspect is compared with: its domain, and every domain of the same owner."""

    domain: str
    domains: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProbeRequest:
    """One domain to probe, and the genuine site it may imitate (None: nothing to compare)."""

    domain: str
    genuine: Genuine | None = None


@dataclass(frozen=True, slots=True)
class RemoteView:
    """A vantage's view taken elsewhere, by a Dask worker standing for that place (its own
    connection, resolver and browser): how it is described in the record, and what it saw."""

    described: dict[str, Any]
    view: SiteView


@dataclass(slots=True)
class Prober:
    """Collects evidence with the given parts; ``browser`` and ``rdap`` are optional. ``client``
    is the network layer's client every fetch goes through (the browser's should be the same); a
    vantage's visits, the browser's included, go through ``client.via(its proxy)``."""

    settings: ProbeSettings
    client: HttpClient
    rdap: RdapClient | None = None
    browser: Browser | None = None
    _genuine: dict[str, tuple[Future[SiteView], float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _clients: dict[str, HttpClient] = field(default_factory=dict)
    _fetchers: dict[str, ResourceFetcher] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._clients = {v.name: self.client.via(v.proxy) for v in self.settings.vantages}
        self._fetchers = {name: network_fetcher(client) for name, client in self._clients.items()}

    def probe_all(self, requests: Iterable[ProbeRequest]) -> Iterator[tuple[ProbeRequest, Evidence]]:
        """Each request with its evidence as it completes (at most ``concurrency`` at once). A
        caller that stops early (Ctrl-C, closing the iterator) waits only for the probes under way:
        the queued ones are cancelled."""
        with ThreadPoolExecutor(max_workers=self.settings.concurrency) as pool:
            pending: dict[Future[Evidence], ProbeRequest] = {}
            try:
                for request in requests:
                    pending[pool.submit(self.probe, request.domain, request.genuine)] = request
                    if len(pending) >= self.settings.concurrency * 4:
                        done = next(as_completed(pending))
                        yield pending.pop(done), done.result()
                for done in as_completed(list(pending)):
                    yield pending.pop(done), done.result()
            finally:
                for future in pending:
                    future.cancel()

    def probe(
        self, domain: str, genuine: Genuine | None = None, remote: Mapping[str, RemoteView] | None = None
    ) -> Evidence:
        """Never raises for a domain's own faults: they land in ``error``. ``remote``: views taken
        elsewhere, kept and compared as the vantages of that name."""
        started = time.monotonic()
        when = datetime.now(UTC).isoformat(timespec="seconds")
        name = parse_host(domain, default_psl())
        if not isinstance(name, DomainName):
            return Evidence(domain, domain, when, 0.0, error=f"not a domain name: {domain[:100]}")
        try:
            return self._collect(name, genuine, when, started, remote or {})
        except Exception as exc:  # one bad domain never stops the batch; the error is its evidence
            error = f"{type(exc).__name__}: {exc}"
            return Evidence(name.ascii, name.unicode, when, time.monotonic() - started, error=error)

    def _collect(
        self,
        name: DomainName,
        genuine: Genuine | None,
        when: str,
        started: float,
        remote: Mapping[str, RemoteView],
    ) -> Evidence:
        dns = dns_evidence(name.ascii, self.settings.resolver, timeout=self.settings.http.timeout)
        rdap = self.rdap.lookup(name.registrable) if self.rdap is not None else None
        if dns.exists is False:
            return Evidence(name.ascii, name.unicode, when, time.monotonic() - started, dns=dns, rdap=rdap)
        site, placed = self._view(name.ascii, genuine.domains if genuine is not None else (), vantages=True)
        tls = None
        if self.settings.tls and dns.addresses:
            tls = self._tls(name.ascii, dns.addresses[0])
        genuine_view = self._genuine_view(genuine.domain) if genuine is not None else None
        own = (genuine.domain, *genuine.domains) if genuine is not None else ()
        comparison = _compare(site, genuine_view, own)
        described = {v.name: v.describe() for v in self.settings.vantages}
        described |= {where: seen.described for where, seen in remote.items()}
        placed |= {where: seen.view for where, seen in remote.items()}
        vantages = {
            where: VantageSeen(
                described[where],
                _compare(placed[where], genuine_view, own),
                placed[where].browser,
                placed[where].screenshot,
            )
            for where in described
        }
        # the record keeps the direct visits under their own names, each vantage's as NAME:visitor
        http = dict(site.http)
        for where in described:
            for visitor, seen in placed[where].http.items():
                http[f"{where}:{visitor}"] = replace(seen, visitor=f"{where}:{visitor}")
        return Evidence(
            name.ascii,
            name.unicode,
            when,
            time.monotonic() - started,
            dns=dns,
            rdap=rdap,
            tls=tls,
            site=replace(site, http=http),
            genuine_site=genuine_view,
            comparison=comparison,
            vantages=vantages,
        )

    def _view(
        self, host: str, genuine_domains: tuple[str, ...], *, vantages: bool = False
    ) -> tuple[SiteView, dict[str, SiteView]]:
        """What the direct connection sees and, with ``vantages``, what each vantage sees, all at
        once (each vantage in a thread of its own, so a slow proxy costs its own budget only)."""
        wanted = self.settings.vantages if vantages else ()
        if not wanted:
            return self._look(host, genuine_domains), {}
        with ThreadPoolExecutor(max_workers=len(wanted)) as pool:
            futures = {v.name: pool.submit(self._look, host, genuine_domains, v.name) for v in wanted}
            direct = self._look(host, genuine_domains)
            return direct, {name: future.result() for name, future in futures.items()}

    def look(self, host: str, genuine_domains: tuple[str, ...]) -> SiteView:
        """What the direct connection sees (for a Dask worker standing for a vantage)."""
        return self._look(host, genuine_domains)

    def _look(self, host: str, genuine_domains: tuple[str, ...], vantage: str | None = None) -> SiteView:
        """One vantage's view (None: the direct connection's): its visitors' visits, then, when
        anything answered them, the browser's visit as the visitor from X, whose every request
        goes through the same vantage (a fresh context on one of the browser's lanes)."""
        client = self.client if vantage is None else self._clients[vantage]
        visits = self._visits(client, host, genuine_domains)
        capture = None
        shot = None
        answered = any(v.hops and v.hops[0].status is not None for v in visits.values())
        if self.browser is not None and answered:
            social = visits[str(Visitor.SOCIAL)]
            start = social.hops[0].url if social.hops else f"http://{host}/"
            headers = Visitor.SOCIAL.headers()
            capture = self.browser.capture(
                start,
                user_agent=headers["User-Agent"],
                referrer=headers["Referer"],
                fetch=None if vantage is None else self._fetchers[vantage],
            )
            if capture.png is not None and capture.error is None:
                shot = self._keep_png(capture)
        return SiteView(visits, capture, shot)

    def _visits(
        self, client: HttpClient, host: str, genuine_domains: tuple[str, ...]
    ) -> dict[str, HttpEvidence]:
        """Each visitor has its own half of the HTTP budget, so a page that stalls one visitor
        cannot keep the other (the one victims are) from being seen."""
        visits: dict[str, HttpEvidence] = {}
        for visitor in (Visitor.SOCIAL, Visitor.PLAIN):
            deadline = time.monotonic() + self.settings.http.budget / 2
            visits[str(visitor)] = self._visit(client, host, visitor, deadline, genuine_domains)
        return visits

    def _keep_png(self, capture: BrowserCapture) -> str | None:
        """Where the screenshot went: a file in --screenshots, or the name ``keep`` gave it."""
        if self.settings.screenshots is not None:
            from clonewatch.probe.capture import save_png

            saved = save_png(capture, self.settings.screenshots)
            return str(saved) if saved is not None else None
        if self.settings.keep is not None and capture.png is not None:
            return self.settings.keep(capture.png)
        return None

    def _visit(
        self, client: HttpClient, host: str, visitor: Visitor, deadline: float, genuine: tuple[str, ...]
    ) -> HttpEvidence:
        """HTTP first (sites send visitors on to HTTPS themselves); HTTPS when port 80 fails."""
        keep = self.settings.keep
        seen = follow(
            client, f"http://{host}/", visitor, deadline=deadline, genuine_domains=genuine, keep=keep
        )
        if seen.error is not None and len(seen.hops) == 1 and seen.hops[0].mechanism == "failed":
            secure = follow(
                client,
                f"https://{host}/",
                visitor,
                deadline=deadline,
                genuine_domains=genuine,
                keep=keep,
            )
            if secure.error is None or len(secure.hops) > 1:
                return secure
        return seen

    def _tls(self, host: str, address: str) -> TlsEvidence | None:
        from clonewatch.probe.tls import certificate_of

        policy = self.settings.http.policy
        if not policy.permits(address):
            return None
        http = self.settings.http
        return certificate_of(host, address, timeout=http.timeout, ca_file=http.ca_file, policy=policy)

    def _genuine_view(self, genuine: str) -> SiteView:
        """The genuine site's own view, collected once and shared by every look-alike; kept for
        GENUINE_TTL seconds (a long-running monitor sees redesigns), and not kept at all when it
        failed (the next look-alike tries again)."""
        with self._lock:
            cached = self._genuine.get(genuine)
            owner = cached is None or time.monotonic() - cached[1] > GENUINE_TTL
            if owner:
                cached = self._genuine[genuine] = (Future(), time.monotonic())
        assert cached is not None
        future = cached[0]
        if owner:
            try:
                view, _ = self._view(genuine, (genuine,))
                dns = dns_evidence(genuine, self.settings.resolver, timeout=self.settings.http.timeout)
                future.set_result(replace(view, dns=dns))
            except Exception as exc:  # every look-alike waiting on it gets the failure as its error
                future.set_exception(exc)
            if future.exception() is not None or _best_page(future.result()) is None:
                with self._lock:
                    self._genuine.pop(genuine, None)
        return future.result()


def _compare(site: SiteView, genuine: SiteView | None, own: tuple[str, ...]) -> Similarity | None:
    """How the page a victim sees in ``site`` compares with the genuine site's (None: a page is missing)."""
    from clonewatch.probe.similarity import compare

    suspect = _best_page(site)
    reference = _best_page(genuine) if genuine is not None else None
    if suspect is None or reference is None or genuine is None:
        return None
    return compare(
        suspect, reference, genuine_domains=own, suspect_phash=_phash(site), genuine_phash=_phash(genuine)
    )


def _best_page(view: SiteView) -> PageFingerprint | None:
    """The page a victim sees: the browser's rendering, else the social visitor's, else the plain."""
    if view.browser is not None and view.browser.html and view.browser.error is None:
        from clonewatch.probe.page import fingerprint

        return fingerprint(view.browser.html.encode("utf-8"), url=view.browser.final_url)
    for name in (str(Visitor.SOCIAL), str(Visitor.PLAIN)):
        evidence = view.http.get(name)
        if evidence is not None and evidence.page is not None:
            return evidence.page
    return None


def _phash(view: SiteView) -> str | None:
    """The screenshot's perceptual hash, when the browser got the page without an error."""
    return view.browser.phash if view.browser is not None and view.browser.error is None else None
