"""Verdicts, evidence and campaigns -> what others act on: STIX 2.1, MISP, CSV and JSON lines, and
takedown dossiers (HTML, and PDF printed by headless Chromium).

    from clonewatch.report import Selection, gather, stix_bundle
    with Store.open(url) as store:
        report = gather(store, Selection(verdict="clone"))
    print(stix_bundle(report))

Importing this package loads neither ``stix2``, ``pymisp``, Jinja2 nor Playwright: each loads with
the format that needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clonewatch.report.facts import DomainFacts, read_facts
from clonewatch.report.gather import gather
from clonewatch.report.records import DomainReport, ReportSet, Selection
from clonewatch.report.tables import COLUMNS, records, rows

if TYPE_CHECKING:
    from clonewatch.report.dossier import Dossier, dossiers
    from clonewatch.report.misp import misp_event
    from clonewatch.report.stix import stix_bundle

_LAZY = {
    "stix_bundle": "clonewatch.report.stix",
    "misp_event": "clonewatch.report.misp",
    "dossiers": "clonewatch.report.dossier",
    "Dossier": "clonewatch.report.dossier",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)


__all__ = [
    "COLUMNS",
    "DomainFacts",
    "DomainReport",
    "Dossier",
    "ReportSet",
    "Selection",
    "dossiers",
    "gather",
    "misp_event",
    "read_facts",
    "records",
    "rows",
    "stix_bundle",
]
