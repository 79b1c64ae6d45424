"""Follow a certificate-transparency log over the RFC 6962 HTTP API as it grows.

Each poll reads ``get-sth`` and then ``get-entries`` from the cursor (the next index) up to the tree
size, ``per_request`` entries at a time, accepting fewer than asked (logs cap their responses).
429 and 5xx answers are retried with exponential backoff, honouring Retry-After up to the cap.
An entry that cannot be read is logged with its index and skipped, and counted in the cursor (with
the latest indexes) and in its batch; a certificate with parts that cannot be read gives the names
in the rest (:mod:`clonewatch.watch.certnames`), and the parts it lost are logged.
A log whose tree shrinks below the cursor is reported loudly on every poll and never rewound to.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from clonewatch.errors import FeedUnavailable
from clonewatch.watch.checks import http_url, positive_int, start_index
from clonewatch.watch.ct import MalformedEntry, read_entry
from clonewatch.watch.feeds import Batch, FeedContext, FeedKind, checked

log = logging.getLogger(__name__)
KEEP_MALFORMED = 20
PER_REQUEST = 256
START = 0


@dataclass(frozen=True, slots=True)
class CtOptions:
    """``[[feeds.ct]]``: the log's URL, entries asked per ``get-entries``, where a new log starts."""

    url: str = field(metadata=checked(http_url))
    entries_per_request: int = field(default=PER_REQUEST, metadata=checked(positive_int))
    start: int | str = field(default=START, metadata=checked(start_index))


class CtLogFeed:
    """One RFC 6962 log at ``url`` (the prefix before ``ct/v1/``, e.g. ``https://ct.example/log/``).

    ``start`` is where a log never read begins: an index, or ``"end"`` for its current size.
    """

    kind = "ct"

    def __init__(
        self, url: str, context: FeedContext, *, per_request: int = PER_REQUEST, start: int | str = START
    ) -> None:
        self.url = url if url.endswith("/") else f"{url}/"
        self.context = context
        self.per_request = per_request
        self.start = start

    @property
    def name(self) -> str:
        return f"ct:{self.url}"

    def batches(self, cursor: Any, size: int) -> Iterator[Batch]:
        state = dict(cursor) if isinstance(cursor, dict) else {}
        tree_size = self.tree_size()
        fresh = "next" not in state
        if fresh:
            state.update(next=tree_size if self.start == "end" else int(self.start), malformed=0, recent=[])
        index = int(state["next"])
        if fresh and index >= tree_size:
            yield Batch([], dict(state), self.url)  # remember where a log read from its end starts
        if tree_size < index:
            log.error(
                "%s: the log SHRANK: tree_size %d is below the %d entries already read; "
                "not rewinding, waiting for it to grow past them",
                self.url,
                tree_size,
                index,
            )
            if state.get("shrunk_to") != tree_size:
                state["shrunk_to"] = tree_size
                yield Batch([], dict(state), self.url)
            return
        state.pop("shrunk_to", None)
        while index < tree_size:
            names: list[str] = []
            skipped = 0
            end = min(tree_size, index + size)
            while index < end:
                entries = self.entries(index, min(end, index + self.per_request) - 1)
                for offset, entry in enumerate(entries):
                    read = self._read(state, index + offset, entry)
                    if read is None:
                        skipped += 1
                    else:
                        names.extend(read)
                index += len(entries)
            state["next"] = index
            yield Batch(names, dict(state), f"{self.url}#{index}", skipped)

    def _read(self, state: dict[str, Any], index: int, entry: dict[str, Any]) -> list[str] | None:
        """The names of entry ``index``, or None when it cannot be read (logged and counted)."""
        try:
            read = read_entry(entry)
        except MalformedEntry as exc:
            self._malformed(state, index, str(exc))
            return None
        except Exception:  # a reader bug must cost one entry, not stop the log at it on every restart
            log.exception("%s: entry %d broke the certificate reader", self.url, index)
            self._malformed(state, index, "the certificate reader failed (see the traceback above)")
            return None
        if read.damage:
            log.warning(
                "%s: entry %d: read %d name(s); skipped what could not be read: %s",
                self.url,
                index,
                len(read.names),
                "; ".join(read.damage),
            )
        return read.names

    def _malformed(self, state: dict[str, Any], index: int, error: str) -> None:
        log.warning("%s: skipping malformed entry %d: %s", self.url, index, error)
        state["malformed"] = int(state.get("malformed", 0)) + 1
        state["recent"] = [*list(state.get("recent", []))[-(KEEP_MALFORMED - 1) :], index]

    def tree_size(self) -> int:
        sth = self._get_json("ct/v1/get-sth")
        size = sth.get("tree_size")
        if not isinstance(size, int) or size < 0:
            raise FeedUnavailable(f"{self.url}: get-sth has no valid tree_size")
        return size

    def entries(self, start: int, end: int) -> list[dict[str, Any]]:
        """Entries ``start``..``end`` (inclusive), or fewer if the log sends fewer; never none."""
        answer = self._get_json(f"ct/v1/get-entries?start={start}&end={end}")
        entries = answer.get("entries")
        if not isinstance(entries, list) or not entries:
            raise FeedUnavailable(f"{self.url}: get-entries {start}-{end} returned no entries")
        return [entry if isinstance(entry, dict) else {} for entry in entries[: end - start + 1]]

    def _get_json(self, path: str) -> dict[str, Any]:
        url = self.url + path
        context = self.context
        for attempt in range(context.retries + 1):
            response = context.client.get(url)
            if response.status == 200:
                try:
                    data = json.loads(response.body)
                except ValueError:
                    raise FeedUnavailable(f"{url}: the answer is not JSON") from None
                if not isinstance(data, dict):
                    raise FeedUnavailable(f"{url}: the answer is not a JSON object")
                return data
            if response.status != 429 and response.status < 500:
                raise FeedUnavailable(f"{url}: HTTP {response.status}")
            if attempt == context.retries:
                break
            wait = response.retry_after()
            delay = min(wait if wait is not None else context.backoff * 2**attempt, context.max_retry_after)
            log.info("%s: HTTP %d, retrying in %.1fs", url, response.status, delay)
            if context.stop.wait(delay):
                raise FeedUnavailable(f"{url}: stopping during backoff")
        raise FeedUnavailable(f"{url}: HTTP {response.status} after {context.retries + 1} attempts")


CT = FeedKind(
    "ct",
    CtOptions,
    lambda options, context: CtLogFeed(
        options.url, context, per_request=options.entries_per_request, start=options.start
    ),
    flag="--ct",
    help="A certificate-transparency log (RFC 6962), e.g. https://ct.example/log/.",
)
