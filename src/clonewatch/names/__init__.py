"""Domain names: parse feed lines, de-fang, IDNA/UTS-46, Public Suffix split, confusable skeletons."""

from clonewatch.names.confusables import Confusables, default_confusables
from clonewatch.names.parse import (
    DomainName,
    Unparseable,
    defang,
    is_blank,
    parse_feed_line,
    parse_host,
    parse_line,
)
from clonewatch.names.psl import PublicSuffixList, SuffixSplit, default_psl

__all__ = [
    "Confusables",
    "DomainName",
    "PublicSuffixList",
    "SuffixSplit",
    "Unparseable",
    "defang",
    "default_confusables",
    "default_psl",
    "is_blank",
    "parse_feed_line",
    "parse_host",
    "parse_line",
]
