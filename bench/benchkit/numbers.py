"""Small number helpers of the reports: rounding that keeps None, ratios, and "—" for a missing value."""

from __future__ import annotations


def round_or_none(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_int(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def fmt_ratio(value: float | None, prefix: str = "") -> str:
    return "—" if value is None else f"{prefix}{value:.2f}x"
