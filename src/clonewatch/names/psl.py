"""Split host names at the public suffix with a bundled Public Suffix List snapshot."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import NamedTuple

import idna

from clonewatch.data import PSL_FILE, data_path
from clonewatch.errors import DataError


class SuffixSplit(NamedTuple):
    """A host name cut into subdomain, registrable label and public suffix (all ASCII)."""

    subdomain: str
    label: str
    suffix: str

    @property
    def registrable(self) -> str:
        return f"{self.label}.{self.suffix}"


class PublicSuffixList:
    """Longest-match lookup over the ICANN and private sections of the PSL."""

    def __init__(
        self,
        rules: set[str],
        wildcards: set[str],
        exceptions: set[str],
        private: frozenset[str] = frozenset(),
    ) -> None:
        self._rules = rules
        self._private = private
        self._wildcards = wildcards
        self._exceptions = exceptions
        # Suffixes under which some rule goes deeper: the lookup walks left only while in here.
        self._parents = {
            rule.split(".", i)[-1]
            for rule in rules | wildcards | exceptions
            for i in range(1, rule.count(".") + 1)
        } | wildcards
        self.suffix_of: Callable[[str], str] = self._make_suffix_of()
        """The public suffix of an ASCII, lower-case host (the TLD when no rule matches)."""

    @classmethod
    def from_file(cls, path: Path) -> PublicSuffixList:
        rules: set[str] = set()
        wildcards: set[str] = set()
        exceptions: set[str] = set()
        private: set[str] = set()
        in_private = False
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise DataError(f"cannot read Public Suffix List {path}: {exc.strerror}") from exc
        for raw in text.splitlines():
            line = raw.strip()
            if line.startswith("// ===BEGIN PRIVATE"):
                in_private = True
            elif line.startswith("// ===END PRIVATE"):
                in_private = False
            if not line or line.startswith("//"):
                continue
            rule = line.split()[0].lower()
            try:
                ascii_rule = (
                    rule if rule.isascii() else ".".join(_ascii_label(part) for part in rule.split("."))
                )
            except idna.IDNAError:
                continue
            if ascii_rule.startswith("!"):
                exceptions.add(ascii_rule[1:])
            elif ascii_rule.startswith("*."):
                wildcards.add(ascii_rule[2:])
            else:
                rules.add(ascii_rule)
                if in_private:
                    private.add(ascii_rule)
        if not rules:
            raise DataError(f"Public Suffix List {path} holds no rules")
        return cls(rules, wildcards, exceptions, frozenset(private))

    def __len__(self) -> int:
        return len(self._rules) + len(self._wildcards) + len(self._exceptions)

    def _make_suffix_of(self) -> Callable[[str], str]:
        """The lookup as a closure over the rule sets: it runs once per feed line."""
        rules, wildcards, exceptions, parents = self._rules, self._wildcards, self._exceptions, self._parents

        def suffix_of(host: str) -> str:
            dot = host.rfind(".")
            best = dot + 1
            parent = host[best:]
            while dot >= 0 and parent in parents:
                dot = host.rfind(".", 0, dot)
                candidate = host[dot + 1 :]
                if candidate in exceptions:
                    return parent
                if candidate in rules or parent in wildcards:
                    best = dot + 1
                parent = candidate
            return host[best:]

        return suffix_of

    def suffixes(self) -> list[str]:
        """Every plain rule (no wildcards or exceptions), sorted: the suffixes one can register under."""
        return sorted(self._rules)

    def is_private(self, suffix: str) -> bool:
        """A suffix from the PSL's private section: a company's namespace (``eu.com``, ``github.io``),
        not a registry's."""
        return suffix in self._private

    def is_suffix(self, host: str) -> bool:
        return self.suffix_of(host) == host

    def split(self, host: str) -> SuffixSplit | None:
        """Cut a host into subdomain/label/suffix; a host that is itself a public suffix keeps its
        first label as the registrable label (``gouv.fr`` -> ``gouv`` + ``fr``). None for one label."""
        suffix = self.suffix_of(host)
        if suffix == host:
            head, sep, rest = host.partition(".")
            if not sep:
                return None
            return SuffixSplit("", head, rest)
        front = host[: -len(suffix) - 1]
        sub, _, label = front.rpartition(".")
        return SuffixSplit(sub, label, suffix)


def _ascii_label(part: str) -> str:
    return part if part.isascii() else idna.encode(part, uts46=True).decode()


@cache
def default_psl() -> PublicSuffixList:
    """The bundled snapshot, loaded once per process."""
    return PublicSuffixList.from_file(data_path(PSL_FILE))
