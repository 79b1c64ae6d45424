"""Typed values out of a raw configuration table, each problem recorded under its key."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from clonewatch.errors import InputError
from clonewatch.when import parse_duration


class Checker:
    """Reads typed values out of the raw table, collecting one message per bad key."""

    def __init__(self, base_dir: Path) -> None:
        self.base_dir = base_dir
        self.errors: list[str] = []

    def table(self, raw: Any, key: str, known: tuple[str, ...]) -> dict[str, Any]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.errors.append(f"{key}: not a table")
            return {}
        for name in raw:
            if name not in known:
                self.errors.append(f"{join(key, name)}: unknown key (known: {', '.join(known)})")
        return raw

    def get(
        self, table: Mapping[str, Any], key: str, name: str, convert: Callable[[Any], Any], default: Any
    ) -> Any:
        if name not in table:
            return default
        try:
            return convert(table[name])
        except (TypeError, ValueError, InputError) as exc:
            self.errors.append(f"{join(key, name)}: {exc}")
            return default

    def path(self, value: Any) -> Path:
        if not isinstance(value, str) or not value:
            raise ValueError("not a path")
        path = Path(value).expanduser()
        return path if path.is_absolute() else self.base_dir / path


    def location(self, value: Any) -> str | Path:
        """A directory (relative to the config's) or a URL of object storage (``s3://bucket/prefix``)."""
        from clonewatch.names.feed import is_remote

        if isinstance(value, str) and is_remote(value):
            return value
        return self.path(value)


def join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("not a positive integer")
    return value


def count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("not a whole number >= 0")
    return value


def seconds(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("not a duration")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return float(value)
    if isinstance(value, str):
        return parse_duration(value).total_seconds()
    raise ValueError("not a duration (seconds, or text like 30s, 5m, 1h, 7d)")


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("not true or false")
    return value


def http_url(value: Any) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not an http(s) URL")
    return str(value)


def text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("not a non-empty string")
    return value


def start_index(value: Any) -> int | str:
    if value == "end" or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        return value  # type: ignore[no-any-return]
    raise ValueError('not an index >= 0 or "end"')


def resolver_address(value: Any) -> str:
    """A DNS server as HOST:PORT or HOST."""
    from clonewatch.net import ResolverSettings

    if not isinstance(value, str):
        raise ValueError("must be a string HOST:PORT")
    ResolverSettings.parse(value)
    return value
