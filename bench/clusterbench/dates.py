"""The world's clock: every registration date and probe time, as the probe writes them (ISO 8601, UTC)."""

from __future__ import annotations

import datetime as dt
import random

NOW = dt.datetime(2025, 6, 2, tzinfo=dt.UTC)  # the probe ran over the two days after this
FIRST_DAY = dt.date(2008, 1, 1)


def days_ago(rng: random.Random, newest: int, oldest: int) -> dt.date:
    """A day between ``oldest`` and ``newest`` days before NOW."""
    return (NOW - dt.timedelta(days=rng.randint(newest, oldest))).date()


def ordinary_day(rng: random.Random) -> dt.date:
    """When an ordinary site was registered: any day since 2008, a third of them in the last year."""
    if rng.random() < 0.33:
        return days_ago(rng, 1, 365)
    return FIRST_DAY + dt.timedelta(days=rng.randrange((NOW.date() - FIRST_DAY).days - 365))


def stamp(rng: random.Random, day: dt.date, *, start_hour: int = 0, hours: int = 24) -> str:
    """A registration time on ``day``, within ``hours`` of ``start_hour`` (a batch is bought at once)."""
    seconds = rng.randrange(start_hour * 3600, min(24, start_hour + hours) * 3600)
    moment = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)
    return moment.isoformat()


def probed_at(rng: random.Random) -> str:
    return (NOW + dt.timedelta(seconds=rng.randrange(2 * 86_400))).replace(microsecond=0).isoformat()
