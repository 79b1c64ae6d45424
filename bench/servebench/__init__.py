"""bench/serve: the dashboard's latency over a large store (see bench/README.md)."""
