"""Built brand indexes kept on disk: building the bundled watchlist's index costs seconds at every
start of ``match``, ``social`` and ``watch``; loading it back costs a tenth of that.

An index is stored under a key made of everything it is built from: the brands themselves, the
clonewatch version and the size and modification time of every module and data file of the stages
that build it (``match``, ``names``, ``brands``, ``data``), so an edited rule or a refreshed word
table is never served from an old build. The directory is ``$CLONEWATCH_CACHE_DIR``, else
``$XDG_CACHE_HOME/clonewatch``, else ``~/.cache/clonewatch``; one that cannot be read or written
only costs the build, and an index that builds in a blink (a few brands) is not stored. The files
are the user's own: like any cache of pickled objects, a directory that others can write to must
not be used.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import clonewatch
from clonewatch.brands import Brand
from clonewatch.match.index import BrandIndex

log = logging.getLogger(__name__)

# The packages whose code or data decide what an index holds.
_SOURCES = ("match", "names", "brands", "data")
# Older builds (other brand lists, other versions) kept beside the ones used last.
KEEP = 8
# An index that costs less processor time than this to build (a handful of brands) is not worth a
# file. Processor time, not wall time: a busy machine must not make a tiny build look costly.
MIN_BUILD_SECONDS = 0.2


def default_cache_dir() -> Path:
    """Where built indexes go, read from the environment when asked (never at import)."""
    if explicit := os.environ.get("CLONEWATCH_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "clonewatch"


def index_key(brands: Sequence[Brand]) -> str:
    """A digest of everything the index of ``brands`` is built from."""
    digest = hashlib.sha256()
    digest.update(f"{clonewatch.__version__} {sys.version_info[:2]}".encode())
    digest.update(pickle.dumps(list(brands), protocol=pickle.HIGHEST_PROTOCOL))
    root = Path(clonewatch.__file__).parent
    for package in _SOURCES:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and path.suffix != ".pyc":
                stat = path.stat()
                digest.update(f"{path.relative_to(root)} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:32]


def cached_index(brands: Sequence[Brand], *, cache_dir: Path | None = None) -> BrandIndex:
    """The index of ``brands``, loaded from the cache when built before, else built and stored."""
    folder = cache_dir if cache_dir is not None else default_cache_dir()
    path = folder / f"index-{index_key(brands)}.pickle"
    try:
        with path.open("rb") as file:
            index = pickle.load(file)
        if isinstance(index, BrandIndex):
            _touch(path)
            return index
        log.warning("%s holds no brand index; building it again", path)
    except FileNotFoundError:
        pass
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError) as exc:
        log.warning("cannot read the cached brand index %s (%s); building it again", path, exc)
    started = time.thread_time()
    index = BrandIndex(brands)
    if time.thread_time() - started >= MIN_BUILD_SECONDS:
        _store(index, path)
    return index


def _touch(path: Path) -> None:
    """Mark a build as used now, so that pruning keeps the builds in use."""
    try:
        os.utime(path)
    except OSError as exc:
        log.info("could not mark %s as used: %s", path, exc)


def _store(index: BrandIndex, path: Path) -> None:
    """Write ``index`` to ``path`` atomically (readers see the whole file or none), then prune."""
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".index-", delete=False) as file:
            temporary = Path(file.name)
            pickle.dump(index, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except (OSError, pickle.PicklingError) as exc:
        log.info("brand index not cached in %s: %s", path.parent, exc)
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        return
    _prune(path.parent)


def _prune(folder: Path) -> None:
    """Drop all but the ``KEEP`` most recently used builds."""
    try:
        builds = sorted(folder.glob("index-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in builds[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError as exc:
        log.info("could not prune %s: %s", folder, exc)
