from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clonewatch.errors import InputError
from clonewatch.when import parse_duration, parse_since

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", NOW - timedelta(days=7)),
        ("12h", NOW - timedelta(hours=12)),
        ("30m", NOW - timedelta(minutes=30)),
        (" 2W ", NOW - timedelta(weeks=2)),
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01T10:00:00+02:00", datetime(2026, 11, 1, 8, tzinfo=UTC)),
    ],
)
def test_since(text: str, expected: datetime) -> None:
    assert parse_since(text, NOW) == expected


@pytest.mark.parametrize("text", ["", "7", "d7", "7x", "-7d", "yesterday", "2026-13-01"])
def test_bad_since(text: str) -> None:
    with pytest.raises(InputError, match="bad"):
        parse_since(text, NOW)


def test_zero_duration_is_refused() -> None:
    with pytest.raises(InputError, match="positive"):
        parse_duration("0h")
