"""Errors raised by clonewatch's library code.

ClonewatchError
├── InputError            bad input the user can fix (exit code 2 at the CLI)
│   ├── FeedError         a feed file is missing, unreadable or not a file
│   └── WatchlistError    a brands/watchlist file is missing or malformed
├── DataError             a bundled data file is missing or corrupt
└── BrowserError          headless Chromium cannot be started, or was used when not running
"""


class ClonewatchError(Exception):
    """Base of every error clonewatch raises on purpose."""


class InputError(ClonewatchError):
    """Input the user gave us cannot be used; the message says what and where."""


class FeedError(InputError):
    """A feed (file or standard input) cannot be read."""


class WatchlistError(InputError):
    """A watchlist or --brands file is missing or has a bad line."""


class DataError(ClonewatchError):
    """A bundled data file is missing or cannot be parsed."""


class BrowserError(ClonewatchError):
    """Headless Chromium cannot be started, or a capture was asked of a browser that is not running."""
