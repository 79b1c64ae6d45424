"""Refresh the bundled Public Suffix List, Unicode confusables and IANA RDAP bootstrap file, and
rebuild the word-frequency table from the installed ``wordfreq`` package."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from clonewatch.data import CONFUSABLES_FILE, PSL_FILE, data_path
from clonewatch.errors import ClonewatchError, DataError

PSL_URL = "https://publicsuffix.org/list/public_suffix_list.dat"
CONFUSABLES_URL = "https://www.unicode.org/Public/security/latest/confusables.txt"
RDAP_BOOTSTRAP_URL = "https://data.iana.org/rdap/dns.json"
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
    *,
    psl_url: str = PSL_URL,
    confusables_url: str = CONFUSABLES_URL,
    rdap_url: str = RDAP_BOOTSTRAP_URL,
    data_dir: Path | None = None,
    allow_private: bool = False,
) -> list[Updated]:
    """Download each file, check that it parses, then replace the bundled copy atomically.
    With ``data_dir`` every file goes there; by default each goes beside its package.
    Raises :class:`UpdateError` for a failed download, an invalid file or one that cannot be written."""
    from clonewatch.probe.rdap import BOOTSTRAP_FILE, bundled_bootstrap

    files: list[tuple[str, str, Path, Callable[[Path], int]]] = [
        (PSL_FILE, psl_url, data_path(PSL_FILE).parent, _count_suffixes),
        (CONFUSABLES_FILE, confusables_url, data_path(CONFUSABLES_FILE).parent, _count_confusables),
        (BOOTSTRAP_FILE, rdap_url, bundled_bootstrap().parent, _count_rdap_suffixes),
    ]
    try:
        return _update(files, data_dir, allow_private=allow_private)
    except OSError as exc:
        raise UpdateError(str(exc)) from exc


def _update(
    files: list[tuple[str, str, Path, Callable[[Path], int]]], data_dir: Path | None, *, allow_private: bool
) -> list[Updated]:
    results: list[Updated] = []
    for name, url, default_dir, count in files:
        target_dir = data_dir or default_dir
        body = _download(url, allow_private=allow_private)
        with tempfile.NamedTemporaryFile(dir=target_dir, prefix=f".{name}.", delete=False) as tmp:
            tmp.write(body)
        tmp_path = Path(tmp.name)
        try:
            entries = count(tmp_path)
            os.replace(tmp_path, target_dir / name)
        except DataError as exc:
            raise UpdateError(f"{url}: not a valid {name}: {exc}") from exc
        finally:
            tmp_path.unlink(missing_ok=True)
        results.append(Updated(name, target_dir / name, len(body), entries))
    return results


def _count_suffixes(path: Path) -> int:
    from clonewatch.names.psl import PublicSuffixList

    return len(PublicSuffixList.from_file(path))


def _count_rdap_suffixes(path: Path) -> int:
    from clonewatch.probe.rdap import Bootstrap

    return len(Bootstrap.load(path))


def _count_confusables(path: Path) -> int:
    from clonewatch.names.confusables import Confusables

    return len(Confusables.from_file(path))


def _download(url: str, *, allow_private: bool) -> bytes:
    """The body at ``url``, fetched by the network layer's rules (public addresses only unless
    ``allow_private``, certificates verified, redirects followed and re-checked)."""
    from clonewatch.net import HttpClient, HttpSettings, follow

    if not url.startswith(("https://", "http://")):
        raise UpdateError(f"{url}: only http(s) URLs are supported")
    settings = HttpSettings(
        allow_private=allow_private,
        timeout=TIMEOUT,
        budget=TIMEOUT * 4,
        max_body=MAX_BYTES,
        max_decompressed=MAX_BYTES,
        verify=True,
    )
    chain = follow(HttpClient(settings), url, headers={"User-Agent": "clonewatch-update-data/0.1"})
    response = chain.final
    if response is None:
        raise UpdateError(f"{url}: download failed ({chain.error})")
    if response.status != 200:
        raise UpdateError(f"{url}: download failed (HTTP {response.status})")
    if response.cut in ("body", "decompressed"):
        raise UpdateError(f"{url}: larger than {MAX_BYTES} bytes")
    if response.cut is not None:
        raise UpdateError(f"{url}: download failed (timed out)")
    return response.body


def update_word_frequency(*, data_dir: Path | None = None) -> Updated:
    """Rebuild the word-frequency table from the installed ``wordfreq`` (its data ships inside the
    package: no download), check that it loads, then replace the bundled copy atomically."""
    from clonewatch.names.words import WORD_FREQUENCY_FILE, build_table, read_table, write_table

    target_dir = data_dir or data_path(WORD_FREQUENCY_FILE).parent
    try:
        prefix = f".{WORD_FREQUENCY_FILE}."
        with tempfile.NamedTemporaryFile(dir=target_dir, prefix=prefix, delete=False) as tmp:
            tmp_path = Path(tmp.name)
        try:
            entries = write_table(tmp_path, build_table())
            read_table(tmp_path)
            size = tmp_path.stat().st_size
            os.replace(tmp_path, target_dir / WORD_FREQUENCY_FILE)
        finally:
            tmp_path.unlink(missing_ok=True)
    except OSError as exc:
        raise UpdateError(str(exc)) from exc
    except DataError as exc:
        raise UpdateError(f"{WORD_FREQUENCY_FILE}: {exc}") from exc
    return Updated(WORD_FREQUENCY_FILE, target_dir / WORD_FREQUENCY_FILE, size, entries)
