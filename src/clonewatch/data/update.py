"""Refresh the bundled Public Suffix List and Unicode confusables from their publishers."""

from __future__ import annotations

import os
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from clonewatch.data import CONFUSABLES_FILE, PSL_FILE, data_path
from clonewatch.errors import ClonewatchError, DataError

PSL_URL = "https://publicsuffix.org/list/public_suffix_list.dat"
CONFUSABLES_URL = "https://www.unicode.org/Public/security/latest/confusables.txt"
MAX_BYTES = 32 * 1024 * 1024
TIMEOUT = 60.0


class UpdateError(ClonewatchError):
    """A data file could not be downloaded, or what came back is not a valid file."""


@dataclass(frozen=True, slots=True)
class Updated:
    name: str
    path: Path
    size: int
    entries: int


def update_data(
    *, psl_url: str = PSL_URL, confusables_url: str = CONFUSABLES_URL, data_dir: Path | None = None
) -> list[Updated]:
    """Download both files, check that each parses, then replace the bundled copies atomically."""
    from clonewatch.names.confusables import Confusables
    from clonewatch.names.psl import PublicSuffixList

    target_dir = data_dir or data_path(PSL_FILE).parent
    results: list[Updated] = []
    for name, url in ((PSL_FILE, psl_url), (CONFUSABLES_FILE, confusables_url)):
        body = _download(url)
        with tempfile.NamedTemporaryFile(dir=target_dir, prefix=f".{name}.", delete=False) as tmp:
            tmp.write(body)
        tmp_path = Path(tmp.name)
        try:
            if name == PSL_FILE:
                psl = PublicSuffixList.from_file(tmp_path)
                entries = len(psl)
            else:
                entries = len(Confusables.from_file(tmp_path))
            os.replace(tmp_path, target_dir / name)
        except DataError as exc:
            raise UpdateError(f"{url}: not a valid {name}: {exc}") from exc
        finally:
            tmp_path.unlink(missing_ok=True)
        results.append(Updated(name, target_dir / name, len(body), entries))
    return results


def _download(url: str) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise UpdateError(f"{url}: only http(s) URLs are supported")
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            body: bytes = response.read(MAX_BYTES + 1)
    except OSError as exc:
        raise UpdateError(f"{url}: download failed ({exc})") from exc
    if len(body) > MAX_BYTES:
        raise UpdateError(f"{url}: larger than {MAX_BYTES} bytes")
    return body
