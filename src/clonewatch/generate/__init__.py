"""Brand -> every look-alike a campaign could register, ranked (dnstwist's fuzzers and more)."""

from clonewatch.generate.fuzzers import Fuzzer, Seed, default_fuzzers, fuzzers_named
from clonewatch.generate.ranked import DEFAULT_LIMIT, Candidate, generate

__all__ = ["DEFAULT_LIMIT", "Candidate", "Fuzzer", "Seed", "default_fuzzers", "fuzzers_named", "generate"]
