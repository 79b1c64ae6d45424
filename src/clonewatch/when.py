"""Points in time the user types: ``7d``, ``12h``, ``30m`` ago, or an ISO date or date-time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from clonewatch.errors import InputError

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")


def parse_duration(text: str) -> timedelta:
    """``30s``, ``30m``, ``12h``, ``7d``, ``2w`` -> a positive timedelta; InputError otherwise."""
    found = _DURATION.fullmatch(text.strip().lower())
    if not found:
        raise InputError(f"bad duration {text!r}: use a number with s, m, h, d or w (e.g. 7d)")
    duration = timedelta(**{_UNITS[found.group(2)]: float(found.group(1))})
    if duration <= timedelta(0):
        raise InputError(f"bad duration {text!r}: must be positive")
    return duration


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """A duration ago (``7d``) or an ISO date/date-time (UTC unless it says otherwise), as aware UTC."""
    value = text.strip()
    if _DURATION.fullmatch(value.lower()):
        return (now or datetime.now(UTC)) - parse_duration(value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"bad --since {text!r}: use a duration such as 7d, 12h or 30m, or a date such as 2026-11-01"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
