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
    """One watched organisation; ``domains`` are its genuine registrable domains, main one first."""

    name: str
    domains: tuple[str, ...]
    kind: BrandKind = BrandKind.CUSTOM
    country: str | None = None
    language: str | None = None

    @property
    def main_domain(self) -> str:
        return self.domains[0]
