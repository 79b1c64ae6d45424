"""Unicode TR39 confusable skeletons from the bundled confusables.txt."""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from clonewatch.data import CONFUSABLES_FILE, data_path
from clonewatch.errors import DataError


class Confusables:
    """The TR39 prototype mapping: one code point -> its look-alike prototype sequence."""

    def __init__(self, mapping: dict[str, str]) -> None:
        self._map = mapping
        self._table = str.maketrans(mapping)

    @classmethod
    def from_file(cls, path: Path) -> Confusables:
        mapping: dict[str, str] = {}
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except OSError as exc:
            raise DataError(f"cannot read confusables {path}: {exc.strerror}") from exc
        for line in lines:
            body = line.split("#", 1)[0].strip()
            if not body:
                continue
            fields = [f.strip() for f in body.split(";")]
            if len(fields) < 2:
                continue
            try:
                source = chr(int(fields[0], 16))
                target = "".join(chr(int(cp, 16)) for cp in fields[1].split())
            except ValueError as exc:
                raise DataError(f"bad line in {path}: {line!r}") from exc
            mapping[source] = target
        if not mapping:
            raise DataError(f"confusables file {path} holds no mappings")
        return cls(mapping)

    def __len__(self) -> int:
        return len(self._map)

    def skeleton(self, text: str) -> str:
        """TR39 skeleton: NFD, map every character to its prototype, NFD again."""
        return unicodedata.normalize("NFD", unicodedata.normalize("NFD", text).translate(self._table))

    def latinize(self, label: str) -> str:
        """The ASCII look-alike a reader sees in a Unicode label: marks dropped, other scripts mapped
        to their Latin prototypes, ASCII kept as it is (``раураl`` -> ``paypal``). Characters with no
        ASCII look-alike are kept, so the result is not always ASCII."""
        out: list[str] = []
        for char in unicodedata.normalize("NFD", label):
            if char.isascii():
                out.append(char)
            elif unicodedata.category(char) == "Mn":
                continue
            else:
                proto = unicodedata.normalize("NFD", self._map.get(char, char))
                out.append("".join(c for c in proto if unicodedata.category(c) != "Mn"))
        return "".join(out).lower()


_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def transliterate(label: str) -> str | None:
    """The spelling a German reader expects for an umlaut label (``süddeutsche`` -> ``sueddeutsche``),
    or None when the label has nothing to transliterate."""
    spelled = label.translate(_GERMAN)
    return spelled if spelled != label else None


@cache
def default_confusables() -> Confusables:
    """The bundled confusables.txt, loaded once per process."""
    return Confusables.from_file(data_path(CONFUSABLES_FILE))
