"""The match record: one flagged name and why it looks like a watched brand."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Match:
    """A name flagged as a look-alike of ``genuine``, the watched domain of ``brand`` (through the
    brand's ``alias`` when the name imitates a label other than the domain's own)."""

    domain: str
    unicode: str
    brand: str
    genuine: str
    score: float
    reasons: tuple[str, ...]
    alias: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The record's fields; ``alias`` (the brand alias that matched) only when one did."""
        record = asdict(self)
        record["reasons"] = list(self.reasons)
        if self.alias is None:
            del record["alias"]
        return record
