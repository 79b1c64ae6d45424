"""What a headless-browser visit records: the navigation chain, the rendered page and its screenshot."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, Literal

from clonewatch.files import write_atomically

Mechanism = Literal["initial", "http", "meta-refresh", "javascript"]


@dataclass(frozen=True, slots=True)
class Navigation:
    """One main-frame navigation: the URL asked for, its status (None: refused or failed), and
    how the browser got there: "initial", "http" (a 3xx answer), "meta-refresh" or "javascript"."""

    url: str
    status: int | None
    mechanism: Mechanism

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "status": self.status, "mechanism": self.mechanism}


@dataclass(frozen=True, slots=True)
class BrowserCapture:
    """Evidence from one visit. `error` says why the visit stopped early; what was gathered is kept."""

    start_url: str
    final_url: str
    navigations: tuple[Navigation, ...]
    status: int | None
    title: str | None
    html: str | None
    png: bytes | None
    phash: str | None
    refused: tuple[tuple[str, str], ...]
    error: str | None
    elapsed: float

    @classmethod
    def failed(cls, url: str, error: str, elapsed: float = 0.0) -> BrowserCapture:
        """A visit that produced nothing but its error."""
        return cls(url, url, (), None, None, None, None, None, (), error, elapsed)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the screenshot is named by its SHA-256 (see `save_png`), not embedded."""
        return {
            "start_url": self.start_url,
            "final_url": self.final_url,
            "navigations": [navigation.to_dict() for navigation in self.navigations],
            "status": self.status,
            "title": self.title,
            "html": self.html,
            "png_sha256": hashlib.sha256(self.png).hexdigest() if self.png is not None else None,
            "phash": self.phash,
            "refused": [{"url": url, "reason": reason} for url, reason in self.refused],
            "error": self.error,
            "elapsed": round(self.elapsed, 3),
        }


def perceptual_hash(png: bytes) -> str:
    """The 64-bit perceptual hash of a PNG as 16 hex digits (imagehash.phash)."""
    import imagehash  # numpy and scipy load only when screenshots are hashed
    from PIL import Image

    with Image.open(BytesIO(png)) as image:
        return str(imagehash.phash(image))


def save_png(capture: BrowserCapture, directory: Path) -> Path | None:
    """Writes the screenshot as `<sha256>.png` in `directory` (same picture, same file); None without one."""
    if capture.png is None:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{hashlib.sha256(capture.png).hexdigest()}.png"
    if not path.exists():
        write_atomically(path, capture.png)
    return path
