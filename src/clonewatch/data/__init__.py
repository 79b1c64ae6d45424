"""Bundled data files: Public Suffix List, Unicode confusables, sample feed."""

from importlib import resources
from pathlib import Path

PSL_FILE = "public_suffix_list.dat"
CONFUSABLES_FILE = "confusables.txt"
SAMPLE_FEED_FILE = "sample_feed.txt"


def data_path(name: str) -> Path:
    """Filesystem path of a bundled data file."""
    return Path(str(resources.files(__name__).joinpath(name)))


def sample_feed() -> Path:
    """A small bundled feed for the quick start: real look-alikes mixed with ordinary names."""
    return data_path(SAMPLE_FEED_FILE)
