"""The HTTP client of feeds and webhooks: the network layer's rules (address policy, checked
addresses, caps), certificates verified, no redirects followed, and the watch's own errors:
connection failures and over-size bodies raise :class:`FeedUnavailable`, a refused address
:class:`FetchBlocked`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from clonewatch.errors import FeedUnavailable, FetchBlocked, FetchFailed, FetchRefused
from clonewatch.net import HttpClient as NetClient
from clonewatch.net import HttpSettings, parse_web_url

USER_AGENT = "clonewatch-watch/0.1"
METADATA_HINT = "cloud metadata address: never fetched"
PRIVATE_HINT = "private address; --allow-private to permit"
BUDGET = 600.0  # a whole NRD file over a slow link; each read still times out after ``timeout``


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """A response read in full: status, headers (lower-case names) and body."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def retry_after(self) -> float | None:
        """The Retry-After header in seconds (only the delta-seconds form), or None."""
        value = self.headers.get("retry-after", "").strip()
        try:
            return max(0.0, float(value)) if value else None
        except ValueError:
            return None


@dataclass(slots=True)
class HttpClient:
    """GET and POST with the safety rules above. One client is shared by every feed and alert sink."""

    allow_private: bool = False
    timeout: float = 30.0
    max_bytes: int = 256 * 1024 * 1024
    _client: NetClient = field(init=False)

    def __post_init__(self) -> None:
        settings = HttpSettings(
            allow_private=self.allow_private,
            timeout=self.timeout,
            budget=BUDGET,
            max_body=self.max_bytes,
            verify=True,
            decompress=False,
        )
        self._client = NetClient(settings)

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> HttpResponse:
        return self.request("GET", url, None, headers)

    def post_json(self, url: str, body: bytes, headers: Mapping[str, str] | None = None) -> HttpResponse:
        return self.request("POST", url, body, {"Content-Type": "application/json", **(headers or {})})

    def request(
        self, method: str, url: str, body: bytes | None, headers: Mapping[str, str] | None = None
    ) -> HttpResponse:
        """One request; FeedUnavailable when the server cannot be reached or the body is too big,
        FetchBlocked when the address is not allowed."""
        sent = {"User-Agent": USER_AGENT, **(headers or {})}
        try:
            parse_web_url(url)
        except FetchRefused:
            raise FeedUnavailable(f"{url}: not an http(s) URL") from None
        try:
            response = self._client.request(method, url, headers=sent, body=body)
        except FetchRefused as exc:
            why = METADATA_HINT if exc.metadata else PRIVATE_HINT
            reason = f"{url}: refused, {exc} ({why})"
            raise FetchBlocked(reason, metadata=exc.metadata) from None
        except FetchFailed as exc:
            raise FeedUnavailable(f"{url}: {exc}") from None
        if response.cut == "body":
            raise FeedUnavailable(f"{url}: response larger than {self.max_bytes} bytes")
        if response.cut is not None:
            raise FeedUnavailable(f"{url}: response cut short ({response.cut})")
        return HttpResponse(response.status, dict(response.headers), response.body)
