"""clonewatch vs openSquat matcher benchmark (see bench/README.md)."""
