"""match -> probe -> judge for one run, with the browser's lifetime owned here.

The CLI, the monitor and (later) the web app all probe through :class:`Pipeline`: it matches each
domain against the watchlist (to know which genuine site to compare it with), has the probe
collect the evidence, and has the judge decide. The three records stay apart and travel together
as :class:`Probed`. One network client serves the plain visitors, the browser and RDAP.

    with Pipeline(settings, brands, browser=True) as pipeline:
        for probed in pipeline.run(["spiegel.ltd"]):
            print(probed.to_dict()["verdict"])
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from clonewatch.brands import Brand, brand_for
from clonewatch.judge import Verdict, judge
from clonewatch.match import Match, Matcher
from clonewatch.names import DomainName, default_psl, parse_host
from clonewatch.net import HttpClient
from clonewatch.probe.collect import Genuine, Prober, ProbeRequest, ProbeSettings, RemoteView
from clonewatch.probe.evidence import Evidence, SiteView

if TYPE_CHECKING:
    from clonewatch.probe.browser import Browser, BrowserSettings
    from clonewatch.probe.rdap import RdapClient


@dataclass(frozen=True, slots=True)
class Probed:
    """One probed domain: what it imitates (None: nothing on the watchlist), what was collected,
    and what the judge made of it (None when collecting failed)."""

    match: Match | None
    evidence: Evidence
    verdict: Verdict | None

    @property
    def domain(self) -> str:
        return self.evidence.domain

    def to_dict(self) -> dict[str, Any]:
        """The evidence record of ``clonewatch probe``: match fields, verdict, then the evidence."""
        hit, verdict = self.match, self.verdict
        collected = self.evidence.to_dict()
        return {
            "domain": collected.pop("domain"),
            "unicode": collected.pop("unicode"),
            "brand": hit.brand if hit else None,
            "genuine": hit.genuine if hit else None,
            "score": hit.score if hit else None,
            "reasons": list(hit.reasons) if hit else [],
            "verdict": str(verdict.kind) if verdict else None,
            "confidence": verdict.confidence if verdict else None,
            "facts": list(verdict.facts) if verdict else [],
            **collected,
        }


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    """Everything a :class:`Pipeline` is built from but the brands: what a Dask worker is sent to
    build its own (see ``clonewatch.scale.probing``)."""

    settings: ProbeSettings
    rdap_servers: Mapping[str, str] | None = None
    rdap: bool = True
    browser: bool = False
    browser_settings: BrowserSettings | None = None


class Pipeline:
    """Probes domains end to end. ``browser``: run headless Chromium for the pipeline's lifetime
    (started on ``open()`` or entering the ``with`` block, closed on ``close()`` or leaving it)."""

    def __init__(
        self,
        settings: ProbeSettings,
        brands: Sequence[Brand],
        *,
        rdap_servers: Mapping[str, str] | None = None,
        rdap: bool = True,
        browser: bool = False,
        browser_settings: BrowserSettings | None = None,
    ) -> None:
        from clonewatch.probe.rdap import rdap_client

        self.brands = list(brands)
        self.matcher = Matcher(self.brands)
        self.client = HttpClient(settings.http)
        self._rdap: RdapClient | None = rdap_client(settings.http, rdap_servers) if rdap else None
        self._settings = settings
        self._wants_browser = browser
        self._browser_settings = browser_settings
        self._browser: Browser | None = None
        self._prober: Prober | None = None

    @classmethod
    def from_config(cls, config: PipelineConfig, brands: Sequence[Brand]) -> Pipeline:
        return cls(
            config.settings,
            brands,
            rdap_servers=config.rdap_servers,
            rdap=config.rdap,
            browser=config.browser,
            browser_settings=config.browser_settings,
        )

    def open(self) -> Pipeline:
        """Start the browser when asked for; BrowserError when it cannot start, InputError when a
        vantage's proxy is on an address the policy forbids."""
        if self._prober is not None:
            return self
        from clonewatch.probe.vantage import check_proxies

        check_proxies(self._settings.vantages, self.client)
        if self._wants_browser:
            from clonewatch.probe.browser import Browser
            from clonewatch.probe.resources import network_fetcher

            self._browser = Browser(fetch=network_fetcher(self.client), settings=self._browser_settings)
            self._browser.start()
        self._prober = Prober(self._settings, self.client, rdap=self._rdap, browser=self._browser)
        return self

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        self._prober = None

    def __enter__(self) -> Pipeline:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, domains: Iterable[str]) -> Iterator[Probed]:
        """Each domain matched, probed and judged, as it completes (``concurrency`` at once)."""
        prober = self.open()._prober
        assert prober is not None
        context: dict[int, tuple[Match | None, tuple[str, ...]]] = {}

        def requests() -> Iterator[ProbeRequest]:
            for domain in domains:
                request, hit, owners = self._request(domain)
                context[id(request)] = (hit, owners)
                yield request

        for request, evidence in prober.probe_all(requests()):
            hit, owners = context.pop(id(request))
            yield _judged(hit, evidence, owners)

    def probe(self, domain: str, *, remote: Mapping[str, RemoteView] | None = None) -> Probed:
        """One domain matched, probed and judged here, with the vantages' views taken elsewhere."""
        prober = self.open()._prober
        assert prober is not None
        request, hit, owners = self._request(domain)
        return _judged(hit, prober.probe(request.domain, request.genuine, remote), owners)

    def look(self, domain: str) -> SiteView:
        """What the direct connection sees of ``domain`` (a Dask worker standing for a vantage)."""
        prober = self.open()._prober
        assert prober is not None
        _, _, owners = self._request(domain)
        return prober.look(domain, owners)

    def _request(self, domain: str) -> tuple[ProbeRequest, Match | None, tuple[str, ...]]:
        hit = self._match(domain)
        owners = (hit.genuine, *brand_for(hit.genuine, self.brands).domains) if hit else ()
        return ProbeRequest(domain, Genuine(hit.genuine, owners) if hit else None), hit, owners

    def _match(self, domain: str) -> Match | None:
        name = parse_host(domain, default_psl())
        return self.matcher.match(name) if isinstance(name, DomainName) else None


def _judged(hit: Match | None, evidence: Evidence, owners: tuple[str, ...]) -> Probed:
    return Probed(hit, evidence, judge(evidence, owners) if evidence.error is None else None)
