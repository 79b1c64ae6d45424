"""bench/social: clonewatch's co-link coordination finder against the Coordination Network Toolkit."""
