"""How common a label is as a word: a table measured from a maintained word-frequency list.

The bundled ``word_frequency.tsv.gz`` is built by ``clonewatch update-data`` from the ``wordfreq``
package (Speer et al.: Wikipedia, subtitles, news, books, web text, Twitter, Reddit; CC BY-SA 4.0).
Each line is ``word<TAB>lang=zipf10 ...``: the word written in ASCII as it would be in a domain label
(other scripts through ``anyascii``), and its Zipf frequency x10 in each language where it reaches
``MIN_ZIPF`` (3.0: about once per million words). Zipf 4 is a word seen ten times per million.
Languages written in another script contribute only words of that script: a Latin token in Hebrew or
Russian text is a name quoted there (``ynet``, ``facebook``), not one of the language's words.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType

from clonewatch.data import data_path
from clonewatch.errors import DataError

WORD_FREQUENCY_FILE = "word_frequency.tsv.gz"
MIN_ZIPF = 3.0
# The languages of the watched outlets' audiences and of the neighbours they are imitated for.
LANGUAGES = (
    "en de fr it es pt nl pl uk ru cs sk hu ro bg el he lt lv fi sv da nb tr ca sl mk".split()
)
_LABEL = re.compile(r"[a-z0-9]+")
# Languages written in other scripts: their words reach the table spelled in Latin by anyascii.
NON_LATIN = frozenset({"uk", "ru", "bg", "el", "he", "mk"})
# Articles a reader puts before a title, by language (``Die Zeit``, ``Le Figaro``, ``The Times``).
ARTICLES_BY_LANGUAGE = {
    "en": ("the",),
    "de": ("der", "die", "das"),
    "fr": ("le", "la", "les"),
    "it": ("il", "lo", "la"),
    "es": ("el", "la"),
    "nl": ("de", "het"),
}
ARTICLES = tuple(dict.fromkeys(word for words in ARTICLES_BY_LANGUAGE.values() for word in words))


class WordTable:
    """A sorted table held as bytes and searched by bisection: loading costs one decompression."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def entry(self, word: str) -> dict[str, float]:
        """Zipf frequency by language of ``word``; empty when it is rarer than MIN_ZIPF everywhere."""
        data, key = self._data, word.encode("ascii", "replace")
        lo, hi = 0, len(data)
        while lo < hi:
            start = data.rfind(b"\n", 0, (lo + hi) // 2) + 1
            tab = data.find(b"\t", start)
            end = data.find(b"\n", start)
            end = len(data) if end < 0 else end
            found = data[start:tab]
            if found == key:
                return _parse(data[tab + 1 : end].decode("ascii"))
            if found < key:
                lo = end + 1
            else:
                hi = start
        return {}


def _parse(rest: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in rest.split():
        lang, _, value = part.partition("=")
        out[lang] = int(value) / 10
    return out


@lru_cache(maxsize=1 << 16)
def _entry(word: str) -> Mapping[str, float]:
    """The bundled table's entry for ``word``, remembered: generate asks about the same pieces of
    a label for thousands of its variants, and each bisection of the table costs some 20 µs."""
    return MappingProxyType(word_table().entry(word))


@cache
def word_table() -> WordTable:
    """The bundled table, loaded once per process."""
    return read_table(data_path(WORD_FREQUENCY_FILE))


def read_table(path: Path) -> WordTable:
    """Load a word-frequency table; DataError when it is not one."""
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as exc:
        raise DataError(f"{path}: not a gzip word-frequency table ({exc})") from exc
    first = data.split(b"\n", 1)[0]
    if b"\t" not in first or b"=" not in first:
        raise DataError(f"{path}: expected word<TAB>lang=zipf lines")
    return WordTable(data)


def zipf(word: str, languages: Iterable[str | None] = ("en",)) -> float:
    """The highest Zipf frequency of ``word`` (a label, hyphens ignored) in ``languages``; 0 when rare."""
    entry = _entry(word.replace("-", ""))
    if not entry:
        return 0.0
    return max((entry.get(lang or "", 0.0) for lang in languages), default=0.0)


def build_table(languages: Iterable[str] = LANGUAGES, *, min_zipf: float = MIN_ZIPF) -> Iterator[str]:
    """Lines of a fresh table from the installed ``wordfreq`` (``pip install wordfreq``)."""
    try:
        import wordfreq
        from anyascii import anyascii
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise DataError("the word-frequency table is built with wordfreq: pip install wordfreq") from exc
    merged: dict[str, dict[str, float]] = {}
    for lang in languages:
        # The list's bucket i holds the words of frequency -i centibels, commonest first: stop at
        # the first bucket below the cut (the whole dictionary would cost twice the time).
        for index, bucket in enumerate(wordfreq.get_frequency_list(lang, wordlist="best")):
            value = round(wordfreq.freq_to_zipf(wordfreq.cB_to_freq(-index)), 1) if bucket else 0.0
            if bucket and value < min_zipf:
                break
            for word in bucket:
                if lang in NON_LATIN and word.isascii():
                    continue  # a Latin token in Hebrew or Russian text is a name quoted in it (ynet)
                label = anyascii(word).lower()
                if not _LABEL.fullmatch(label) or len(label) < 2:
                    continue
                entry = merged.setdefault(label, {})
                entry[lang] = max(entry.get(lang, 0.0), value)
    for label in sorted(merged):
        parts = " ".join(f"{lang}={round(z * 10)}" for lang, z in sorted(merged[label].items()))
        yield f"{label}\t{parts}\n"


def write_table(path: Path, lines: Iterable[str]) -> int:
    """Write ``lines`` gzip-compressed (deterministically: no timestamp); returns the line count."""
    count = 0
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
        for line in lines:
            fh.write(line.encode("utf-8"))
            count += 1
    return count
