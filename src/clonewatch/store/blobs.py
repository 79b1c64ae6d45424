"""Content-addressed blobs (screenshots, page bodies; rows keep only the hash): in a directory, or
in object storage through fsspec (``s3://bucket/prefix`` on any S3-compatible service).

A location with a scheme (``s3://…``, ``gs://…``, ``memory://…``) is opened with fsspec; the
protocol's own package must be installed (``pip install 'clonewatch[s3]'`` for S3) and its
credentials and endpoint come from the usual places (for S3: ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_ENDPOINT_URL`` or ``~/.aws``). The object store is a destination
the operator chose, like the database: it is not subject to the probe's address policy. Anything
else is a directory; a blob is written there atomically (a temporary file renamed into place).
"""

from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import platformdirs

from clonewatch.errors import InputError
from clonewatch.files import write_atomically
from clonewatch.names.feed import is_remote

_SHA256 = re.compile(r"[0-9a-f]{64}")
_PACKAGES = {"s3": "s3fs (pip install 'clonewatch[s3]')", "gs": "gcsfs", "az": "adlfs", "abfs": "adlfs"}


class BlobStore(ABC):
    """Blobs named by their SHA-256 (``ab/abcdef…``). Storing the same bytes again writes nothing."""

    location: str

    def put(self, data: bytes) -> str:
        """Store ``data`` and return its SHA-256 (hex)."""
        sha = hashlib.sha256(data).hexdigest()
        if self.size(sha) is None:
            self._write(_name(sha), data)
        return sha

    def get(self, sha: str) -> bytes:
        """The blob's bytes; FileNotFoundError if it was never stored."""
        return self._read(_name(sha))

    def size(self, sha: str) -> int | None:
        """The blob's size in bytes, or None if it was never stored."""
        return self._size(_name(sha))

    def __repr__(self) -> str:  # the same store, the same text: a worker's pipeline key includes it
        return f"{type(self).__name__}({self.location!r})"

    def __contains__(self, sha: object) -> bool:
        return isinstance(sha, str) and _SHA256.fullmatch(sha) is not None and self.size(sha) is not None

    @abstractmethod
    def _write(self, name: str, data: bytes) -> None: ...

    @abstractmethod
    def _read(self, name: str) -> bytes: ...

    @abstractmethod
    def _size(self, name: str) -> int | None: ...


class DirectoryBlobs(BlobStore):
    """Blobs as files under ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.location = str(directory)

    def path(self, sha: str) -> Path:
        """Where the blob ``sha`` lives (whether or not it exists)."""
        return self.directory / _name(sha)

    def _write(self, name: str, data: bytes) -> None:
        target = self.directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, data)

    def _read(self, name: str) -> bytes:
        return (self.directory / name).read_bytes()

    def _size(self, name: str) -> int | None:
        try:
            return (self.directory / name).stat().st_size
        except FileNotFoundError:
            return None


class RemoteBlobs(BlobStore):
    """Blobs as objects under an fsspec URL; an object is written whole or not at all."""

    def __init__(self, location: str, filesystem: Any, root: str) -> None:
        self.location = location
        self._fs = filesystem
        self._root = root.rstrip("/")

    def _write(self, name: str, data: bytes) -> None:
        try:
            self._fs.pipe_file(f"{self._root}/{name}", data)
        except Exception as exc:
            raise OSError(f"blob store {self.location}: {_reason(exc)}") from exc

    def _read(self, name: str) -> bytes:
        try:
            data: bytes = self._fs.cat_file(f"{self._root}/{name}")
        except FileNotFoundError:
            raise
        except Exception as exc:
            raise OSError(f"blob store {self.location}: {_reason(exc)}") from exc
        return data

    def _size(self, name: str) -> int | None:
        try:
            return int(self._fs.info(f"{self._root}/{name}")["size"])
        except FileNotFoundError:
            return None
        except Exception as exc:
            raise OSError(f"blob store {self.location}: {_reason(exc)}") from exc

    def check(self, filesystem: Any = None) -> None:
        """Reach the store now (credentials, endpoint, bucket), or OSError in one line;
        ``filesystem``: another client of the same store to ask with (one that gives up sooner)."""
        try:
            (filesystem or self._fs).ls(self._root.split("/", 1)[0], detail=False)
        except Exception as exc:
            raise OSError(f"blob store {self.location}: {_reason(exc)}") from exc


def open_blobs(location: str | Path | None, *, check: bool = True) -> BlobStore:
    """The blob store at ``location`` (a directory, or a URL fsspec opens; None: the default
    directory). ``check``: reach a remote store now, so a wrong endpoint, bucket or key is one
    InputError before any work rather than a failure per blob."""
    if location is None:
        return DirectoryBlobs(default_blob_dir())
    text = str(location)
    if isinstance(location, Path) or not is_remote(text):
        return DirectoryBlobs(Path(text[7:] if text.lower().startswith("file://") else text).expanduser())
    import fsspec.core

    protocol = text.split("://", 1)[0].lower()
    try:
        filesystem, root = fsspec.core.url_to_fs(text)
    except ImportError as exc:
        needs = _PACKAGES.get(protocol, f"the fsspec package for {protocol}://")
        raise InputError(f"blob store {text}: {protocol}:// storage needs {needs}") from exc
    except (ValueError, TypeError) as exc:
        raise InputError(f"blob store {text}: {_reason(exc)}") from exc
    if not root.strip("/"):
        raise InputError(f"blob store {text}: name a bucket (and a prefix), e.g. {protocol}://bucket/blobs")
    store = RemoteBlobs(text, filesystem, root)
    if check:
        try:
            store.check(_impatient(text, protocol))
        except OSError as exc:
            raise InputError(str(exc)) from exc
    return store


def _impatient(location: str, protocol: str) -> Any:
    """A client of the store at ``location`` that tries once (S3: botocore and s3fs would retry a
    dead endpoint for ~13 s before saying so), or None to ask with the store's own."""
    if protocol not in ("s3", "s3a"):
        return None
    import fsspec.core

    config = {"connect_timeout": 5, "read_timeout": 10, "retries": {"max_attempts": 1}}
    filesystem, _ = fsspec.core.url_to_fs(location, skip_instance_cache=True, config_kwargs=config)
    filesystem.retries = 1
    return filesystem


def default_blob_dir() -> Path:
    """Where blobs go unless configured: ``blobs/`` beside the default database."""
    return Path(platformdirs.user_data_dir("clonewatch", appauthor=False)) / "blobs"


def _name(sha: str) -> str:
    if not _SHA256.fullmatch(sha):
        raise ValueError(f"not a SHA-256 hex digest: {sha!r}")
    return f"{sha[:2]}/{sha}"


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]
