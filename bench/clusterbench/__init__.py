"""bench/cluster: `clonewatch cluster` on a generated world of probe evidence with planted operations."""
