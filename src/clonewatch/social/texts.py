"""Near-identical texts (co-post): posts whose words, links and mentions aside, are nearly the same."""

from __future__ import annotations

import re
from hashlib import blake2b
from typing import Any

_NOISE = re.compile(r"https?://\S+|@\w+|#|[^\w\s]", re.UNICODE)
MIN_WORDS = 6
SHINGLE = 3


def normalise_text(text: str) -> list[str]:
    """Lower-case words without links, mentions and punctuation."""
    return _NOISE.sub(" ", text.lower()).split()


class NearDuplicates:
    """Gives near-identical texts one key: MinHash signatures of word shingles, found through LSH
    (Jaccard similarity about ``threshold`` or more). Texts too short to judge get no key."""

    def __init__(self, *, threshold: float = 0.7, num_perm: int = 64) -> None:
        from datasketch import MinHash, MinHashLSH  # numpy and scipy load only for co-post

        self._minhash: Any = MinHash
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._num_perm = num_perm
        self._exact: dict[str, str] = {}
        self._count = 0

    def key(self, text: str) -> str | None:
        words = normalise_text(text)
        if len(words) < MIN_WORDS:
            return None
        flat = " ".join(words)
        known = self._exact.get(flat)
        if known is not None:
            return known
        signature = self._minhash(num_perm=self._num_perm)
        for i in range(len(words) - SHINGLE + 1):
            signature.update(" ".join(words[i : i + SHINGLE]).encode("utf-8"))
        similar = self._lsh.query(signature)
        if similar:
            key = str(min(similar))
        else:
            self._count += 1
            key = f"text-{self._count:08d}-{blake2b(flat.encode(), digest_size=4).hexdigest()}"
            self._lsh.insert(key, signature)
        self._exact[flat] = key
        return key
