"""bench/leases: probe leases on PostgreSQL (see bench/README.md)."""
