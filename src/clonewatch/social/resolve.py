"""Where a shared link lands: followed through shorteners and redirect hops by the network layer
(every hop's address checked, at most 10 hops, 5 s each), once per URL."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from clonewatch.net import Chain, HttpClient, HttpSettings, follow

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) clonewatch"
MAX_REDIRECTS = 10
TIMEOUT = 5.0
MAX_BYTES = 64 * 1024  # only the status and Location matter; the body is read this far at most


@dataclass(slots=True)
class LinkResolver:
    """Follows links with the rules of ``settings``; each URL's chain is kept for the run."""

    settings: HttpSettings = field(default_factory=HttpSettings)
    _client: HttpClient = field(init=False)
    _cache: dict[str, Chain] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rules = replace(
            self.settings,
            timeout=TIMEOUT,
            max_redirects=MAX_REDIRECTS,
            max_body=MAX_BYTES,
            max_decompressed=MAX_BYTES,
            decompress=False,
        )
        self._client = HttpClient(rules)

    def resolve(self, url: str) -> Chain:
        cached = self._cache.get(url)
        if cached is None:
            deadline = time.monotonic() + TIMEOUT * (MAX_REDIRECTS + 1)
            headers = {"User-Agent": USER_AGENT}
            cached = self._cache[url] = follow(self._client, url, headers=headers, deadline=deadline)
        return cached
