"""Errors raised by clonewatch's library code.

ClonewatchError
├── InputError            bad input the user can fix (exit code 2 at the CLI)
│   ├── FeedError         a feed file is missing, unreadable or not a file
│   ├── WatchlistError    a brands/watchlist file is missing or malformed
│   ├── BadDatabaseUrl    a --db / CLONEWATCH_DB value that names no usable database
│   ├── SchemaMismatch    the database's schema revision is not the one this clonewatch needs
│   ├── UnknownDomain     a domain the store has never seen
│   ├── UnknownCampaign   a campaign id the store does not hold
│   ├── ConfigError       a watch configuration value is missing or wrong (names the key)
│   └── SchedulerUnreachable  no Dask scheduler answers at a --scheduler address (or it is malformed)
├── DataError             a bundled data file is missing or corrupt
├── StoreUnavailable      the database cannot be reached or opened (exit code 1)
├── NoRecord              the store holds nothing about what was asked (exit code 1)
├── BrowserError          headless Chromium cannot be started, or was used when not running
├── FetchRefused          a URL or address we must not reach (private, metadata, malformed, not http(s))
├── FetchFailed           a request did not complete (refused connection, timeout, TLS, broken answer)
├── PushFailed            a MISP instance answered an export push with an error (or without an event)
└── FeedUnavailable       a watched feed is down for now (refused, 5xx, truncated); retried later
    └── FetchBlocked      a feed or webhook address was refused (also a FetchRefused)
"""


class ClonewatchError(Exception):
    """Base of every error clonewatch raises on purpose."""


class InputError(ClonewatchError):
    """Input the user gave us cannot be used; the message says what and where."""


class FeedError(InputError):
    """A feed (file or standard input) cannot be read."""


class WatchlistError(InputError):
    """A watchlist or --brands file is missing or has a bad line."""


class BadDatabaseUrl(InputError):
    """A database URL that SQLAlchemy cannot use (unknown dialect, missing driver, malformed)."""


class SchemaMismatch(InputError):
    """The database's schema is older or newer than this clonewatch's; the message says what to do."""


class UnknownDomain(InputError):
    """A domain was asked about that the store has never recorded."""


class UnknownCampaign(InputError):
    """A campaign id was asked about that the store does not hold (a mistyped id: exit 2)."""


class ConfigError(InputError):
    """A watch configuration value is missing or wrong; the message starts with the key."""


class SchedulerUnreachable(InputError):
    """A ``--scheduler`` address (or ``[dask] scheduler``) where no Dask scheduler answers in time,
    or that is not an address at all: the user fixes the address or starts the scheduler (exit 2)."""


class StoreUnavailable(ClonewatchError):
    """The database server refused the connection or the file cannot be opened."""


class NoRecord(ClonewatchError):
    """The store holds nothing about what was asked (a domain's history); not bad input, so the CLI
    exits with 1, where :class:`UnknownDomain` (exit 2) refuses a write about a domain never seen."""


class DataError(ClonewatchError):
    """A bundled data file is missing or cannot be parsed."""


class BrowserError(ClonewatchError):
    """Headless Chromium cannot be started, or a capture was asked of a browser that is not running."""


class FetchRefused(ClonewatchError):
    """A URL or the address it resolves to may not be reached: private, loopback, link-local or
    metadata (unless allowed), malformed, or not http(s). The one refusal type of ``clonewatch.net``;
    ``metadata`` says the address is a cloud metadata service (refused even when private ones are allowed)."""

    def __init__(self, message: str, *, metadata: bool = False) -> None:
        super().__init__(message)
        self.metadata = metadata


class FetchFailed(ClonewatchError):
    """A request did not complete: connection refused, timeout, TLS failure, broken response."""


class PushFailed(ClonewatchError):
    """A MISP instance refused or failed an event pushed to it; the message has its HTTP status."""


class FeedUnavailable(ClonewatchError):
    """A watched feed (or alert target) cannot be read right now; the monitor retries it later."""


class FetchBlocked(FeedUnavailable, FetchRefused):
    """A feed or webhook URL was refused by the network layer (a private address without
    --allow-private, or a metadata address): a :class:`FetchRefused` that the monitor handles like
    a feed that is down."""
