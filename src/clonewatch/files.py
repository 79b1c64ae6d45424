"""Writing a file so that readers see all of it or none of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a partial file of its own beside it, renamed into place once
    it is on disk: a reader sees the whole file or none, and writers of one path at once never share
    a partial file (two visits may save the same screenshot at the same moment)."""
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:24]}-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
