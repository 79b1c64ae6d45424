"""The seam between the monitor and the probe stage.

The monitor hands a list of domains to a :data:`ProbeFn` and stores each :class:`ProbeOutcome` it
yields. The default, :func:`default_probe_fn`, imports ``clonewatch.probe.collect`` only when it
is first called, so a monitor run with ``--no-probe`` never loads the probe stage, and a library
user (or a test) can plug in any function of the same shape.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from clonewatch.brands import Brand
from clonewatch.errors import ClonewatchError

log = logging.getLogger(__name__)


class ProbeUnavailable(ClonewatchError):
    """The probe stage is not installed in this build (run with --no-probe)."""


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


def default_probe_fn(brands: Sequence[Brand], options: ProbeOptions) -> ProbeFn:
    """A ProbeFn over ``clonewatch.probe.collect.Prober`` (loaded on first use).

    Raises ProbeUnavailable at once when the probe stage is not installed, before any feed is read.
    """
    if importlib.util.find_spec("clonewatch.probe.collect") is None:
        raise ProbeUnavailable(
            "probing needs clonewatch.probe.collect, which this build lacks; run with --no-probe"
        )
    prober: Any = None

    def probe(domains: Sequence[str]) -> Iterator[ProbeOutcome]:
        nonlocal prober
        if prober is None:
            prober = _make_prober(brands, options)
        for evidence in prober.probe_all(domains):
            record = evidence.to_dict()
            yield ProbeOutcome(
                str(record["domain"]),
                record,
                str(record.get("verdict") or "unknown"),
                float(record.get("confidence") or 0.0),
            )

    return probe


def _make_prober(brands: Sequence[Brand], options: ProbeOptions) -> Any:
    """``Prober(ProbeSettings(http=HttpSettings(allow_private=...), concurrency=...), brands)``."""
    try:
        collect = importlib.import_module("clonewatch.probe.collect")
        http = importlib.import_module("clonewatch.probe.http")
    except ImportError as exc:
        raise ProbeUnavailable(
            f"probing needs clonewatch.probe.collect, which this build lacks ({exc}); run with --no-probe"
        ) from None
    settings = collect.ProbeSettings(
        http=http.HttpSettings(allow_private=options.allow_private), concurrency=options.concurrency
    )
    return collect.Prober(settings, list(brands))
