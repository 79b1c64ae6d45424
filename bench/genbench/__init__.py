"""bench/generate: clonewatch's candidate generator and DNS checker against dnstwist 20250130."""
