"""The seam between the monitor and the probe stage.

The monitor hands a list of domains to a :data:`ProbeFn` and stores each :class:`ProbeOutcome` it
yields. The default, :func:`default_probe_fn`, loads the probe stage only when it is first called,
so a monitor run with ``--no-probe`` never loads it, and a library user (or a test) can plug in any
function of the same shape.
"""

from __future__ import annotations

import atexit
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clonewatch.brands import Brand

if TYPE_CHECKING:
    from clonewatch.probe.collect import Prober


@dataclass(frozen=True, slots=True)
class ProbeOutcome:
    """What probing one domain found: the evidence document, and the verdict drawn from it."""

    domain: str
    evidence: Mapping[str, Any]
    verdict: str
    confidence: float


ProbeFn = Callable[[Sequence[str]], Iterable[ProbeOutcome]]


@dataclass(frozen=True, slots=True)
class ProbeOptions:
    """How the default probe runs: how many domains at once, and whether private addresses are allowed."""

    concurrency: int = 8
    allow_private: bool = False
    resolver: str | None = None
    screenshots: bool = False
    blobs: Path | None = None


def default_probe_fn(brands: Sequence[Brand], options: ProbeOptions) -> ProbeFn:
    """A ProbeFn over ``clonewatch.probe.collect.Prober``, built on first use; page bodies and
    screenshots go to the blob store, named by content."""
    prober: Prober | None = None

    def probe(domains: Sequence[str]) -> Iterator[ProbeOutcome]:
        nonlocal prober
        if prober is None:
            prober = _prober(brands, options)
        for evidence in prober.probe_all(domains):
            record = evidence.to_dict()
            verdict = evidence.verdict
            yield ProbeOutcome(
                evidence.domain,
                record,
                str(verdict.kind) if verdict is not None else "unknown",
                verdict.confidence if verdict is not None else 0.0,
            )

    return probe


def _prober(brands: Sequence[Brand], options: ProbeOptions) -> Prober:
    from clonewatch.probe.collect import Prober, ProbeSettings
    from clonewatch.probe.dns import ResolverSettings
    from clonewatch.probe.http import HttpSettings
    from clonewatch.probe.rdap import rdap_client
    from clonewatch.store import BlobStore, default_blob_dir

    dns = ResolverSettings.parse(options.resolver) if options.resolver else None
    http = HttpSettings(allow_private=options.allow_private, dns=dns)
    rdap = rdap_client(http)
    blobs = BlobStore(options.blobs or default_blob_dir())
    settings = ProbeSettings(http=http, resolver=dns, concurrency=options.concurrency, keep=blobs.put)
    prober = Prober(settings, list(brands), rdap=rdap)
    if options.screenshots:
        from clonewatch.probe.browser import Browser

        browser = Browser(fetch=prober.resource)
        browser.start()
        atexit.register(browser.close)
        prober.browser = browser
    return prober
