"""bench/scale: clonewatch on Dask distributed against one process (see bench/README.md)."""
