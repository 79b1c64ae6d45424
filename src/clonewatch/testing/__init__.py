"""Real local servers for tests and benchmarks (never used by the tool itself)."""
