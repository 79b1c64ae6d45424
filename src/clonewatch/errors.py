"""Errors raised by clonewatch's library code.

ClonewatchError
├── InputError            bad input the user can fix (exit code 2 at the CLI)
│   ├── FeedError         a feed file is missing, unreadable or not a file
│   └── WatchlistError    a brands/watchlist file is missing or malformed
└── DataError             a bundled data file is missing or corrupt
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
