"""Brand records: an organisation we protect and the genuine domains it owns."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class BrandKind(StrEnum):
    OUTLET = "outlet"
    GOVERNMENT = "government"
    INTERNATIONAL = "international"
    CUSTOM = "custom"


@dataclass(frozen=True, slots=True)
class Brand:
    """One watched organisation; ``domains`` are its genuine domains, main one first (a registrable
    domain, or a host under one for a body that lives on a subdomain); ``native`` is its name in its
    own script; ``aliases`` are the other labels it is known and imitated by (``deutschewelle``)."""

    name: str
    domains: tuple[str, ...]
    kind: BrandKind = BrandKind.CUSTOM
    country: str | None = None
    language: str | None = None
    native: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def main_domain(self) -> str:
        return self.domains[0]
