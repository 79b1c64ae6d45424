"""The match record: one flagged name and why it looks like a watched brand."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Match:
    """A name flagged as a look-alike of ``genuine``, the watched domain of ``brand``."""

    domain: str
    unicode: str
    brand: str
    genuine: str
    score: float
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        record = asdict(self)
        record["reasons"] = list(self.reasons)
        return record
