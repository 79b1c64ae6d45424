"""Match any feed of names against the watched brands, explaining each hit."""

from clonewatch.match.feed import FeedStats, SkippedLine, match_feeds, match_lines
from clonewatch.match.index import BrandIndex, Target
from clonewatch.match.matcher import Matcher
from clonewatch.match.records import Match

__all__ = [
    "BrandIndex",
    "FeedStats",
    "Match",
    "Matcher",
    "SkippedLine",
    "Target",
    "match_feeds",
    "match_lines",
]
