"""Content-addressed files on disk for screenshots and page bodies (rows keep only the hash)."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

import platformdirs

_SHA256 = re.compile(r"[0-9a-f]{64}")


class BlobStore:
    """Files named by their SHA-256 under ``directory`` (``ab/abcdef...``); writes are atomic."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def put(self, data: bytes) -> str:
        """Store ``data`` and return its SHA-256 (hex). Storing the same bytes again writes nothing."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if target.exists():
            return sha
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return sha

    def path(self, sha: str) -> Path:
        """Where the blob ``sha`` lives (whether or not it exists)."""
        if not _SHA256.fullmatch(sha):
            raise ValueError(f"not a SHA-256 hex digest: {sha!r}")
        return self.directory / sha[:2] / sha

    def get(self, sha: str) -> bytes:
        """The blob's bytes; FileNotFoundError if it was never stored."""
        return self.path(sha).read_bytes()

    def __contains__(self, sha: object) -> bool:
        return isinstance(sha, str) and _SHA256.fullmatch(sha) is not None and self.path(sha).is_file()


def default_blob_dir() -> Path:
    """Where blobs go unless configured: ``blobs/`` beside the default database."""
    return Path(platformdirs.user_data_dir("clonewatch", appauthor=False)) / "blobs"
